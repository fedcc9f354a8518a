"""Architecture diagrams: who is in the control plane, and who acted last.

Three systems, drawn the way their papers and docs draw them, from the running model:

* :func:`kubernetes_architecture`: the API server and its store (``kube_lab.store``), the
  scheduler, each controller of the controller manager, metrics-server, kube-proxy and a
  kubelet per node, every one talking only to the API server. The component that wrote the
  latest Event (its ``source.component``, and ``source.host`` for a kubelet) is
  highlighted, with the Event as the caption: step the cluster and watch a reconcile loop
  pass from the Deployment controller to the ReplicaSet controller to the scheduler to a
  kubelet.
* :func:`borg_architecture`: a Borg cell (Verma et al. 2015, Figure 1): the BorgMaster's
  replicas with their Paxos-based store, the scheduler, a Borglet per machine.
* :func:`omega_architecture`: Omega (Schwarzkopf et al. 2013, Figure 1c): one shared cell
  state, several schedulers each working on a private copy and committing optimistic
  transactions.

Each takes ``highlight=`` to point at one component by name.
"""

from __future__ import annotations

import itertools
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from kube_lab.api import kinds
from kube_lab.api.meta import Obj
from kube_lab.viz import diagram as d
from kube_lab.viz.snapshot import EventView, Snapshot, event_view, natural_key, recent_events

if TYPE_CHECKING:
    from kube_lab.cluster import Cluster

#: The API server as the other components see it.
API_SERVER = "kube-apiserver"


def _component(controller: object) -> str:
    """A controller's Event source name (``replicaset-controller`` ...)."""
    name = getattr(controller, "component", None)
    if name is None:
        name = getattr(sys.modules.get(type(controller).__module__), "COMPONENT", None)
    return str(name or type(controller).__name__)


def _module_path(component: object) -> str:
    return type(component).__module__.replace(".", "/") + ".py"


def _style(node_id: str, highlighted: str | None, **attrs: str) -> dict[str, str]:
    if node_id == highlighted:
        return {
            **attrs,
            "style": "filled,bold",
            "fillcolor": d.HIGHLIGHT_FILL,
            "color": d.HIGHLIGHT,
            "penwidth": "3",
        }
    return {"style": "filled", "fillcolor": "white", "color": "#607d8b", **attrs}


def _label(title: str, *lines: str) -> str:
    small = "".join(f'<br/><font point-size="8">{d.escape(line)}</font>' for line in lines if line)
    return f"<<b>{d.escape(title)}</b>{small}>"


def _event_caption(event: EventView | None) -> str:
    if event is None:
        return "<no events yet>"
    who = event.component + (f" on {event.host}" if event.host else "")
    count = f" (x{event.count})" if event.count > 1 else ""
    text = f"{event.type} {event.reason} {event.object}{count}: {event.message}"
    return (
        f'<<font point-size="10">latest event at {event.time:g} s, by <b>{d.escape(who)}</b>'
        f"</font><br/>{d.wrap(text, 90)}>"
    )


def _latest(
    cluster: Cluster, snap: Snapshot | None, event: Obj | EventView | None
) -> EventView | None:
    if isinstance(event, EventView):
        return event
    if event is not None:
        return event_view(event)
    if snap is not None:
        return snap.latest_event
    latest = recent_events(cluster, 1)
    return latest[-1] if latest else None


def kubernetes_architecture(
    cluster: Cluster,
    *,
    event: Obj | EventView | None = None,
    snapshot: Snapshot | None = None,
    highlight: str | None = None,
    kubelets: int = 4,
) -> d.Diagram:
    """The control plane and the nodes of ``cluster``, its latest Event's author highlighted.

    ``event`` (an Event from ``cluster.events()``) picks another event to explain;
    ``snapshot`` draws nodes' states as they were then (the dashboard's replay);
    ``highlight`` names a component outright (``"default-scheduler"``, ``"kubelet"``,
    ``"node-2"``, ``"replicaset-controller"`` ...). At most ``kubelets`` nodes are drawn
    one by one; the rest are counted.
    """
    latest = _latest(cluster, snapshot, event)
    scheduler = str(getattr(cluster.scheduler, "scheduler_name", "default-scheduler"))
    controllers = [*cluster.controllers, cluster.garbage_collector]
    names = [_component(c) for c in controllers]
    if snapshot is not None:
        states = {n.name: (n.status, n.powered) for n in snapshot.nodes}
    else:
        states = {
            name: ("", bool(k.alive))
            for name, k in sorted(cluster.kubelets.items(), key=lambda kv: natural_key(kv[0]))
        }
    nodes = sorted(states, key=natural_key)
    shown = nodes[:kubelets]

    target = highlight or (latest.component if latest is not None else None)
    host = latest.host if latest is not None and highlight is None else ""
    lit: str | None = None
    if target in (scheduler, "scheduler", "kube-scheduler"):
        lit = "scheduler"
    elif target in names:
        lit = f"controller/{target}"
    elif target == API_SERVER:
        lit = "apiserver"
    elif target in ("kubelet", *nodes):
        node = target if target in nodes else host
        lit = f"kubelet/{node}" if node in shown else ("kubelet/more" if node else None)
    elif target in ("kube-proxy", "metrics-server", "you"):
        lit = target

    diagram = d.new_diagram(
        f"Kubernetes architecture at {snapshot.time if snapshot else cluster.now:g} s"
        + (f", highlighting {target}" if lit is not None else ""),
        rankdir="LR",
        nodesep="0.12",
        ranksep="0.9",
        labelloc="b",
        label=_event_caption(latest),
    )
    diagram.attr("node", shape="box")
    diagram.node(
        "you",
        **_style(
            "you",
            lit,
            label=_label("you", "cluster.apply / kubectl / notebook"),
            shape="box",
        ),
    )
    with diagram.subgraph(name="cluster_control_plane") as plane:
        plane.attr(label="<<b>control plane</b>>", style="rounded", color="#90a4ae", labeljust="l")
        plane.node(
            "apiserver",
            **_style(
                "apiserver",
                lit,
                label=_label(API_SERVER, "validation, defaults, watch", "kube_lab/store.py"),
            ),
        )
        if snapshot is not None:
            objects, version = snapshot.objects, snapshot.resource_version
        else:
            objects = sum(cluster.store.count(k.kind) for k in kinds.KINDS)
            version = cluster.store.resource_version
        plane.node(
            "store",
            **_style(
                "store",
                lit,
                label=_label(
                    "etcd (the store)",
                    f"{objects} objects · resourceVersion {version}",
                ),
                shape="cylinder",
            ),
        )
        plane.node(
            "scheduler",
            **_style(
                "scheduler",
                lit,
                label=_label(f"kube-scheduler ({scheduler})", "filter + score, bind"),
            ),
        )
        with plane.subgraph(name="cluster_controller_manager") as manager:
            manager.attr(label="<kube-controller-manager>", style="rounded,dashed", color="#b0bec5")
            # inserted last first: Graphviz stacks a left-to-right rank bottom-up here
            for controller, name in reversed(list(zip(controllers, names, strict=True))):
                node_id = f"controller/{name}"
                manager.node(
                    node_id,
                    **_style(node_id, lit, label=_label(name, _module_path(controller))),
                )
        plane.node(
            "metrics-server",
            **_style("metrics-server", lit, label=_label("metrics-server", "CPU per pod")),
        )
    with diagram.subgraph(name="cluster_nodes") as workers:
        workers.attr(label="<<b>nodes</b>>", style="rounded", color="#90a4ae", labeljust="l")
        for name in shown:
            status, powered = states[name]
            node_id = f"kubelet/{name}"
            extra = {} if powered else {"color": d.NODE_FAILED, "fontcolor": d.NODE_FAILED}
            workers.node(
                node_id,
                **{
                    **_style(
                        node_id,
                        lit,
                        label=_label(
                            f"kubelet on {name}",
                            status,
                            "" if powered else "powered off",
                        ),
                    ),
                    **extra,
                },
            )
        if len(nodes) > len(shown):
            workers.node(
                "kubelet/more",
                **_style(
                    "kubelet/more",
                    lit,
                    label=_label(f"+ {len(nodes) - len(shown)} more kubelets"),
                    shape="box",
                ),
            )
        workers.node(
            "kube-proxy",
            **_style("kube-proxy", lit, label=_label("kube-proxy", "Services → ready endpoints")),
        )

    def link(node_id: str, label: str = "") -> None:
        bold = node_id == lit
        diagram.edge(
            node_id,
            "apiserver",
            dir="both",
            label=label,
            color=d.HIGHLIGHT if bold else "#90a4ae",
            penwidth="2.5" if bold else "1",
        )

    link("you", "apply, kubectl")
    diagram.edge("apiserver", "store", dir="both", color="#90a4ae")
    link("scheduler", "watch pods, bind")
    for name in names:
        link(f"controller/{name}")
    link("metrics-server")
    for name in shown:
        node_id = f"kubelet/{name}"
        diagram.edge(
            "apiserver",
            node_id,
            dir="both",
            color=d.HIGHLIGHT if node_id == lit else "#90a4ae",
            penwidth="2.5" if node_id == lit else "1",
        )
    if len(nodes) > len(shown):
        diagram.edge("apiserver", "kubelet/more", dir="both", color="#90a4ae")
    diagram.edge("apiserver", "kube-proxy", dir="both", color="#90a4ae")
    return diagram


def _machines(model: Any, default: int) -> int:
    machines = getattr(model, "machines", default)
    return int(machines() if callable(machines) else machines)


def borg_architecture(
    cell: Any = None,
    *,
    highlight: str | None = None,
    borglets: int = 4,
    replicas: int = 5,
) -> d.Diagram:
    """A Borg cell (Verma et al., EuroSys 2015, Figure 1).

    ``cell`` is a :class:`kube_lab.borg.Cell` (or anything with ``machines``); its machine
    count, policy and pending tasks label the picture. ``highlight`` is one of
    ``"borgcfg"``, ``"borgmaster"``, ``"paxos"``, ``"scheduler"``, ``"borglet"``.
    """
    machines = _machines(cell, 10_000) if cell is not None else 10_000
    policy = getattr(cell, "policy", "")
    pending = getattr(cell, "pending_tasks", None)
    lit = {"borgcfg": "borgcfg", "master": "master", "borgmaster": "master"}.get(
        highlight or "", highlight
    )
    diagram = d.new_diagram(
        f"Borg cell of {machines} machines" + (f", highlighting {highlight}" if highlight else ""),
        rankdir="TB",
        nodesep="0.25",
        labelloc="b",
        label="<Borg (Verma et al., EuroSys 2015, Figure 1): one BorgMaster per cell,"
        " a Borglet on every machine>",
    )
    diagram.attr("node", shape="box")
    diagram.node(
        "borgcfg",
        **_style("borgcfg", lit, label=_label("borgcfg · command-line tools · web browsers")),
    )
    with diagram.subgraph(name="cluster_borgmaster") as master:
        master.attr(
            label="<<b>BorgMaster</b> (5 replicas, one elected leader)>",
            style="rounded",
            color="#90a4ae",
        )
        ids = ["master", *(f"replica-{i}" for i in range(1, replicas))]
        with master.subgraph() as row:
            row.attr(rank="same")
            for index, node_id in enumerate(ids):
                row.node(
                    node_id,
                    **_style(
                        node_id,
                        lit,
                        label=_label("leader" if index == 0 else f"replica {index}", "UI shard"),
                    ),
                )
            for left, right in itertools.pairwise(ids):
                row.edge(left, right, style="invis")
        master.node(
            "paxos",
            **_style(
                "paxos",
                lit,
                label=_label("Paxos-based store", "cell state, replicated"),
                shape="cylinder",
            ),
        )
        for node_id in ids:
            master.edge(node_id, "paxos", color="#90a4ae")
    lines = ["feasibility, scoring, preemption"]
    if policy:
        lines.append(f"policy: {policy}")
    if pending is not None:
        lines.append(f"{pending() if callable(pending) else pending} tasks pending")
    diagram.node("scheduler", **_style("scheduler", lit, label=_label("scheduler", *lines)))
    with diagram.subgraph(name="cluster_machines") as cellbox:
        cellbox.attr(label=f"<<b>{machines} machines</b>>", style="rounded", color="#90a4ae")
        shown = min(borglets, machines)
        for index in range(shown):
            node_id = f"borglet-{index}"
            cellbox.node(
                node_id,
                **_style(
                    node_id,
                    "borglet-0" if lit == "borglet" else lit,
                    label=_label("Borglet", f"machine {index}"),
                ),
            )
        if machines > shown:
            cellbox.node("more", label=f"+ {machines - shown} more", shape="plaintext")
    diagram.edge("borgcfg", "master", color="#90a4ae")
    diagram.edge(
        "scheduler",
        "paxos",
        dir="both",
        label="reads state, writes placements",
        color=d.HIGHLIGHT if lit == "scheduler" else "#90a4ae",
    )
    for index in range(min(borglets, machines)):
        diagram.edge(
            "master",
            f"borglet-{index}",
            label="polls" if index == 0 else "",
            color="#90a4ae",
            dir="both",
        )
    return diagram


#: Omega's schedulers as in Schwarzkopf et al. 2013, Figure 1c.
OMEGA_SCHEDULERS = ("batch", "service", "MapReduce")


def omega_architecture(
    model: Any = None,
    *,
    schedulers: Sequence[str] | None = None,
    highlight: str | None = None,
    conflicts: dict[str, float] | None = None,
) -> d.Diagram:
    """Omega: one shared cell state, several schedulers with private copies (Figure 1c).

    ``schedulers`` names them (default: batch, service, MapReduce); ``model`` is a
    :class:`kube_lab.omega.CellState` (or anything with ``machines``) for the cell's size;
    ``conflicts`` labels each scheduler with its conflict fraction (from
    :func:`kube_lab.omega.simulate`); ``highlight`` names the scheduler that committed last,
    or ``"cell state"``.
    """
    names = list(schedulers or OMEGA_SCHEDULERS)
    machines = _machines(model, 0) if model is not None else 0
    diagram = d.new_diagram(
        f"Omega with {len(names)} schedulers"
        + (f", highlighting {highlight}" if highlight else ""),
        rankdir="TB",
        nodesep="0.4",
        labelloc="b",
        label="<Omega (Schwarzkopf et al., EuroSys 2013): shared state, optimistic concurrency;"
        " a commit fails where another scheduler claimed first>",
    )
    diagram.attr("node", shape="box")
    lit = "cellstate" if highlight in ("cell state", "cellstate", "shared") else highlight
    for name in names:
        lines = ["private copy of the cell state"]
        if conflicts and name in conflicts:
            lines.append(f"conflict fraction {conflicts[name]:.2f}")
        diagram.node(name, **_style(name, lit, label=_label(f"{name} scheduler", *lines)))
    state = ["every machine, versioned"]
    if machines:
        state.insert(0, f"{machines} machines")
    diagram.node(
        "cellstate",
        **_style("cellstate", lit, label=_label("shared cell state", *state), shape="cylinder"),
    )
    for name in names:
        bold = name == lit
        diagram.edge(
            name,
            "cellstate",
            label="commit transaction" if bold or name == names[0] else "",
            color=d.HIGHLIGHT if bold else "#607d8b",
            penwidth="2.5" if bold else "1",
        )
        diagram.edge(
            "cellstate",
            name,
            label="sync" if name == names[-1] else "",
            style="dashed",
            color="#90a4ae",
            constraint="false",
        )
    return diagram
