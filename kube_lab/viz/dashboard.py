"""The dashboard: watch the cluster, act on it, and scrub back through what happened.

``Cluster.dashboard()`` returns a :class:`Dashboard`, an ipywidgets ``VBox`` made only of
stock widgets (no custom JavaScript), so it works in JupyterLab 4, Binder and Voila:

* the cluster diagram (:func:`~kube_lab.viz.cluster.cluster_diagram`) and, beside it, the
  architecture diagram with the component that acted last highlighted;
* an event log, newest first, as ``kubectl get events`` would list it;
* time: play / pause (a ``Play`` widget ticking once a second), step, and how many seconds
  of cluster time one step lets pass;
* actions, each through the verb a learner has, shown as the command it ran and what it
  printed: ``kubectl scale``, ``kubectl set image``, ``kubectl rollout undo``,
  ``kubectl cordon`` / ``uncordon`` / ``drain``, ``cluster.fail_node`` /
  ``recover_node``, ``cluster.set_load``;
* a replay slider over the recorded history. Each step and action records a
  :class:`~kube_lab.viz.snapshot.Snapshot` (what the diagrams need, as plain values), so
  scrubbing back redraws the past without running the cluster again.

The dashboard reads the cluster and never writes to the store itself. Its notebook output
also carries ``image/svg+xml`` of the current diagram (and a ``text/plain`` that is the same
every run), so a page rendered without a kernel still shows the cluster.
"""

from __future__ import annotations

import html
from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import ipywidgets as widgets  # type: ignore[import-untyped]

from kube_lab.viz.architecture import kubernetes_architecture
from kube_lab.viz.cluster import cluster_diagram
from kube_lab.viz.snapshot import EventView, Snapshot, natural_key, snapshot

if TYPE_CHECKING:
    from kube_lab.cluster import Cluster

#: Choices of cluster seconds per step.
SPEEDS = (1.0, 5.0, 10.0, 30.0, 60.0)
#: Snapshots kept for the replay slider.
HISTORY = 500
#: Events shown in the log.
EVENT_ROWS = 12

_PROLOG_END = "<svg"


def inline_svg(svg: str) -> str:
    """SVG for an HTML widget: without the XML prolog, in a scrolling box."""
    start = svg.find(_PROLOG_END)
    body = svg[start:] if start >= 0 else svg
    return f'<div style="overflow:auto;max-height:640px">{body}</div>'


def events_table(events: tuple[EventView, ...], *, rows: int = EVENT_ROWS) -> str:
    """Recent events as an HTML table, newest first."""
    if not events:
        return "<i>no events yet</i>"
    lines = []
    for event in reversed(events[-rows:]):
        colour = "#b71c1c" if event.type == "Warning" else "#333"
        source = event.component + (f", {event.host}" if event.host else "")
        count = f" (x{event.count})" if event.count > 1 else ""
        lines.append(
            f'<tr style="color:{colour}"><td>{event.time:g} s</td><td>{html.escape(event.type)}'
            f"</td><td>{html.escape(event.reason)}</td><td>{html.escape(event.object)}</td>"
            f"<td>{html.escape(source)}</td><td>{html.escape(event.message)}{count}</td></tr>"
        )
    return (
        '<table style="font-size:11px;border-collapse:collapse">'
        "<tr><th align=left>TIME</th><th align=left>TYPE</th><th align=left>REASON</th>"
        "<th align=left>OBJECT</th><th align=left>SOURCE</th><th align=left>MESSAGE</th></tr>"
        + "".join(lines)
        + "</table>"
    )


class Dashboard(widgets.VBox):
    """A live view of a cluster with controls; see the module docstring.

    ``speed`` is the cluster seconds one step lets pass; ``architecture=False`` leaves the
    architecture diagram out; ``history`` caps the snapshots kept for replay;
    ``diagram_options`` go to :func:`~kube_lab.viz.cluster.cluster_diagram`
    (``namespace=``, ``deployment=``, ``summary=`` ...).
    """

    def __init__(
        self,
        cluster: Cluster,
        *,
        speed: float = 5.0,
        architecture: bool = True,
        history: int = HISTORY,
        **diagram_options: Any,
    ) -> None:
        self.cluster = cluster
        self.options = diagram_options
        self.history: deque[Snapshot] = deque(maxlen=history)
        self.commands: list[str] = []  # every command an action ran, in order
        self.svg = ""  # the cluster diagram on show, for the static output
        self._showing_architecture = architecture
        self._last_tick = 0

        layout = widgets.Layout
        self.clock = widgets.HTML()
        self.diagram = widgets.HTML(layout=layout(flex="3 1 0%", overflow="auto"))
        self.architecture = widgets.HTML(layout=layout(flex="2 1 0%", overflow="auto"))
        self.events = widgets.HTML()
        self.command_log = widgets.HTML(value="<pre style='margin:0'>(no commands yet)</pre>")

        self.play = widgets.Play(
            value=0, min=0, max=10**9, step=1, interval=1000, show_repeat=False
        )
        self.speed = widgets.Dropdown(
            options=[(f"{s:g} s per step", s) for s in SPEEDS]
            + ([] if speed in SPEEDS else [(f"{speed:g} s per step", speed)]),
            value=speed,
            layout=layout(width="150px"),
        )
        self.step_button = widgets.Button(description="step", icon="step-forward")

        self.deployment = widgets.Dropdown(description="deployment", layout=layout(width="260px"))
        self.replicas = widgets.BoundedIntText(
            min=0, max=10_000, description="replicas", layout=layout(width="170px")
        )
        self.scale_button = widgets.Button(description="scale")
        self.image = widgets.Text(description="image", layout=layout(width="260px"))
        self.set_image_button = widgets.Button(description="set image")
        self.undo_button = widgets.Button(description="undo rollout")

        self.node = widgets.Dropdown(description="node", layout=layout(width="220px"))
        self.fail_button = widgets.Button(description="fail", button_style="danger")
        self.recover_button = widgets.Button(description="recover", button_style="success")
        self.cordon_button = widgets.Button(description="cordon")
        self.uncordon_button = widgets.Button(description="uncordon")
        self.drain_button = widgets.Button(description="drain", button_style="warning")

        self.service = widgets.Dropdown(description="service", layout=layout(width="260px"))
        self.rps = widgets.BoundedFloatText(
            min=0, max=1e6, description="rps", layout=layout(width="170px")
        )
        self.load_button = widgets.Button(description="set load")

        self.replay = widgets.IntSlider(
            min=0,
            max=0,
            value=0,
            description="replay",
            continuous_update=True,
            readout=False,
            layout=layout(width="60%"),
        )
        self.replay_label = widgets.HTML()

        self.play.observe(self._on_tick, names="value")
        self.step_button.on_click(lambda _: self.step())
        self.deployment.observe(self._on_deployment, names="value")
        self.service.observe(self._on_service, names="value")
        self.scale_button.on_click(lambda _: self.scale())
        self.set_image_button.on_click(lambda _: self.set_image())
        self.undo_button.on_click(lambda _: self.undo())
        self.fail_button.on_click(lambda _: self.fail_node())
        self.recover_button.on_click(lambda _: self.recover_node())
        self.cordon_button.on_click(lambda _: self.cordon())
        self.uncordon_button.on_click(lambda _: self.uncordon())
        self.drain_button.on_click(lambda _: self.drain())
        self.load_button.on_click(lambda _: self.set_load())
        self.replay.observe(self._on_replay, names="value")

        row = widgets.HBox
        pictures = [self.diagram] + ([self.architecture] if architecture else [])
        super().__init__(
            children=[
                row([self.play, self.step_button, self.speed, self.clock]),
                row(pictures, layout=layout(width="100%")),
                row([self.replay, self.replay_label]),
                widgets.Accordion(
                    children=[
                        widgets.VBox(
                            [
                                row([self.deployment, self.replicas, self.scale_button]),
                                row([self.image, self.set_image_button, self.undo_button]),
                                row(
                                    [
                                        self.node,
                                        self.fail_button,
                                        self.recover_button,
                                        self.cordon_button,
                                        self.uncordon_button,
                                        self.drain_button,
                                    ]
                                ),
                                row([self.service, self.rps, self.load_button]),
                                self.command_log,
                            ]
                        ),
                        self.events,
                    ],
                    titles=("act on the cluster", "events (newest first)"),
                    selected_index=0,
                ),
            ]
        )
        self.record()

    # -- what the learner does ------------------------------------------------------------

    def step(self, seconds: float | None = None) -> Snapshot:
        """Let ``seconds`` (default: the speed control's) of cluster time pass, then draw."""
        self.cluster.run(self.speed.value if seconds is None else seconds)
        return self.record()

    def kubectl(self, command: str) -> str:
        """Run a kubectl command line as the learner would; show and record it."""
        output = self.cluster.kubectl(command)
        self._show_command(f"kubectl {command}", str(output), failed=output.exit_code != 0)
        self.record()
        return str(output)

    def scale(self) -> str:
        namespace, name = self._deployment()
        return self.kubectl(
            f"scale deployment/{name} --replicas={self.replicas.value} -n {namespace}"
        )

    def set_image(self) -> str:
        namespace, name = self._deployment()
        live = self.cluster.get("deployment", name, namespace)
        container = live["spec"]["template"]["spec"]["containers"][0]["name"]
        return self.kubectl(
            f"set image deployment/{name} {container}={self.image.value.strip()} -n {namespace}"
        )

    def undo(self) -> str:
        namespace, name = self._deployment()
        return self.kubectl(f"rollout undo deployment/{name} -n {namespace}")

    def cordon(self) -> str:
        return self.kubectl(f"cordon {self.node.value}")

    def uncordon(self) -> str:
        return self.kubectl(f"uncordon {self.node.value}")

    def drain(self) -> str:
        return self.kubectl(f"drain {self.node.value} --ignore-daemonsets")

    def fail_node(self) -> None:
        name = self.node.value
        self._call(f"cluster.fail_node({name!r})", lambda: self.cluster.fail_node(name))

    def recover_node(self) -> None:
        name = self.node.value
        self._call(f"cluster.recover_node({name!r})", lambda: self.cluster.recover_node(name))

    def set_load(self) -> None:
        namespace, name = (self.service.value or "/").split("/", 1)
        rps = float(self.rps.value)
        self._call(
            f"cluster.set_load({name!r}, {rps:g}, namespace={namespace!r})",
            lambda: self.cluster.set_load(name, rps, namespace=namespace),
        )

    # -- recording and drawing ------------------------------------------------------------

    def record(self) -> Snapshot:
        """Take a snapshot of the cluster now, add it to the history, show it."""
        snap = snapshot(self.cluster)
        self.history.append(snap)
        self._refresh_choices(snap)
        live = len(self.history) - 1
        self.replay.unobserve(self._on_replay, names="value")
        self.replay.max = live
        self.replay.value = live
        self.replay.observe(self._on_replay, names="value")
        self.show(live)
        return snap

    def show(self, index: int) -> None:
        """Draw the ``index``-th recorded snapshot (the last one is the live cluster)."""
        snap = self.history[index]
        live = index == len(self.history) - 1
        self.svg = cluster_diagram(snap, **self.options).svg()
        self.diagram.value = inline_svg(self.svg)
        if self._showing_architecture:
            self.architecture.value = inline_svg(
                kubernetes_architecture(self.cluster, snapshot=snap).svg()
            )
        self.events.value = events_table(snap.events)
        state = "live" if live else f"replay {index + 1}/{len(self.history)}"
        self.clock.value = f"<b>t = {snap.time:g} s</b> · {state}"
        self.replay_label.value = f"t = {snap.time:g} s" + ("" if live else " (replay)")

    def _refresh_choices(self, snap: Snapshot) -> None:
        deployments = [
            f"{d['metadata']['namespace']}/{d['metadata']['name']}"
            for d in self.cluster.list("deployment", None)
        ]
        _set_options(self.deployment, deployments)
        _set_options(self.node, sorted((n.name for n in snap.nodes), key=natural_key))
        _set_options(self.service, [s.key for s in snap.services])

    def _deployment(self) -> tuple[str, str]:
        if not self.deployment.value:
            raise ValueError("no Deployment to act on: apply one first")
        namespace, name = str(self.deployment.value).split("/", 1)
        return namespace, name

    def _on_deployment(self, change: dict[str, Any]) -> None:
        if not change["new"]:
            return
        namespace, name = str(change["new"]).split("/", 1)
        live = self.cluster.store.peek("Deployment", name, namespace)
        if live is not None:
            self.replicas.value = int(live["spec"].get("replicas", 1))
            self.image.value = str(live["spec"]["template"]["spec"]["containers"][0]["image"])

    def _on_service(self, change: dict[str, Any]) -> None:
        if not change["new"]:
            return
        namespace, name = str(change["new"]).split("/", 1)
        load = self.cluster.load.loads.get((namespace, name))
        self.rps.value = float(load.rps) if load is not None else 0.0

    def _on_tick(self, change: dict[str, Any]) -> None:
        # the Play widget counts up while playing; stopping resets it to 0
        if change["new"] > change["old"]:
            self.step()

    def _on_replay(self, change: dict[str, Any]) -> None:
        self.show(int(change["new"]))

    def _call(self, command: str, action: Callable[[], None]) -> None:
        try:
            action()
        except Exception as error:  # show what the learner's call raised, as a cell would
            self._show_command(command, f"{type(error).__name__}: {error}\n", failed=True)
        else:
            self._show_command(command, "", failed=False)
        self.record()

    def _show_command(self, command: str, output: str, *, failed: bool) -> None:
        self.commands.append(command)
        colour = "#b71c1c" if failed else "#333"
        self.command_log.value = (
            f"<pre style='margin:0'><b>{html.escape(command)}</b>\n"
            f"<span style='color:{colour}'>{html.escape(output)}</span></pre>"
        )

    # -- notebook output ------------------------------------------------------------------

    def __repr__(self) -> str:
        snap = self.history[-1]
        return (
            f"<Dashboard of a cluster at {snap.time:g} s: "
            f"{len(snap.nodes)} nodes, {len(snap.pods)} pods>"
        )

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any]:
        """The widget, plus the diagram as SVG for pages rendered without a kernel."""
        data: dict[str, Any] = dict(super()._repr_mimebundle_(**kwargs) or {})
        data["text/plain"] = repr(self)
        data["image/svg+xml"] = self.svg
        return data


def _set_options(dropdown: Any, options: list[str]) -> None:
    """Replace a dropdown's choices only when they changed, keeping its selection."""
    if list(dropdown.options) == options:
        return
    current = dropdown.value
    dropdown.options = options
    if current in options:
        dropdown.value = current
    elif options:
        dropdown.value = options[0]


def dashboard(cluster: Cluster, **options: Any) -> Dashboard:
    """``Cluster.dashboard()``: a :class:`Dashboard` of ``cluster``."""
    return Dashboard(cluster, **options)
