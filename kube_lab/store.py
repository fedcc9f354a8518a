"""The store: the single source of truth, as etcd behind the Kubernetes API server.

Every object lives here, stamped with ``uid``, ``resourceVersion``, ``generation`` and
``creationTimestamp``. Writes are compare-and-swap: an update that carries a stale
``resourceVersion`` fails with :class:`Conflict`, which is how several controllers (and, in
the Omega lesson, several schedulers) share state without locks. Every write is also an
event on the watch stream (``ADDED``, ``MODIFIED``, ``DELETED``); components subscribe and
react, and never call one another.

Objects returned by :meth:`Store.list` and :meth:`Store.peek` are the stored ones (as an
informer's cache): read them, never mutate them. :meth:`Store.get` returns a copy to edit
and send back with :meth:`Store.update`.
"""

from __future__ import annotations

import builtins
import random
import uuid
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from kube_lab.api import kinds
from kube_lab.api.defaults import apply_defaults
from kube_lab.api.errors import AlreadyExists, BadRequest, Conflict, NotFound, StatusError
from kube_lab.api.meta import Obj, deep_copy, timestamp
from kube_lab.api.selectors import Selector

Key = tuple[str, str]  # (namespace, name); namespace is "" for cluster-scoped kinds

#: Watch history kept for resuming a watch from an older resourceVersion.
HISTORY = 10_000
#: ``DeleteOptions.propagationPolicy`` values, the first the default of ``kubectl delete``.
PROPAGATION_POLICIES = ("Background", "Foreground", "Orphan")
#: The finalizer that holds an owner deleted in the foreground until its dependents are gone.
FOREGROUND = "foregroundDeletion"
#: Metadata an update cannot change.
_SERVER_SET = ("uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds")


class Expired(StatusError):
    """The requested resourceVersion is older than the watch history (HTTP 410 Gone)."""

    reason, code = "Expired", 410


@dataclass(frozen=True)
class WatchEvent:
    type: str  # ADDED, MODIFIED, DELETED
    object: Obj
    resource_version: int


Handler = Callable[[WatchEvent], None]


@dataclass
class Watch:
    """A subscription; :meth:`stop` ends it."""

    handler: Handler
    kinds: frozenset[str] | None
    _store: Store
    node_name: str | None = None

    def stop(self) -> None:
        if self.node_name is None:
            self._store._watches.remove(self)
        else:
            self._store._node_watches[self.node_name].remove(self)


def _conflict(obj: Obj, detail: str) -> Conflict:
    info = kinds.by_kind(obj["kind"])
    return Conflict(
        f'Operation cannot be fulfilled on {info.resource} "{obj["metadata"]["name"]}": {detail}'
    )


def not_found(kind: str, name: str) -> NotFound:
    return NotFound(f'{kinds.by_kind(kind).resource} "{name}" not found')


class Store:
    """Versioned objects with compare-and-swap writes and watch streams."""

    def __init__(self, *, clock: Callable[[], float], seed: int = 0) -> None:
        self._clock = clock
        self._random = random.Random(f"store-{seed}")
        self._objects: dict[str, dict[Key, Obj]] = {k.kind: {} for k in kinds.KINDS}
        self._version = 0
        self._history: deque[WatchEvent] = deque(maxlen=HISTORY)
        self._watches: list[Watch] = []
        # owner uid -> {(kind, namespace, name)} of its dependents: what informers' indexers
        # give controllers, so a ReplicaSet finds its pods without scanning every pod
        self._dependents: dict[str, dict[tuple[str, str, str], None]] = {}
        # Pod watches of one node (a kubelet's ``spec.nodeName=`` field selector), indexed so
        # that a pod change wakes only its own node's kubelet, not every kubelet.
        self._node_watches: dict[str, list[Watch]] = {}

    # -- reading ---------------------------------------------------------------------------

    @property
    def resource_version(self) -> int:
        return self._version

    def peek(self, kind: str, name: str, namespace: str = "") -> Obj | None:
        """The stored object or None. Read-only."""
        return self._bucket(kind).get((namespace, name))

    def get(self, kind: str, name: str, namespace: str = "") -> Obj:
        """A copy of the object; :class:`NotFound` if there is none."""
        obj = self.peek(kind, name, namespace)
        if obj is None:
            raise not_found(kind, name)
        return deep_copy(obj)

    def list(
        self,
        kind: str,
        namespace: str | None = None,
        selector: Selector | None = None,
    ) -> list[Obj]:
        """Objects of a kind, sorted by namespace then name. ``namespace=None``: all."""
        bucket = self._bucket(kind)
        if selector is not None and selector.empty:
            selector = None
        # filter first, then sort only what matched: selecting 100 pods of 2,000 is cheap
        found = [
            (key, obj)
            for key, obj in bucket.items()
            if (namespace is None or key[0] == namespace)
            and (selector is None or selector.matches(obj["metadata"].get("labels")))
        ]
        found.sort(key=_first)
        return [obj for _, obj in found]

    def dependents(self, owner_uid: str, kind: str | None = None) -> builtins.list[Obj]:
        """Objects (of ``kind``, or of any kind) whose ``ownerReferences`` name ``owner_uid``,
        sorted by kind and name. Read-only."""
        found = []
        for dep_kind, namespace, name in self._dependents.get(owner_uid, ()):
            obj = self.peek(dep_kind, name, namespace) if kind in (None, dep_kind) else None
            if obj is not None:
                found.append(obj)
        return sorted(found, key=lambda o: (o["kind"], o["metadata"]["name"]))

    def _index_owners(self, old: Obj | None, new: Obj | None) -> None:
        before = [r["uid"] for r in (old or {}).get("metadata", {}).get("ownerReferences") or []]
        after = [r["uid"] for r in (new or {}).get("metadata", {}).get("ownerReferences") or []]
        if before == after:
            return
        obj = new or old
        assert obj is not None
        ref = (obj["kind"], *self._key(obj))
        for uid in before:
            self._dependents.get(uid, {}).pop(ref, None)
        for uid in after:
            self._dependents.setdefault(uid, {})[ref] = None

    def scan(self, kind: str) -> Iterable[Obj]:
        """Every object of a kind in no particular order: the cheap way to visit them all."""
        return self._bucket(kind).values()

    def count(self, kind: str) -> int:
        return len(self._bucket(kind))

    # -- writing ---------------------------------------------------------------------------

    def create(self, obj: Obj, *, handed_over: bool = False) -> Obj:
        """Store a new object; returns the stored copy with server-set metadata.

        As the API server, it fills in the defaults first, whoever creates the object: a
        pod made by a ReplicaSet gets the same defaults (and default tolerations) as one
        applied by hand. ``handed_over``: the caller built ``obj`` complete for this call
        and keeps no reference (the event recorder), so it is stored without a copy.
        """
        obj = obj if handed_over else apply_defaults(obj)
        meta = obj.setdefault("metadata", {})
        if not meta.get("name") and meta.get("generateName"):
            meta["name"] = meta["generateName"] + self.random_suffix()
        key = self._key(obj)
        bucket = self._bucket(obj["kind"])
        if key in bucket:
            info = kinds.by_kind(obj["kind"])
            raise AlreadyExists(f'{info.resource} "{key[1]}" already exists')
        if kinds.by_kind(obj["kind"]).namespaced and obj["kind"] != "Event":
            ns = key[0]
            if ("", ns) not in self._bucket("Namespace"):
                raise NotFound(f'namespaces "{ns}" not found')
        self._version += 1
        meta["uid"] = str(uuid.UUID(int=self._random.getrandbits(128), version=4))
        meta["resourceVersion"] = str(self._version)
        meta["creationTimestamp"] = timestamp(self._clock())
        meta["generation"] = 1
        meta.pop("deletionTimestamp", None)
        bucket[key] = obj
        self._index_owners(None, obj)
        self._notify("ADDED", obj)
        return obj

    def update(self, obj: Obj, *, status: bool = False, handed_over: bool = False) -> Obj:
        """Replace an object. A set ``resourceVersion`` must match the stored one.

        ``status=True`` is the ``/status`` subresource: only ``status`` changes and
        ``generation`` stays; otherwise ``status`` is kept from the stored object and
        ``generation`` rises when ``spec`` changes, as on the API server.
        """
        key = self._key(obj)
        bucket = self._bucket(obj["kind"])
        current = bucket.get(key)
        if current is None:
            raise not_found(obj["kind"], key[1])
        sent_version = obj["metadata"].get("resourceVersion")
        if sent_version and sent_version != current["metadata"]["resourceVersion"]:
            raise _conflict(
                obj,
                "the object has been modified; please apply your changes to the latest "
                "version and try again",
            )
        if current["metadata"]["uid"] != obj["metadata"].get("uid", current["metadata"]["uid"]):
            raise _conflict(obj, "the UID in the precondition does not match")
        if status:
            new = {**current, "status": deep_copy(obj.get("status", {}))}
            new["metadata"] = dict(current["metadata"])
        else:
            # handed over: the caller built ``obj`` for this call (sharing only parts of the
            # stored object, which nobody mutates) and keeps no reference to it
            new = obj if handed_over else deep_copy(obj)
            if "status" in current:
                new["status"] = current["status"]
            else:
                new.pop("status", None)
            meta = new["metadata"]
            for field in (*_SERVER_SET, "generation"):
                if field in current["metadata"]:
                    meta[field] = current["metadata"][field]
            if new.get("spec") != current.get("spec"):
                meta["generation"] = current["metadata"].get("generation", 1) + 1
        if new == current:
            return current
        self._version += 1
        new["metadata"]["resourceVersion"] = str(self._version)
        bucket[key] = new
        self._index_owners(current, new)
        self._notify("MODIFIED", new)
        if _finalized(current, new):
            self._remove(new)
        return new

    def bind(self, namespace: str, name: str, node_name: str) -> Obj:
        """The ``pods/binding`` subresource: set ``spec.nodeName`` and ``PodScheduled``.

        Cheaper than get-modify-update (only ``spec`` and ``status`` are copied), which
        matters when a benchmark binds 150,000 pods.
        """
        current = self.peek("Pod", name, namespace)
        if current is None:
            raise not_found("Pod", name)
        if current["spec"].get("nodeName"):
            raise _conflict(
                current, f'pod {name} is already assigned to node "{current["spec"]["nodeName"]}"'
            )
        status = dict(current.get("status") or {})
        conditions = [c for c in status.get("conditions") or [] if c["type"] != "PodScheduled"]
        conditions.append(
            {
                "type": "PodScheduled",
                "status": "True",
                "lastProbeTime": None,
                "lastTransitionTime": timestamp(self._clock()),
            }
        )
        status["conditions"] = conditions
        self._version += 1
        new = {**current, "spec": {**current["spec"], "nodeName": node_name}, "status": status}
        new["metadata"] = {**current["metadata"], "resourceVersion": str(self._version)}
        self._bucket("Pod")[(namespace, name)] = new
        self._notify("MODIFIED", new)
        return new

    def update_status(self, obj: Obj) -> Obj:
        return self.update(obj, status=True)

    def delete(
        self,
        kind: str,
        name: str,
        namespace: str = "",
        *,
        grace_seconds: int | None = None,
        propagation: str = "Background",
    ) -> Obj:
        """Delete an object, as the API server does.

        A pod that runs on a node is deleted gracefully: it gets a ``deletionTimestamp``
        (it shows as ``Terminating``) and its kubelet removes it once its containers have
        stopped, by deleting it again with ``grace_seconds=0``. An object with
        ``finalizers`` is only marked: it goes when an update removes the last one.
        Everything else goes at once. ``propagation`` says what becomes of dependents:
        ``Background`` leaves them to the garbage collector, ``Orphan`` first removes this
        owner from their ``ownerReferences`` (at once, where Kubernetes lets the collector
        do it behind an ``orphan`` finalizer), ``Foreground`` keeps the owner, marked with
        the ``foregroundDeletion`` finalizer, until the collector has deleted them.
        """
        current = self.peek(kind, name, namespace)
        if current is None:
            raise not_found(kind, name)
        if propagation not in PROPAGATION_POLICIES:
            raise BadRequest(
                f'propagationPolicy: Unsupported value: "{propagation}": supported values: '
                + ", ".join(f'"{p}"' for p in PROPAGATION_POLICIES)
            )
        if propagation == "Orphan":
            self._orphan_dependents(current)
        finalizers = list(current["metadata"].get("finalizers") or [])
        has_dependents = propagation == "Foreground" and self.dependents(current["metadata"]["uid"])
        if has_dependents and FOREGROUND not in finalizers:
            finalizers.append(FOREGROUND)
        if finalizers:
            return self._mark_deleted(current, 0, finalizers=finalizers)
        if kind == "Pod":
            grace = (
                grace_seconds
                if grace_seconds is not None
                else int(current["spec"].get("terminationGracePeriodSeconds", 30))
            )
            bound = current["spec"].get("nodeName")
            finished = current.get("status", {}).get("phase") in ("Succeeded", "Failed")
            if grace > 0 and bound and not finished:
                return self._mark_deleted(current, grace)
        self._remove(current)
        return current

    def _orphan_dependents(self, owner: Obj) -> None:
        uid = owner["metadata"]["uid"]
        for dependent in self.dependents(uid):
            released = deep_copy(dependent)
            meta = released["metadata"]
            meta["ownerReferences"] = [r for r in meta["ownerReferences"] if r["uid"] != uid]
            if not meta["ownerReferences"]:
                del meta["ownerReferences"]
            self.update(released, handed_over=True)

    def _mark_deleted(
        self, current: Obj, grace_seconds: int, *, finalizers: builtins.list[str] | None = None
    ) -> Obj:
        meta = current["metadata"]
        if meta.get("deletionTimestamp") and (
            finalizers is None or finalizers == meta.get("finalizers")
        ):
            return current
        new = {**current, "metadata": dict(meta)}
        if not meta.get("deletionTimestamp"):
            new["metadata"]["deletionTimestamp"] = timestamp(self._clock() + grace_seconds)
            new["metadata"]["deletionGracePeriodSeconds"] = grace_seconds
        if finalizers:
            new["metadata"]["finalizers"] = finalizers
        self._version += 1
        new["metadata"]["resourceVersion"] = str(self._version)
        self._bucket(current["kind"])[self._key(current)] = new
        self._notify("MODIFIED", new)
        return new

    def _remove(self, obj: Obj) -> None:
        del self._bucket(obj["kind"])[self._key(obj)]
        self._index_owners(obj, None)
        self._version += 1
        gone = {**obj, "metadata": {**obj["metadata"], "resourceVersion": str(self._version)}}
        self._notify("DELETED", gone)

    # -- watching --------------------------------------------------------------------------

    def watch(
        self,
        handler: Handler,
        *,
        kinds: Iterable[str] | None = None,
        since: int | None = None,
        node_name: str | None = None,
    ) -> Watch:
        """Call ``handler`` for every change to the given kinds (all when None).

        With ``since``, first replay the changes after that resourceVersion from history;
        :class:`Expired` if history no longer reaches back that far. With ``node_name``,
        watch only the Pods bound to that node. Handlers run inside the writer's call: they
        should only note work (enqueue a key), not write.
        """
        if node_name is not None:
            watch = Watch(handler, frozenset({"Pod"}), self, node_name)
            self._node_watches.setdefault(node_name, []).append(watch)
            return watch
        wanted = frozenset(kinds) if kinds is not None else None
        if since is not None:
            oldest = self._history[0].resource_version if self._history else self._version + 1
            if since < oldest - 1 and since < self._version:
                raise Expired(f"too old resource version: {since} ({oldest - 1})")
            for event in list(self._history):
                if event.resource_version > since and (
                    wanted is None or event.object["kind"] in wanted
                ):
                    handler(event)
        watch = Watch(handler, wanted, self)
        self._watches.append(watch)
        return watch

    def _notify(self, event_type: str, obj: Obj) -> None:
        event = WatchEvent(event_type, obj, self._version)
        self._history.append(event)
        for watch in list(self._watches):
            if watch.kinds is None or obj["kind"] in watch.kinds:
                watch.handler(event)
        if obj["kind"] == "Pod" and self._node_watches:
            for watch in list(self._node_watches.get(obj["spec"].get("nodeName") or "", ())):
                watch.handler(event)

    # -- helpers ---------------------------------------------------------------------------

    def random_suffix(self, length: int = 5) -> str:
        """Name suffix as Kubernetes' ``utilrand.String``: no vowels, no look-alikes."""
        alphabet = "bcdfghjklmnpqrstvwxz2456789"
        return "".join(self._random.choice(alphabet) for _ in range(length))

    def _bucket(self, kind: str) -> dict[Key, Obj]:
        try:
            return self._objects[kind]
        except KeyError:
            raise NotFound(f'the server doesn\'t have a resource type "{kind}"') from None

    @staticmethod
    def _key(obj: Obj) -> Key:
        meta = obj["metadata"]
        return (meta.get("namespace") or "", meta["name"])


def _first(pair: tuple[Key, Obj]) -> Key:
    return pair[0]


def key_of(obj: Obj) -> Key:
    return Store._key(obj)


def key_string(obj: Obj) -> str:
    namespace, name = Store._key(obj)
    return f"{namespace}/{name}" if namespace else name


def _finalized(current: Obj, new: Obj) -> bool:
    """An update took the last finalizer off an object being deleted (and past its grace)."""
    meta = new["metadata"]
    return (
        bool(meta.get("deletionTimestamp"))
        and not meta.get("finalizers")
        and bool(current["metadata"].get("finalizers"))
        and not meta.get("deletionGracePeriodSeconds")
    )
