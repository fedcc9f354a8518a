"""Self-checks for lesson 10, safe releases: rolling updates, rollback, blue-green, canary.

``q1`` resolves a learner's ``maxSurge``/``maxUnavailable`` with the Deployment
controller's own :func:`~kube_lab.controllers.deployment.fenceposts` after the API server's
validation; ``q2`` runs the learner's kubectl command on a fresh copy of the lesson's broken
release and looks at what the cluster does; ``q3`` and ``q4`` are the arithmetic of blue-green
and canary releases.
"""

from __future__ import annotations

import copy
from typing import Any

from kube_lab.api.defaults import apply_defaults
from kube_lab.api.intstr import scaled_value
from kube_lab.api.validation import validate
from kube_lab.checks.core import Question, Wrong
from kube_lab.controllers.deployment import fenceposts

# -- q1: maxSurge and maxUnavailable -----------------------------------------------------

REPLICAS = 6


def _deployment(*, replicas: int, image: str = "nginx:1.27", **container: Any) -> dict[str, Any]:
    """The lesson's shop: pods that pass a readiness probe 5 s after they start."""
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "shop"},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": {"app": "shop"}},
            "template": {
                "metadata": {"labels": {"app": "shop"}},
                "spec": {
                    "containers": [
                        {
                            "name": "shop",
                            "image": image,
                            "readinessProbe": {
                                "httpGet": {"path": "/", "port": 80},
                                "initialDelaySeconds": 5,
                                "periodSeconds": 5,
                            },
                            "resources": {"requests": {"cpu": "100m", "memory": "64Mi"}},
                            **container,
                        }
                    ]
                },
            },
        },
    }


def _strategy(answer: Any) -> dict[str, Any]:
    if not isinstance(answer, dict):
        raise Wrong('give a dict: {"maxSurge": ..., "maxUnavailable": ...}')
    unknown = set(answer) - {"maxSurge", "maxUnavailable"}
    if unknown:
        raise Wrong(
            f"only maxSurge and maxUnavailable go in rollingUpdate (not {', '.join(unknown)})"
        )
    return dict(answer)


def _check_fenceposts(answer: Any) -> str:
    rolling = _strategy(answer)
    manifest = _deployment(replicas=REPLICAS)
    manifest["spec"]["strategy"] = {"type": "RollingUpdate", "rollingUpdate": rolling}
    problems = validate(apply_defaults(copy.deepcopy(manifest)))
    if problems:
        raise Wrong(
            "the API server refuses this strategy: "
            + "; ".join(str(problem) for problem in problems)
        )
    surge, unavailable = fenceposts(manifest)
    given = rolling.get("maxUnavailable", "25%")
    if scaled_value(given, REPLICAS, round_up=False) > 0:
        if "maxUnavailable" not in rolling:
            why = " (left out, maxUnavailable defaults to 25 %, which rounds down to 1 of 6)"
        elif str(given).endswith("%"):
            why = f" ({given} of {REPLICAS} pods rounds down to {unavailable})"
        else:
            why = ""
        raise Wrong(
            f"maxUnavailable {given!r} lets the controller take {unavailable} old pod(s) "
            f"away before new ones are ready: only {REPLICAS - unavailable} of {REPLICAS} "
            f"available for a while{why}"
        )
    if unavailable > 0:
        raise Wrong(
            f"maxSurge {rolling.get('maxSurge', '25%')!r} resolves to 0 pods (a percentage of "
            f"{REPLICAS} rounds up, but 0 % is 0): with no room to add a pod first, the "
            "controller has to remove one, so it treats maxUnavailable as 1"
        )
    return (
        f"maxUnavailable resolves to 0 and maxSurge to {surge}: the controller starts {surge} "
        f"new pod(s), removes an old one only once a new one is available, and never has "
        f"fewer than {REPLICAS} available or more than {REPLICAS + surge} pods."
    )


q1 = Question(
    name="q1",
    checker=_check_fenceposts,
    hint=(
        "maxUnavailable is how many pods may be missing below replicas during the rollout; "
        "maxSurge is how many extra pods may exist above it. Percentages of 6 pods round "
        "down for maxUnavailable and up for maxSurge, and both may not be 0."
    ),
    solution='answer = {"maxSurge": 1, "maxUnavailable": 0}   (or any maxSurge of 1 or more)',
)


# -- q2: roll back a broken release -------------------------------------------------------

GOOD = "nginx:1.28"
BROKEN_COMMAND = [
    "sh",
    "-c",
    "echo 'nginx: [emerg] open() /etc/nginx/conf.d/shop.conf failed (2: No such file or "
    "directory)'; exit 1",
]


def broken_release(seed: int = 0) -> Any:
    """The lesson's story on a fresh cluster: revisions 1 (nginx:1.27) and 2 (nginx:1.28)
    rolled out, then revision 3 (nginx:1.29 with a command that fails) stuck halfway."""
    from kube_lab.cluster import Cluster

    cluster = Cluster(nodes=3, seed=seed)
    cluster.apply(_deployment(replicas=REPLICAS))
    cluster.run(20)
    cluster.apply(_deployment(replicas=REPLICAS, image=GOOD))
    cluster.run(30)
    cluster.apply(_deployment(replicas=REPLICAS, image="nginx:1.29", command=BROKEN_COMMAND))
    cluster.run(60)
    return cluster


def _check_rollback(answer: Any) -> str:
    if not isinstance(answer, str) or not answer.strip():
        raise Wrong('give the kubectl command as a string, like "get pods"')
    cluster = broken_release()
    result = cluster.kubectl(answer)
    if result.exit_code != 0:
        said = str(result).strip().splitlines()
        raise Wrong(f"kubectl refused it ({said[-1] if said else 'no output'})")
    cluster.run(60)
    deployment = cluster.get("deployment", "shop")
    container = deployment["spec"]["template"]["spec"]["containers"][0]
    status = deployment.get("status") or {}
    if deployment["spec"].get("paused"):
        raise Wrong(
            "pausing stops the rollout where it is; the broken pods stay, and so does the "
            "broken template"
        )
    if container.get("command"):
        if container["image"] == GOOD:
            raise Wrong(
                "the image is back to nginx:1.28, but the broken release changed more than "
                "the image (look at its command); undo brings back the whole pod template"
            )
        raise Wrong(
            "the Deployment still asks for the broken pod template; which kubectl command "
            "goes back to the previous revision?"
        )
    if container["image"] != GOOD:
        raise Wrong(
            f"that brings back {container['image']}, an older release than the last good one "
            f"({GOOD}, revision 2)"
        )
    available = status.get("availableReplicas", 0)
    if available < REPLICAS or status.get("updatedReplicas", 0) < REPLICAS:
        raise Wrong(
            f"the template is right, but only {available} of {REPLICAS} pods are available "
            "a minute later"
        )
    return (
        f"back on {GOOD}, {REPLICAS} of {REPLICAS} pods available. Undo made revision 2's "
        "template the newest revision again (rollout history now ends in 4)."
    )


q2 = Question(
    name="q2",
    checker=_check_rollback,
    hint=(
        "kubectl has a verb group for a Deployment's releases: rollout status, rollout "
        "history ... and one that goes back a revision."
    ),
    solution=(
        'answer = "rollout undo deployment/shop"   '
        '(or "rollout undo deployment/shop --to-revision=2")'
    ),
)


# -- q3: what blue-green costs --------------------------------------------------------------

BLUE = 6


def _check_blue_green(answer: Any) -> str:
    if isinstance(answer, bool) or not isinstance(answer, int | float):
        raise Wrong("give a number of pods")
    value = int(answer)
    if value == 2 * BLUE:
        return (
            f"{2 * BLUE}: green must run at full size before the switch so it can take all the "
            "traffic at once, and blue stays until you are sure you will not switch back. "
            "Blue-green buys an instant switch (and rollback) with double capacity."
        )
    if value == BLUE:
        raise Wrong(
            "blue keeps serving until the switch, and green has to be ready at full size "
            "before it takes the traffic"
        )
    if value in (BLUE + 1, BLUE + 2):
        raise Wrong(
            "that is a rolling update's surge; blue-green brings up a whole second copy "
            "before the switch"
        )
    raise Wrong("count blue's pods and green's pods just before the Service switches")


q3 = Question(
    name="q3",
    checker=_check_blue_green,
    hint=(
        "Just before you change the Service's selector, which Deployments are running, and "
        "at what size?"
    ),
    solution="answer = 12: 6 blue (serving) + 6 green (ready, waiting for the switch)",
)

# -- q4: a canary's share -----------------------------------------------------------------

CAPACITY = 20
CANARY_SHARE = 0.10


def _pair(answer: Any) -> tuple[int, int]:
    if isinstance(answer, dict):
        try:
            answer = (answer["stable"], answer["canary"])
        except KeyError:
            raise Wrong('give (stable, canary) or {"stable": ..., "canary": ...}') from None
    if not isinstance(answer, tuple | list) or len(answer) != 2:
        raise Wrong("give two numbers: (stable replicas, canary replicas)")
    stable, canary = answer
    for value in (stable, canary):
        if isinstance(value, bool) or not isinstance(value, int | float) or value != int(value):
            raise Wrong("replicas are whole numbers of pods")
    return int(stable), int(canary)


def _check_canary(answer: Any) -> str:
    stable, canary = _pair(answer)
    total = stable + canary
    want_canary = round(CAPACITY * CANARY_SHARE)
    if stable < 0 or canary < 0:
        raise Wrong("replicas cannot be negative")
    if canary == 0:
        raise Wrong("with no canary pod, no request reaches the new version")
    if total != CAPACITY:
        share = f"{canary / total:.0%}" if total else "0 %"
        raise Wrong(
            f"that is {total} pods ({share} canary); the shop needs {CAPACITY} pods in total. "
            "The Service spreads requests over all of them alike."
        )
    if canary != want_canary:
        raise Wrong(
            f"{canary} of {total} pods gets {canary / total:.0%} of the requests: the share "
            "follows the ratio of ready pods"
        )
    return (
        f"{stable} stable + {canary} canary pods: the Service picks among {total} ready pods "
        f"alike, so about {canary / total:.0%} of requests reach the canary."
    )


q4 = Question(
    name="q4",
    checker=_check_canary,
    hint=(
        "The Service selects both Deployments' pods and picks one at random per request: "
        "a Deployment's share of the traffic is its share of the ready pods."
    ),
    solution="answer = (18, 2): 2 / 20 = 10 % of requests go to the canary",
)


__all__ = ["broken_release", "q1", "q2", "q3", "q4"]
