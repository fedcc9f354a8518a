"""The container runtime interface the kubelet drives (a small CRI).

A kubelet does not run containers itself: it asks a runtime to pull images, start and
stop containers, and tells it what to do when one exits. kube_lab has two runtimes behind
this one protocol: :mod:`kube_lab.kubelet.simulated` (virtual time, deterministic) and a
Docker one (real containers, real time).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

#: Called with (exit code, reason) when a container stops by itself.
ExitCallback = Callable[[int, str], None]


@dataclass(frozen=True)
class PullResult:
    """What pulling an image cost: seconds taken, or an error (``ErrImagePull``)."""

    seconds: float
    pulled: bool  # False when the image was already present and not re-pulled
    error: str | None = None


class Runtime(Protocol):
    name: str
    version: str  # ``<runtime>://<version>``, as a node reports it

    def pull(self, node: str, image: str, *, policy: str) -> PullResult: ...

    def start(
        self, *, node: str, pod: dict[str, Any], container: dict[str, Any], on_exit: ExitCallback
    ) -> str: ...

    def start_seconds(self, image: str) -> float: ...

    def stop_seconds(self) -> float: ...

    def stop(self, container_id: str) -> None: ...

    def remove_pod_sandbox(self, pod_uid: str) -> None:
        """The pod is gone: release what held it together (CRI's ``RemovePodSandbox``)."""
        ...

    def probe(self, container_id: str, probe: dict[str, Any], *, kind: str) -> bool:
        """Run a ``readiness`` or ``liveness`` probe; True when it passes."""
        ...

    def logs(self, container_id: str) -> str: ...
