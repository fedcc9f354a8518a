"""The garbage collector: when an owner goes, its dependents go too.

Kubernetes links objects by ``metadata.ownerReferences`` (a Pod names its ReplicaSet, a
ReplicaSet its Deployment). Deleting a Deployment deletes nothing else directly: this
controller sees the owner vanish and deletes every dependent whose owners are all gone,
which cascades down the chain (background propagation, the default of ``kubectl delete``).
It finds dependents through the store's owner index, which follows every change of
``ownerReferences``: an object orphaned before its owner went (``--cascade=orphan``) stays.

Foreground deletion (``--cascade=foreground``): the store keeps the owner, marked with a
``deletionTimestamp`` and the ``foregroundDeletion`` finalizer; this controller deletes its
dependents (in the foreground too, so a Deployment waits for its pods through its
ReplicaSets) and, when the last one has gone, removes the finalizer, which lets the store
delete the owner.
"""

from __future__ import annotations

from kube_lab.api import kinds
from kube_lab.api.meta import Obj, deep_copy
from kube_lab.engine import Engine
from kube_lab.store import FOREGROUND, Store, WatchEvent

COMPONENT = "garbage-collector-controller"


class GarbageCollector:
    """Deletes the dependents of deleted owners, once all their owners are gone."""

    def __init__(self, *, store: Store, engine: Engine) -> None:
        self.store = store
        self.engine = engine
        self._pending: list[str] = []
        #: Owners being deleted in the foreground: uid -> (kind, name, namespace).
        self._waiting: dict[str, tuple[str, str, str]] = {}
        store.watch(self._on_event)

    def _on_event(self, event: WatchEvent) -> None:
        meta = event.object["metadata"]
        if event.type == "DELETED":
            self._waiting.pop(meta["uid"], None)
            self._enqueue(meta["uid"])
            for owner in meta.get("ownerReferences") or ():
                if owner["uid"] in self._waiting:  # it may have been the last one
                    self._enqueue(owner["uid"])
        elif meta.get("deletionTimestamp") and FOREGROUND in (meta.get("finalizers") or ()):
            where = (event.object["kind"], meta["name"], meta.get("namespace") or "")
            self._waiting[meta["uid"]] = where
            self._enqueue(meta["uid"])

    def _enqueue(self, uid: str) -> None:
        if not self._pending:
            self.engine.call_soon(self._collect)
        self._pending.append(uid)

    def _collect(self) -> None:
        while self._pending:
            uid = self._pending.pop(0)
            dependents = self.store.dependents(uid)
            for dependent in dependents:
                if self._all_owners_gone(dependent):
                    meta = dependent["metadata"]
                    policy = "Foreground" if self._waiting_owner(dependent) else "Background"
                    if not meta.get("deletionTimestamp"):
                        self.store.delete(
                            dependent["kind"],
                            meta["name"],
                            meta.get("namespace") or "",
                            propagation=policy,
                        )
            if not dependents:
                self._release(uid)

    def _release(self, uid: str) -> None:
        """Take the foreground finalizer off a waiting owner whose dependents are all gone."""
        if uid not in self._waiting:
            return
        owner = self.store.peek(*self._waiting[uid])
        if owner is None or FOREGROUND not in (owner["metadata"].get("finalizers") or ()):
            return
        released = deep_copy(owner)
        released["metadata"]["finalizers"].remove(FOREGROUND)
        self.store.update(released, handed_over=True)

    def _waiting_owner(self, obj: Obj) -> bool:
        """An owner of ``obj`` is being deleted in the foreground."""
        return any(ref["uid"] in self._waiting for ref in obj["metadata"]["ownerReferences"])

    def _all_owners_gone(self, obj: Obj) -> bool:
        owners = obj["metadata"].get("ownerReferences") or []
        namespace = obj["metadata"].get("namespace") or ""
        for owner in owners:
            if owner.get("kind") not in KNOWN_KINDS:
                continue  # a kind this store cannot hold: that owner cannot exist here
            scope = namespace if kinds.by_kind(owner["kind"]).namespaced else ""
            existing = self.store.peek(owner["kind"], owner["name"], scope)
            alive = existing is not None and existing["metadata"]["uid"] == owner["uid"]
            if alive and owner["uid"] not in self._waiting:
                return False
        return bool(owners)


KNOWN_KINDS = frozenset(info.kind for info in kinds.KINDS)
