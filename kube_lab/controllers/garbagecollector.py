"""The garbage collector: when an owner goes, its dependents go too.

Kubernetes links objects by ``metadata.ownerReferences`` (a Pod names its ReplicaSet, a
ReplicaSet its Deployment). Deleting a Deployment deletes nothing else directly: this
controller sees the owner vanish and deletes every dependent whose owners are all gone,
which cascades down the chain (background propagation, the default of ``kubectl delete``).
It finds dependents through the store's owner index, which follows every change of
``ownerReferences``: an object orphaned before its owner went (``--cascade=orphan``) stays.
"""

from __future__ import annotations

from kube_lab.api import kinds
from kube_lab.api.meta import Obj
from kube_lab.engine import Engine
from kube_lab.store import Store, WatchEvent

COMPONENT = "garbage-collector-controller"


class GarbageCollector:
    """Deletes the dependents of deleted owners, once all their owners are gone."""

    def __init__(self, *, store: Store, engine: Engine) -> None:
        self.store = store
        self.engine = engine
        self._pending: list[str] = []
        store.watch(self._on_event)

    def _on_event(self, event: WatchEvent) -> None:
        if event.type != "DELETED":
            return
        if not self._pending:
            self.engine.call_soon(self._collect)
        self._pending.append(event.object["metadata"]["uid"])

    def _collect(self) -> None:
        while self._pending:
            uid = self._pending.pop(0)
            for dependent in self.store.dependents(uid):
                if self._all_owners_gone(dependent):
                    meta = dependent["metadata"]
                    self.store.delete(dependent["kind"], meta["name"], meta.get("namespace") or "")

    def _all_owners_gone(self, obj: Obj) -> bool:
        owners = obj["metadata"].get("ownerReferences") or []
        namespace = obj["metadata"].get("namespace") or ""
        for owner in owners:
            if owner.get("kind") not in KNOWN_KINDS:
                continue  # a kind this store cannot hold: that owner cannot exist here
            scope = namespace if kinds.by_kind(owner["kind"]).namespaced else ""
            existing = self.store.peek(owner["kind"], owner["name"], scope)
            if existing is not None and existing["metadata"]["uid"] == owner["uid"]:
                return False
        return bool(owners)


KNOWN_KINDS = frozenset(info.kind for info in kinds.KINDS)
