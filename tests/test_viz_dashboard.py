"""The dashboard: its controls, driven through their callbacks, change the cluster exactly as
the same verb typed by the learner would; replay redraws the past without running it."""

from __future__ import annotations

import html
import shutil

import pytest
from conftest import deployment, service

import kube_lab as kl
from kube_lab.viz.dashboard import Dashboard

pytestmark = pytest.mark.skipif(shutil.which("dot") is None, reason="needs Graphviz's dot")


def make() -> kl.Cluster:
    c = kl.Cluster(nodes=3, seed=0)
    c.apply([deployment("web", replicas=3), service("web")])
    c.run(20)
    return c


def text(value: str) -> str:
    """SVG and HTML as a reader sees them (Graphviz writes ``-`` as ``&#45;``)."""
    return html.unescape(value)


def state(c: kl.Cluster) -> tuple:
    """What a learner could check with kubectl get: pods, Deployments, nodes."""
    pods = [
        (p["metadata"]["name"], p["spec"].get("nodeName"), p["status"].get("phase"))
        for p in c.list("pods")
    ]
    deployments = [(d["spec"], d["metadata"].get("annotations")) for d in c.list("deployments")]
    nodes = [(n["spec"], n["status"]["conditions"]) for n in c.list("nodes")]
    return c.now, pods, deployments, nodes


@pytest.fixture
def twins() -> tuple[kl.Cluster, Dashboard, kl.Cluster]:
    """A cluster with a dashboard, and its twin (same seed) driven by hand."""
    c = make()
    return c, c.dashboard(), make()


def test_dashboard_is_a_widget_showing_the_diagram(twins):
    _, dash, _ = twins
    assert isinstance(dash, Dashboard)
    assert "<svg" in dash.diagram.value and "node-1" in text(dash.diagram.value)
    assert "<svg" in dash.architecture.value
    assert "Scheduled" in dash.events.value or "Started" in dash.events.value
    assert dash.deployment.options == ("default/web",)
    assert dash.node.options == ("node-1", "node-2", "node-3")
    assert dash.service.options == ("default/web",)
    assert dash.replicas.value == 3 and dash.image.value == "nginx:1.27"


def test_scale_button_scales_as_kubectl_scale(twins):
    c, dash, twin = twins
    dash.replicas.value = 5
    dash.scale_button.click()
    twin.kubectl("scale deployment/web --replicas=5")
    assert dash.commands == ["kubectl scale deployment/web --replicas=5 -n default"]
    assert "deployment.apps/web scaled" in dash.command_log.value
    dash.step(30)
    twin.run(30)
    assert state(c) == state(twin)
    assert len(c.list("pods")) == 5


def test_set_image_and_undo_roll_out_as_kubectl_does(twins):
    c, dash, twin = twins
    dash.image.value = "nginx:1.28"
    dash.set_image_button.click()
    twin.kubectl("set image deployment/web web=nginx:1.28")
    dash.step(60)
    twin.run(60)
    assert state(c) == state(twin)
    assert {p["spec"]["containers"][0]["image"] for p in c.list("pods")} == {"nginx:1.28"}
    dash.undo_button.click()
    twin.kubectl("rollout undo deployment/web")
    dash.step(60)
    twin.run(60)
    assert state(c) == state(twin)
    assert {p["spec"]["containers"][0]["image"] for p in c.list("pods")} == {"nginx:1.27"}


def test_node_buttons_cordon_drain_fail_and_recover(twins):
    c, dash, twin = twins
    dash.node.value = "node-2"
    dash.cordon_button.click()
    twin.kubectl("cordon node-2")
    assert state(c) == state(twin)
    assert c.get("node", "node-2")["spec"]["unschedulable"] is True
    dash.uncordon_button.click()
    twin.kubectl("uncordon node-2")
    dash.drain_button.click()
    twin.kubectl("drain node-2 --ignore-daemonsets")
    dash.step(30)
    twin.run(30)
    assert state(c) == state(twin)
    assert not [p for p in c.list("pods") if p["spec"].get("nodeName") == "node-2"]
    dash.node.value = "node-1"
    dash.fail_button.click()
    twin.fail_node("node-1")
    dash.step(60)
    twin.run(60)
    assert state(c) == state(twin)
    assert "NotReady" in text(dash.diagram.value)
    dash.recover_button.click()
    twin.recover_node("node-1")
    dash.step(30)
    twin.run(30)
    assert state(c) == state(twin)
    assert dash.commands[-2:] == ["cluster.fail_node('node-1')", "cluster.recover_node('node-1')"]


def test_set_load_as_cluster_set_load(twins):
    c, dash, twin = twins
    dash.rps.value = 30
    dash.load_button.click()
    twin.set_load("web", 30)
    dash.step(10)
    twin.run(10)
    assert state(c) == state(twin)
    assert c.timeline.series("served/default/web")[-1] == 30
    assert dash.commands == ["cluster.set_load('web', 30, namespace='default')"]


def test_a_failing_action_is_shown_not_raised(twins):
    _, dash, _ = twins
    dash.deployment.options = ["default/nope"]
    dash.scale_button.click()
    assert 'deployments.apps "nope" not found' in text(dash.command_log.value)
    dash.service.options = ["default/nope"]
    dash.load_button.click()
    assert "NotFound" in dash.command_log.value


def test_play_steps_time_at_the_chosen_speed(twins):
    c, dash, twin = twins
    dash.speed.value = 10.0
    dash.play.value = 1  # what the Play widget does once a second while playing
    dash.play.value = 2
    assert c.now == twin.now + 20
    dash.play.value = 0  # stop: back to the start, no step
    assert c.now == twin.now + 20
    dash.step_button.click()
    assert c.now == twin.now + 30


def test_replay_redraws_history_without_running_the_cluster(twins):
    c, dash, _ = twins
    first = dash.diagram.value
    dash.replicas.value = 1
    dash.scale_button.click()
    dash.step(30)
    now, version = c.now, c.store.resource_version
    assert dash.replay.max == len(dash.history) - 1 == 2
    dash.replay.value = 0
    assert dash.diagram.value == first
    assert "replay 1/3" in dash.clock.value
    assert (c.now, c.store.resource_version) == (now, version)
    dash.replay.value = 2
    assert "live" in dash.clock.value
    dash.replay.value = 0
    dash.step(1)  # acting or stepping returns to the live cluster
    assert dash.replay.value == dash.replay.max == 3 and "live" in dash.clock.value


def test_a_static_picture_stays_in_the_output(twins):
    _, dash, _ = twins
    bundle = dash._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert bundle["image/svg+xml"].lstrip().startswith("<?xml")
    assert "node-1" in text(bundle["image/svg+xml"])
    assert bundle["text/plain"] == "<Dashboard of a cluster at 20 s: 3 nodes, 3 pods>"


def test_the_dashboard_is_the_same_every_run():
    def run() -> tuple[str, str, str]:
        dash = make().dashboard(speed=5)
        dash.step()
        return dash.svg, dash.events.value, repr(dash)

    assert run() == run()


def test_diagram_options_pass_through():
    c = make()
    dash = c.dashboard(architecture=False, namespace="kube-system")
    assert dash.architecture not in dash.children[1].children
    assert "default/web-" not in text(dash.svg)  # no web pods drawn
