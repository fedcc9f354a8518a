"""Self-checks for lesson 00 (Welcome): the tour's Deployment, scaling it, and eviction time.

``from kube_lab.checks.lesson00 import q1, q2, q3`` in the notebook; ``q1.check(answer)``,
``q1.hint()``, ``q1.solution()``. Solutions are here, not in the notebook, so a learner
sees one only by asking for it.
"""

from __future__ import annotations

from typing import Any

from kube_lab.checks.core import Question, Wrong, number

__all__ = ["q1", "q2", "q3"]


def _replicas(answer: Any) -> str:
    value = number(answer, "how many pods the Deployment asks for")
    if value == 3:
        return "the Deployment's spec.replicas is 3: that is its desired state."
    raise Wrong(
        f"{answer:g} is not what the manifest asks for: look for the field `replicas:` in the "
        "YAML under `spec:`, or the DESIRED column of `kubectl get rs`"
    )


def _ready(pod: dict[str, Any]) -> bool:
    conditions = (pod.get("status") or {}).get("conditions") or []
    return any(c.get("type") == "Ready" and c.get("status") == "True" for c in conditions)


def _scaled_to_five(cluster: Any) -> str:
    if not hasattr(cluster, "kubectl") or not hasattr(cluster, "list"):
        raise Wrong("pass the cluster itself, as in q2.check(c), so the check can look at it")
    deployments = {d["metadata"]["name"]: d for d in cluster.list("deployments")}
    if "web" not in deployments:
        raise Wrong(
            "this cluster has no Deployment called web: run the tour's cells above first "
            "(from the top, with Run > Run All Above Selected Cell)"
        )
    wanted = int(deployments["web"]["spec"].get("replicas", 1))
    if wanted != 5:
        raise Wrong(
            f"the Deployment still asks for {wanted} replicas: change its desired state, with "
            "`kubectl scale` (or by applying the manifest with a new `replicas:`)"
        )
    pods = [
        p
        for p in cluster.list("pods")
        if (p["metadata"].get("labels") or {}).get("app") == "web"
        and not p["metadata"].get("deletionTimestamp")
        and _ready(p)
    ]
    if len(pods) < 5:
        raise Wrong(
            f"the Deployment asks for 5, but only {len(pods)} pods are ready so far: new pods "
            "need cluster time to be scheduled and started, so let some pass with c.run(...)"
        )
    return "you changed the desired state, and the controllers made the cluster match it."


def _eviction_wait(answer: Any) -> str:
    value = number(answer, "seconds")
    if value == 300:
        return (
            "every pod tolerates an unreachable node for 300 s (tolerationSeconds), then it "
            "is evicted and replaced elsewhere."
        )
    if value in (40, 50):
        raise Wrong(
            f"{value:g} s is how long the control plane waits for a silent node before it "
            "calls it NotReady; the question asks what happens after that, to the node's pods"
        )
    if 340 <= value <= 370:
        raise Wrong(
            "that is about the time from the power cut to the eviction; the question counts "
            "from the moment the node turned NotReady"
        )
    raise Wrong(
        "compare the times of two events in the list above: NodeNotReady (the node) and "
        "TaintManagerEviction (its pod)"
    )


q1 = Question(
    name="q1",
    checker=_replicas,
    hint="The manifest says how many copies of the pod it wants, in spec.replicas.",
    solution="answer = 3   # spec.replicas in the manifest; DESIRED in `kubectl get rs`",
)

q2 = Question(
    name="q2",
    checker=_scaled_to_five,
    hint=(
        'c.kubectl("scale deployment web --replicas=5") changes the desired state; then give '
        "the cluster a little time, c.run(seconds=30), before you check."
    ),
    solution=(
        'print(c.kubectl("scale deployment web --replicas=5"))\nc.run(seconds=30)\nq2.check(c)'
    ),
)

q3 = Question(
    name="q3",
    checker=_eviction_wait,
    hint=(
        "Look at the AGE (LAST SEEN) of the NodeNotReady and TaintManagerEviction events in "
        "the events above, or at the Tolerations of a pod in `kubectl describe pod`."
    ),
    solution=(
        "answer = 300   # the pod tolerates node.kubernetes.io/unreachable for 300 s, added "
        "by the DefaultTolerationSeconds admission plugin"
    ),
)
