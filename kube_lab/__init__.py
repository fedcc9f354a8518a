"""kube_lab: a small, honest Kubernetes-style orchestrator to learn from."""

from kube_lab.api.errors import AlreadyExists, Conflict, ManifestError, NotFound, StatusError

__all__ = ["AlreadyExists", "Conflict", "ManifestError", "NotFound", "StatusError"]
__version__ = "0.1.0"
