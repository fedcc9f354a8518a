"""A Deployment's ReplicaSets and revisions, found as kubectl's ``deploymentutil`` does.

``describe``, ``rollout history`` and ``rollout undo`` all need the same facts: which
ReplicaSets a Deployment controls (its selector matches and their controller reference
is the Deployment's uid), which one is *new* (its pod template equals the Deployment's,
ignoring ``pod-template-hash``) and each one's revision annotation.
"""

from __future__ import annotations

from typing import Any

from kube_lab.api.meta import Obj, controller_of
from kube_lab.api.selectors import from_label_selector
from kube_lab.kubectl.context import Context

REVISION = "deployment.kubernetes.io/revision"
CHANGE_CAUSE = "kubernetes.io/change-cause"
HASH_LABEL = "pod-template-hash"


def replica_sets(ctx: Context, deployment: Obj) -> list[Obj]:
    meta = deployment["metadata"]
    selector = from_label_selector((deployment.get("spec") or {}).get("selector"))
    return [
        rs
        for rs in ctx.store.list("ReplicaSet", meta.get("namespace", ""), selector)
        if (controller_of(rs) or {}).get("uid") == meta.get("uid")
    ]


def new_replica_set(deployment: Obj, candidates: list[Obj]) -> Obj | None:
    """``FindNewReplicaSet``: the oldest ReplicaSet whose template is the Deployment's."""
    template = without_hash(deployment["spec"].get("template") or {})
    oldest_first = sorted(candidates, key=lambda rs: rs["metadata"].get("creationTimestamp", ""))
    return next(
        (rs for rs in oldest_first if without_hash(rs["spec"].get("template") or {}) == template),
        None,
    )


def without_hash(template: dict[str, Any]) -> dict[str, Any]:
    """A pod template without the ``pod-template-hash`` label (``EqualIgnoreHash``)."""
    meta = dict(template.get("metadata") or {})
    labels = {k: v for k, v in (meta.get("labels") or {}).items() if k != HASH_LABEL}
    if labels:
        meta["labels"] = labels
    else:
        meta.pop("labels", None)
    return {**template, "metadata": meta}


def revision(obj: Obj) -> int:
    """The ``deployment.kubernetes.io/revision`` annotation; 0 when unset."""
    return int((obj["metadata"].get("annotations") or {}).get(REVISION, "0"))
