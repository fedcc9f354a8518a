"""Charts of the history experiments: eras, Borg and Omega, each as its paper plots it.

The experiments (:func:`kube_lab.eras.compare`, :func:`kube_lab.borg.compaction`,
:func:`kube_lab.borg.scalability`, :func:`kube_lab.omega.sweep_decision_time`) return a
small :class:`~kube_lab.table.Table`. These functions read only its columns, so they take
a ``Table``, anything with ``to_dict()`` / ``to_columns()``, or a plain ``{column: values}``
dict: a learner's own numbers plot the same way. Each returns a matplotlib ``Figure`` of a
fixed size, closed so that a notebook shows it once.

* :func:`omega_chart` (and :func:`busyness_chart`, :func:`conflict_chart`,
  :func:`wait_chart`): a metric against the service scheduler's decision time ``t_job``,
  one line per architecture, log-scaled as in the sweeps of Omega §4;
* :func:`compaction_chart`: the smallest cell that fits the workload per scoring policy,
  with the spread over trials (Borg §5.1);
* :func:`scalability_chart`: scheduling time with each of Borg's §3.4 techniques;
* :func:`eras_chart`: the deployment eras side by side, one panel per metric;
* :func:`experiment_chart`: any ``y`` against any ``x``, one line per value of ``by``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

SIZE = (7.0, 3.6)
COLOURS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2")


def columns_of(table: Any) -> dict[str, list[Any]]:
    """``{column: values}`` of a Table, a Timeline-like object or a mapping."""
    if isinstance(table, Mapping):
        data = table
    elif callable(getattr(table, "to_dict", None)):
        data = table.to_dict()
    elif callable(getattr(table, "to_columns", None)):
        data = table.to_columns()
    elif callable(getattr(table, "columns", None)) and isinstance(table.columns(), Mapping):
        data = table.columns()
    else:
        raise TypeError(f"expected a table or a mapping of columns, not {type(table).__name__}")
    result = {str(k): list(v) for k, v in data.items()}
    lengths = {len(v) for v in result.values()}
    if len(lengths) > 1:
        raise ValueError(f"columns must have equal lengths, got {sorted(lengths)}")
    return result


def _units(table: Any) -> Mapping[str, str]:
    units = getattr(table, "units", None)
    return units if isinstance(units, Mapping) else {}


def _axis_label(name: str, units: Mapping[str, str]) -> str:
    unit = units.get(name)
    return name.replace("_", " ") + (f" ({unit})" if unit else "")


def _need(data: Mapping[str, Any], *names: str) -> None:
    missing = [n for n in names if n not in data]
    if missing:
        raise KeyError(f"no column {missing[0]!r}; columns are: {', '.join(data)}")


def _number(value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return math.nan


def _new(size: tuple[float, float] = SIZE, panels: int = 1) -> tuple[Figure, list[Axes]]:
    from matplotlib import pyplot as plt

    fig = plt.figure(figsize=size, layout="constrained")
    axes = fig.subplots(1, panels, squeeze=False)[0]
    return fig, list(axes)


def _done(fig: Figure, title: str) -> Figure:
    from matplotlib import pyplot as plt

    if title:
        fig.suptitle(title, fontsize=10)
    plt.close(fig)
    return fig


def experiment_chart(
    table: Any,
    *,
    x: str,
    y: str,
    by: str | None = None,
    where: Mapping[str, Any] | None = None,
    logx: bool = False,
    logy: bool = False,
    title: str | None = None,
    ax: Axes | None = None,
) -> Figure:
    """``y`` against ``x``, one line (with markers) per value of ``by``.

    ``where`` keeps rows whose columns equal the given values (``{"workload": "batch"}``).
    Rows whose ``y`` is missing (None, NaN) are skipped. ``ax`` draws into an existing
    axes (its figure is returned).
    """
    data = columns_of(table)
    _need(data, x, y, *([by] if by else []), *(where or {}))
    rows = range(len(data[x]))
    keep = [i for i in rows if all(data[k][i] == v for k, v in (where or {}).items())]
    groups: dict[Any, list[int]] = {}
    for i in keep:
        groups.setdefault(data[by][i] if by else y, []).append(i)
    if ax is None:
        fig, (ax,) = _new()
        own = True
    else:
        fig, own = cast("Figure", ax.figure), False
    for index, (label, members) in enumerate(groups.items()):
        points = sorted(
            (_number(data[x][i]), _number(data[y][i]))
            for i in members
            if not math.isnan(_number(data[y][i]))
        )
        ax.plot(
            [p[0] for p in points],
            [p[1] for p in points],
            marker="o",
            markersize=4,
            label=str(label),
            color=COLOURS[index % len(COLOURS)],
        )
    if logx:
        ax.set_xscale("log")
    if logy:
        ax.set_yscale("log")
    units = _units(table)
    ax.set_xlabel(_axis_label(x, units), fontsize=9)
    ax.set_ylabel(_axis_label(y, units), fontsize=9)
    ax.tick_params(labelsize=8)
    ax.grid(alpha=0.25, which="both")
    if by:
        ax.legend(fontsize=8, frameon=False)
    heading = title if title is not None else str(getattr(table, "title", "") or "")
    if not own:
        if heading:
            ax.set_title(heading, fontsize=9)
        return fig
    return _done(fig, heading)


def omega_chart(
    table: Any,
    *,
    metric: str = "busyness",
    workload: str | None = "service",
    title: str | None = None,
) -> Figure:
    """An Omega sweep (``sweep_decision_time``): ``metric`` of ``workload``'s scheduler
    against ``t_job_service``, one line per architecture, log-scaled x (Omega §4)."""
    data = columns_of(table)
    where = {"workload": workload} if workload is not None and "workload" in data else None
    scope = f" ({workload} scheduler)" if where else ""
    return experiment_chart(
        table,
        x="t_job_service",
        y=metric,
        by="architecture" if "architecture" in data else None,
        where=where,
        logx=True,
        title=title
        if title is not None
        else f"{metric.replace('_', ' ').capitalize()}{scope} against t_job(service)",
    )


def busyness_chart(table: Any) -> Figure:
    """Omega Figures 5-7: how busy the service scheduler is, as its decisions slow down."""
    return omega_chart(table, metric="busyness", workload="service")


def conflict_chart(table: Any) -> Figure:
    """Omega §4: conflict fraction of the service scheduler (shared-state)."""
    return omega_chart(table, metric="conflict_fraction", workload="service")


def wait_chart(table: Any) -> Figure:
    """Omega Figures 5-7: how long batch jobs wait for a first attempt."""
    return omega_chart(table, metric="wait_time", workload="batch")


def compaction_chart(table: Any, *, title: str | None = None) -> Figure:
    """Borg §5.1: machines needed per scoring policy (fewer is better packing).

    Bars of ``machines`` (the chosen percentile) with ``min``-``max`` whiskers when the
    table has them (the summary of :func:`kube_lab.borg.compaction`); with ``per_trial``
    rows (``policy``, ``trial``, ``machines``), every trial as a dot.
    """
    data = columns_of(table)
    _need(data, "policy", "machines")
    fig, (ax,) = _new((6.0, 3.4))
    policies = list(dict.fromkeys(data["policy"]))
    per_trial = "trial" in data
    for index, policy in enumerate(policies):
        rows = [i for i, p in enumerate(data["policy"]) if p == policy]
        values = [_number(data["machines"][i]) for i in rows]
        colour = COLOURS[index % len(COLOURS)]
        if per_trial:
            ax.scatter([index] * len(values), values, color=colour, s=12, alpha=0.7)
            finite = [v for v in values if not math.isnan(v)]
            if finite:
                ax.hlines(sorted(finite)[len(finite) // 2], index - 0.3, index + 0.3, color=colour)
            continue
        value = values[0]
        ax.bar(index, 0 if math.isnan(value) else value, color=colour, width=0.6)
        if "min" in data and "max" in data:
            low, high = _number(data["min"][rows[0]]), _number(data["max"][rows[0]])
            if not (math.isnan(low) or math.isnan(high) or math.isnan(value)):
                ax.errorbar(
                    index,
                    value,
                    yerr=[[max(0.0, value - low)], [max(0.0, high - value)]],
                    color="#333333",
                    capsize=4,
                )
        label = "does not fit" if math.isnan(value) else f"{value:g}"
        ax.annotate(
            label,
            xy=(index, 0 if math.isnan(value) else value),
            xytext=(0, 3),
            textcoords="offset points",
            ha="center",
            fontsize=8,
        )
    ax.set_xticks(range(len(policies)), [str(p) for p in policies], fontsize=9)
    ax.set_ylabel("machines needed", fontsize=9)
    ax.tick_params(labelsize=8)
    ax.grid(alpha=0.25, axis="y")
    heading = title if title is not None else "Cell compaction: smallest cell that fits"
    return _done(fig, heading)


def scalability_chart(table: Any, *, metric: str = "seconds", title: str | None = None) -> Figure:
    """Borg §3.4: time (or ``evaluations``) to schedule a cell with each technique combination,
    log-scaled; extrapolated runs (too slow to finish) hatched."""
    data = columns_of(table)
    _need(data, "techniques", metric)
    fig, (ax,) = _new((7.0, 0.5 + 0.38 * len(data["techniques"])))
    labels = [str(t) for t in data["techniques"]]
    values = [_number(v) for v in data[metric]]
    extrapolated = data.get("extrapolated", [False] * len(labels))
    bars = ax.barh(range(len(labels)), values, color="#4f8fcc")
    for bar, guessed in zip(bars, extrapolated, strict=True):
        if guessed:
            bar.set_hatch("//")
            bar.set_facecolor("#b3cde6")
    ax.set_yticks(range(len(labels)), labels, fontsize=8)
    ax.invert_yaxis()
    ax.set_xscale("log")
    ax.set_xlabel(
        _axis_label(metric, _units(table))
        + ("; hatched: extrapolated" if any(extrapolated) else ""),
        fontsize=9,
    )
    ax.tick_params(labelsize=8)
    ax.grid(alpha=0.25, axis="x", which="both")
    heading = title if title is not None else "Borg's scalability techniques"
    return _done(fig, heading)


#: The eras metrics drawn by default, one panel each.
ERA_METRICS = ("servers", "cpu_utilization", "deploy_s", "recover_s")


def eras_chart(
    table: Any, *, metrics: Sequence[str] = ERA_METRICS, title: str | None = None
) -> Figure:
    """The deployment eras side by side: one bar per era in each metric's panel."""
    data = columns_of(table)
    _need(data, "era", *metrics)
    fig, axes = _new((2.4 * len(metrics), 3.2), panels=len(metrics))
    eras = [str(e) for e in data["era"]]
    units = _units(table)
    for ax, metric in zip(axes, metrics, strict=True):
        values = [_number(v) for v in data[metric]]
        ax.bar(
            range(len(eras)), values, color=[COLOURS[i % len(COLOURS)] for i in range(len(eras))]
        )
        ax.set_xticks(range(len(eras)), eras, rotation=35, ha="right", fontsize=7)
        ax.set_title(_axis_label(metric, units), fontsize=9)
        ax.tick_params(axis="y", labelsize=7)
        ax.grid(alpha=0.25, axis="y")
    heading = title if title is not None else str(getattr(table, "title", "") or "Deployment eras")
    return _done(fig, heading)
