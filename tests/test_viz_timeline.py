"""Timeline charts: one Figure per question, with the learner's actions marked."""

from __future__ import annotations

import io

import pytest
from conftest import deployment, hpa, service
from matplotlib.figure import Figure

import kube_lab as kl
from kube_lab.timeline import Action, Timeline
from kube_lab.viz import timeline as charts


def data_lines(fig: Figure, panel: int = 0) -> dict[str, list[float]]:
    """Legend label -> y values of the data lines (not the action markers)."""
    return {
        line.get_label(): list(line.get_ydata())
        for line in fig.axes[panel].get_lines()
        if not line.get_label().startswith("_")
    }


def markers(fig: Figure, panel: int = 0) -> list[float]:
    return [
        line.get_xdata()[0] for line in fig.axes[panel].get_lines() if line.get_label() == "_action"
    ]


@pytest.fixture(scope="module")
def cluster() -> kl.Cluster:
    """A rollout under load, with an autoscaler, then a node failure."""
    c = kl.Cluster(nodes=3, seed=0)
    c.apply([deployment("web", replicas=3), service("web"), hpa("web", low=3, high=6)])
    c.run(20)
    c.set_load("web", 20)
    c.run(40)
    c.kubectl("set image deployment/web web=nginx:1.28")
    c.run(60)
    c.fail_node("node-1")
    c.run(30)
    return c


SYNTHETIC = {
    "time": [0.0, 1.0, 2.0, 3.0],
    "pods/Pending": [3, 1, 0, 0],
    "pods/Running": [0, 2, 3, 3],
    "version/nginx:1.27": [3, 3, 2, 0],
    "version/nginx:1.28": [0, 0, 1, 3],
    "endpoints/default/web": [0, 2, 3, 3],
    "served/default/web": [0, 10, 10, 10],
    "failed/default/web": [10, 0, 0, 0],
    "cpu/default/web": [0, 80, 60, 50],
    "target/default/web": [50, 50, 50, 50],
    "wanted/default/web": [3, 3, 3, 3],
    "ready/default/web": [0, 2, 3, 3],
}


def test_charts_take_plain_columns():
    assert data_lines(charts.pods_by_phase(SYNTHETIC)) == {
        "Pending": [3, 1, 0, 0],
        "Running": [0, 2, 3, 3],
    }
    assert list(data_lines(charts.pods_by_version(SYNTHETIC))) == ["nginx:1.27", "nginx:1.28"]
    assert data_lines(charts.ready_endpoints(SYNTHETIC)) == {"web": [0, 2, 3, 3]}
    assert data_lines(charts.requests(SYNTHETIC)) == {
        "served web": [0, 10, 10, 10],
        "failed web": [10, 0, 0, 0],
    }
    assert list(data_lines(charts.cpu_vs_target(SYNTHETIC))) == ["CPU web", "target web"]
    assert list(data_lines(charts.replicas(SYNTHETIC))) == ["wanted web", "ready web"]


def test_each_chart_is_a_closed_figure_of_a_fixed_size():
    from matplotlib import pyplot as plt

    before = plt.get_fignums()
    fig = charts.pods_by_phase(SYNTHETIC)
    assert isinstance(fig, Figure)
    assert tuple(fig.get_size_inches()) == pytest.approx(charts.PANEL)
    assert plt.get_fignums() == before  # closed: a notebook shows it once, as the result
    assert fig.axes[0].get_xlabel() == "cluster time (s)"


def test_the_learners_actions_are_marked(cluster):
    actions = cluster.timeline.actions
    labels = [a.label for a in actions]
    assert "node node-1 failed" in labels and "load on web: 20 rps" in labels
    fig = charts.pods_by_version(cluster)
    assert markers(fig) == [a.time for a in actions]
    key = [t.get_text() for t in fig.legends[0].get_texts()]
    assert any("node node-1 failed" in t for t in key)


def test_charts_of_a_real_cluster(cluster):
    versions = data_lines(charts.pods_by_version(cluster))
    assert set(versions) == {"nginx:1.27", "nginx:1.28"}
    assert versions["nginx:1.27"][-1] == 0 and versions["nginx:1.28"][-1] >= 3
    assert max(data_lines(charts.requests(cluster))["served web"]) == 20
    cpu = data_lines(charts.cpu_vs_target(cluster, hpa="web"))
    assert set(cpu["target web"]) >= {50}
    replicas = data_lines(charts.replicas(cluster, deployment="web"))
    assert replicas["wanted web"][-1] >= 3


def test_timeline_chart_stacks_every_panel_with_data(cluster):
    fig = charts.timeline_chart(cluster)
    titles = [ax.get_title(loc="left") for ax in fig.axes]
    assert titles == [title for title, _, _ in charts.PANELS.values()]
    assert tuple(fig.get_size_inches()) == pytest.approx(
        (charts.PANEL[0], charts.PANEL[1] * len(titles))
    )
    only = charts.timeline_chart(cluster, panels=("endpoints", "requests"))
    assert len(only.axes) == 2
    with pytest.raises(ValueError, match="unknown panel"):
        charts.timeline_chart(cluster, panels=("nope",))


def test_a_timeline_with_nothing_recorded_still_draws():
    fig = charts.requests(Timeline())
    assert data_lines(fig) == {}
    assert "nothing recorded" in [t.get_text() for t in fig.axes[0].texts]


def test_charts_are_the_same_every_run():
    timeline = Timeline(
        rows=[
            dict(zip(SYNTHETIC, values, strict=True))
            for values in zip(*SYNTHETIC.values(), strict=True)
        ],
        actions=[Action(1.0, "deployment.apps/web configured")],
    )

    def png() -> bytes:
        buffer = io.BytesIO()
        charts.timeline_chart(timeline).savefig(buffer, format="png")
        return buffer.getvalue()

    assert png() == png()


def test_bad_input_is_refused():
    with pytest.raises(TypeError, match="Timeline"):
        charts.pods_by_phase(42)
