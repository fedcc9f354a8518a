"""The scheduling framework: statuses, cycle state, extension points and the default profile.

This is the skeleton of kube-scheduler's ``pkg/scheduler/framework``, re-implemented. A
scheduling cycle takes one pod through the extension points of a *profile*:

``PreFilter`` (once per pod) -> ``Filter`` (every node) -> ``PreScore`` -> ``Score`` (every
feasible node) -> ``NormalizeScore`` -> weighted sum -> the best node, ties broken at random.

Each plugin answers a :class:`Status`; a node that any filter rejects is out, and the reasons
of all rejections are counted into the ``0/3 nodes are available: ...`` message a learner
reads in ``kubectl describe pod``. Plugins live in :mod:`kube_lab.scheduler.plugins`, built
by name from a registry, with the weights of kube-scheduler's default profile.

Every plugin works two ways. The per-node methods (``filter``, ``score``) have
kube-scheduler's shape: the plain reference loop (:mod:`.reference`) calls them, and so does
the vectorised scheduler for checks that read nothing but the Node object (*static* filters,
evaluated once per pod signature). The other methods answer for many nodes at once with
numpy over the :class:`~.nodetable.NodeTable` (:mod:`.vectorised`). Tests check that both
paths give the same numbers.

The ``FailedScheduling`` message is :class:`FitError`: the counted reasons of every rejected
node, then preemption's verdict (:mod:`.preemption`).
"""

from __future__ import annotations

import enum
import math
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    from kube_lab.scheduler.nodeinfo import NodeInfo
    from kube_lab.scheduler.nodetable import NodeTable
    from kube_lab.scheduler.podinfo import PodInfo

#: Scores run from 0 to 100 (``framework.MaxNodeScore``).
MAX_NODE_SCORE = 100

#: ``percentageOfNodesToScore`` bounds (``minFeasibleNodesToFind`` and its percentage).
MIN_FEASIBLE_NODES_TO_FIND = 100
MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND = 5

BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
#: Which nodes (table rows) a vectorised method looks at: a slice of the scan order when the
#: candidates are contiguous (a view, no copy), else an array of row indices.
Rows = slice | npt.NDArray[np.intp]


class Code(enum.Enum):
    """A plugin's verdict, as ``framework.Code``."""

    SUCCESS = "Success"
    ERROR = "Error"
    #: Rejected, but removing pods (preemption) could help.
    UNSCHEDULABLE = "Unschedulable"
    #: Rejected, and preemption cannot help (a taint, a selector, a pod bigger than the node).
    UNSCHEDULABLE_AND_UNRESOLVABLE = "UnschedulableAndUnresolvable"
    #: The plugin has nothing to say about this pod (PreScore: do not run Score).
    SKIP = "Skip"

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class Status:
    """A code, the reasons a learner reads, and the plugin that said it."""

    code: Code = Code.SUCCESS
    reasons: tuple[str, ...] = ()
    plugin: str = ""

    @property
    def is_success(self) -> bool:
        return self.code is Code.SUCCESS

    @property
    def is_skip(self) -> bool:
        return self.code is Code.SKIP

    @property
    def is_rejected(self) -> bool:
        return self.code in (Code.UNSCHEDULABLE, Code.UNSCHEDULABLE_AND_UNRESOLVABLE)

    @property
    def message(self) -> str:
        return ", ".join(self.reasons)


SUCCESS = Status()
SKIP = Status(Code.SKIP)


def unschedulable(plugin: str, *reasons: str, resolvable: bool = False) -> Status:
    code = Code.UNSCHEDULABLE if resolvable else Code.UNSCHEDULABLE_AND_UNRESOLVABLE
    return Status(code, reasons, plugin)


#: CycleState key under which the per-node (reference) path puts every node's NodeInfo, as
#: kube-scheduler plugins reach the snapshot through ``SnapshotSharedLister``.
SNAPSHOT = "Snapshot"


class CycleState:
    """Data plugins share within one scheduling cycle (PreFilter writes, Score reads)."""

    __slots__ = ("_data",)

    def __init__(self) -> None:
        self._data: dict[str, Any] = {}

    def write(self, key: str, value: Any) -> None:
        self._data[key] = value

    def read(self, key: str) -> Any:
        return self._data[key]

    def get(self, key: str, default: Any = None) -> Any:
        return self._data.get(key, default)


# -- extension points ----------------------------------------------------------------------


@runtime_checkable
class Plugin(Protocol):
    name: str


@runtime_checkable
class PreFilterPlugin(Plugin, Protocol):
    def pre_filter(self, state: CycleState, pod: PodInfo) -> Status:
        """Once per pod, before any node: compute what Filter needs, or reject outright."""
        ...


@runtime_checkable
class FilterPlugin(Plugin, Protocol):
    def filter(self, state: CycleState, pod: PodInfo, *, node: NodeInfo) -> Status:
        """Can ``pod`` run on ``node``? Success, or a rejection with reasons."""
        ...


@runtime_checkable
class StaticFilterPlugin(FilterPlugin, Protocol):
    """A filter whose answer depends only on the Node object and the pod's spec.

    Such answers are cached per pod *signature* (the equivalence cache), so 30 replicas of a
    Deployment cost one evaluation per node, redone only when a node changes. ``sign``
    returns the part of the pod the answer depends on (kube-scheduler 1.35's ``SignPod``).
    """

    def sign(self, pod: PodInfo) -> Hashable: ...


@runtime_checkable
class NodesFilterPlugin(FilterPlugin, Protocol):
    """A filter on changing node state (requested resources), answered for many nodes.

    The answer may depend only on the pod (through ``filter_sign``) and the rows: the
    vectorised scheduler keeps it per row across cycles and, when a pod lands on a node,
    re-asks for that row alone (``filter_row``).
    """

    def filter_sign(self, pod: PodInfo) -> Hashable: ...

    def filter_nodes(self, pod: PodInfo, table: NodeTable, *, rows: Rows) -> BoolArray: ...

    def filter_row(self, pod: PodInfo, table: NodeTable, *, row: int) -> bool: ...

    def diagnose_nodes(self, pod: PodInfo, table: NodeTable, *, rows: Rows) -> Diagnosis:
        """Why this filter rejects nodes among ``rows`` (only run when no node fits)."""
        ...


@runtime_checkable
class ScorePlugin(Plugin, Protocol):
    """Ranks feasible nodes 0..100; the profile's weight multiplies the normalised score."""

    def pre_score(self, state: CycleState, pod: PodInfo, *, nodes: Sequence[NodeInfo]) -> Status:
        """Once per pod with the feasible nodes; ``SKIP`` means this plugin scores nothing."""
        ...

    def score(self, state: CycleState, pod: PodInfo, *, node: NodeInfo) -> int: ...

    def normalize_score(self, state: CycleState, pod: PodInfo, *, scores: list[int]) -> list[int]:
        """Rescale the raw scores of all feasible nodes to 0..100 (identity if not needed)."""
        ...


@runtime_checkable
class ColumnScorePlugin(ScorePlugin, Protocol):
    """A score of one row's resources and the pod's requests, needing no normalisation.

    The vectorised scheduler keeps the weighted sum of all such scores per row (a column,
    :meth:`NodeTable.column`) and recomputes only the rows whose pods changed.
    """

    def score_sign(self, pod: PodInfo) -> Hashable | None:
        """What the score depends on in the pod; None: the plugin skips this pod."""
        ...

    def rows_score(self, pod: PodInfo, table: NodeTable, *, rows: Rows) -> IntArray: ...

    def row_score(self, pod: PodInfo, table: NodeTable, *, row: int) -> int: ...


@runtime_checkable
class NodesScorePlugin(ScorePlugin, Protocol):
    """The vectorised twin of :class:`ScorePlugin`: the same numbers for many nodes at once.

    ``pre_score_nodes`` may also answer ``SKIP`` when every node would get the same score
    (say, no node has a taint the pod minds): a constant cannot change the choice.
    """

    def pre_score_nodes(
        self, state: CycleState, pod: PodInfo, *, table: NodeTable, rows: Rows, count: int
    ) -> Status: ...

    def score_nodes(
        self, state: CycleState, pod: PodInfo, *, table: NodeTable, rows: Rows
    ) -> IntArray: ...

    def normalize_scores(
        self, state: CycleState, pod: PodInfo, *, scores: IntArray
    ) -> IntArray: ...


# -- normalisation -------------------------------------------------------------------------


def default_normalize_score(scores: list[int], *, reverse: bool) -> list[int]:
    """``helper.DefaultNormalizeScore``: scale to 0..100 by the maximum; optionally reversed."""
    highest = max(scores, default=0)
    if highest == 0:
        return [MAX_NODE_SCORE] * len(scores) if reverse else list(scores)
    scaled = [MAX_NODE_SCORE * s // highest for s in scores]
    return [MAX_NODE_SCORE - s for s in scaled] if reverse else scaled


def default_normalize_scores(scores: IntArray, *, reverse: bool) -> IntArray:
    """:func:`default_normalize_score` for an array."""
    highest = int(np.maximum.reduce(scores)) if len(scores) else 0
    if highest == 0:
        return np.full_like(scores, MAX_NODE_SCORE) if reverse else scores
    scaled = MAX_NODE_SCORE * scores // highest
    return MAX_NODE_SCORE - scaled if reverse else scaled


def go_round(value: float) -> int:
    """Go's ``math.Round`` for a non-negative float: halves round away from zero."""
    whole = math.floor(value)
    return whole + (value - whole >= 0.5)


def go_round_array(values: npt.NDArray[np.floating[Any]]) -> IntArray:
    """:func:`go_round` for values that are 0 or at least 0.5.

    ``floor(x + 0.5)`` is then exact (the sum cannot round across an integer); it differs
    only on (0, 0.5), where 0.49999999999999994 + 0.5 rounds up to 1. For non-negative
    values the integer conversion truncates, which is the floor.
    """
    rounded: IntArray = (values + 0.5).astype(np.int64)
    return rounded


# -- how many nodes to look at -------------------------------------------------------------


def num_feasible_nodes_to_find(percentage: int, num_all_nodes: int) -> int:
    """``numFeasibleNodesToFind``: stop filtering once this many feasible nodes are found.

    With ``percentageOfNodesToScore`` left at 0 kube-scheduler adapts: 50% of a 100-node
    cluster, falling by 1% per 125 nodes to 10% of 5,000 nodes, never under 5% nor under 100
    nodes. It is why kube-scheduler's cost per pod grows slower than the cluster.
    """
    if num_all_nodes < MIN_FEASIBLE_NODES_TO_FIND:
        return num_all_nodes
    if percentage == 0:
        percentage = max(50 - num_all_nodes // 125, MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND)
    return max(num_all_nodes * percentage // 100, MIN_FEASIBLE_NODES_TO_FIND)


# -- diagnosis and the FailedScheduling message --------------------------------------------

NO_NODES_AVAILABLE = "no nodes available to schedule pods"


@dataclass
class Diagnosis:
    """Why nodes were rejected: reason counts, and which nodes preemption might help."""

    reason_counts: dict[str, int] = field(default_factory=dict)
    #: Names of nodes rejected only with code Unschedulable (preemption candidates).
    resolvable_nodes: list[str] = field(default_factory=list)
    pre_filter_msg: str = ""

    def add(self, status: Status, node_name: str, *, count: int = 1) -> None:
        for reason in status.reasons:
            self.reason_counts[reason] = self.reason_counts.get(reason, 0) + count
        if status.code is Code.UNSCHEDULABLE:
            self.resolvable_nodes.append(node_name)

    def merge(self, other: Diagnosis) -> None:
        for reason, count in other.reason_counts.items():
            self.reason_counts[reason] = self.reason_counts.get(reason, 0) + count
        self.resolvable_nodes.extend(other.resolvable_nodes)


def fit_error_message(
    num_all_nodes: int,
    reason_counts: Mapping[str, int],
    *,
    pre_filter_msg: str = "",
    post_filter_msg: str = "",
) -> str:
    """``FitError.Error()``: ``0/3 nodes are available: 3 Insufficient cpu. preemption: ...``

    Reasons are ``"<count> <reason>"`` sorted as strings (so ``10 ...`` sorts before
    ``2 ...``, as in Go), joined by ``", "``; the PostFilter (preemption) message follows.
    """
    message = f"0/{num_all_nodes} nodes are available:"
    if pre_filter_msg:
        message += f" {pre_filter_msg}."
    else:
        histogram = sorted(f"{count} {reason}" for reason, count in reason_counts.items())
        if histogram:
            message += f" {', '.join(histogram)}."
    if post_filter_msg:
        message += f" {post_filter_msg}"
    return message


@dataclass(frozen=True)
class FitError:
    """No node fits: the diagnosis and the preemption (PostFilter) verdict."""

    num_all_nodes: int
    diagnosis: Diagnosis
    post_filter_msg: str = ""

    @property
    def message(self) -> str:
        if self.num_all_nodes == 0:
            return NO_NODES_AVAILABLE
        return fit_error_message(
            self.num_all_nodes,
            self.diagnosis.reason_counts,
            pre_filter_msg=self.diagnosis.pre_filter_msg,
            post_filter_msg=self.post_filter_msg,
        )


@dataclass(slots=True)
class ScheduleResult:
    """A scheduling cycle's outcome: a node, or why there is none."""

    node_name: str | None
    fit_error: FitError | None = None
    evaluated_nodes: int = 0
    feasible_nodes: int = 0


# -- registry and profile ------------------------------------------------------------------

PluginFactory = Callable[["PluginArgs"], Plugin]
Registry = Mapping[str, PluginFactory]


@dataclass(frozen=True)
class PluginArgs:
    """What a plugin factory may need (kube-scheduler passes the framework handle)."""

    services: Callable[[str], Sequence[Any]] = lambda namespace: ()
    replica_set: Callable[[str, str], Any] = lambda namespace, name: None
    #: Bumped whenever a Service or ReplicaSet changes (PodTopologySpread's default selector).
    selector_generation: Callable[[], int] = lambda: 0


#: kube-scheduler's default profile: filters in order, then score plugins with weights.
#: NodeResourcesFit scores with the LeastAllocated strategy; PodTopologySpread applies the
#: system default constraints (hostname maxSkew 3, zone maxSkew 5, ScheduleAnyway).
DEFAULT_FILTERS: tuple[str, ...] = (
    "NodeUnschedulable",
    "NodeName",
    "TaintToleration",
    "NodeAffinity",
    "NodeResourcesFit",
)
DEFAULT_SCORE_WEIGHTS: Mapping[str, int] = {
    "TaintToleration": 3,
    "NodeAffinity": 2,
    "NodeResourcesFit": 1,
    "PodTopologySpread": 2,
    "NodeResourcesBalancedAllocation": 1,
}


@dataclass(frozen=True)
class Profile:
    """Built plugins per extension point, with score weights and the scoring percentage."""

    scheduler_name: str
    pre_filters: tuple[PreFilterPlugin, ...]
    filters: tuple[FilterPlugin, ...]
    scores: tuple[tuple[ScorePlugin, int], ...]
    #: 0 is kube-scheduler's adaptive default (see :func:`num_feasible_nodes_to_find`).
    percentage_of_nodes_to_score: int = 0

    @classmethod
    def build(
        cls,
        registry: Registry,
        *,
        args: PluginArgs,
        scheduler_name: str = "default-scheduler",
        filters: Sequence[str] = DEFAULT_FILTERS,
        score_weights: Mapping[str, int] = DEFAULT_SCORE_WEIGHTS,
        percentage_of_nodes_to_score: int = 0,
    ) -> Profile:
        built: dict[str, Plugin] = {}

        def plugin(name: str) -> Plugin:
            if name not in built:
                built[name] = registry[name](args)
            return built[name]

        names = list(dict.fromkeys([*filters, *score_weights]))
        pre_filters = tuple(p for n in names if isinstance(p := plugin(n), PreFilterPlugin))
        filter_plugins = tuple(p for n in filters if isinstance(p := plugin(n), FilterPlugin))
        scores = tuple(
            (p, weight)
            for n, weight in score_weights.items()
            if isinstance(p := plugin(n), ScorePlugin)
        )
        return cls(
            scheduler_name, pre_filters, filter_plugins, scores, percentage_of_nodes_to_score
        )
