"""Self-checks for lesson 11, where to go next: real clusters and what kube_lab simplifies.

``q1`` applies the learner's repaired manifest to a fresh kube_lab cluster, whose API server
checks refuse what a real one refuses; ``q2`` asks which behaviours differ on a real cluster
(the facts are those of ``docs/simulation.md``); ``q3`` asks for the kubectl command that
shows on a real cluster what ``Cluster.events()`` shows here.
"""

from __future__ import annotations

import shlex
from typing import Any

from kube_lab.api.errors import ManifestError
from kube_lab.checks.core import Question, Wrong

# -- q1: a manifest a real API server refuses ----------------------------------------------

BROKEN = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 3
  selector:
    matchLabels:
      app: shop
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: web
        image: nginx:1.27
"""


def _check_manifest(answer: Any) -> str:
    from kube_lab.cluster import Cluster

    if not isinstance(answer, str | dict | list):
        raise Wrong("give the repaired manifest as YAML text (a string in triple quotes)")
    cluster = Cluster(nodes=1, seed=0)
    try:
        cluster.apply(answer)
    except ManifestError as error:
        first = str(error).splitlines()[0]
        raise Wrong(f"the API server still refuses it: {first}") from None
    except (TypeError, ValueError) as error:
        raise Wrong(f"that is not a manifest kubectl can read ({error})") from None
    deployments = {d["metadata"]["name"]: d for d in cluster.list("deployments")}
    if "web" not in deployments:
        raise Wrong("the manifest should still define the Deployment named web")
    cluster.run(30)
    web = cluster.get("deployment", "web")
    wanted = int(web["spec"].get("replicas", 1))
    available = (web.get("status") or {}).get("availableReplicas", 0)
    if wanted == 0:
        raise Wrong("it applies, but with replicas: 0 it runs nothing; keep the 3 replicas")
    if available < wanted:
        raise Wrong(f"it applies, but only {available} of {wanted} pods became available")
    return (
        f"accepted, and {available} of {wanted} pods available: the selector now finds the "
        "pods the template makes. A real API server (kind, minikube, a cloud) refuses the "
        "broken one for the same reason, and takes this one unchanged."
    )


q1 = Question(
    name="q1",
    checker=_check_manifest,
    hint=(
        "A Deployment finds its pods by spec.selector; the pods get "
        "spec.template.metadata.labels. apps/v1 requires the selector and requires that it "
        "match those labels. Make the two agree (either side may change)."
    ),
    solution=(
        "Change the selector to `matchLabels: {app: web}` (or the template's label to "
        "`app: shop`), then answer = the whole YAML text with that change."
    ),
)


# -- q2: what a real cluster does differently ------------------------------------------------

#: letter -> (statement, true on a real cluster but not in kube_lab?, why)
STATEMENTS: dict[str, tuple[str, bool, str]] = {
    "a": (
        "`kubectl apply -f` of this lesson's Deployment creates the same objects, with the "
        "same defaults filled in.",
        False,
        "the objects and defaults are Kubernetes' own: apply works unchanged",
    ),
    "b": (
        "After a node fails, you wait about six minutes of your own time (50 s to notice, "
        "300 s of toleration) before its pods are replaced elsewhere.",
        True,
        "kube_lab's clock is virtual: the same six minutes pass in microseconds",
    ),
    "c": (
        "A typo in an image name (`ngnix:1.27`) leaves the pod in ErrImagePull, then "
        "ImagePullBackOff.",
        True,
        "the simulated runtime pretends every image exists",
    ),
    "d": (
        "The HPA computes ceil(current x utilization / target) and waits 300 s before "
        "scaling down.",
        False,
        "kube_lab runs the HPA's real algorithm with its default behavior",
    ),
    "e": (
        "`kubectl rollout undo` brings back the previous revision's pod template.",
        False,
        "that is the Deployment controller's own behaviour in both",
    ),
    "f": (
        "A pod reaches a Service by its DNS name, such as `http://web`.",
        True,
        "kube_lab has no cluster DNS",
    ),
}


def _letters(answer: Any) -> set[str]:
    if isinstance(answer, str):
        letters = {ch for ch in answer.lower() if ch.isalpha()}
    elif isinstance(answer, set | list | tuple | frozenset):
        letters = {str(item).strip().lower() for item in answer}
    else:
        raise Wrong('give the letters, like {"a", "d"} or "ad"')
    unknown = letters - set(STATEMENTS)
    if unknown:
        raise Wrong(f"there is no statement {', '.join(sorted(unknown))}; pick from a to f")
    return letters


def _check_differences(answer: Any) -> str:
    letters = _letters(answer)
    right = {letter for letter, (_, differs, _) in STATEMENTS.items() if differs}
    extra = sorted(letters - right)
    missing = sorted(right - letters)
    if extra:
        letter = extra[0]
        raise Wrong(f"{letter} happens in kube_lab too: {STATEMENTS[letter][2]}")
    if missing:
        raise Wrong(
            f"{len(missing)} more statement(s) hold on a real cluster only; docs/simulation.md "
            "lists what kube_lab simulates and leaves out"
        )
    return "; ".join(f"{letter}: {STATEMENTS[letter][2]}" for letter in sorted(right)) + "."


q2 = Question(
    name="q2",
    checker=_check_differences,
    hint=(
        "kube_lab keeps Kubernetes' objects, controllers, timings and messages, but "
        "simulates time and the container runtime, and leaves out DNS, volumes, RBAC and a "
        "few more (docs/simulation.md)."
    ),
    solution='answer = {"b", "c", "f"}',
)


# -- q3: c.events() on a real cluster -----------------------------------------------------------


def _check_events(answer: Any) -> str:
    if not isinstance(answer, str) or not answer.strip():
        raise Wrong('give the kubectl command as a string, like "kubectl get pods"')
    try:
        words = shlex.split(answer)
    except ValueError as error:
        raise Wrong(f"the shell cannot split that command ({error})") from None
    if words and words[0] == "kubectl":
        words = words[1:]
    if not words:
        raise Wrong("a kubectl verb is missing")
    verb = words[0]
    if verb == "events" or (
        verb == "get" and len(words) > 1 and words[1] in ("events", "event", "ev")
    ):
        return (
            "kubectl get events (or kubectl events) lists what the scheduler, the controllers "
            "and the kubelets reported; add --sort-by=.metadata.creationTimestamp for the "
            "order c.events() uses."
        )
    if verb == "describe":
        raise Wrong(
            "describe shows the events of one object at its end; which command lists all "
            "the events?"
        )
    if verb == "logs":
        raise Wrong("logs shows what a container printed; events are what the components reported")
    if verb == "get":
        raise Wrong("right verb; events are a kind of object of their own: get what?")
    raise Wrong("events are objects in the API, like pods: which verb lists objects?")


q3 = Question(
    name="q3",
    checker=_check_events,
    hint="Events are API objects like pods and Deployments, and kubectl lists objects with get.",
    solution='answer = "kubectl get events"   (or "kubectl events")',
)

__all__ = ["BROKEN", "STATEMENTS", "q1", "q2", "q3"]
