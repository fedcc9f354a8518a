"""Scores that depend only on the node and on the pod's scheduling signature.

NodeAffinity's preferred terms and TaintToleration's ``PreferNoSchedule`` taints score a
node the same for every pod with the same affinity or tolerations, so each plugin builds one
column of scores per signature (memoised in the :class:`NodeTable`) and these shared steps
read it. A plugin returns None instead of a column when every node would score the same:
the score cannot change the choice, so PreScore skips it.
"""

from __future__ import annotations

from typing import ClassVar

from kube_lab.scheduler.framework import (
    SKIP,
    SUCCESS,
    CycleState,
    IntArray,
    Rows,
    Status,
    default_normalize_scores,
)
from kube_lab.scheduler.nodetable import NodeTable
from kube_lab.scheduler.podinfo import PodInfo


class NodeColumnScore:
    """PreScore, Score and NormalizeScore over a memoised per-signature column."""

    #: normalise so that the highest raw score is the worst (counts of things to avoid)
    reverse: ClassVar[bool] = False

    def _column(self, pod: PodInfo, table: NodeTable) -> IntArray | None:
        raise NotImplementedError

    def pre_score_nodes(
        self, state: CycleState, pod: PodInfo, *, table: NodeTable, rows: Rows, count: int
    ) -> Status:
        return SKIP if self._column(pod, table) is None else SUCCESS

    def score_nodes(
        self, state: CycleState, pod: PodInfo, *, table: NodeTable, rows: Rows
    ) -> IntArray:
        column = self._column(pod, table)
        assert column is not None
        scores: IntArray = column[rows]
        return scores

    def normalize_scores(self, state: CycleState, pod: PodInfo, *, scores: IntArray) -> IntArray:
        return default_normalize_scores(scores, reverse=self.reverse)
