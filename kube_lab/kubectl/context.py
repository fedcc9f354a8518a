"""What every kubectl verb shares: the cluster, the namespace, the output, the builder.

kubectl's ``resource.Builder`` turns arguments into objects the same way for every verb:
``pods`` (all in the namespace), ``deploy,rs`` (several kinds), ``pod web`` and
``pod web api`` (by name), ``pod/web deploy/api`` (kind and name together), with
``-l``, ``-n`` and ``-A``. A missing object is an error that does not stop the others
(``ContinueOnError``); an unknown kind stops everything before anything is printed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from kube_lab.api import kinds
from kube_lab.api.defaults import apply_defaults
from kube_lab.api.errors import ManifestError, StatusError, invalid_message
from kube_lab.api.kinds import KindInfo
from kube_lab.api.meta import Obj
from kube_lab.api.selectors import Selector, SelectorError, parse
from kube_lab.api.validation import validate, validate_update
from kube_lab.kubectl.output import KubectlError
from kube_lab.store import Store

DEFAULT_NAMESPACE = "default"

#: The ``all`` category, in the order discovery lists it (core, apps, autoscaling, batch).
ALL_CATEGORY = (
    "Pod",
    "ReplicationController",
    "Service",
    "DaemonSet",
    "Deployment",
    "ReplicaSet",
    "StatefulSet",
    "HorizontalPodAutoscaler",
    "CronJob",
    "Job",
)


#: What the API server adds to every answer about v1 Endpoints since Kubernetes 1.33.
ENDPOINTS_WARNING = (
    "Warning: v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice\n"
)


class UsageLike(Protocol):
    """One metrics sample (:class:`kube_lab.metrics.Usage`)."""

    @property
    def cpu(self) -> int: ...  # millicores

    @property
    def memory(self) -> int: ...  # bytes


class MetricsLike(Protocol):
    """The metrics API (metrics-server) ``kubectl top`` reads; None: no sample (yet)."""

    def pod(self, namespace: str, name: str) -> UsageLike | None: ...

    def node(self, node_name: str) -> UsageLike | None: ...


class ClusterLike(Protocol):
    """The part of :class:`kube_lab.cluster.Cluster` kubectl talks to."""

    @property
    def metrics(self) -> MetricsLike: ...

    def logs(self, pod: str, *, namespace: str = ..., container: str | None = ...) -> str:
        """What a container printed, as the kubelet serves it (``kubectl logs``)."""
        ...

    @property
    def store(self) -> Store: ...

    @property
    def now(self) -> float: ...

    def apply(self, manifest: Any) -> Any: ...

    def create(self, manifest: Any) -> Any: ...

    def run(self, seconds: float) -> None: ...

    def run_until(self, predicate: Callable[[], bool], timeout: float) -> bool: ...


@dataclass
class Request:
    """One request the builder makes: a kind, and a name or a whole list."""

    info: KindInfo
    name: str | None  # None: list every object of the kind (in scope, matching -l)


@dataclass
class Selection:
    """The builder's result: objects found, grouped per request, and the errors met."""

    groups: list[tuple[KindInfo, list[Obj]]]
    errors: list[Exception]
    single_item: bool  # exactly one object was named: -o yaml prints it, not a List

    @property
    def objects(self) -> list[Obj]:
        return [obj for _, objs in self.groups for obj in objs]


@dataclass
class Context:
    cluster: ClusterLike
    namespace: str = DEFAULT_NAMESPACE
    all_namespaces: bool = False
    chunks: list[tuple[str, str]] = field(default_factory=list)
    warnings: set[str] = field(default_factory=set)

    @property
    def store(self) -> Store:
        return self.cluster.store

    @property
    def now(self) -> float:
        return self.cluster.now

    def out(self, text: str) -> None:
        self.chunks.append(("out", text))

    def err(self, text: str) -> None:
        self.chunks.append(("err", text))

    def update(self, obj: Obj) -> Obj:
        """Write an edited object back, checked as the API server checks an update
        (defaults, validation, immutable fields): ``set image web=`` is refused, not stored."""
        meta = obj["metadata"]
        live = self.store.peek(obj["kind"], meta["name"], meta.get("namespace") or "")
        candidate = apply_defaults(obj)
        problems = validate(candidate) + (validate_update(live, candidate) if live else [])
        if problems:
            kind = kinds.by_kind(obj["kind"]).qualified_kind
            raise ManifestError(invalid_message(kind, meta["name"], problems), problems)
        return self.store.update(candidate)

    def warn(self, text: str) -> None:
        """A server's ``Warning:`` header, printed once per run as kubectl dedupes them."""
        if text not in self.warnings:
            self.warnings.add(text)
            self.err(text)

    def scope(self, info: KindInfo) -> str | None:
        """The namespace to read a kind in: ``""`` if cluster-scoped, None for ``-A``."""
        if not info.namespaced:
            return ""
        return None if self.all_namespaces else self.namespace

    def requests(self, args: list[str]) -> list[Request]:
        """``ResourceTypeOrNameArgs``: what the arguments ask for, unknown kinds refused."""
        if any("/" in a for a in args):
            if not all("/" in a for a in args):
                raise KubectlError(
                    "there is no need to specify a resource type as a separate argument when "
                    "passing arguments in resource/name form (e.g. 'kubectl get "
                    "resource/<resource_name>' instead of 'kubectl get resource "
                    "resource/<resource_name>'"
                )
            requests = []
            for arg in args:
                kind, _, name = arg.partition("/")
                if "/" in name:
                    raise KubectlError(
                        "arguments in resource/name form may not have more than one slash"
                    )
                if not kind or not name:
                    raise KubectlError(
                        "arguments in resource/name form must have a single resource and name"
                    )
                requests.append(Request(self.kind(kind), name))
            return requests
        if not args:
            return []
        types = [info for t in args[0].split(",") if t for info in self.types(t)]
        if len(args) == 1:
            return [Request(info, None) for info in types]
        return [Request(info, name) for info in types for name in args[1:]]

    def types(self, resource: str) -> list[KindInfo]:
        """A type argument's kinds: one, or the ``all`` category's that this cluster serves."""
        if resource == "all":
            served = {info.kind: info for info in kinds.KINDS}
            return [served[k] for k in ALL_CATEGORY if k in served]
        return [self.kind(resource)]

    def kind(self, resource: str) -> KindInfo:
        info = kinds.lookup(resource)
        if info is None:
            raise KubectlError(f'the server doesn\'t have a resource type "{resource}"')
        return info

    def select(self, requests: list[Request], *, selector: str = "") -> Selection:
        """Fetch what ``requests`` ask for; NotFound and friends collected, not raised."""
        label_selector = self.label_selector(selector)
        if any(r.info.kind == "Endpoints" for r in requests):
            self.warn(ENDPOINTS_WARNING)
        groups: list[tuple[KindInfo, list[Obj]]] = []
        errors: list[Exception] = []
        for request in requests:
            namespace = self.scope(request.info)
            if request.name is None:
                found = self.store.list(request.info.kind, namespace, label_selector)
                groups.append((request.info, found))
                continue
            if namespace is None:
                raise KubectlError("a resource cannot be retrieved by name across all namespaces")
            try:
                groups.append(
                    (request.info, [self.store.get(request.info.kind, request.name, namespace)])
                )
            except StatusError as error:  # NotFound: kubectl reports it and carries on
                errors.append(error)
        single = len(requests) == 1 and requests[0].name is not None
        return Selection(groups, errors, single)

    def label_selector(self, text: str) -> Selector | None:
        if not text:
            return None
        try:
            return parse(text)
        except SelectorError as error:
            raise KubectlError(str(error)) from None
