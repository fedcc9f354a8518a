"""Timeline charts: how the cluster got where it is, second by second (matplotlib).

Each function takes a cluster's recorded :class:`~kube_lab.timeline.Timeline` (or the
cluster itself, or plain ``{column: values}`` with a ``time`` column) and returns a
matplotlib ``Figure``: pods by phase, pods by version (image), ready endpoints per Service,
requests served and failed per second, CPU utilization against the autoscaler's target, and
replicas wanted against ready. The learner's actions (``fail_node``, ``set image``, ``apply``
...) are dotted vertical lines labelled at the top, so cause and effect sit side by side.
:func:`timeline_chart` stacks every panel that has data.

Charts are deterministic: a fixed size, no dates, and colours that match the diagram's
(Running green, Pending grey, failing red). The figure is closed before it is returned, so a
notebook cell shows it once (as its result) and pyplot keeps no state between cells.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from kube_lab.timeline import Action, Timeline

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

Columns = Mapping[str, Sequence[float]]
#: One line of a chart: its legend label, its values and its matplotlib style.
Line = tuple[str, Sequence[float], dict[str, Any]]

#: Width and height (inches) of one panel.
PANEL = (8.0, 2.6)

#: Line colours of pod phases (``Terminating`` is the timeline's phase while deleting).
PHASE_COLOURS = {
    "Running": "#3a9a3a",
    "Pending": "#9e9e9e",
    "Succeeded": "#7e57c2",
    "Failed": "#d32f2f",
    "Unknown": "#ef6c00",
    "Terminating": "#607d8b",
}
#: For the ``version/`` lines: one colour per image, in order of first appearance.
CYCLE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2")


def _columns(source: Any) -> tuple[dict[str, list[float]], list[Action]]:
    timeline = getattr(source, "timeline", source)
    if isinstance(timeline, Timeline):
        return timeline.to_columns(), list(timeline.actions)
    if isinstance(timeline, Mapping):
        return {k: list(v) for k, v in timeline.items()}, []
    raise TypeError(f"expected a Timeline, a Cluster or a mapping of columns, not {type(source)}")


def _figure(panels: int = 1) -> tuple[Figure, list[Axes]]:
    from matplotlib import pyplot as plt

    fig = plt.figure(figsize=(PANEL[0], PANEL[1] * panels), layout="constrained")
    axes = fig.subplots(panels, 1, sharex=True, squeeze=False)[:, 0]
    return fig, list(axes)


def _finish(fig: Figure) -> Figure:
    from matplotlib import pyplot as plt

    plt.close(fig)
    return fig


def _pick(columns: Mapping[str, Sequence[float]], prefix: str, name: str | None) -> list[str]:
    """Column names under ``prefix/``; with ``name``, those ending in ``/name`` (or equal)."""
    found = sorted(c for c in columns if c.startswith(prefix + "/"))
    if name is None:
        return found
    return [c for c in found if c == f"{prefix}/{name}" or c.endswith(f"/{name}")]


def _short(column: str) -> str:
    """``endpoints/default/web`` -> ``web`` (the namespace shows only when not default)."""
    parts = column.split("/", 1)[1]
    return parts.removeprefix("default/")


def mark_actions(ax: Axes, actions: Sequence[Action], *, numbers: bool = True) -> None:
    """Dotted vertical lines at the learner's actions, numbered at the top of ``ax``."""
    for index, action in enumerate(actions, start=1):
        ax.axvline(action.time, color="#555555", linestyle=":", linewidth=1, label="_action")
        if numbers:
            ax.annotate(
                str(index),
                xy=(action.time, 1.0),
                xycoords=("data", "axes fraction"),
                xytext=(2, -2 - 8 * ((index - 1) % 2)),
                textcoords="offset points",
                fontsize=7,
                color="#555555",
                va="top",
            )


def _action_key(fig: Figure, actions: Sequence[Action], limit: int = 12) -> None:
    """The numbered actions, listed under the chart."""
    if not actions:
        return
    from matplotlib.lines import Line2D

    listed = list(enumerate(actions, start=1))[:limit]
    handles = [Line2D([], [], color="#555555", linestyle=":") for _ in listed]
    labels = [f"{i}: {a.time:g} s {a.label}" for i, a in listed]
    if len(actions) > limit:
        handles.append(Line2D([], [], linestyle="none"))
        labels.append(f"+ {len(actions) - limit} more")
    fig.legend(
        handles,
        labels,
        loc="outside lower left",
        ncols=2,
        fontsize=7,
        frameon=False,
        title="your actions",
        title_fontsize=7,
        alignment="left",
    )


def _panel(
    ax: Axes,
    time: Sequence[float],
    lines: Sequence[Line],
    *,
    title: str,
    ylabel: str,
    actions: Sequence[Action],
    numbers: bool = True,
) -> None:
    for label, values, style in lines:
        ax.step(time, values, where="post", label=label, linewidth=1.6, **style)
    mark_actions(ax, actions, numbers=numbers)
    ax.set_title(title, fontsize=10, loc="left")
    ax.set_ylabel(ylabel, fontsize=9)
    ax.tick_params(labelsize=8)
    ax.grid(alpha=0.25)
    ax.set_ylim(bottom=0)
    if time:
        ax.set_xlim(time[0], max(time[-1], time[0] + 1))
    if lines:
        ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
    else:
        ax.text(0.5, 0.5, "nothing recorded", transform=ax.transAxes, ha="center", color="#999")


def _phase_lines(c: Columns, name: str | None) -> list[Line]:
    return [
        (col.split("/", 1)[1], c[col], {"color": PHASE_COLOURS.get(col.split("/", 1)[1], "#000")})
        for col in _pick(c, "pods", None)
        if any(c[col])
    ]


def _version_lines(c: Columns, name: str | None) -> list[Line]:
    cols = [col for col in _pick(c, "version", None) if any(c[col])]
    if name is not None:
        cols = [col for col in cols if name in col.split("/", 1)[1]]
    first = sorted(cols, key=lambda col: next(i for i, v in enumerate(c[col]) if v))
    return [
        (col.split("/", 1)[1], c[col], {"color": CYCLE[i % len(CYCLE)]})
        for i, col in enumerate(first)
    ]


def _endpoint_lines(c: Columns, name: str | None) -> list[Line]:
    return [(_short(col), c[col], {}) for col in _pick(c, "endpoints", name)]


def _request_lines(c: Columns, name: str | None) -> list[Line]:
    lines: list[Line] = []
    for col in _pick(c, "served", name):
        lines.append((f"served {_short(col)}", c[col], {"color": "#3a9a3a"}))
        failed = "failed/" + col.split("/", 1)[1]
        if failed in c:
            lines.append((f"failed {_short(col)}", c[failed], {"color": "#d32f2f"}))
    return lines


def _cpu_lines(c: Columns, name: str | None) -> list[Line]:
    lines: list[Line] = []
    for col in _pick(c, "cpu", name):
        lines.append((f"CPU {_short(col)}", c[col], {"color": "#1f77b4"}))
        target = "target/" + col.split("/", 1)[1]
        if target in c:
            lines.append(
                (f"target {_short(col)}", c[target], {"color": "#d32f2f", "linestyle": "--"})
            )
    return lines


def _replica_lines(c: Columns, name: str | None) -> list[Line]:
    lines: list[Line] = []
    for i, col in enumerate(_pick(c, "wanted", name)):
        colour = CYCLE[i % len(CYCLE)]
        lines.append((f"wanted {_short(col)}", c[col], {"color": colour, "linestyle": "--"}))
        ready = "ready/" + col.split("/", 1)[1]
        if ready in c:
            lines.append((f"ready {_short(col)}", c[ready], {"color": colour}))
    return lines


_Lines = Callable[[Columns, str | None], list[Line]]

#: Every panel: (key, title, y label, lines).
PANELS: dict[str, tuple[str, str, _Lines]] = {
    "phases": ("Pods by phase", "pods", _phase_lines),
    "versions": ("Pods by version (image)", "pods", _version_lines),
    "endpoints": ("Ready endpoints per Service", "endpoints", _endpoint_lines),
    "requests": ("Requests per second: served and failed", "requests/s", _request_lines),
    "cpu": ("CPU utilization against the HPA target", "% of request", _cpu_lines),
    "replicas": ("Replicas: wanted (dashed) and ready", "replicas", _replica_lines),
}


def _chart(source: Any, panel: str, name: str | None) -> Figure:
    columns, actions = _columns(source)
    title, ylabel, lines = PANELS[panel]
    fig, (ax,) = _figure(1)
    _panel(
        ax,
        columns.get("time", []),
        lines(columns, name),
        title=title + (f": {name}" if name else ""),
        ylabel=ylabel,
        actions=actions,
    )
    ax.set_xlabel("cluster time (s)", fontsize=9)
    _action_key(fig, actions)
    return _finish(fig)


def pods_by_phase(source: Any) -> Figure:
    """Pods per phase (Pending, Running, Terminating ...) over time."""
    return _chart(source, "phases", None)


def pods_by_version(source: Any, *, image: str | None = None) -> Figure:
    """Pods per image over time: a rollout is one line falling as the next rises.
    ``image`` keeps the images whose name contains it."""
    return _chart(source, "versions", image)


def ready_endpoints(source: Any, *, service: str | None = None) -> Figure:
    """Ready endpoints of each Service (or of ``service``) over time."""
    return _chart(source, "endpoints", service)


def requests(source: Any, *, service: str | None = None) -> Figure:
    """Requests served and failed per second, per Service."""
    return _chart(source, "requests", service)


def cpu_vs_target(source: Any, *, hpa: str | None = None) -> Figure:
    """Each HorizontalPodAutoscaler's measured CPU utilization against its target."""
    return _chart(source, "cpu", hpa)


def replicas(source: Any, *, deployment: str | None = None) -> Figure:
    """Each Deployment's wanted replicas (``spec.replicas``, dashed) and ready ones."""
    return _chart(source, "replicas", deployment)


def timeline_chart(source: Any, *, panels: Sequence[str] | None = None) -> Figure:
    """Every panel of :data:`PANELS` that has data, stacked on one time axis.

    ``panels`` picks and orders them: ``("phases", "endpoints", "requests")``.
    """
    columns, actions = _columns(source)
    if panels is None:
        chosen = [key for key, (_, _, lines) in PANELS.items() if lines(columns, None)]
    else:
        unknown = [p for p in panels if p not in PANELS]
        if unknown:
            raise ValueError(f"unknown panel {unknown[0]!r}; panels are: {', '.join(PANELS)}")
        chosen = list(panels)
    chosen = chosen or ["phases"]
    fig, axes = _figure(len(chosen))
    for index, (ax, key) in enumerate(zip(axes, chosen, strict=True)):
        title, ylabel, lines = PANELS[key]
        _panel(
            ax,
            columns.get("time", []),
            lines(columns, None),
            title=title,
            ylabel=ylabel,
            actions=actions,
            numbers=index == 0,
        )
    axes[-1].set_xlabel("cluster time (s)", fontsize=9)
    _action_key(fig, actions)
    return _finish(fig)
