"""Pods as the scheduler sees them: requests and scheduling fields, parsed once per template.

A Deployment's 30 replicas share one pod template, so everything the scheduler derives from
a pod's spec (its resource requests, the non-zero requests used for scoring, its priority,
the signature that keys the equivalence cache) is computed once per distinct template and
shared: :class:`PodTemplate`. :class:`PodInfo` is one pod: its object, key and template.
:class:`AssignedPod` is what the scheduler's cache keeps of a pod bound to a node.

Requests follow ``resourcehelper.PodRequests``: the sum of the containers, or the largest
init container if bigger (restartable "sidecar" init containers add to the sum), plus the
pod overhead. For scoring, a container that sets no CPU or memory request counts as 100m CPU
and 200Mi memory (``schedutil.DefaultMilliCPURequest`` / ``DefaultMemoryRequest``), so that
pods without requests do not all pile onto one node.
"""

from __future__ import annotations

import marshal
from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from kube_lab.api.meta import Obj
from kube_lab.api.quantity import int_value, milli_value

DEFAULT_MILLI_CPU_REQUEST = 100
DEFAULT_MEMORY_REQUEST = 200 * 1024 * 1024
SCHEDULER_NAME = "default-scheduler"

#: Templates kept; a cluster rarely has this many distinct pod templates alive at once.
TEMPLATE_CACHE_SIZE = 4096

_milli_cache: dict[Any, int] = {}
_value_cache: dict[Any, int] = {}


def milli(quantity: Any) -> int:
    """``Quantity.MilliValue``, memoised: the same few strings recur in every pod."""
    try:
        return _milli_cache[quantity]
    except KeyError:
        result = _milli_cache[quantity] = milli_value(quantity)
        return result


def value(quantity: Any) -> int:
    """``Quantity.Value``, memoised."""
    try:
        return _value_cache[quantity]
    except KeyError:
        result = _value_cache[quantity] = int_value(quantity)
        return result


def resource_amount(name: str, quantity: Any) -> int:
    """CPU in millicores, everything else (memory, pods, ephemeral-storage, GPUs) in units."""
    return milli(quantity) if name == "cpu" else value(quantity)


@dataclass(frozen=True)
class Requests:
    """What a pod asks for: CPU (millicores), memory (bytes) and other resources by name."""

    milli_cpu: int = 0
    memory: int = 0
    #: ephemeral-storage and extended resources (``nvidia.com/gpu``), sorted by name.
    scalar: tuple[tuple[str, int], ...] = ()

    @property
    def is_zero(self) -> bool:
        return self.milli_cpu == 0 and self.memory == 0 and not self.scalar

    @cached_property
    def positive(self) -> tuple[tuple[str, int], ...]:
        """``(resource, amount)`` of every resource requested, CPU and memory first."""
        wanted = (("cpu", self.milli_cpu), ("memory", self.memory), *self.scalar)
        return tuple((name, amount) for name, amount in wanted if amount > 0)


def _add(total: dict[str, int], amounts: Mapping[str, int]) -> None:
    for name, amount in amounts.items():
        total[name] = total.get(name, 0) + amount


def _max(total: dict[str, int], amounts: Mapping[str, int]) -> None:
    for name, amount in amounts.items():
        if amount > total.get(name, 0):
            total[name] = amount


def _container_requests(container: Obj, non_zero: bool) -> dict[str, int]:
    requests = (container.get("resources") or {}).get("requests") or {}
    amounts = {name: resource_amount(name, q) for name, q in requests.items()}
    if non_zero:
        # Only a *missing* request is defaulted; an explicit "0" stays zero, as upstream.
        amounts.setdefault("cpu", DEFAULT_MILLI_CPU_REQUEST)
        amounts.setdefault("memory", DEFAULT_MEMORY_REQUEST)
    return amounts


def pod_requests(spec: Obj, *, non_zero: bool = False) -> dict[str, int]:
    """``resourcehelper.PodRequests`` for CPU, memory and the rest, by resource name."""
    total: dict[str, int] = {}
    for container in spec.get("containers") or ():
        _add(total, _container_requests(container, non_zero))
    sidecars: dict[str, int] = {}
    init_peak: dict[str, int] = {}
    for container in spec.get("initContainers") or ():
        amounts = _container_requests(container, non_zero)
        if container.get("restartPolicy") == "Always":
            # A sidecar keeps running: it adds to the pod's total and to every later init.
            _add(total, amounts)
            _add(sidecars, amounts)
            step = dict(sidecars)
        else:
            step = dict(amounts)
            _add(step, sidecars)
        _max(init_peak, step)
    _max(total, init_peak)
    overhead = spec.get("overhead") or {}
    _add(total, {name: resource_amount(name, q) for name, q in overhead.items()})
    return total


def to_requests(amounts: Mapping[str, int]) -> Requests:
    scalar = tuple(sorted((n, a) for n, a in amounts.items() if n not in ("cpu", "memory") and a))
    return Requests(amounts.get("cpu", 0), amounts.get("memory", 0), scalar)


@dataclass(eq=False)
class PodTemplate:
    """Everything scheduling derives from a pod's spec, shared by pods with the same one."""

    namespace: str
    labels: Mapping[str, str]
    labels_key: tuple[tuple[str, str], ...]
    #: The ``ownerReferences`` entry with ``controller: true``, if any.
    controller: Obj | None
    spec: Obj
    requests: Requests
    #: CPU and memory with the scheduler's defaults for unset requests (scoring only).
    non_zero_cpu: int
    non_zero_memory: int
    priority: int
    preemption_policy: str
    #: Per-plugin parsed data (tolerations, affinity terms ...), filled lazily by plugins.
    memo: dict[str, Any] = field(default_factory=dict)
    #: The equivalence-cache key (the static filters' signatures), set by the algorithm.
    signature: Hashable = None


@dataclass(eq=False, slots=True)
class PodInfo:
    """One pod in a scheduling cycle."""

    pod: Obj
    namespace: str
    name: str
    template: PodTemplate


def _template_key(pod: Obj) -> bytes:
    """The fields scheduling reads, serialised; replicas of one template give equal keys.

    ``marshal`` (format 2: no back-references, so equal content gives equal bytes) is about
    twice as fast as ``repr``; objects it cannot serialise fall back to ``repr``.
    """
    meta = pod["metadata"]
    spec = pod.get("spec") or {}
    fields = (
        meta.get("namespace"),
        meta.get("labels"),
        meta.get("ownerReferences"),
        [c.get("resources") for c in spec.get("containers") or ()],
        [(c.get("resources"), c.get("restartPolicy")) for c in spec.get("initContainers") or ()],
        spec.get("overhead"),
        spec.get("nodeName"),
        spec.get("nodeSelector"),
        spec.get("affinity"),
        spec.get("tolerations"),
        spec.get("priority"),
        spec.get("preemptionPolicy"),
        spec.get("topologySpreadConstraints"),
    )
    try:
        return marshal.dumps(fields, 2)
    except ValueError:
        return repr(fields).encode()


def controller_ref(meta: Obj) -> Obj | None:
    for ref in meta.get("ownerReferences") or ():
        if ref.get("controller"):
            return dict(ref)
    return None


def new_template(pod: Obj) -> PodTemplate:
    meta = pod["metadata"]
    spec = pod.get("spec") or {}
    labels = dict(meta.get("labels") or {})
    non_zero = pod_requests(spec, non_zero=True)
    return PodTemplate(
        namespace=str(meta.get("namespace") or ""),
        labels=labels,
        labels_key=tuple(sorted(labels.items())),
        controller=controller_ref(meta),
        spec=spec,
        requests=to_requests(pod_requests(spec)),
        non_zero_cpu=non_zero.get("cpu", 0),
        non_zero_memory=non_zero.get("memory", 0),
        priority=int(spec.get("priority") or 0),
        preemption_policy=str(spec.get("preemptionPolicy") or "PreemptLowerPriority"),
    )


class TemplateCache:
    """Pod template -> :class:`PodTemplate`, so replicas are parsed once."""

    def __init__(self, size: int = TEMPLATE_CACHE_SIZE) -> None:
        self._size = size
        self._templates: dict[bytes, PodTemplate] = {}

    def pod_info(self, pod: Obj) -> PodInfo:
        key = _template_key(pod)
        template = self._templates.get(key)
        if template is None:
            if len(self._templates) >= self._size:
                self._templates.clear()
            template = self._templates[key] = new_template(pod)
        meta = pod["metadata"]
        return PodInfo(pod, template.namespace, meta["name"], template)

    def clear(self) -> None:
        self._templates.clear()


@dataclass(slots=True)
class AssignedPod:
    """What the scheduler's cache keeps of a pod bound to a node (``framework.PodInfo``)."""

    key: tuple[str, str]
    node: str
    namespace: str
    labels: Mapping[str, str]
    labels_key: tuple[tuple[str, str], ...]
    requests: Requests
    non_zero_cpu: int
    non_zero_memory: int
    priority: int
    #: Being deleted: still holds resources, but no longer counts for spreading.
    terminating: bool


def assigned_pod(pod: PodInfo, node_name: str, *, terminating: bool) -> AssignedPod:
    """The cache record of ``pod`` once it is bound (or assumed) to ``node_name``."""
    template = pod.template
    # Positional: this runs once per bound pod, and keywords cost twice as much here.
    return AssignedPod(
        (pod.namespace, pod.name),
        node_name,
        pod.namespace,
        pod.pod["metadata"].get("labels") or {},
        template.labels_key,
        template.requests,
        template.non_zero_cpu,
        template.non_zero_memory,
        template.priority,
        terminating,
    )
