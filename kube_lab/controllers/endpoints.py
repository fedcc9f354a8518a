"""The endpoints controllers: which pods a Service sends traffic to, kept up to date.

A Service names pods by a label selector, not by name. These controllers turn the selector
into addresses, as ``pkg/controller/endpoint`` and ``pkg/controller/endpointslice`` do:
every pod that matches and has an IP becomes an endpoint, *ready* only while its readiness
probe passes (and it is not terminating). kube-proxy, here :mod:`kube_lab.traffic`, sends
requests to ready endpoints only. Both the legacy ``Endpoints`` object (``kubectl get
endpoints``) and the ``EndpointSlice`` that replaced it are written.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from kube_lab.api import pods as podutil
from kube_lab.api.meta import Obj, owner_reference
from kube_lab.api.selectors import from_match_labels
from kube_lab.controllers.base import Controller
from kube_lab.store import Key, WatchEvent

SERVICE_NAME_LABEL = "kubernetes.io/service-name"
MANAGED_BY_LABEL = "endpointslice.kubernetes.io/managed-by"
MANAGED_BY = "endpointslice-controller.k8s.io"


@dataclass(frozen=True)
class Endpoint:
    pod: Obj
    ip: str
    ports: tuple[tuple[str, int, str], ...]  # (name, port, protocol) resolved for this pod
    ready: bool
    serving: bool
    terminating: bool

    def target_ref(self) -> dict[str, Any]:
        meta = self.pod["metadata"]
        return {
            "kind": "Pod",
            "name": meta["name"],
            "namespace": meta["namespace"],
            "uid": meta["uid"],
        }


def resolve_port(pod: Obj, target: int | str) -> int | None:
    """A numeric ``targetPort``, or the container port of that name in this pod."""
    if isinstance(target, int) or str(target).isdigit():
        return int(target)
    for container in pod["spec"].get("containers") or []:
        for port in container.get("ports") or []:
            if port.get("name") == target:
                return int(port["containerPort"])
    return None


def service_endpoints(service: Obj, pods: Iterable[Obj]) -> list[Endpoint]:
    """The endpoints of a Service with a selector, in pod-name order."""
    selector = from_match_labels(service["spec"].get("selector") or {})
    endpoints = []
    for pod in pods:
        ip = pod.get("status", {}).get("podIP")
        if (
            not ip
            or podutil.is_terminal(pod)
            or not selector.matches(pod["metadata"].get("labels"))
        ):
            continue
        ports = []
        for port in service["spec"].get("ports") or []:
            number = resolve_port(pod, port.get("targetPort", port["port"]))
            if number is not None:
                ports.append((port.get("name", ""), number, port.get("protocol", "TCP")))
        terminating = bool(pod["metadata"].get("deletionTimestamp"))
        ready = podutil.is_ready(pod)
        endpoints.append(
            Endpoint(pod, ip, tuple(ports), ready and not terminating, ready, terminating)
        )
    return endpoints


class _ServiceEndpointsController(Controller):
    """Shared wiring: which pods each Service selects, kept from the watch stream.

    Membership is updated pod by pod (a pod joins the Services whose selector matches its
    labels, and leaves those it no longer matches), so a pod change reconciles only its
    own Services and a reconcile reads only their pods, not every pod of the namespace.
    """

    kind = "Service"
    owns = ("Pod",)

    def __init__(self, **wiring: Any) -> None:
        super().__init__(**wiring)
        self._members: dict[Key, set[Key]] = {}  # service -> pods
        self._services_of: dict[Key, set[Key]] = {}  # pod -> services

    def keys_for(self, event: WatchEvent) -> Iterable[Key]:
        obj = event.object
        namespace = obj["metadata"]["namespace"]
        key = (namespace, obj["metadata"]["name"])
        if obj["kind"] == "Service":
            self._rescan(key, None if event.type == "DELETED" else obj)
            return (key,)
        before = self._services_of.pop(key, set())
        after: set[Key] = set()
        if event.type != "DELETED":
            labels = obj["metadata"].get("labels")
            for service in self.store.list("Service", namespace):
                selector = service["spec"].get("selector")
                if selector and from_match_labels(selector).matches(labels):
                    after.add((namespace, service["metadata"]["name"]))
        for service_key in before - after:
            self._members.get(service_key, set()).discard(key)
        for service_key in after:
            self._members.setdefault(service_key, set()).add(key)
        if after:
            self._services_of[key] = after
        return sorted(before | after)

    def _rescan(self, key: Key, service: Obj | None) -> None:
        """A Service appeared, changed or went: recompute who it selects."""
        for pod_key in self._members.pop(key, set()):
            self._services_of.get(pod_key, set()).discard(key)
        selector = (service or {}).get("spec", {}).get("selector")
        if not selector:
            return
        pods = self.store.list("Pod", key[0], from_match_labels(selector))
        members = {(key[0], p["metadata"]["name"]) for p in pods}
        self._members[key] = members
        for pod_key in members:
            self._services_of.setdefault(pod_key, set()).add(key)

    def reconcile(self, key: Key) -> float | None:
        namespace, name = key
        service = self.store.peek("Service", name, namespace)
        if service is None or not service["spec"].get("selector"):
            return None  # a Service without selector has hand-made endpoints
        pods = [self.store.peek("Pod", pod, ns) for ns, pod in sorted(self._members.get(key, ()))]
        self.write(service, service_endpoints(service, [p for p in pods if p is not None]))
        return None

    def write(self, service: Obj, endpoints: list[Endpoint]) -> None:
        raise NotImplementedError

    def save(self, desired: Obj) -> None:
        """Create or replace, writing nothing when nothing changed."""
        meta = desired["metadata"]
        current = self.store.peek(desired["kind"], meta["name"], meta["namespace"])
        if current is None:
            self.store.create(desired)
            return
        body = {k: v for k, v in desired.items() if k != "metadata"}
        if all(current.get(k) == v for k, v in body.items()) and current["metadata"].get(
            "labels"
        ) == meta.get("labels"):
            return
        self.store.update(
            {**current, **body, "metadata": {**current["metadata"], "labels": meta.get("labels")}}
        )


class EndpointsController(_ServiceEndpointsController):
    """Writes the ``v1 Endpoints`` object named after the Service."""

    component = "endpoint-controller"

    def write(self, service: Obj, endpoints: list[Endpoint]) -> None:
        subsets: dict[tuple[tuple[str, int, str], ...], dict[str, list[dict[str, Any]]]] = {}
        for endpoint in endpoints:
            address = {
                "ip": endpoint.ip,
                "nodeName": endpoint.pod["spec"].get("nodeName"),
                "targetRef": endpoint.target_ref(),
            }
            subset = subsets.setdefault(endpoint.ports, {"addresses": [], "notReadyAddresses": []})
            (subset["addresses"] if endpoint.ready else subset["notReadyAddresses"]).append(address)
        rendered = []
        for ports, subset in subsets.items():
            entry: dict[str, Any] = {k: v for k, v in subset.items() if v}
            entry["ports"] = [
                {"name": n, "port": p, "protocol": proto} if n else {"port": p, "protocol": proto}
                for n, p, proto in ports
            ]
            rendered.append(entry)
        meta = service["metadata"]
        desired: Obj = {
            "apiVersion": "v1",
            "kind": "Endpoints",
            "metadata": {
                "name": meta["name"],
                "namespace": meta["namespace"],
                "labels": dict(meta.get("labels") or {}),
            },
        }
        if rendered:
            desired["subsets"] = rendered
        self.save(desired)


class EndpointSliceController(_ServiceEndpointsController):
    """Writes one ``EndpointSlice`` per Service (kube_lab never needs more than one)."""

    component = "endpointslice-controller"

    def write(self, service: Obj, endpoints: list[Endpoint]) -> None:
        meta = service["metadata"]
        existing = [
            s
            for s in self.store.list("EndpointSlice", meta["namespace"])
            if (s["metadata"].get("labels") or {}).get(SERVICE_NAME_LABEL) == meta["name"]
        ]
        name = (
            existing[0]["metadata"]["name"]
            if existing
            else f"{meta['name']}-{self.store.random_suffix()}"
        )
        ports = (
            endpoints[0].ports
            if endpoints
            else tuple(
                (p.get("name", ""), p.get("targetPort", p["port"]), p.get("protocol", "TCP"))
                for p in service["spec"].get("ports") or []
                if isinstance(p.get("targetPort", p["port"]), int)
            )
        )
        desired: Obj = {
            "apiVersion": "discovery.k8s.io/v1",
            "kind": "EndpointSlice",
            "metadata": {
                "name": name,
                "generateName": f"{meta['name']}-",
                "namespace": meta["namespace"],
                "labels": {
                    **(meta.get("labels") or {}),
                    SERVICE_NAME_LABEL: meta["name"],
                    MANAGED_BY_LABEL: MANAGED_BY,
                },
                "ownerReferences": [owner_reference(service)],
            },
            "addressType": "IPv4",
            "endpoints": [
                {
                    "addresses": [e.ip],
                    "conditions": {
                        "ready": e.ready,
                        "serving": e.serving,
                        "terminating": e.terminating,
                    },
                    "nodeName": e.pod["spec"].get("nodeName"),
                    "targetRef": e.target_ref(),
                }
                for e in endpoints
            ],
            "ports": [{"name": n, "port": p, "protocol": proto} for n, p, proto in ports],
        }
        self.save(desired)
