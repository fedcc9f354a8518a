"""The scheduler's cache: every node as one row of numpy columns, fed by the watch stream.

kube-scheduler keeps a ``NodeInfo`` per node and updates it as pods are assumed, bound and
deleted; plugins then look at one node at a time. Here the same numbers live in columns
(allocatable and requested CPU in millicores, memory in bytes, pod counts; one row per node,
rows in the ``nodeTree`` scan order), so a plugin filters or scores every node with a handful
of array operations instead of a Python loop.

Updates are incremental: a pod bound to a node (or created with ``spec.nodeName``) adds its
requests to that row; a pod deleted, or finished (``Succeeded``/``Failed``), subtracts them.
A pod being deleted keeps its resources until it is gone but stops counting for spreading,
as upstream. Node changes that matter to scheduling (added, deleted, allocatable, labels,
taints, ``unschedulable``) mark the table dirty; the next :meth:`NodeTable.refresh` rebuilds
the rows and bumps :attr:`NodeTable.generation`, which invalidates the equivalence cache.

Two caches hang off the table. :meth:`NodeTable.memo` keeps what depends only on static node
properties (the equivalence cache: static filter verdicts and score columns per pod
signature) until the next rebuild. :meth:`NodeTable.column` keeps per-row values that
depend on a row's requested resources (does the pod fit, its LeastAllocated and
BalancedAllocation scores) and recomputes only rows whose pods changed, found in
:attr:`NodeTable.changed_rows`.

For PodTopologySpread the table also counts, per node and per zone, the pods matching each
label selector a pod has asked about (:meth:`NodeTable.spread_counts`). Pods are grouped by
namespace and label set, so a new selector is initialised from a few groups, not every pod.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt

from kube_lab.api.meta import Obj
from kube_lab.api.selectors import Selector
from kube_lab.scheduler.framework import IntArray, Rows
from kube_lab.scheduler.nodeinfo import (
    LABEL_HOSTNAME,
    LABEL_ZONE,
    NodeInfo,
    node_tree_order,
    zone_key,
)
from kube_lab.scheduler.podinfo import AssignedPod, PodInfo, TemplateCache, assigned_pod

#: Priority floor of an empty node: no pod on it can be a preemption victim.
NO_PODS = np.iinfo(np.int64).max
#: Columns kept (feasibility and resource scores, per distinct pod signature and request)
#: and memoised static values; beyond these, start over rather than grow without bound.
MAX_COLUMNS = 256
MAX_MEMO = 1024
MAX_INDEXED_ZONES = 64
#: A column patches the changed rows a caller reads one by one in Python, and those it left
#: waiting together with numpy once there are more than this many (the scan window moves on,
#: so most changed rows wait); past a quarter of the table it recomputes the whole column.
PATCH_TOGETHER = 8

T = TypeVar("T")
GroupKey = tuple[str, tuple[tuple[str, str], ...]]  # (namespace, sorted labels)
LabelKey = tuple[str, str, str]  # (namespace, label key, label value)


def selector_key(selector: Selector) -> tuple[object, ...]:
    """A canonical, hashable form of a selector (requirements sorted)."""
    return tuple(sorted((r.key, r.operator, r.values) for r in selector.requirements))


def _index_label(selector: Selector) -> tuple[str, str] | None:
    """A ``key=value`` every matching pod must carry, to index the selector by."""
    for r in sorted(selector.requirements, key=lambda r: r.key):
        if r.operator == "In" and len(r.values) == 1:
            return r.key, r.values[0]
    return None


@dataclass(eq=False)
class _Column:
    values: npt.NDArray[Any]
    #: ``NodeTable.version`` the values are up to date with, but for the ``stale`` rows.
    version: int
    stale: set[int]


@dataclass(eq=False)
class SpreadCounts:
    """Non-terminating pods matching ``selector`` in ``namespace``: per row and per zone id."""

    namespace: str
    selector: Selector
    node: IntArray
    zone: IntArray


def _static_part(node: Obj) -> tuple[object, ...]:
    """What scheduling reads from a Node; heartbeats and conditions are not in it."""
    meta = node["metadata"]
    spec = node.get("spec") or {}
    status = node.get("status") or {}
    return (
        meta.get("labels"),
        spec.get("taints"),
        bool(spec.get("unschedulable")),
        status.get("allocatable"),
    )


def _empty() -> IntArray:
    return np.zeros(0, dtype=np.int64)


class NodeTable:
    """Columns of per-node scheduling state, in scan order."""

    def __init__(self, templates: TemplateCache | None = None) -> None:
        self._templates = templates or TemplateCache()
        self._nodes: dict[str, Obj] = {}
        self._static: dict[str, tuple[object, ...]] = {}
        self._zones: dict[str, list[str]] = {}
        self._records: dict[tuple[str, str], AssignedPod] = {}
        self._node_pods: dict[str, dict[tuple[str, str], AssignedPod]] = {}
        self._groups: dict[GroupKey, dict[str, int]] = {}
        self._group_labels: dict[GroupKey, dict[str, str]] = {}
        self._group_selectors: dict[GroupKey, list[SpreadCounts]] = {}
        self._groups_by_label: dict[LabelKey, list[GroupKey]] = {}
        self._spread: dict[tuple[str, tuple[object, ...]], SpreadCounts] = {}
        self._spread_by_label: dict[LabelKey, list[SpreadCounts]] = {}
        self._spread_unindexed: dict[str, list[SpreadCounts]] = {}
        self._memo: dict[Hashable, Any] = {}
        self._columns: dict[Hashable, _Column] = {}
        self._dirty = False
        #: Bumped by every rebuild: static node properties may have changed.
        self.generation = 0
        #: Bumped whenever a row's requested resources change (score caches key on it).
        self.version = 0
        #: Rows whose requested resources changed, in order; entries after a cache's mark
        #: are what it must recompute. Cleared (with ``version`` kept) on rebuild.
        self.changed_rows: list[int] = []
        self.log_base = 0
        self._log_limit = 65536
        self.names: list[str] = []
        self.index: dict[str, int] = {}
        self.infos: list[NodeInfo] = []
        self.size = 0
        self.alloc_cpu = self.alloc_mem = self.alloc_pods = _empty()
        self.req_cpu = self.req_mem = self.nz_cpu = self.nz_mem = self.pod_count = _empty()
        self.priority_floor = _empty()
        self.scalar_alloc: dict[str, IntArray] = {}
        self.scalar_req: dict[str, IntArray] = {}
        self.zone_id = np.zeros(0, dtype=np.intp)
        self.zone_count = 0
        self.has_hostname = np.zeros(0, dtype=np.bool_)
        #: Zone id of nodes without the zone label (they form the "" domain), if any.
        self.blank_zone: int | None = None
        self._next_in_zone = np.zeros((0, 1), dtype=np.intp)
        self._zones_in_window: dict[tuple[int, int], int] = {}
        self.any_zone = False
        self.all_hostname = True
        self.all_alloc_positive = True

    # -- the watch stream ------------------------------------------------------------------

    def sync(self, nodes: Iterable[Obj], pods: Iterable[Obj]) -> None:
        """Load existing objects (an informer's initial list)."""
        for node in nodes:
            self.node_event("ADDED", node)
        for pod in pods:
            self.pod_event("ADDED", pod)

    def node_event(self, event_type: str, node: Obj) -> bool:
        """Apply a Node change; True if it may make a pending pod schedulable."""
        name = node["metadata"]["name"]
        old = self._nodes.get(name)
        if event_type == "DELETED":
            if old is not None:
                del self._nodes[name], self._static[name]
                self._leave_zone(name, zone_key(old["metadata"].get("labels") or {}))
                self._dirty = True
            return False
        static = _static_part(node)
        self._nodes[name] = node
        if old is not None and self._static[name] == static:
            return False
        self._static[name] = static
        zone = zone_key(node["metadata"].get("labels") or {})
        if old is None:
            self._zones.setdefault(zone, []).append(name)
        elif zone_key(old["metadata"].get("labels") or {}) != zone:
            # A node that changes zone moves to the end of its new zone, as in nodeTree.
            self._leave_zone(name, zone_key(old["metadata"].get("labels") or {}))
            self._zones.setdefault(zone, []).append(name)
        self._dirty = True
        return True

    def pod_event(self, event_type: str, pod: Obj) -> bool:
        """Apply a Pod change; True if it freed resources (pending pods may now fit)."""
        meta = pod["metadata"]
        key = (meta.get("namespace") or "", meta["name"])
        old = self._records.get(key)
        node = (pod.get("spec") or {}).get("nodeName")
        phase = (pod.get("status") or {}).get("phase")
        if event_type == "DELETED" or not node or phase in ("Succeeded", "Failed"):
            if old is None:
                return False
            self._remove(old)
            return True
        terminating = bool(meta.get("deletionTimestamp"))
        if old is None:
            self._add(assigned_pod(self._templates.pod_info(pod), node, terminating=terminating))
        elif old.terminating != terminating or old.labels != (meta.get("labels") or {}):
            self._remove(old)
            self._add(assigned_pod(self._templates.pod_info(pod), node, terminating=terminating))
        return False

    def assume(self, pod: PodInfo, node_name: str) -> None:
        """Count ``pod`` on ``node_name`` before the binding lands (``Cache.AssumePod``)."""
        key = (pod.namespace, pod.name)
        if key not in self._records:
            self._add(assigned_pod(pod, node_name, terminating=False))

    def _leave_zone(self, name: str, zone: str) -> None:
        members = self._zones[zone]
        members.remove(name)
        if not members:
            del self._zones[zone]

    def _add(self, record: AssignedPod) -> None:
        self._records[record.key] = record
        on_node = self._node_pods.get(record.node)
        if on_node is None:
            on_node = self._node_pods[record.node] = {}
        on_node[record.key] = record
        row = None if self._dirty else self.index.get(record.node)
        if row is not None:
            self._apply(record, row, sign=1)
            if record.priority < self.priority_floor[row]:
                self.priority_floor[row] = record.priority
        if not record.terminating:
            self._count(record, row, sign=1)

    def _remove(self, record: AssignedPod) -> None:
        del self._records[record.key]
        on_node = self._node_pods[record.node]
        del on_node[record.key]
        if not on_node:
            del self._node_pods[record.node]
        row = None if self._dirty else self.index.get(record.node)
        if row is not None:
            self._apply(record, row, sign=-1)
            if record.priority == self.priority_floor[row]:
                self.priority_floor[row] = min(
                    (p.priority for p in on_node.values()), default=NO_PODS
                )
        if not record.terminating:
            self._count(record, row, sign=-1)

    def _apply(self, record: AssignedPod, row: int, *, sign: int) -> None:
        requests = record.requests
        self.req_cpu[row] += sign * requests.milli_cpu
        self.req_mem[row] += sign * requests.memory
        self.nz_cpu[row] += sign * record.non_zero_cpu
        self.nz_mem[row] += sign * record.non_zero_memory
        self.pod_count[row] += sign
        for name, amount in requests.scalar:
            requested = self.scalar_req.get(name)
            if requested is None:
                # A resource no node offers: rebuild to give it a column.
                self._dirty = True
            else:
                requested[row] += sign * amount
        self.version += 1
        self.changed_rows.append(row)
        if len(self.changed_rows) > self._log_limit:
            half = len(self.changed_rows) // 2
            del self.changed_rows[:half]
            self.log_base += half

    def _count(self, record: AssignedPod, row: int | None, *, sign: int) -> None:
        group = (record.namespace, record.labels_key)
        per_node = self._groups.get(group)
        if per_node is None:
            per_node = self._new_group(group, dict(record.labels_key))
        count = per_node.get(record.node, 0) + sign
        if count:
            per_node[record.node] = count
        else:
            del per_node[record.node]
        if row is not None:
            zone = self.zone_id[row]
            for counts in self._group_selectors[group]:
                counts.node[row] += sign
                counts.zone[zone] += sign

    def _new_group(self, group: GroupKey, labels: dict[str, str]) -> dict[str, int]:
        namespace = group[0]
        candidates = list(self._spread_unindexed.get(namespace, ()))
        for key, val in labels.items():
            candidates.extend(self._spread_by_label.get((namespace, key, val), ()))
            self._groups_by_label.setdefault((namespace, key, val), []).append(group)
        self._group_selectors[group] = [c for c in candidates if c.selector.matches(labels)]
        self._group_labels[group] = labels
        per_node: dict[str, int] = {}
        self._groups[group] = per_node
        return per_node

    # -- reading ---------------------------------------------------------------------------

    def refresh(self) -> None:
        """Rebuild the rows if nodes changed since the last call."""
        if self._dirty:
            self._rebuild()

    def memo(self, key: Hashable, build: Callable[[], T]) -> T:
        """A value derived from static node properties, kept until the nodes change.

        This is the equivalence cache: static filter verdicts and score columns per pod
        signature.
        """
        try:
            value: T = self._memo[key]
        except KeyError:
            if len(self._memo) >= MAX_MEMO:
                self._memo.clear()
            value = self._memo[key] = build()
        return value

    def column(
        self,
        key: Hashable,
        rows_score: Callable[[Rows], npt.NDArray[Any]],
        *,
        row_score: Callable[[int], Any],
        window: Rows | None = None,
    ) -> npt.NDArray[Any]:
        """A per-row value kept up to date as pods come and go.

        For a value that depends only on a row's requested resources and the pod (whether
        it fits, its LeastAllocated and BalancedAllocation scores): between two replicas of
        a Deployment only the row the first went to changed, so only that row is redone.
        ``rows_score`` computes many rows with numpy, ``row_score`` one row in plain Python.

        With a slice ``window`` only the rows inside it are guaranteed current; the caller
        must read no others. Changed rows outside it wait, and are redone together later
        (the scan moves on past the node a pod just went to, so that row is rarely needed
        again soon).
        """
        column = self._columns.get(key)
        if column is None:
            if len(self._columns) >= MAX_COLUMNS:
                self._columns.clear()
            values = rows_score(slice(0, self.size))
            column = self._columns[key] = _Column(values, self.version, set())
            return values
        behind = self.version - column.version
        if behind:
            if column.version < self.log_base or behind > self.size // 4:
                column.values = rows_score(slice(0, self.size))
                column.stale.clear()
            else:
                column.stale.update(self.changed_rows[column.version - self.log_base :])
            column.version = self.version
        stale = column.stale
        if not stale:
            return column.values
        if len(stale) > PATCH_TOGETHER or not isinstance(window, slice):
            rows = np.fromiter(stale, dtype=np.intp, count=len(stale))
            column.values[rows] = rows_score(rows)
            stale.clear()
        else:
            for row in [r for r in stale if window.start <= r < window.stop]:
                column.values[row] = row_score(row)
                stale.discard(row)
        return column.values

    def node_pods(self, name: str) -> Iterable[AssignedPod]:
        return self._node_pods.get(name, {}).values()

    def spread_counts(self, namespace: str, selector: Selector) -> SpreadCounts:
        """Per-row and per-zone counts of pods matching ``selector``; tracked from now on."""
        key = (namespace, selector_key(selector))
        counts = self._spread.get(key)
        if counts is not None:
            return counts
        counts = SpreadCounts(
            namespace,
            selector,
            np.zeros(self.size, dtype=np.int64),
            np.zeros(self.zone_count, dtype=np.int64),
        )
        self._spread[key] = counts
        label = _index_label(selector)
        if label is None:
            self._spread_unindexed.setdefault(namespace, []).append(counts)
            groups: Iterable[GroupKey] = [g for g in self._groups if g[0] == namespace]
        else:
            self._spread_by_label.setdefault((namespace, *label), []).append(counts)
            groups = self._groups_by_label.get((namespace, *label), ())
        for group in groups:
            if selector.matches(self._group_labels[group]):
                self._group_selectors[group].append(counts)
                self._fill(counts, self._groups[group])
        return counts

    def _fill(self, counts: SpreadCounts, per_node: dict[str, int]) -> None:
        for node, count in per_node.items():
            row = self.index.get(node)
            if row is not None:
                counts.node[row] += count
                counts.zone[self.zone_id[row]] += count

    def _rebuild(self) -> None:
        self._dirty = False
        names = node_tree_order(self._zones)
        self.names = names
        self.index = {name: row for row, name in enumerate(names)}
        self.size = n = len(names)
        self.infos = [NodeInfo.of(self._nodes[name]) for name in names]
        allocatable = [info.allocatable for info in self.infos]
        self.alloc_cpu = np.array([a.get("cpu", 0) for a in allocatable], dtype=np.int64)
        self.alloc_mem = np.array([a.get("memory", 0) for a in allocatable], dtype=np.int64)
        self.alloc_pods = np.array([a.get("pods", 0) for a in allocatable], dtype=np.int64)
        self.all_alloc_positive = bool((self.alloc_cpu > 0).all() and (self.alloc_mem > 0).all())
        scalar_names = {r for a in allocatable for r in a if r not in ("cpu", "memory", "pods")}
        scalar_names.update(r for p in self._records.values() for r, _ in p.requests.scalar)
        self.scalar_alloc = {
            r: np.array([a.get(r, 0) for a in allocatable], dtype=np.int64) for r in scalar_names
        }
        self._rebuild_zones()
        # Requested resources, recomputed from the pod records.
        cpu, mem, nz_cpu, nz_mem, pods = ([0] * n for _ in range(5))
        scalar = {r: [0] * n for r in scalar_names}
        floor = [int(NO_PODS)] * n
        for record in self._records.values():
            row = self.index.get(record.node)
            if row is None:
                continue
            requests = record.requests
            cpu[row] += requests.milli_cpu
            mem[row] += requests.memory
            nz_cpu[row] += record.non_zero_cpu
            nz_mem[row] += record.non_zero_memory
            pods[row] += 1
            for name, amount in requests.scalar:
                scalar[name][row] += amount
            floor[row] = min(floor[row], record.priority)
        self.req_cpu = np.array(cpu, dtype=np.int64)
        self.req_mem = np.array(mem, dtype=np.int64)
        self.nz_cpu = np.array(nz_cpu, dtype=np.int64)
        self.nz_mem = np.array(nz_mem, dtype=np.int64)
        self.pod_count = np.array(pods, dtype=np.int64)
        self.scalar_req = {r: np.array(scalar[r], dtype=np.int64) for r in self.scalar_alloc}
        self.priority_floor = np.array(floor, dtype=np.int64)
        for counts in self._spread.values():
            counts.node = np.zeros(n, dtype=np.int64)
            counts.zone = np.zeros(self.zone_count, dtype=np.int64)
        for group, per_node in self._groups.items():
            for counts in self._group_selectors[group]:
                self._fill(counts, per_node)
        self.generation += 1
        self._memo.clear()
        self._columns.clear()
        self.changed_rows = []
        self.log_base = self.version
        self._log_limit = max(4 * n, 65536)

    def _rebuild_zones(self) -> None:
        """Zone ids for PodTopologySpread: the ``topology.kubernetes.io/zone`` label value."""
        values: dict[str, int] = {}
        ids = [values.setdefault(i.labels.get(LABEL_ZONE, ""), len(values)) for i in self.infos]
        self.zone_id = np.array(ids, dtype=np.intp)
        self.zone_count = len(values)
        self.blank_zone = (
            values.get("") if any(LABEL_ZONE not in i.labels for i in self.infos) else None
        )
        self.any_zone = self.blank_zone is None or self.zone_count > 1
        self.has_hostname = np.array(
            [LABEL_HOSTNAME in i.labels for i in self.infos], dtype=np.bool_
        )
        self.all_hostname = bool(self.has_hostname.all())
        # _next_in_zone[z, a]: the first row at or after a in zone z (size if none). Kept for
        # a handful of zones only; with many, counting per window is as cheap.
        positions = np.arange(self.size + 1)
        depth = self.zone_count if self.zone_count <= MAX_INDEXED_ZONES else 0
        nxt = np.full((depth, self.size + 1), self.size, dtype=np.intp)
        for zone in range(depth):
            rows = np.flatnonzero(self.zone_id == zone)
            found = np.searchsorted(rows, positions)
            inside = found < len(rows)
            nxt[zone, inside] = rows[found[inside]]
        self._next_in_zone = nxt
        self._zones_in_window = {}

    def zones_among(self, rows: Rows) -> int:
        """How many distinct zone values (the "" domain included) the rows cover."""
        if isinstance(rows, slice) and len(self._next_in_zone):
            # Scan windows recur as the start rotates: remember each one's answer.
            key = (rows.start, rows.stop)
            count = self._zones_in_window.get(key)
            if count is None:
                nxt = self._next_in_zone[:, rows.start]
                count = self._zones_in_window[key] = int(np.count_nonzero(nxt < rows.stop))
            return count
        return int(np.count_nonzero(np.bincount(self.zone_id[rows], minlength=self.zone_count)))
