"""What the API server does to a Service as it stores it: allocate its addresses.

Beyond defaults, creating a Service reserves a virtual IP from the service CIDR
(``10.96.0.0/12`` on kubeadm clusters; ``10.96.0.1`` is the ``kubernetes`` Service itself)
and, for ``NodePort`` and ``LoadBalancer`` Services, a port in ``30000-32767`` on every
node. Both are drawn at random, as the API server's allocators do, from the cluster's seeded
randomness; asking for a specific address that is taken is refused.
"""

from __future__ import annotations

import ipaddress
import random

from kube_lab.api.errors import FieldError, invalid
from kube_lab.api.meta import Obj
from kube_lab.store import Store

SERVICE_CIDR = ipaddress.ip_network("10.96.0.0/12")
KUBERNETES_SERVICE_IP = "10.96.0.1"
NODE_PORTS = range(30000, 32768)


class ServiceAllocator:
    """Cluster IPs and node ports, checked against the Services already stored."""

    def __init__(self, store: Store, rng: random.Random) -> None:
        self._store = store
        self._random = rng

    def _used(self) -> tuple[set[str], set[int]]:
        ips: set[str] = set()
        ports: set[int] = set()
        for service in self._store.list("Service"):
            ips.update(service["spec"].get("clusterIPs") or [service["spec"].get("clusterIP")])
            ports.update(
                p["nodePort"] for p in service["spec"].get("ports") or [] if p.get("nodePort")
            )
        return ips, ports

    def check(self, service: Obj, live: Obj | None) -> list[FieldError]:
        """Requested addresses must be free and in range (the allocators' refusals)."""
        errors: list[FieldError] = []
        ips, ports = self._used()
        if live is not None:
            ips.difference_update(live["spec"].get("clusterIPs") or [])
            ports.difference_update(p.get("nodePort") for p in live["spec"].get("ports") or [])
        wanted = service["spec"].get("clusterIP")
        if wanted and wanted != "None":
            try:
                inside = ipaddress.ip_address(wanted) in SERVICE_CIDR
            except ValueError:
                inside = False
            if not inside:
                errors.append(
                    invalid(
                        "spec.clusterIPs[0]",
                        wanted,
                        f"failed to allocate IP {wanted}: the provided IP "
                        f"({wanted}) is not in the valid range. The range of "
                        f"valid IPs is {SERVICE_CIDR}",
                    )
                )
            elif wanted in ips:
                errors.append(
                    invalid(
                        "spec.clusterIPs[0]",
                        wanted,
                        f"failed to allocate IP {wanted}: provided IP is already allocated",
                    )
                )
        for i, port in enumerate(service["spec"].get("ports") or []):
            node_port = port.get("nodePort")
            if node_port and node_port in ports:
                errors.append(
                    invalid(
                        f"spec.ports[{i}].nodePort", node_port, "provided port is already allocated"
                    )
                )
        return errors

    def allocate(self, service: Obj) -> None:
        """Fill in ``clusterIP(s)`` and missing ``nodePort``s of a new Service, in place."""
        spec = service["spec"]
        ips, ports = self._used()
        if spec.get("type") != "ExternalName" and not spec.get("clusterIP"):
            first = int(SERVICE_CIDR.network_address) + 2
            size = SERVICE_CIDR.num_addresses - 3
            while True:
                candidate = str(ipaddress.ip_address(first + self._random.randrange(size)))
                if candidate not in ips:
                    break
            spec["clusterIP"] = candidate
        if spec.get("clusterIP") and spec["clusterIP"] != "None":
            spec["clusterIPs"] = [spec["clusterIP"]]
            spec.setdefault("ipFamilies", ["IPv4"])
        if spec.get("type") in ("NodePort", "LoadBalancer"):
            for port in spec.get("ports") or []:
                if not port.get("nodePort"):
                    free = [p for p in NODE_PORTS if p not in ports]
                    port["nodePort"] = self._random.choice(free)
                    ports.add(port["nodePort"])

    @staticmethod
    def kubernetes_service() -> Obj:
        """The ``default/kubernetes`` Service every cluster has: the API server's address."""
        return {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": {
                "name": "kubernetes",
                "namespace": "default",
                "labels": {"component": "apiserver", "provider": "kubernetes"},
            },
            "spec": {
                "clusterIP": KUBERNETES_SERVICE_IP,
                "ports": [{"name": "https", "port": 443, "protocol": "TCP", "targetPort": 6443}],
            },
        }
