"""The garbage collector: when an owner goes, its dependents go too.

Kubernetes links objects by ``metadata.ownerReferences`` (a Pod names its ReplicaSet, a
ReplicaSet its Deployment). Deleting a Deployment deletes nothing else directly: this
controller sees the owner vanish and deletes every dependent whose owners are all gone,
which cascades down the chain (background propagation, the default of ``kubectl delete``).
"""

from __future__ import annotations

from collections import defaultdict

from kube_lab.engine import Engine
from kube_lab.store import Store, WatchEvent, key_of

COMPONENT = "garbage-collector-controller"

_Ref = tuple[str, str, str]  # (kind, namespace, name)


class GarbageCollector:
    """Keeps an owner-to-dependents index from the watch stream and deletes orphans."""

    def __init__(self, *, store: Store, engine: Engine) -> None:
        self.store = store
        self.engine = engine
        self._dependents: dict[str, dict[_Ref, None]] = defaultdict(dict)
        self._pending: list[str] = []
        store.watch(self._on_event)

    def _on_event(self, event: WatchEvent) -> None:
        obj = event.object
        namespace, name = key_of(obj)
        ref = (obj["kind"], namespace, name)
        for owner in obj["metadata"].get("ownerReferences") or []:
            if event.type == "DELETED":
                self._dependents.get(owner["uid"], {}).pop(ref, None)
            else:
                self._dependents[owner["uid"]][ref] = None
        if event.type == "DELETED" and obj["metadata"]["uid"] in self._dependents:
            if not self._pending:
                self.engine.call_soon(self._collect)
            self._pending.append(obj["metadata"]["uid"])

    def _collect(self) -> None:
        while self._pending:
            uid = self._pending.pop(0)
            for kind, namespace, name in list(self._dependents.pop(uid, {})):
                dependent = self.store.peek(kind, name, namespace)
                if dependent is None or not self._all_owners_gone(dependent, namespace):
                    continue
                self.store.delete(kind, name, namespace)

    def _all_owners_gone(self, obj: dict, namespace: str) -> bool:
        for owner in obj["metadata"].get("ownerReferences") or []:
            existing = self.store.peek(owner["kind"], owner["name"], namespace)
            if existing is not None and existing["metadata"]["uid"] == owner["uid"]:
                return False
        return True
