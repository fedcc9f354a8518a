"""``kubectl top pod`` and ``kubectl top node``: what the metrics API measured.

As ``pkg/cmd/top`` and ``pkg/metricsutil``: metrics-server answers with the pods (or
nodes) it has a sample for, kubectl sorts them (by name, or by ``--sort-by=cpu|memory``,
largest first) and prints CPU as ``12m`` and memory as ``64Mi`` (whole mebibytes), nodes
with their share of allocatable. Every cell, the last one too, is tab-terminated, so
every line ends in padding, as a real terminal shows. When no pod has a sample yet,
kubectl looks at the pods to say why: ``metrics not available yet`` for young ones, or
the first one older than two minutes and its age.
"""

from __future__ import annotations

from dataclasses import dataclass

from kube_lab.api.errors import NotFound
from kube_lab.api.meta import Obj, parse_timestamp
from kube_lab.api.quantity import milli_value
from kube_lab.api.selectors import Selector
from kube_lab.kubectl.context import Context
from kube_lab.kubectl.duration import go_duration
from kube_lab.kubectl.flags import Flag, ParsedArgs
from kube_lab.kubectl.output import KubectlError, usage_error
from kube_lab.kubectl.tabwriter import align

#: Pods younger than this may simply not have been scraped yet (``metricsCreationDelay``).
METRICS_CREATION_DELAY = 120.0
MEBIBYTE = 1024 * 1024
SORT_KEYS = ("cpu", "memory")

POD_FLAGS = (
    Flag("selector", "l", default=""),
    Flag("all-namespaces", "A", bool, False),
    Flag("containers", type=bool, default=False),
    Flag("sort-by", default=""),
    Flag("no-headers", type=bool, default=False),
    Flag("sum", type=bool, default=False),
    Flag("use-protocol-buffers", type=bool, default=True),
)
NODE_FLAGS = (
    Flag("selector", "l", default=""),
    Flag("sort-by", default=""),
    Flag("no-headers", type=bool, default=False),
    Flag("show-capacity", type=bool, default=False),
    Flag("use-protocol-buffers", type=bool, default=True),
)


@dataclass(frozen=True)
class Sample:
    """One row's usage: a pod, a container or a node."""

    name: str
    cpu: int  # millicores
    memory: int  # bytes
    namespace: str = ""
    pod: str = ""  # --containers: the pod the container belongs to


def _cells(sample: Sample, available: dict[str, str] | None = None) -> list[str]:
    """``printAllResourceUsages``: ``12m`` and ``64Mi``, each followed, for nodes, by its
    share of what the node has (``N%``, truncated), when the node says what it has."""
    available = available or {}
    cells = [f"{sample.cpu}m"]
    if "cpu" in available:
        cells.append(_percent(sample.cpu, milli_value(available["cpu"])))
    cells.append(f"{sample.memory // MEBIBYTE}Mi")
    if "memory" in available:
        cells.append(_percent(sample.memory * 1000, milli_value(available["memory"])))
    return cells


def _percent(used_milli: int, available_milli: int) -> str:
    """Go's ``int64(float64(used) / float64(available) * 100)``."""
    return f"{int(used_milli / available_milli * 100)}%" if available_milli else "0%"


def _table(rows: list[list[str]]) -> str:
    """Every cell tab-terminated (``printValue``), aligned by the get tabwriter."""
    text = "".join("".join(f"{cell}\t" for cell in row) + "\n" for row in rows)
    return align(text, minwidth=6, padding=3)


def _sorted(samples: list[Sample], sort_by: str, *, with_namespace: bool = False) -> list[Sample]:
    if sort_by == "cpu":
        return sorted(samples, key=lambda s: -s.cpu)
    if sort_by == "memory":
        return sorted(samples, key=lambda s: -s.memory)
    return sorted(samples, key=lambda s: (s.namespace if with_namespace else "", s.name))


def _check_sort(sort_by: str) -> None:
    if sort_by and sort_by not in SORT_KEYS:
        raise KubectlError("--sort-by accepts only cpu or memory")


# -- pods -------------------------------------------------------------------------------


def top_pod(ctx: Context, flags: ParsedArgs) -> None:
    """``TopPodOptions.RunTopPod``."""
    if len(flags.args) > 1:
        raise usage_error("pod [NAME | -l label]", command="top pod")
    name = flags.args[0] if flags.args else ""
    _check_sort(flags["sort-by"])
    if name and flags["selector"]:
        raise KubectlError("only one of NAME or selector can be provided")
    selector = ctx.label_selector(flags["selector"])
    namespace = None if ctx.all_namespaces else ctx.namespace
    if name:
        # metrics-server first looks the pod up, then its sample
        pod = _pod_or_not_found(ctx, name)
        usage = ctx.cluster.metrics.pod(ctx.namespace, name)
        if usage is None:
            raise NotFound(f'podmetrics.metrics.k8s.io "{ctx.namespace}/{name}" not found')
        found = [(pod, usage.cpu, usage.memory)]
    else:
        found = []
        for pod in ctx.store.list("Pod", namespace, selector):
            meta = pod["metadata"]
            usage = ctx.cluster.metrics.pod(meta["namespace"], meta["name"])
            if usage is not None:
                found.append((pod, usage.cpu, usage.memory))
    if not found:
        _explain_missing(ctx, selector)
        ctx.err(
            "No resources found\n"
            if ctx.all_namespaces
            else f"No resources found in {ctx.namespace} namespace.\n"
        )
        return
    with_namespace = ctx.all_namespaces
    pods = _sorted(
        [
            Sample(p["metadata"]["name"], cpu, memory, p["metadata"]["namespace"])
            for p, cpu, memory in found
        ],
        flags["sort-by"],
        with_namespace=with_namespace,
    )
    by_key = {(p["metadata"]["namespace"], p["metadata"]["name"]): p for p, _, _ in found}
    rows: list[list[str]] = []
    if not flags["no-headers"]:
        rows.append(
            (["NAMESPACE"] if with_namespace else [])
            + (["POD"] if flags["containers"] else [])
            + ["NAME", "CPU(cores)", "MEMORY(bytes)"]
        )
    for sample in pods:
        prefix = [sample.namespace] if with_namespace else []
        if flags["containers"]:
            pod = by_key[(sample.namespace, sample.name)]
            for container in _sorted(_containers(pod, sample), flags["sort-by"]):
                rows.append([*prefix, sample.name, container.name, *_cells(container)])
        else:
            rows.append([*prefix, sample.name, *_cells(sample)])
    if flags["sum"]:
        # columnWidth grows with the extra headers only when headers are printed
        width = 3 + (0 if flags["no-headers"] else with_namespace + flags["containers"])
        total = Sample("", sum(s.cpu for s in pods), sum(s.memory for s in pods))
        rows.append([""] * (width - 2) + ["________", "________"])
        rows.append([""] * (width - 3) + ["", *_cells(total)])
    ctx.out(_table(rows))


def _pod_or_not_found(ctx: Context, name: str) -> Obj:
    pod = ctx.store.peek("Pod", name, ctx.namespace)
    if pod is None:
        raise NotFound(f'pods "{name}" not found')
    return pod


def _containers(pod: Obj, sample: Sample) -> list[Sample]:
    """The pod's usage per container. kube_lab measures pods as a whole, so the sample is
    shared out evenly (the first containers take the remainder); the sum is the pod's."""
    names = [c["name"] for c in (pod.get("spec") or {}).get("containers") or []] or [sample.name]
    n = len(names)
    return [
        Sample(
            name,
            sample.cpu // n + (i < sample.cpu % n),
            sample.memory // n + (i < sample.memory % n),
        )
        for i, name in enumerate(names)
    ]


def _explain_missing(ctx: Context, selector: Selector | None) -> None:
    """``verifyEmptyMetrics``: why nothing came back (in the current namespace, even
    with ``-A``, as kubectl looks); returns quietly when there are no pods at all."""
    pods = ctx.store.list("Pod", ctx.namespace, selector)
    if not pods:
        return
    for pod in pods:
        age = ctx.now - parse_timestamp(pod["metadata"]["creationTimestamp"])
        if age > METRICS_CREATION_DELAY:
            meta = pod["metadata"]
            raise KubectlError(
                f"Metrics not available for pod {meta['namespace']}/{meta['name']}, "
                f"age: {go_duration(age)}"
            )
    raise KubectlError("metrics not available yet")


# -- nodes ------------------------------------------------------------------------------


def top_node(ctx: Context, flags: ParsedArgs) -> None:
    """``TopNodeOptions.RunTopNode``: nodes without a sample print ``<unknown>``."""
    if len(flags.args) > 1:
        raise usage_error("node [NAME | -l label]", command="top node")
    name = flags.args[0] if flags.args else ""
    _check_sort(flags["sort-by"])
    if name and flags["selector"]:
        raise KubectlError("only one of NAME or selector can be provided")
    selector = ctx.label_selector(flags["selector"])
    if name:
        if ctx.store.peek("Node", name) is None:
            raise NotFound(f'node "{name}" not found')
        nodes = [ctx.store.get("Node", name)]
    else:
        nodes = ctx.store.list("Node", None, selector)
    samples = []
    for node in nodes:
        usage = ctx.cluster.metrics.node(node["metadata"]["name"])
        if usage is not None:
            samples.append(Sample(node["metadata"]["name"], usage.cpu, usage.memory))
    if name and not samples:
        raise NotFound(f'nodemetrics.metrics.k8s.io "{name}" not found')
    if not samples:
        raise KubectlError("metrics not available yet")
    source = "capacity" if flags["show-capacity"] else "allocatable"
    available = {
        n["metadata"]["name"]: dict((n.get("status") or {}).get(source) or {}) for n in nodes
    }
    rows: list[list[str]] = []
    if not flags["no-headers"]:
        rows.append(["NAME", "CPU(cores)", "CPU(%)", "MEMORY(bytes)", "MEMORY(%)"])
    for sample in _sorted(samples, flags["sort-by"]):
        rows.append([sample.name, *_cells(sample, available.pop(sample.name, {}))])
    for missing in sorted(available):  # Go walks a map here: any order is kubectl's
        rows.append([missing, "<unknown>", "<unknown>", "<unknown>", "<unknown>"])
    ctx.out(_table(rows))
