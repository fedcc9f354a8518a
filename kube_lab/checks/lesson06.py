"""Self-checks for lesson 06 (Kubernetes architecture): who does what, labels and selectors,
quarantining a pod, and one reconcile step.

``from kube_lab.checks.lesson06 import q1, q2, q3, q4``. :func:`shop_pods` gives the pods
the selector exercise (q3) is about, so the notebook and the check use the same ones.
"""

from __future__ import annotations

from numbers import Real
from typing import Any

from kube_lab.checks.core import Question, Wrong, normalise

__all__ = ["SHOP_LABELS", "q1", "q2", "q3", "q4", "shop_pods"]

#: The pods of the selector exercise: name -> labels.
SHOP_LABELS: dict[str, dict[str, str]] = {
    "shop-frontend-1": {"app": "shop", "tier": "frontend", "track": "stable"},
    "shop-frontend-2": {"app": "shop", "tier": "frontend", "track": "stable"},
    "shop-frontend-canary": {"app": "shop", "tier": "frontend", "track": "canary"},
    "shop-backend-1": {"app": "shop", "tier": "backend", "track": "stable"},
    "blog-frontend-1": {"app": "blog", "tier": "frontend", "track": "stable"},
}
_WANTED = {"shop-frontend-1", "shop-frontend-2"}


def shop_pods() -> list[dict[str, Any]]:
    """The five pods of the selector exercise, as manifests to apply."""
    return [
        {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {"name": name, "labels": dict(labels)},
            "spec": {"containers": [{"name": "app", "image": "nginx:1.27"}]},
        }
        for name, labels in SHOP_LABELS.items()
    ]


# -- q1: which component wrote which event --------------------------------------------------

_COMPONENTS = {
    "ScalingReplicaSet": {"deployment-controller", "deployment"},
    "SuccessfulCreate": {"replicaset-controller", "replicaset"},
    "Scheduled": {"default-scheduler", "scheduler", "kube-scheduler"},
    "Started": {"kubelet"},
}


def _who_did_what(answer: Any) -> str:
    if not isinstance(answer, dict):
        raise Wrong(
            "answer with a dict from each event reason to the component that wrote it, "
            'like {"Scheduled": "...", ...}'
        )
    missing = [reason for reason in _COMPONENTS if reason not in answer]
    if missing:
        raise Wrong(f"give a component for each of the four reasons; missing: {', '.join(missing)}")
    for reason, accepted in _COMPONENTS.items():
        given = answer[reason]
        if not isinstance(given, str):
            raise Wrong(f"the component for {reason} should be a name (a str), not {given!r}")
        said = normalise(given.split(",")[0])  # "kubelet, node-1" as SOURCE shows it
        if said in accepted:
            continue
        if said in ("kube-controller-manager", "controller-manager", "controller"):
            raise Wrong(
                f"{reason}: the controller manager runs many controllers; name the one "
                "(the SOURCE column of the events shows it): which writes ReplicaSets, "
                "which writes Pods?"
            )
        if said in ("api-server", "apiserver", "kube-apiserver", "etcd"):
            raise Wrong(
                f"{reason}: every event goes through the API server into the store, but the "
                "API server only stores it; who asked for it to be stored?"
            )
        raise Wrong(
            f"{reason} was not written by {given!r}: look at who acts on that object, in the "
            "events' SOURCE (source.component)"
        )
    return (
        "the deployment controller makes ReplicaSets, the ReplicaSet controller makes Pods, "
        "the scheduler binds them to nodes, and the node's kubelet starts them. Nobody calls "
        "anybody: each one watches the API server and writes back."
    )


# -- q3: a label selector --------------------------------------------------------------------


def _matches(selector: dict[str, Any], labels: dict[str, str]) -> bool:
    """``metav1.LabelSelector`` semantics: every matchLabels pair and every expression."""
    for key, value in (selector.get("matchLabels") or {}).items():
        if labels.get(key) != value:
            return False
    for expression in selector.get("matchExpressions") or []:
        key, operator = expression.get("key"), expression.get("operator")
        values = set(expression.get("values") or [])
        if operator == "In" and labels.get(key) not in values:
            return False
        if operator == "NotIn" and key in labels and labels[key] in values:
            return False
        if operator == "Exists" and key not in labels:
            return False
        if operator == "DoesNotExist" and key in labels:
            return False
    return True


def _selector(answer: Any) -> str:
    if not isinstance(answer, dict) or not answer:
        raise Wrong('answer with a dict of labels the pods must carry, like {"app": "shop"}')
    if {"matchLabels", "matchExpressions"} & set(answer):
        selector = answer
    else:
        selector = {"matchLabels": answer}
    labels = selector.get("matchLabels") or {}
    if not all(isinstance(k, str) and isinstance(v, str) for k, v in labels.items()):
        raise Wrong('label keys and values are strings: {"app": "shop"}, not {"app": shop}')
    picked = {name for name, pod_labels in SHOP_LABELS.items() if _matches(selector, pod_labels)}
    extra = sorted(picked - _WANTED)
    missing = sorted(_WANTED - picked)
    if missing:
        raise Wrong(
            f"your selector misses {', '.join(missing)}: a pod matches only if it carries every "
            "label of the selector, with the same value"
        )
    if extra:
        raise Wrong(
            f"your selector also picks {', '.join(extra)}: add a label that sets them apart "
            "from the two stable frontend pods"
        )
    return (
        "exactly the two stable shop frontends. A selector is a query over labels, so the "
        "same pods can belong to a Service, a ReplicaSet and a dashboard at once."
    )


# -- q4: quarantine a pod --------------------------------------------------------------------


def _controller_of(pod: dict[str, Any]) -> dict[str, Any] | None:
    for ref in pod["metadata"].get("ownerReferences") or []:
        if ref.get("controller"):
            return dict(ref)
    return None


def _ready(pod: dict[str, Any]) -> bool:
    conditions = (pod.get("status") or {}).get("conditions") or []
    return any(c.get("type") == "Ready" and c.get("status") == "True" for c in conditions)


def _quarantined(cluster: Any) -> str:
    if not hasattr(cluster, "kubectl") or not hasattr(cluster, "list"):
        raise Wrong("pass the cluster itself, as in q4.check(c), so the check can look at it")
    if not any(d["metadata"]["name"] == "web" for d in cluster.list("deployments")):
        raise Wrong("this cluster has no Deployment called web: run the cells above first")
    pods = [p for p in cluster.list("pods") if not p["metadata"].get("deletionTimestamp")]
    orphans = [
        p
        for p in pods
        if p["metadata"].get("generateName", "").startswith("web-")
        and _controller_of(p) is None
        and (p["metadata"].get("labels") or {}).get("app") != "web"
    ]
    if not orphans:
        raise Wrong(
            "every pod of web still belongs to its ReplicaSet (or is gone): change one pod's "
            "app label, so that the selector app=web no longer matches it, and the "
            "ReplicaSet lets it go"
        )
    serving = [
        p
        for p in pods
        if (p["metadata"].get("labels") or {}).get("app") == "web"
        and _controller_of(p) is not None
        and _ready(p)
    ]
    if len(serving) < 3:
        raise Wrong(
            f"you set a pod aside, but only {len(serving)} pods with app=web are ready: the "
            "ReplicaSet controller needs a moment to create a replacement; let time pass"
        )
    name = orphans[0]["metadata"]["name"]
    return (
        f"{name} is out of the ReplicaSet, still running for you to debug, and a "
        "replacement keeps web at 3. Borg could not do this with numbered tasks."
    )


# -- q2: one reconcile -----------------------------------------------------------------------


def _reconcile(answer: Any) -> str:
    if isinstance(answer, bool) or not isinstance(answer, Real):
        raise Wrong("answer with a number of pods")
    if answer == 1:
        return (
            "4 wanted, 5 active (the Terminating one is already on its way out): delete 1. "
            "Observed minus desired, nothing more."
        )
    if answer == 2:
        raise Wrong(
            "a pod that is Terminating is already being deleted; the controller counts only "
            "active pods, so that it never deletes the same pod twice"
        )
    if answer == 0:
        raise Wrong("count the active pods (not Terminating) and compare with spec.replicas")
    raise Wrong(
        "the loop computes (active pods) - (spec.replicas), and deletes that many when it is "
        "positive; which pods count as active?"
    )


q1 = Question(
    name="q1",
    checker=_who_did_what,
    hint=(
        "Each event records who wrote it: the SOURCE column of `kubectl get events "
        "-o wide`, or event['source']['component'] in c.events()."
    ),
    solution=(
        "answer = {\n"
        '    "ScalingReplicaSet": "deployment-controller",\n'
        '    "SuccessfulCreate": "replicaset-controller",\n'
        '    "Scheduled": "default-scheduler",\n'
        '    "Started": "kubelet",\n'
        "}"
    ),
)

q2 = Question(
    name="q2",
    checker=_reconcile,
    hint="Desired: spec.replicas. Observed: the active pods, which a Terminating pod is not.",
    solution="answer = 1   # active = 6 - 1 Terminating = 5; 5 - 4 = 1 to delete",
)

q3 = Question(
    name="q3",
    checker=_selector,
    hint=(
        "Try selectors with kubectl first: c.kubectl('get pods -l app=shop,tier=frontend'). "
        "Which label tells the canary apart?"
    ),
    solution='answer = {"app": "shop", "tier": "frontend", "track": "stable"}',
)

q4 = Question(
    name="q4",
    checker=_quarantined,
    hint=(
        "kubectl label pod <name> app=debug --overwrite changes a label on a live pod; then "
        "c.run(seconds=10)."
    ),
    solution=(
        'pod = c.list("pods")[0]["metadata"]["name"]\n'
        'print(c.kubectl(f"label pod {pod} app=debug --overwrite"))\n'
        "c.run(seconds=10)\n"
        "q4.check(c)"
    ),
)
