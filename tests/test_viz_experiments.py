"""Charts of the history experiments: from plain columns, and from the experiments' tables."""

from __future__ import annotations

import math

import pytest
from matplotlib.figure import Figure

from kube_lab.viz import experiments as charts

SWEEP = {
    "architecture": ["monolithic-single"] * 4 + ["shared-state"] * 4,
    "t_job_service": [0.1, 0.1, 10.0, 10.0] * 2,
    "workload": ["batch", "service"] * 4,
    "busyness": [0.1, 0.2, 0.5, 0.9, 0.05, 0.1, 0.06, 0.4],
    "conflict_fraction": [math.nan] * 4 + [0.0, 0.01, 0.0, 0.3],
    "wait_time": [1.0, 2.0, 30.0, 40.0, 0.5, 1.0, 0.6, 5.0],
}


def lines(fig: Figure) -> dict[str, tuple[list[float], list[float]]]:
    return {
        line.get_label(): (list(line.get_xdata()), list(line.get_ydata()))
        for line in fig.axes[0].get_lines()
    }


def test_omega_charts_plot_one_line_per_architecture_against_t_job():
    fig = charts.busyness_chart(SWEEP)
    assert lines(fig) == {
        "monolithic-single": ([0.1, 10.0], [0.2, 0.9]),
        "shared-state": ([0.1, 10.0], [0.1, 0.4]),
    }
    ax = fig.axes[0]
    assert ax.get_xscale() == "log" and ax.get_xlabel() == "t job service"
    conflicts = lines(charts.conflict_chart(SWEEP))
    assert conflicts["monolithic-single"] == ([], [])  # no transactions, nothing to plot
    assert conflicts["shared-state"] == ([0.1, 10.0], [0.01, 0.3])
    assert lines(charts.wait_chart(SWEEP))["monolithic-single"] == ([0.1, 10.0], [1.0, 30.0])


def test_any_object_with_columns_will_do():
    class Table:
        title = "a sweep"

        @property
        def units(self) -> dict[str, str]:
            return {"wait_time": "s"}

        def to_dict(self) -> dict[str, list]:
            return SWEEP

    class Timelineish:
        def to_columns(self) -> dict[str, list]:
            return SWEEP

    fig = charts.experiment_chart(Table(), x="t_job_service", y="wait_time", by="architecture")
    assert fig.axes[0].get_ylabel() == "wait time (s)"
    assert fig._suptitle.get_text() == "a sweep"
    fig = charts.experiment_chart(Timelineish(), x="t_job_service", y="busyness")
    assert list(lines(fig)) == ["busyness"]
    with pytest.raises(KeyError, match="no column 'nope'"):
        charts.experiment_chart(SWEEP, x="nope", y="busyness")
    with pytest.raises(TypeError):
        charts.columns_of(42)


def test_compaction_bars_per_policy_with_the_spread():
    summary = {
        "policy": ["best-fit", "worst-fit", "hybrid"],
        "machines": [80, 95, 82],
        "min": [78, 90, 80],
        "max": [83, 99, 85],
    }
    fig = charts.compaction_chart(summary)
    ax = fig.axes[0]
    assert [p.get_height() for p in ax.patches] == [80, 95, 82]
    assert [t.get_text() for t in ax.get_xticklabels()] == summary["policy"]
    per_trial = {
        "policy": ["best-fit"] * 3 + ["hybrid"] * 3,
        "trial": [0, 1, 2] * 2,
        "machines": [80, 81, 79, 82, 83, 84],
    }
    assert len(charts.compaction_chart(per_trial).axes[0].collections) >= 2


def test_scalability_bars_per_technique_log_scaled():
    table = {
        "techniques": ["none", "score caching", "score caching + equivalence classes"],
        "seconds": [100.0, 10.0, 1.0],
        "extrapolated": [True, False, False],
    }
    ax = charts.scalability_chart(table).axes[0]
    assert ax.get_xscale() == "log"
    assert [p.get_width() for p in ax.patches] == [100.0, 10.0, 1.0]
    assert ax.patches[0].get_hatch() == "//"


def test_eras_one_panel_per_metric():
    table = {
        "era": ["bare-metal", "virtual-machines", "containers"],
        "servers": [12, 8, 5],
        "cpu_utilization": [0.1, 0.3, 0.5],
        "deploy_s": [3600, 120, 5],
        "recover_s": [7200, 300, 30],
    }
    fig = charts.eras_chart(table)
    assert len(fig.axes) == 4
    assert [p.get_height() for p in fig.axes[0].patches] == [12, 8, 5]


def test_the_experiments_own_tables():
    from kube_lab import borg, eras, omega

    sweep = omega.sweep_decision_time(t_job_service=(0.1, 10.0), hours=0.5, seed=0)
    assert set(lines(charts.busyness_chart(sweep))) == set(omega.ARCHITECTURES)
    assert len(charts.eras_chart(eras.compare(seed=0)).axes) == len(charts.ERA_METRICS)
    compaction = borg.compaction(machines=40, trials=3, seed=0)
    assert len(charts.compaction_chart(compaction).axes[0].patches) == 3
    scalability = borg.scalability(machines=100, sample_tasks=200, budget_s=1, seed=0)
    assert len(charts.scalability_chart(scalability).axes[0].patches) == len(borg.TECHNIQUES)
