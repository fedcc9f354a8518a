"""Pictures of the cluster: diagrams, timelines and a live dashboard.

The viz room reads the store (through :mod:`kube_lab.viz.snapshot`) and never writes to it;
the dashboard acts only through the verbs a learner has (``cluster.kubectl(...)``,
``cluster.fail_node`` ...). One module per job:

=================================  =============================================================
:mod:`kube_lab.viz.snapshot`       what a picture needs, read from the store at one instant
:mod:`kube_lab.viz.cluster`        ``Cluster.show()``: nodes, pods, Services; the summary grid
:mod:`kube_lab.viz.architecture`   Kubernetes, Borg and Omega, who acted last highlighted
:mod:`kube_lab.viz.timeline`       charts of ``cluster.timeline``
:mod:`kube_lab.viz.experiments`    charts of the eras, Borg and Omega experiments
:mod:`kube_lab.viz.dashboard`      ``Cluster.dashboard()``: ipywidgets controls and replay
=================================  =============================================================

graphviz, matplotlib and ipywidgets (the ``lab`` extra) load only when a picture is drawn,
so ``import kube_lab`` stays quick::

    from kube_lab import viz
    viz.cluster_diagram(c, deployment="web")     # same as c.show(deployment="web")
    viz.timeline_chart(c)                        # every panel that has data
    viz.kubernetes_architecture(c)               # who wrote the latest Event
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kube_lab.viz.architecture import (
        borg_architecture,
        kubernetes_architecture,
        omega_architecture,
    )
    from kube_lab.viz.cluster import cluster_diagram, node_heatmap, summary_diagram
    from kube_lab.viz.dashboard import Dashboard
    from kube_lab.viz.diagram import Diagram
    from kube_lab.viz.experiments import (
        busyness_chart,
        compaction_chart,
        conflict_chart,
        eras_chart,
        experiment_chart,
        omega_chart,
        scalability_chart,
        wait_chart,
    )
    from kube_lab.viz.snapshot import Snapshot
    from kube_lab.viz.timeline import (
        cpu_vs_target,
        pods_by_phase,
        pods_by_version,
        ready_endpoints,
        replicas,
        requests,
        timeline_chart,
    )

_LAZY = {
    "Snapshot": "snapshot",
    "Diagram": "diagram",
    "cluster_diagram": "cluster",
    "summary_diagram": "cluster",
    "node_heatmap": "cluster",
    "kubernetes_architecture": "architecture",
    "borg_architecture": "architecture",
    "omega_architecture": "architecture",
    "timeline_chart": "timeline",
    "pods_by_phase": "timeline",
    "pods_by_version": "timeline",
    "ready_endpoints": "timeline",
    "requests": "timeline",
    "cpu_vs_target": "timeline",
    "replicas": "timeline",
    "experiment_chart": "experiments",
    "omega_chart": "experiments",
    "busyness_chart": "experiments",
    "conflict_chart": "experiments",
    "wait_chart": "experiments",
    "compaction_chart": "experiments",
    "scalability_chart": "experiments",
    "eras_chart": "experiments",
    "Dashboard": "dashboard",
}

# Not the functions ``snapshot.snapshot`` and ``dashboard.dashboard``: their names are the
# submodules', which Python binds here once imported.
__all__ = [
    "Dashboard",
    "Diagram",
    "Snapshot",
    "borg_architecture",
    "busyness_chart",
    "cluster_diagram",
    "compaction_chart",
    "conflict_chart",
    "cpu_vs_target",
    "eras_chart",
    "experiment_chart",
    "kubernetes_architecture",
    "node_heatmap",
    "omega_architecture",
    "omega_chart",
    "pods_by_phase",
    "pods_by_version",
    "ready_endpoints",
    "replicas",
    "requests",
    "scalability_chart",
    "summary_diagram",
    "timeline_chart",
    "wait_chart",
]
assert sorted(_LAZY) == __all__


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(f"kube_lab.viz.{_LAZY[name]}"), name)
    raise AttributeError(f"module 'kube_lab.viz' has no attribute {name!r}")
