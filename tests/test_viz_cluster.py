"""The cluster diagram: what a learner must see, read from the DOT source and from the SVG
that the real ``dot`` program draws."""

from __future__ import annotations

import re
import shutil
import xml.etree.ElementTree as ET

import graphviz
import pytest
from conftest import deployment, pod, service

import kube_lab as kl
from kube_lab.viz.cluster import cluster_diagram, node_heatmap, summary_diagram
from kube_lab.viz.diagram import NODE_FAILED, NODE_SILENT, POD_COLOURS
from kube_lab.viz.snapshot import snapshot

pytestmark = pytest.mark.skipif(shutil.which("dot") is None, reason="needs Graphviz's dot")

SVG = "{http://www.w3.org/2000/svg}"
XLINK = "{http://www.w3.org/1999/xlink}"


def web(replicas: int = 4) -> dict:
    manifest = deployment("web", replicas=replicas, cpu="500m")
    container = manifest["spec"]["template"]["spec"]["containers"][0]
    container["readinessProbe"] = {"httpGet": {"port": 80}, "periodSeconds": 1}
    return manifest


@pytest.fixture
def cluster() -> kl.Cluster:
    """Three nodes, four web pods behind a Service, and a pod too big for any node."""
    c = kl.Cluster(nodes=3, node_cpu="4", seed=0)
    c.apply([web(), service("web")])
    c.apply(pod("greedy", container={"resources": {"requests": {"cpu": "16"}}}))
    c.run(30)
    return c


def nodes_of(svg: str) -> dict[str, ET.Element]:
    """SVG groups of Graphviz nodes by DOT name (``node/node-1``, ``svc/default/web`` ...)."""
    root = ET.fromstring(svg)
    return {g.find(f"{SVG}title").text: g for g in root.iter(f"{SVG}g") if g.get("class") == "node"}


def edges_of(svg: str) -> list[str]:
    """SVG ids of the drawn edges: ``svc/<namespace>/<service>-><namespace>/<pod>``."""
    root = ET.fromstring(svg)
    return [g.get("id") for g in root.iter(f"{SVG}g") if g.get("class") == "edge"]


def tooltips(group: ET.Element) -> list[str]:
    return [a.get(f"{XLINK}title") for a in group.iter(f"{SVG}a")]


def texts(group: ET.Element) -> str:
    return " ".join(t.text or "" for t in group.iter(f"{SVG}text"))


def statement(source: str, name: str) -> str:
    """The DOT statement that declares ``name``."""
    match = re.search(rf'^\s*"{re.escape(name)}" \[.*$', source, re.M)
    assert match, f"{name} not in the DOT source"
    return match.group(0)


def test_show_returns_a_digraph_that_renders_as_svg(cluster):
    diagram = cluster.show()
    assert isinstance(diagram, graphviz.Digraph)
    bundle = diagram._repr_mimebundle_()
    assert bundle["image/svg+xml"].lstrip().startswith("<?xml")


def test_every_pod_is_drawn_inside_its_node(cluster):
    diagram = cluster.show()
    svg_nodes = nodes_of(diagram.svg())
    placed = [p for p in cluster.list("pods") if p["spec"].get("nodeName")]
    assert len(placed) == 4
    for p in placed:
        key = f"default/{p['metadata']['name']}"
        box = f"node/{p['spec']['nodeName']}"
        assert f'port="{key}"' in statement(diagram.source, box)
        assert any(t and t.startswith(key + " ") for t in tooltips(svg_nodes[box]))
        others = [n for n in svg_nodes if n.startswith("node/") and n != box]
        assert not any(
            t and t.startswith(key + " ") for n in others for t in tooltips(svg_nodes[n])
        )


def test_pods_are_labelled_by_owner_version_and_status(cluster):
    svg_nodes = nodes_of(cluster.show().svg())
    p = next(p for p in cluster.list("pods") if p["spec"].get("nodeName"))
    words = texts(svg_nodes[f"node/{p['spec']['nodeName']}"])
    assert "web" in words and "1.27" in words and "Running" in words
    assert p["metadata"]["name"].removeprefix("web-") in words


def test_pending_pods_wait_in_their_own_lane_with_the_reason(cluster):
    diagram = cluster.show()
    lane = nodes_of(diagram.svg())["pending"]
    assert any(t and t.startswith("default/greedy ") for t in tooltips(lane))
    words = texts(lane)
    assert "Unschedulable" in words and "Insufficient cpu" in words
    assert "Pending" in words
    assert 'port="default/greedy"' not in "".join(
        statement(diagram.source, f"node/node-{i}") for i in (1, 2, 3)
    )


def test_service_arrows_go_to_ready_endpoints_only(cluster):
    unready = next(p for p in cluster.list("pods") if p["spec"].get("nodeName"))["metadata"]["name"]
    cluster.fail_probe(unready)
    cluster.run(10)
    ready = {
        e["targetRef"]["name"]
        for s in cluster.list("endpointslices")
        for e in s["endpoints"]
        if e["conditions"]["ready"]
    }
    assert len(ready) == 3 and unready not in ready
    diagram = cluster.show()
    heads = set()
    for edge in edges_of(diagram.svg()):
        tail, _, head = edge.partition("->")
        if tail == "svc/default/web":
            heads.add(head.removeprefix("default/"))
    assert heads == ready


def test_a_failed_node_is_marked_not_ready(cluster):
    cluster.fail_node("node-2")
    cluster.run(60)  # past the 50 s grace period: the node controller marks it NotReady
    diagram = cluster.show()
    box = statement(diagram.source, "node/node-2")
    assert "NotReady" in box and NODE_FAILED in box and "dashed" in box
    group = nodes_of(diagram.svg())["node/node-2"]
    assert "NotReady" in texts(group) and "powered off" in texts(group)
    strokes = {p.get("stroke") for p in group.iter(f"{SVG}path")} | {
        p.get("stroke") for p in group.iter(f"{SVG}polygon")
    }
    assert NODE_FAILED in strokes
    assert "NotReady" not in statement(diagram.source, "node/node-1")


def test_a_powered_off_node_is_marked_before_the_control_plane_notices(cluster):
    cluster.fail_node("node-1")
    box = statement(cluster.show().source, "node/node-1")
    assert "powered off" in box and NODE_SILENT in box
    assert "NotReady" not in box  # the API still says Ready: no heartbeat was missed yet


def test_a_cordoned_node_is_marked(cluster):
    cluster.kubectl("cordon node-3")
    box = statement(cluster.show().source, "node/node-3")
    assert "SchedulingDisabled" in box and "cordoned" in box


def test_pods_are_coloured_by_state(cluster):
    source = cluster.show().source
    assert POD_COLOURS["Running"] in source  # ready web pods
    assert POD_COLOURS["Pending"] in source  # greedy


def test_deployment_and_namespace_filters(cluster):
    only_web = cluster.show(deployment="web").source
    assert "default/greedy" not in only_web and "svc/default/web" in only_web
    assert only_web.count('port="default/web-') == 4
    elsewhere = cluster.show(namespace="kube-system").source
    assert 'port="default/' not in elsewhere and "svc/default/web" not in elsewhere
    assert "node/node-1" in elsewhere  # every node stays


def test_the_diagram_is_the_same_every_run():
    def draw() -> tuple[str, str, str]:
        c = kl.Cluster(nodes=2, seed=3)
        c.apply([web(3), service("web")])
        c.run(20)
        diagram = c.show()
        return diagram.source, diagram.svg(), repr(diagram)

    first, second = draw(), draw()
    assert first == second
    assert "Generated by graphviz version" not in first[1]
    assert " at 0x" not in first[2]
    assert first[2] == "<cluster at 20 s: 2 nodes, 3 pods (3 Running)>"


def test_a_snapshot_draws_the_past_without_the_cluster(cluster):
    before = snapshot(cluster)
    cluster.kubectl("scale deployment/web --replicas=1")
    cluster.run(30)
    assert cluster_diagram(before).source.count('port="default/web-') == 4
    assert cluster.show().source.count('port="default/web-') == 1


def test_large_clusters_are_summarised_as_a_grid():
    c = kl.Cluster(nodes=60, seed=0)
    c.apply(deployment("web", replicas=6))
    c.apply(pod("greedy", container={"resources": {"requests": {"cpu": "64"}}}))
    c.run(20)
    c.fail_node("node-7")
    c.kubectl("cordon node-9")
    c.run(60)
    diagram = c.show()
    assert diagram.source == summary_diagram(c).source
    assert diagram.source.count('title="node-') == 60
    assert f'bgcolor="{NODE_FAILED}" width="9" height="9" fixedsize="true" title="node-7:' in (
        diagram.source
    )
    words = texts(nodes_of(diagram.svg())["counts"])
    assert "Insufficient cpu" in words and "6" in words
    assert "1 NotReady" in texts(nodes_of(diagram.svg())["nodes"])
    assert c.show(summary=False).source.count('port="default/web-') == 6


def test_node_heatmap_is_a_figure():
    c = kl.Cluster(nodes=10, seed=0)
    c.apply(deployment("web", replicas=5, cpu="1"))
    c.run(10)
    fig = node_heatmap(c)
    assert fig.get_size_inches().tolist() == pytest.approx([8.0, 1.0 + 6.5 / 40])
    assert "10 nodes" in fig.axes[0].get_title()
    with pytest.raises(ValueError):
        node_heatmap(c, metric="memory")
