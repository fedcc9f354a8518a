"""The scheduling algorithm over the node table: filter and score every node with numpy.

One cycle (``schedulePod``), for one pod:

1. Static filters (NodeUnschedulable, NodeName, TaintToleration, NodeAffinity) come from the
   equivalence cache: evaluated node by node once per pod signature and node generation.
2. Feasibility (static verdict AND NodeResourcesFit) is a boolean column per signature and
   request, patched only on the rows whose pods changed since the last cycle.
3. Scan the column in ``nodeTree`` order from where the last cycle stopped until
   ``numFeasibleNodesToFind`` feasible nodes are found (``percentageOfNodesToScore``: 10% of
   5,000 nodes) or every node is seen.
4. Score the feasible nodes: scores of one row's resources (LeastAllocated,
   BalancedAllocation) come from a weighted column kept like the feasibility one; the others
   (TaintToleration, NodeAffinity, PodTopologySpread) are computed with numpy and
   normalised. Pick the best total, a tie broken by the seeded random generator.

No feasible node: the reasons are counted over all nodes (also vectorised) and preemption's
verdict is added, giving the ``FailedScheduling`` message. Every cached value is exact: the
same numbers the per-node reference loop computes (tests compare them).
"""

from __future__ import annotations

import random
from collections.abc import Hashable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from kube_lab.scheduler import preemption
from kube_lab.scheduler.framework import (
    BoolArray,
    Code,
    ColumnScorePlugin,
    CycleState,
    Diagnosis,
    FitError,
    IntArray,
    NodesFilterPlugin,
    NodesScorePlugin,
    Profile,
    Rows,
    ScheduleResult,
    StaticFilterPlugin,
    Status,
    num_feasible_nodes_to_find,
)
from kube_lab.scheduler.nodetable import NO_PODS, NodeTable
from kube_lab.scheduler.podinfo import PodInfo

_PLAN = "vectorised.plan"


class StaticVerdict:
    """The static filters' answer for one pod signature: per row, -1 or a status index."""

    __slots__ = ("passed", "status_of", "statuses")

    def __init__(self, status_of: npt.NDArray[np.int32], statuses: list[Status]) -> None:
        self.status_of = status_of
        self.statuses = statuses
        #: None when every node passes (the common case: skip the mask altogether).
        self.passed: BoolArray | None = None if not statuses else status_of < 0


@dataclass(frozen=True)
class _Plan:
    """What a pod template needs from the caches, worked out once per template."""

    feasible_key: Hashable
    columns: tuple[tuple[ColumnScorePlugin, int], ...]
    score_key: Hashable


class VectorisedAlgorithm:
    """kube-scheduler's ``schedulePod`` on a :class:`NodeTable`."""

    def __init__(self, profile: Profile, table: NodeTable, *, rng: random.Random) -> None:
        self._profile = profile
        self._table = table
        self._rng = rng
        self._static = [p for p in profile.filters if isinstance(p, StaticFilterPlugin)]
        self._dynamic = [p for p in profile.filters if isinstance(p, NodesFilterPlugin)]
        if profile.filters != (*self._static, *self._dynamic):
            raise ValueError("static filters must precede filters on changing state")
        self._columns: list[tuple[ColumnScorePlugin, int]] = []
        self._scores: list[tuple[NodesScorePlugin, int]] = []
        for plugin, weight in profile.scores:
            if isinstance(plugin, ColumnScorePlugin):
                self._columns.append((plugin, weight))
            elif isinstance(plugin, NodesScorePlugin):
                self._scores.append((plugin, weight))
            else:
                raise TypeError(f"{plugin.name} has no vectorised score")
        self._next_start = 0

    def begin_batch(self) -> None:
        self._table.refresh()

    def assumed(self, pod: PodInfo, node_name: str) -> None:
        """The scheduler assumed the pod in the table already; nothing else to update."""

    def schedule(self, pod: PodInfo) -> ScheduleResult:
        table = self._table
        table.refresh()
        n = table.size
        if n == 0:
            return ScheduleResult(None, FitError(0, Diagnosis()))
        state = CycleState()
        for pre_filter in self._profile.pre_filters:
            status = pre_filter.pre_filter(state, pod)
            if status.is_rejected:
                diagnosis = Diagnosis(pre_filter_msg=status.message)
                return ScheduleResult(None, FitError(n, diagnosis))
        plan = self._plan(pod)
        verdict = self._static_verdict(pod)
        wanted = num_feasible_nodes_to_find(self._profile.percentage_of_nodes_to_score, n)
        start = self._next_start % n
        rows, count, processed = self._first_feasible(
            pod, plan, verdict=verdict, start=start, wanted=wanted
        )
        self._next_start = (start + processed) % n
        if count == 0:
            return ScheduleResult(None, self._fit_error(pod, verdict), processed)
        if count == 1:
            row = rows.start if isinstance(rows, slice) else int(rows[0])
            return ScheduleResult(table.names[row], None, processed, 1)
        total: IntArray | None = None
        if plan.columns:
            total = self._score_column(pod, plan, rows=rows)[rows]
        for plugin, weight in self._scores:
            if plugin.pre_score_nodes(state, pod, table=table, rows=rows, count=count).is_skip:
                continue
            scores = plugin.normalize_scores(
                state, pod, scores=plugin.score_nodes(state, pod, table=table, rows=rows)
            )
            total = weight * scores if total is None else total + weight * scores
        chosen = self._select(np.zeros(count, dtype=np.int64) if total is None else total)
        row = rows.start + chosen if isinstance(rows, slice) else int(rows[chosen])
        return ScheduleResult(table.names[row], None, processed, count)

    def _select(self, total: IntArray) -> int:
        """The best score; ties broken uniformly at random (``selectHost``)."""
        ties = (total == np.maximum.reduce(total)).nonzero()[0]
        if len(ties) == 1:
            return int(ties[0])
        return int(ties[self._rng.randrange(len(ties))])

    def _plan(self, pod: PodInfo) -> _Plan:
        template = pod.template
        plan: _Plan | None = template.memo.get(_PLAN)
        if plan is None:
            if template.signature is None:
                template.signature = tuple(p.sign(pod) for p in self._static)
            columns = tuple((p, w) for p, w in self._columns if p.score_sign(pod) is not None)
            plan = template.memo[_PLAN] = _Plan(
                ("feasible", template.signature, tuple(p.filter_sign(pod) for p in self._dynamic)),
                columns,
                ("score", tuple((w, p.score_sign(pod)) for p, w in columns)),
            )
        return plan

    # -- filtering -------------------------------------------------------------------------

    def _static_verdict(self, pod: PodInfo) -> StaticVerdict:
        verdict: StaticVerdict = self._table.memo(
            ("static-filters", pod.template.signature), lambda: self._evaluate_static(pod)
        )
        return verdict

    def _evaluate_static(self, pod: PodInfo) -> StaticVerdict:
        statuses: dict[Status, int] = {}
        status_of = np.full(self._table.size, -1, dtype=np.int32)
        state = CycleState()
        for row, info in enumerate(self._table.infos):
            for plugin in self._static:
                status = plugin.filter(state, pod, node=info)
                if not status.is_success:
                    status_of[row] = statuses.setdefault(status, len(statuses))
                    break
        return StaticVerdict(status_of, list(statuses))

    def _first_feasible(
        self, pod: PodInfo, plan: _Plan, *, verdict: StaticVerdict, start: int, wanted: int
    ) -> tuple[Rows, int, int]:
        """The first ``wanted`` feasible rows scanning from ``start`` and wrapping around.

        Returns the rows, how many, and how many rows the scan went through (kube-scheduler
        resumes from there next cycle, so every node gets its turn).
        """
        n = self._table.size
        end = start + wanted
        if end <= n:
            window = slice(start, end)
            if (
                np.count_nonzero(self._feasible(pod, plan, verdict=verdict, window=window)[window])
                == wanted
            ):
                # The usual case: the next ``wanted`` rows all fit. A slice is a view.
                return window, wanted, wanted
        hits = self._feasible(pod, plan, verdict=verdict, window=None).nonzero()[0]
        split = int(np.searchsorted(hits, start))
        rows = np.concatenate((hits[split:], hits[:split]))[:wanted]
        if len(rows) < wanted:
            return rows, len(rows), n
        return rows, wanted, int((rows[-1] - start) % n) + 1

    def _feasible(
        self, pod: PodInfo, plan: _Plan, *, verdict: StaticVerdict, window: Rows | None
    ) -> BoolArray:
        """Per row: passes the static filters and every filter on changing state."""
        table = self._table
        passed = verdict.passed

        def rows_feasible(rows: Rows) -> BoolArray:
            ok = None if passed is None else passed[rows]
            for plugin in self._dynamic:
                fits = plugin.filter_nodes(pod, table, rows=rows)
                ok = fits if ok is None else ok & fits
            return np.ones(table.size, dtype=np.bool_)[rows] if ok is None else ok

        def row_feasible(row: int) -> bool:
            if passed is not None and not passed[row]:
                return False
            return all(plugin.filter_row(pod, table, row=row) for plugin in self._dynamic)

        feasible: BoolArray = table.column(
            plan.feasible_key, rows_feasible, row_score=row_feasible, window=window
        )
        return feasible

    def _score_column(self, pod: PodInfo, plan: _Plan, *, rows: Rows) -> IntArray:
        """The weighted sum of the per-row resource scores, for every row."""
        table = self._table

        def rows_score(rows: Rows) -> IntArray:
            (first, weight), *rest = plan.columns
            total = weight * first.rows_score(pod, table, rows=rows)
            for plugin, weight in rest:
                total = total + weight * plugin.rows_score(pod, table, rows=rows)
            return total

        def row_score(row: int) -> int:
            return sum(w * p.row_score(pod, table, row=row) for p, w in plan.columns)

        column: IntArray = table.column(
            plan.score_key, rows_score, row_score=row_score, window=rows
        )
        return column

    # -- no node fits ----------------------------------------------------------------------

    def _fit_error(self, pod: PodInfo, verdict: StaticVerdict) -> FitError:
        table = self._table
        diagnosis = Diagnosis()
        failing = verdict.status_of[verdict.status_of >= 0]
        for index, count in enumerate(np.bincount(failing, minlength=len(verdict.statuses))):
            if not count:
                continue
            status = verdict.statuses[index]
            for reason in status.reasons:
                diagnosis.reason_counts[reason] = diagnosis.reason_counts.get(reason, 0) + count
            if status.code is Code.UNSCHEDULABLE:
                rows = (verdict.status_of == index).nonzero()[0]
                diagnosis.resolvable_nodes.extend(table.names[r] for r in rows)
        remaining: IntArray = (verdict.status_of < 0).nonzero()[0]
        for plugin in self._dynamic:
            diagnosis.merge(plugin.diagnose_nodes(pod, table, rows=remaining))
            remaining = remaining[plugin.filter_nodes(pod, table, rows=remaining)]
        message = preemption.post_filter_message(
            pod,
            diagnosis,
            num_all_nodes=table.size,
            victims_status=lambda name: self._victims_status(pod, name),
        )
        return FitError(table.size, diagnosis, message)

    def _victims_status(self, pod: PodInfo, node_name: str) -> Status:
        table = self._table
        row = table.index[node_name]
        floor = table.priority_floor.item(row)
        if floor == NO_PODS or floor >= pod.template.priority:
            return preemption.NO_VICTIMS
        requested = {"cpu": table.req_cpu.item(row), "memory": table.req_mem.item(row)}
        for name, column in table.scalar_req.items():
            requested[name] = column.item(row)
        return preemption.select_victims_status(
            pod,
            allocatable=table.infos[row].allocatable,
            requested=requested,
            pods=table.node_pods(node_name),
        )
