"""The cluster diagram: which pod runs where, which is failing, where each Service sends.

:func:`cluster_diagram` (what ``Cluster.show()`` returns) draws one box per node holding
its pods, as ``kubectl get pods -o wide`` would say it if it could draw:

* each node is a Graphviz cluster labelled with its ``kubectl get nodes`` STATUS; a node
  the control plane sees as ``NotReady`` is red and dashed, a cordoned one
  (``SchedulingDisabled``) grey, and one whose power is off while the API still says
  ``Ready`` (the first 50 s after ``fail_node``) has an orange border;
* each pod is coloured by its state (:data:`~kube_lab.viz.snapshot.STATES`) and labelled
  with its owner (the Deployment, for a Deployment's pods), its image version and its
  ``kubectl get pods`` STATUS;
* pods no node was found for wait in a separate *Pending* lane, each with the scheduler's
  reason (``Unschedulable: 0/3 nodes are available: 3 Insufficient cpu.``);
* each Service has arrows to its *ready* endpoints only (the EndpointSlice's ``ready``
  condition): the pods kube-proxy actually sends requests to.

A large cluster (more than :data:`SUMMARY_NODES` nodes) is summarised instead: one grid cell
per node coloured by its requested CPU, failed and cordoned nodes marked, and counts of pods
by state, of Pending pods by reason and of each Service's ready endpoints
(:func:`summary_diagram`; :func:`node_heatmap` draws the same grid with matplotlib).
"""

from __future__ import annotations

import itertools
import math
from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING

from kube_lab.viz import diagram as d
from kube_lab.viz.snapshot import STATES, NodeView, PodView, ServiceView, Snapshot, snapshot

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from kube_lab.cluster import Cluster

#: Above this many nodes (or :data:`SUMMARY_PODS` pods) ``show()`` summarises.
SUMMARY_NODES = 50
SUMMARY_PODS = 600
#: The summary grid's width in cells.
GRID_COLUMNS = 40
#: A Ready node's colour in the summary grid: nothing requested, then up to 20%, 40% ... 100%.
CPU_SHADES = ("#ffffff", "#e3f2e3", "#b5dcb5", "#7cc27c", "#3f9a47", "#1e6b27")


def _as_snapshot(source: Cluster | Snapshot) -> Snapshot:
    return source if isinstance(source, Snapshot) else snapshot(source)


def select(
    snap: Snapshot, *, namespace: str | None, deployment: str | None
) -> tuple[list[PodView], list[ServiceView]]:
    """The pods and Services a diagram shows for a namespace and/or Deployment."""
    pods = [
        p
        for p in snap.pods
        if (namespace is None or p.namespace == namespace)
        and (deployment is None or (p.owner_kind == "Deployment" and p.owner == deployment))
    ]
    services = [
        s
        for s in snap.services
        if (namespace is None or s.namespace == namespace)
        and (deployment is None or any(s.selects(p) for p in pods))
    ]
    return pods, services


def cluster_diagram(
    source: Cluster | Snapshot,
    *,
    namespace: str | None = None,
    deployment: str | None = None,
    summary: bool | None = None,
    columns: int | None = None,
    pod_columns: int = 3,
    max_pods: int = 40,
    max_pending: int = 12,
) -> d.Diagram:
    """Nodes holding their pods, the Pending lane and Services' arrows to ready pods.

    ``namespace`` / ``deployment`` show only those pods (and the Services that select
    them); every node stays, so a learner sees where pods are *not*. ``summary=True``
    draws the compact grid of :func:`summary_diagram` (the default for clusters of more
    than :data:`SUMMARY_NODES` nodes). Up to five nodes sit in one row under the
    Services, more in one column beside them; ``columns`` asks for rows of that many node
    boxes instead. ``pod_columns`` is the pods per row inside a node; ``max_pods`` /
    ``max_pending`` cap the pods drawn per node and in the Pending lane (the rest are
    counted).

    In the DOT source each node is one Graphviz node, ``node/<name>``, whose label is a
    table: a header with the node's status, then one cell per pod, ``PORT="<namespace>/
    <pod>"``. A Service is ``svc/<namespace>/<name>``; its arrows end on those ports.
    """
    snap = _as_snapshot(source)
    pods, services = select(snap, namespace=namespace, deployment=deployment)
    if summary is None:
        summary = len(snap.nodes) > SUMMARY_NODES or len(pods) > SUMMARY_PODS
    if summary:
        return summary_diagram(snap, namespace=namespace, deployment=deployment)

    # Up to five nodes: one row under the Services. More: one column beside them, so that
    # every arrow spans one rank (arrows across rows of boxes tangle) and boxes stay legible.
    nodes = snap.nodes
    wide = columns is not None or len(nodes) <= 5
    per_row = columns or len(nodes) or 1
    if not wide:
        pod_columns = max(pod_columns, 5)
    diagram = d.new_diagram(
        _caption(snap, pods, namespace=namespace, deployment=deployment),
        rankdir="TB" if wide else "LR",
        nodesep="0.25",
        ranksep="0.45" if wide else "1.2",
        labelloc="b",
        label=_legend(snap, pods),
    )
    diagram.attr("node", shape="plaintext", margin="0")
    by_node: dict[str, list[PodView]] = {n.name: [] for n in nodes}
    waiting: list[PodView] = []
    for pod in pods:
        if pod.node in by_node:
            by_node[pod.node].append(pod)
        else:
            waiting.append(pod)

    drawn: dict[str, str] = {}  # pod key -> the table's port to point arrows at
    for service in services:
        diagram.node(_service_id(service), **_service(service))
    rows = (
        [list(nodes[i : i + per_row]) for i in range(0, len(nodes), per_row)]
        if wide
        else [list(nodes)]
    )
    boxes: list[list[str]] = []
    for row in rows:
        with diagram.subgraph() as same:
            same.attr(rank="same")
            names = []
            for node in row:
                name = f"node/{node.name}"
                label, ports = _node_table(
                    node, by_node[node.name], pod_columns=pod_columns, max_pods=max_pods
                )
                same.node(name, label=label, tooltip=f"node {node.name}: {node.status}")
                drawn.update({key: f"{name}:{port}" for key, port in ports.items()})
                names.append(name)
            if waiting and not wide:
                names.append("pending")
            for left, right in itertools.pairwise(names):  # keep name order
                same.edge(left, right, style="invis")
        boxes.append(names)
    if waiting:
        label, ports = _pending_table(waiting, pod_columns=pod_columns, limit=max_pending)
        diagram.node("pending", label=label, tooltip="Pending pods")
        drawn.update({key: f"pending:{port}" for key, port in ports.items()})
        if wide:
            boxes.append(["pending"])
    heads = [names[0] for names in boxes if names]
    for above, below in itertools.pairwise(heads):
        diagram.edge(above, below, style="invis")
    compass = "n" if wide else "w"
    arrows = sum(len(s.ready) for s in services)
    colour = d.SERVICE_EDGE if arrows <= 30 else d.SERVICE_EDGE + "88"  # dense: see-through
    for service in services:
        for ready in service.ready:
            target = drawn.get(f"{service.namespace}/{ready}")
            if target is not None:
                diagram.edge(
                    _service_id(service),
                    f"{target}:{compass}",
                    color=colour,
                    arrowsize="0.6",
                    id=f"{_service_id(service)}->{service.namespace}/{ready}",
                    tooltip=f"svc/{service.name} → {ready}",
                )
        if heads:  # above (or left of) the nodes even when no pod of it is ready
            diagram.edge(_service_id(service), heads[0], style="invis")
    return diagram


def _caption(
    snap: Snapshot, pods: Sequence[PodView], *, namespace: str | None, deployment: str | None
) -> str:
    states = Counter(p.state for p in pods)
    counts = ", ".join(f"{states[s]} {s}" for s in STATES if states[s])
    scope = (
        f"deployment {deployment}" if deployment else f"namespace {namespace}" if namespace else ""
    )
    scope = f" ({scope})" if scope else ""
    return f"cluster at {snap.time:g} s{scope}: {len(snap.nodes)} nodes, {len(pods)} pods" + (
        f" ({counts})" if counts else ""
    )


def _legend(snap: Snapshot, pods: Sequence[PodView]) -> str:
    failed = sum(n.failed for n in snap.nodes)
    cordoned = sum(n.unschedulable for n in snap.nodes)
    facts = [f"t = {snap.time:g} s", f"{len(snap.nodes)} nodes", f"{len(pods)} pods"]
    if failed:
        facts.append(f"{failed} failed")
    if cordoned:
        facts.append(f"{cordoned} cordoned")
    cells = "".join(
        f'<td bgcolor="{d.POD_COLOURS[s]}" border="1" color="#9e9e9e">'
        f'<font point-size="8">{d.escape(d.POD_MEANINGS[s])}</font></td>'
        for s in STATES
    )
    return (
        '<<table border="0" cellspacing="3" cellpadding="2"><tr>'
        f"<td>{d.escape(' · '.join(facts))}</td>{cells}"
        f'<td><font point-size="8" color="{d.SERVICE_EDGE}">Service → ready pod</font></td>'
        "</tr></table>>"
    )


def _pod_cell(pod: PodView, port: str, *, reason: bool = False) -> str:
    owner = pod.owner or pod.name
    lines = [f"<b>{d.escape(owner)}</b> {d.escape(pod.version)}"]
    if pod.owner:
        lines.append(f'<font point-size="8">{d.escape(pod.short_name)}</font>')
    status = pod.status + (f" · {pod.restarts} restarts" if pod.restarts else "")
    lines.append(f'<font point-size="8">{d.escape(status)}</font>')
    if reason and pod.reason:
        lines.append(f'<font point-size="8" color="#6d4c41">{d.wrap(pod.reason, 34)}</font>')
    title = f"{pod.namespace}/{pod.name} · {pod.image} · {pod.status}"
    style = ' style="dashed"' if pod.state == "Terminating" else ""
    return (
        f'<td port="{d.escape(port)}" bgcolor="{d.POD_COLOURS[pod.state]}"{style}'
        f' title="{d.escape(title)}" href="#{d.escape(pod.key)}">' + "<br/>".join(lines) + "</td>"
    )


def _cells(
    pods: Sequence[PodView], *, columns: int, limit: int, more: str, reason: bool = False
) -> tuple[list[str], dict[str, str]]:
    """Table rows of pod cells, ``columns`` to a row, and each pod's port."""
    cells, ports = [], {}
    for pod in pods[:limit]:
        ports[pod.key] = pod.key
        cells.append(_pod_cell(pod, pod.key, reason=reason))
    if len(pods) > limit:
        cells.append(f'<td border="0">+ {len(pods) - limit} {d.escape(more)}</td>')
    rows = [
        "<tr>" + "".join(cells[i : i + columns]) + "</tr>" for i in range(0, len(cells), columns)
    ]
    return rows, ports


def _node_header(node: NodeView, pods: int) -> str:
    status = d.escape(node.status)
    if node.ready != "True":
        status = f'<font color="{d.NODE_FAILED}"><b>{status}</b></font>'
    lines = [
        f"<b>{d.escape(node.name)}</b>  {status}" + (" (cordoned)" if node.unschedulable else "")
    ]
    if not node.powered:
        lines.append(f'<font color="{d.NODE_SILENT}"><b>powered off</b>: no heartbeats</font>')
    cpu = f"cpu {node.cpu_requested}m/{node.cpu}m requested · {pods}/{node.pod_capacity} pods"
    lines.append(f'<font point-size="8">{d.escape(cpu)}</font>')
    if node.taints:
        taints = ", ".join(t.removeprefix("node.kubernetes.io/") for t in node.taints)
        lines.append(f'<font point-size="8">taints: {d.escape(taints)}</font>')
    return '<br align="left"/>'.join(lines) + '<br align="left"/>'


def _node_table(
    node: NodeView, pods: Sequence[PodView], *, pod_columns: int, max_pods: int
) -> tuple[str, dict[str, str]]:
    style, colour, fill = "rounded", "#90a4ae", d.NODE_FILL
    if node.unschedulable:
        style, fill = "rounded,dashed", d.NODE_CORDONED_FILL
    if not node.powered:
        colour = d.NODE_SILENT
    if node.ready != "True":
        style, colour, fill = "rounded,dashed", d.NODE_FAILED, d.NODE_FAILED_FILL
    rows, ports = _cells(pods, columns=pod_columns, limit=max_pods, more="more pods")
    if not rows:
        rows = ['<tr><td border="0"><font color="#9e9e9e">no pods</font></td></tr>']
    width = min(pod_columns, max(1, len(pods)))
    border = "1" if node.ready == "True" and node.powered else "2"
    label = (
        f'<<table style="{style}" border="{border}" color="{colour}" bgcolor="{fill}"'
        ' cellborder="1" cellspacing="4" cellpadding="3">'
        f'<tr><td colspan="{width}" border="0" align="left" balign="left">'
        f"{_node_header(node, len(pods))}</td></tr>" + "".join(rows) + "</table>>"
    )
    return label, ports


def _pending_table(
    pods: Sequence[PodView], *, pod_columns: int, limit: int
) -> tuple[str, dict[str, str]]:
    rows, ports = _cells(
        pods, columns=pod_columns, limit=limit, more="more Pending pods", reason=True
    )
    width = min(pod_columns, len(pods))
    label = (
        '<<table style="rounded,dashed" border="1" color="#8d6e63" cellborder="1"'
        ' cellspacing="4" cellpadding="3">'
        f'<tr><td colspan="{width}" border="0" align="left"><b>Pending</b>: no node yet'
        " (the scheduler's reason)</td></tr>" + "".join(rows) + "</table>>"
    )
    return label, ports


def _service_id(service: ServiceView) -> str:
    return f"svc/{service.namespace}/{service.name}"


def _service(service: ServiceView) -> dict[str, str]:
    total = len(service.ready) + len(service.not_ready)
    ports = ",".join(str(p) for p in service.ports)
    lines = [
        f"<b>svc/{d.escape(service.name)}</b>",
        f'<font point-size="8">{d.escape(service.cluster_ip)}:{d.escape(ports)}</font>',
        f'<font point-size="8">{len(service.ready)}/{total} endpoints ready'
        + (f" · {service.rps:g} rps" if service.rps else "")
        + "</font>",
    ]
    return {
        "label": "<" + "<br/>".join(lines) + ">",
        "shape": "box",
        "style": "rounded,filled",
        "margin": "0.08,0.04",
        "fillcolor": d.SERVICE_FILL,
        "color": d.SERVICE_EDGE,
        "tooltip": f"Service {service.namespace}/{service.name} ({service.type})",
    }


# -- large clusters -----------------------------------------------------------------------


def cpu_shade(node: NodeView) -> str:
    """A Ready node's colour in the summary: darker as more of its CPU is requested."""
    fraction = node.cpu_requested / node.cpu if node.cpu else 0.0
    steps = len(CPU_SHADES) - 1
    return CPU_SHADES[0 if fraction <= 0 else min(steps, math.ceil(fraction * steps))]


def node_colour(node: NodeView) -> str:
    if node.ready != "True":
        return d.NODE_FAILED
    if not node.powered:
        return d.NODE_SILENT
    if node.unschedulable:
        return "#9e9e9e"
    return cpu_shade(node)


def summary_diagram(
    source: Cluster | Snapshot,
    *,
    namespace: str | None = None,
    deployment: str | None = None,
    grid_columns: int = GRID_COLUMNS,
) -> d.Diagram:
    """A large cluster at a glance: a grid of nodes and the counts that matter.

    One cell per node (in name order, ``grid_columns`` per row): green, darker as more of
    its CPU is requested; red if ``NotReady``; orange if powered off but not yet noticed;
    grey if cordoned. Beside it: pods by state, Pending pods grouped by reason, and each
    Service's ready endpoints.
    """
    snap = _as_snapshot(source)
    pods, services = select(snap, namespace=namespace, deployment=deployment)
    diagram = d.new_diagram(
        _caption(snap, pods, namespace=namespace, deployment=deployment) + " (summary)",
        rankdir="LR",
        nodesep="0.3",
    )
    diagram.attr("node", shape="plaintext")
    rows = []
    for start in range(0, len(snap.nodes), grid_columns):
        cells = "".join(
            f'<td bgcolor="{node_colour(n)}" width="9" height="9" fixedsize="true"'
            f' title="{d.escape(n.name)}: {d.escape(n.status)}" href="#{d.escape(n.name)}"></td>'
            for n in snap.nodes[start : start + grid_columns]
        )
        rows.append(f"<tr>{cells}</tr>")
    failed = sum(n.ready != "True" for n in snap.nodes)
    silent = sum(n.ready == "True" and not n.powered for n in snap.nodes)
    cordoned = sum(n.unschedulable for n in snap.nodes)
    header = (
        f"<b>{len(snap.nodes)} nodes</b> · {len(snap.nodes) - failed} Ready · "
        f"{failed} NotReady · {cordoned} cordoned" + (f" · {silent} powered off" if silent else "")
    )
    shades = "".join(
        f'<td bgcolor="{shade}" border="1" color="#cccccc" width="9" height="9" fixedsize="true">'
        "</td>"
        for shade in CPU_SHADES
    )
    key = (
        '<table border="0" cellspacing="2" cellpadding="0"><tr>'
        '<td><font point-size="8">cpu requested: 0%</font></td>'
        f'{shades}<td><font point-size="8">100%</font></td>'
        f'<td bgcolor="{d.NODE_FAILED}" width="9" height="9" fixedsize="true"></td>'
        '<td><font point-size="8">NotReady</font></td>'
        f'<td bgcolor="{d.NODE_SILENT}" width="9" height="9" fixedsize="true"></td>'
        '<td><font point-size="8">powered off</font></td>'
        '<td bgcolor="#9e9e9e" width="9" height="9" fixedsize="true"></td>'
        '<td><font point-size="8">cordoned</font></td></tr></table>'
    )
    cells = (
        '<table border="0" cellborder="0" cellspacing="1" cellpadding="0" bgcolor="#d5d5d5">'
        + ("".join(rows) or '<tr><td bgcolor="white">no nodes</td></tr>')
        + "</table>"
    )
    grid = (
        '<<table border="0" cellborder="0" cellspacing="2" cellpadding="0">'
        f'<tr><td align="left">{header}</td></tr><tr><td>{cells}</td></tr>'
        f'<tr><td align="left">{key}</td></tr></table>>'
    )
    diagram.node("nodes", label=grid)
    diagram.node("counts", label=_counts_table(pods, services))
    diagram.edge("nodes", "counts", style="invis")
    return diagram


def _counts_table(pods: Sequence[PodView], services: Sequence[ServiceView], limit: int = 8) -> str:
    states = Counter(p.state for p in pods)
    rows = [f'<tr><td colspan="2" align="left"><b>{len(pods)} pods</b></td></tr>']
    for state in STATES:
        if states[state]:
            rows.append(
                f'<tr><td bgcolor="{d.POD_COLOURS[state]}" align="right">{states[state]}</td>'
                f'<td align="left">{d.escape(d.POD_MEANINGS[state])}</td></tr>'
            )
    reasons = Counter(p.reason for p in pods if not p.node)
    if reasons:
        rows.append('<tr><td colspan="2" align="left"><b>Pending, by reason</b></td></tr>')
        for reason, count in sorted(reasons.items(), key=lambda rc: (-rc[1], rc[0]))[:limit]:
            rows.append(
                f'<tr><td align="right" valign="top">{count}</td>'
                f'<td align="left" balign="left">{d.wrap(reason, 60)}</td></tr>'
            )
    if services:
        rows.append('<tr><td colspan="2" align="left"><b>Services: ready endpoints</b></td></tr>')
        for service in services[:limit]:
            total = len(service.ready) + len(service.not_ready)
            rows.append(
                f'<tr><td align="right">{len(service.ready)}/{total}</td>'
                f'<td align="left">svc/{d.escape(service.name)}</td></tr>'
            )
        if len(services) > limit:
            rows.append(
                f'<tr><td colspan="2" align="left">+ {len(services) - limit} more</td></tr>'
            )
    return (
        '<<table border="0" cellborder="0" cellspacing="2" cellpadding="1">'
        + "".join(rows)
        + "</table>>"
    )


def node_heatmap(
    source: Cluster | Snapshot, *, metric: str = "cpu", grid_columns: int = GRID_COLUMNS
) -> Figure:
    """The node grid as a matplotlib heat map: requested CPU (``metric="cpu"``) or pod
    count (``metric="pods"``) per node; NotReady nodes hatched red, powered-off ones
    orange, cordoned ones grey (the colours of :func:`summary_diagram`)."""
    import numpy as np
    from matplotlib import pyplot as plt
    from matplotlib.patches import Rectangle

    if metric not in ("cpu", "pods"):
        raise ValueError('metric must be "cpu" or "pods"')
    snap = _as_snapshot(source)
    counts = Counter(p.node for p in snap.pods if p.node)
    rows = max(1, math.ceil(len(snap.nodes) / grid_columns))
    values = np.full((rows, grid_columns), np.nan)
    for index, node in enumerate(snap.nodes):
        if metric == "cpu":
            value = 100 * node.cpu_requested / node.cpu if node.cpu else 0.0
        else:
            value = counts[node.name]
        values[divmod(index, grid_columns)] = value
    fig = plt.figure(figsize=(8, 1.0 + 6.5 * rows / grid_columns))
    ax = fig.add_subplot()
    image = ax.imshow(values, cmap="Greens", vmin=0, vmax=100 if metric == "cpu" else None)
    for index, node in enumerate(snap.nodes):
        row, col = divmod(index, grid_columns)
        if node.failed or node.unschedulable:
            colour = node_colour(node)
            ax.add_patch(
                Rectangle((col - 0.5, row - 0.5), 1, 1, facecolor=colour, hatch="xx", lw=0)
            )
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_title(
        f"{len(snap.nodes)} nodes at {snap.time:g} s: "
        + ("CPU requested (%)" if metric == "cpu" else "pods per node")
    )
    fig.colorbar(image, ax=ax, fraction=0.03)
    plt.close(fig)
    return fig
