"""``kubectl autoscale deployment web --min=2 --max=10 --cpu=50%``.

As ``pkg/cmd/autoscale`` since kubectl 1.34: the builder finds the target, kubectl
checks it has a scale subresource and creates an ``autoscaling/v2``
HorizontalPodAutoscaler named after it, printing
``horizontalpodautoscaler.autoscaling/web autoscaled``. ``--cpu`` and ``--memory`` take a
utilization (``50%``) or an average value (``500m``, ``200Mi``; a bare number is milli-CPU
or mebibytes). ``--cpu-percent`` still works but is deprecated, which pflag says on
stderr. When the v2 create fails, kubectl tries ``autoscaling/v1`` if the request fits
it, and words the failure as it does.
"""

from __future__ import annotations

import re
from typing import Any

from kube_lab.api import kinds
from kube_lab.api.errors import AlreadyExists
from kube_lab.api.meta import Obj
from kube_lab.api.quantity import is_quantity
from kube_lab.kubectl.context import Context
from kube_lab.kubectl.flags import Flag, ParsedArgs
from kube_lab.kubectl.formats import canonical_quantity
from kube_lab.kubectl.output import Aggregate, KubectlError

FLAGS = (
    Flag("min", type=int, default=-1),
    Flag("max", type=int, default=-1),
    Flag("cpu-percent", type=int, default=-1),
    Flag("cpu", default=""),
    Flag("memory", default=""),
    Flag("name", default=""),
)
CPU_PERCENT_DEPRECATED = (
    "Flag --cpu-percent has been deprecated, Use --cpu with percentage or resource quantity "
    "format (e.g., '70%' for utilization or '500m' for milliCPU).\n"
)
#: Kinds the API server serves a ``scale`` subresource for.
SCALABLE = ("Deployment", "ReplicaSet", "StatefulSet", "ReplicationController")
NO_RESOURCES = (
    "You must provide one or more resources by argument or filename.\n"
    "Example resource specifications include:\n"
    "   '-f rsrc.yaml'\n"
    "   '--filename=rsrc.json'\n"
    "   '<resource> <name>'\n"
    "   '<resource>'"
)
_FLOAT = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


class _Unsupported(Exception):
    """``parseResourceInput`` could not read a ``--cpu``/``--memory`` value."""


def _target(text: str, resource: str) -> dict[str, Any]:
    """``parseResourceInput``: ``70%`` is a utilization, anything else an average value."""
    text = text.strip()
    if not text:
        raise _Unsupported("empty input")
    if text.endswith("%"):
        digits = text[:-1]
        if not re.fullmatch(r"[+-]?\d+", digits) or int(digits) < 0 or int(digits) >= 2**31:
            raise _Unsupported(f"invalid percentage value: {digits}")
        return {"type": "Utilization", "averageUtilization": int(digits)}
    if _FLOAT.fullmatch(text):  # a bare number: milli-CPU or mebibytes
        number = float(text)
        text = f"{number:g}{'m' if resource == 'cpu' else 'Mi'}"
    elif not is_quantity(text):
        raise _Unsupported(f"invalid resource {resource} value: {text}")
    return {"type": "AverageValue", "averageValue": canonical_quantity(text)}


def _metric(resource: str, target: dict[str, Any]) -> dict[str, Any]:
    return {"type": "Resource", "resource": {"name": resource, "target": target}}


def autoscale(ctx: Context, flags: ParsedArgs) -> None:
    """``AutoscaleOptions``: Validate, then one autoscaler per object found."""
    if "max" not in flags.given:
        raise KubectlError('required flag(s) "max" not set')
    if "cpu-percent" in flags.given:
        ctx.err(CPU_PERCENT_DEPRECATED)
    low, high, percent = flags["min"], flags["max"], flags["cpu-percent"]
    cpu, memory = flags["cpu"], flags["memory"]
    if high < 1:
        raise KubectlError(f"--max=MAXPODS is required and must be at least 1, max: {high}")
    if high < low:
        raise KubectlError(
            f"--max=MAXPODS must be larger or equal to --min=MINPODS, max: {high}, min: {low}"
        )
    if percent > 0 and cpu:
        raise KubectlError("--cpu-percent and --cpu are mutually exclusive")
    metrics = []
    try:
        if percent > 0:
            metrics.append(_metric("cpu", {"type": "Utilization", "averageUtilization": percent}))
        if cpu:
            metrics.append(_metric("cpu", _target(cpu, "cpu")))
        if memory:
            metrics.append(_metric("memory", _target(memory, "memory")))
    except _Unsupported as error:
        raise KubectlError(str(error)) from None

    if not flags.args:
        raise KubectlError(NO_RESOURCES)
    requests = ctx.requests(flags.args)
    if any(r.name is None for r in requests):
        raise KubectlError("resource(s) were provided, but no name was specified")
    selection = ctx.select(requests)
    if selection.errors:
        raise Aggregate(selection.errors)
    for target in selection.objects:
        _create(ctx, flags, target, metrics)


def _create(ctx: Context, flags: ParsedArgs, target: Obj, metrics: list[dict[str, Any]]) -> None:
    """Create the autoscaler for ``target``, with kubectl's v1 fallback on failure."""
    kind = target["kind"]
    if kind not in SCALABLE:
        info = kinds.by_kind(kind)  # GroupVersionResource.String(): "/v1, Resource=pods"
        raise KubectlError(
            f"cannot autoscale a {kind}: could not find scale subresource for "
            f"{info.group}/{info.version}, Resource={info.plural} in discovery information"
        )
    name = flags["name"] or target["metadata"]["name"]
    spec: dict[str, Any] = {
        "scaleTargetRef": {
            "apiVersion": target["apiVersion"],
            "kind": kind,
            "name": target["metadata"]["name"],
        },
        "maxReplicas": flags["max"],
    }
    if flags["min"] > 0:
        spec["minReplicas"] = flags["min"]
    if metrics:
        spec["metrics"] = metrics
    hpa = {
        "apiVersion": "autoscaling/v2",
        "kind": "HorizontalPodAutoscaler",
        "metadata": {"name": name, "namespace": ctx.namespace},
        "spec": spec,
    }
    if ctx.store.peek("HorizontalPodAutoscaler", name, ctx.namespace) is not None:
        exists = AlreadyExists(f'horizontalpodautoscalers.autoscaling "{name}" already exists')
        _fall_back(flags, exists)
    ctx.cluster.create(hpa)
    ctx.out(f"horizontalpodautoscaler.autoscaling/{name} autoscaled\n")


def _fall_back(flags: ParsedArgs, error: Exception) -> None:
    """``canCreateHPAV1``: retry as autoscaling/v1 (which fails the same way) or say why
    not. Its check parses ``--cpu`` even when unset, hence ``empty input``."""
    try:
        cpu = _target(flags["cpu"], "cpu")
    except _Unsupported as unsupported:
        raise KubectlError(
            "failed to create autoscaling/v2 HPA and the configuration is incompatible with "
            f"autoscaling/v1: {unsupported}"
        ) from None
    fits_v1 = not flags["memory"] and (flags["cpu-percent"] >= 0 or cpu["type"] == "Utilization")
    if not fits_v1:
        raise KubectlError(
            "failed to create autoscaling/v2 HPA and the configuration is incompatible with "
            "autoscaling/v1: %!w(<nil>)"
        )
    raise error
