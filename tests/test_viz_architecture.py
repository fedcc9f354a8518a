"""Architecture diagrams: the components of each system, and who acted last."""

from __future__ import annotations

import re
import shutil

import pytest
from conftest import deployment

import kube_lab as kl
from kube_lab.viz.architecture import (
    borg_architecture,
    kubernetes_architecture,
    omega_architecture,
)
from kube_lab.viz.diagram import HIGHLIGHT, HIGHLIGHT_FILL

pytestmark = pytest.mark.skipif(shutil.which("dot") is None, reason="needs Graphviz's dot")


def lit(source: str) -> list[str]:
    """DOT names of the highlighted nodes."""
    return [
        line.strip().split(" [")[0].strip('"')
        for line in source.splitlines()
        if f'fillcolor="{HIGHLIGHT_FILL}"' in line and " -> " not in line
    ]


def declared(source: str, name: str) -> bool:
    return re.search(rf'^\s*"?{re.escape(name)}"? \[', source, re.M) is not None


def test_kubernetes_components_all_talk_to_the_api_server():
    c = kl.Cluster(nodes=2, seed=0)
    source = kubernetes_architecture(c).source
    for name in (
        "apiserver",
        "store",
        "scheduler",
        "controller/replicaset-controller",
        "controller/deployment-controller",
        "controller/node-controller",
        "controller/horizontal-pod-autoscaler",
        "kubelet/node-1",
        "kubelet/node-2",
        "kube-proxy",
    ):
        assert declared(source, name), name
    assert '"controller/replicaset-controller" -> apiserver' in source
    assert '"controller/replicaset-controller" -> "controller/deployment-controller"' not in source


def test_the_author_of_the_latest_event_is_highlighted():
    c = kl.Cluster(nodes=2, seed=0)
    c.apply(deployment("web", replicas=1))
    events = c.events()
    scheduled = next(e for e in events if e["reason"] == "Scheduled")
    created = next(e for e in events if e["reason"] == "SuccessfulCreate")
    assert lit(kubernetes_architecture(c, event=scheduled).source) == ["scheduler"]
    assert lit(kubernetes_architecture(c, event=created).source) == [
        "controller/replicaset-controller"
    ]
    c.run(5)
    latest = max(c.store.scan("Event"), key=lambda e: int(e["metadata"]["resourceVersion"]))
    assert latest["source"]["component"] == "kubelet"
    diagram = kubernetes_architecture(c)
    assert lit(diagram.source) == [f"kubelet/{latest['source']['host']}"]
    assert latest["reason"] in diagram.source  # the caption tells the event
    assert f'color="{HIGHLIGHT}"' in diagram.source  # and its arrow to the API server
    assert "kubelet" in repr(diagram)


def test_many_kubelets_are_counted_and_highlight_falls_on_the_rest():
    c = kl.Cluster(nodes=8, seed=0)
    source = kubernetes_architecture(c, kubelets=3, highlight="node-7").source
    assert declared(source, "kubelet/node-3") and not declared(source, "kubelet/node-4")
    assert "+ 5 more kubelets" in source
    assert lit(source) == ["kubelet/more"]


def test_a_failed_node_s_kubelet_is_marked():
    c = kl.Cluster(nodes=2, seed=0)
    c.fail_node("node-2")
    line = next(
        s for s in kubernetes_architecture(c).source.splitlines() if '"kubelet/node-2" [' in s
    )
    assert "powered off" in line


def test_borg_and_omega_draw_their_papers_components():
    borg = borg_architecture(highlight="scheduler")
    assert "Paxos-based store" in borg.source and "BorgMaster" in borg.source
    assert "Borglet" in borg.source
    assert lit(borg.source) == ["scheduler"]
    omega = omega_architecture(highlight="service", conflicts={"service": 0.25})
    for name in ("batch", "service", "MapReduce"):
        assert f"{name} scheduler" in omega.source
    assert "shared cell state" in omega.source and "conflict fraction 0.25" in omega.source
    assert lit(omega.source) == ["service"]
    assert "<svg" in borg.svg() and "<svg" in omega.svg()


def test_borg_reads_its_cell():
    class Cell:  # what borg_architecture reads of a kube_lab.borg.Cell
        machines = 12
        policy = "best-fit"

        def pending_tasks(self) -> int:
            return 7

    source = borg_architecture(Cell(), borglets=2).source
    assert "12 machines" in source and "policy: best-fit" in source
    assert "7 tasks pending" in source and "+ 10 more" in source


def test_the_diagram_is_the_same_every_run():
    def draw() -> tuple[str, str]:
        c = kl.Cluster(nodes=2, seed=1)
        c.apply(deployment("web", replicas=2))
        c.run(3)
        diagram = kubernetes_architecture(c)
        return diagram.source, diagram.svg()

    assert draw() == draw()
