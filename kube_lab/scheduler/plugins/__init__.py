"""The in-tree plugins of kube-lab's scheduler, by name (``default_registry.go``).

Each plugin module has its ``NAME``, its error-reason constants and pure per-node helpers
(``fits`` and score functions) that can be tested without a cluster.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kube_lab.scheduler.framework import PluginArgs, PluginFactory, Registry
from kube_lab.scheduler.plugins.balanced_allocation import BalancedAllocation
from kube_lab.scheduler.plugins.node_affinity import NodeAffinity
from kube_lab.scheduler.plugins.node_name import NodeName
from kube_lab.scheduler.plugins.node_resources_fit import NodeResourcesFit
from kube_lab.scheduler.plugins.node_unschedulable import NodeUnschedulable
from kube_lab.scheduler.plugins.pod_topology_spread import PodTopologySpread
from kube_lab.scheduler.plugins.taint_toleration import TaintToleration


def _stateless(cls: type) -> PluginFactory:
    return lambda args: cls()


def in_tree_registry() -> Registry:
    """Plugin name -> factory."""
    factories: dict[str, PluginFactory] = {
        "NodeUnschedulable": _stateless(NodeUnschedulable),
        "NodeName": _stateless(NodeName),
        "TaintToleration": _stateless(TaintToleration),
        "NodeAffinity": _stateless(NodeAffinity),
        "NodeResourcesFit": _stateless(NodeResourcesFit),
        "NodeResourcesBalancedAllocation": _stateless(BalancedAllocation),
        "PodTopologySpread": lambda args: PodTopologySpread(args),
    }
    return factories


if TYPE_CHECKING:
    # mypy checks every plugin against the extension points the vectorised scheduler uses.
    from kube_lab.scheduler.framework import (
        ColumnScorePlugin,
        NodesFilterPlugin,
        NodesScorePlugin,
        StaticFilterPlugin,
    )

    _static: tuple[StaticFilterPlugin, ...] = (
        NodeUnschedulable(),
        NodeName(),
        TaintToleration(),
        NodeAffinity(),
    )
    _dynamic: NodesFilterPlugin = NodeResourcesFit()
    _columns: tuple[ColumnScorePlugin, ...] = (NodeResourcesFit(), BalancedAllocation())
    _scores: tuple[NodesScorePlugin, ...] = (
        TaintToleration(),
        NodeAffinity(),
        PodTopologySpread(PluginArgs()),
    )

__all__ = ["PluginArgs", "in_tree_registry"]
