"""kube_lab: a small, honest Kubernetes-style orchestrator to learn from.

Start with :class:`Cluster`::

    import kube_lab as kl
    c = kl.Cluster(nodes=3, node_cpu="4", node_memory="8Gi", seed=0)
    c.apply(manifest)              # YAML text, a path, a dict or a list
    c.run(seconds=30)              # let cluster time pass
    print(c.kubectl("get pods -o wide"))

The cluster and its rooms load on first use, so ``import kube_lab`` stays quick.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kube_lab.api.errors import AlreadyExists, Conflict, ManifestError, NotFound, StatusError

if TYPE_CHECKING:
    from kube_lab.cluster import ApplyResult, Cluster
    from kube_lab.kubelet.docker import RuntimeUnavailable, docker_available

__all__ = [
    "AlreadyExists",
    "ApplyResult",
    "Cluster",
    "Conflict",
    "ManifestError",
    "NotFound",
    "RuntimeUnavailable",
    "StatusError",
    "docker_available",
]
__version__ = "0.1.0"

_LAZY = {
    "Cluster": "kube_lab.cluster",
    "ApplyResult": "kube_lab.cluster",
    # the Docker runtime's module imports the Docker SDK only when a runtime is made
    "RuntimeUnavailable": "kube_lab.kubelet.docker",
    "docker_available": "kube_lab.kubelet.docker",
}


#: The history models, loaded on first use: ``kl.borg.compaction(seed=0)``.
_SUBMODULES = ("borg", "eras", "omega", "viz", "checks")


def __getattr__(name: str) -> Any:
    import importlib

    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    if name in _SUBMODULES:
        return importlib.import_module(f"kube_lab.{name}")
    raise AttributeError(f"module 'kube_lab' has no attribute {name!r}")
