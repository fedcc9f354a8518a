"""The simulated container runtime: containers that live in virtual time.

A container does what its command says, for the few commands a lesson needs, so that real
manifests behave as on a real node: ``sh -c "echo hi; sleep 5; exit 1"`` prints, sleeps
five seconds and fails; a ``busybox`` with no command exits at once (its shell has no
terminal), which is why it ends in CrashLoopBackOff on a real cluster too. Any other
container (nginx, a web app) runs until it is stopped. Pull and start times are drawn from
the engine's seeded randomness, so every run of a seed tells the same story.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field
from typing import Any

from kube_lab.engine import Engine, Timer
from kube_lab.kubelet.runtime import ExitCallback, PullResult

#: Images whose default command exits at once when run without a terminal.
SHELL_IMAGES = ("busybox", "alpine", "ubuntu", "debian")

PULL_SECONDS = (1.0, 3.0)  # a small image over a fast link
REPULL_SECONDS = 0.5  # imagePullPolicy: Always, image already cached: a manifest check
START_SECONDS = (0.3, 0.8)  # create + start of a container
STOP_SECONDS = (0.2, 1.0)  # SIGTERM to exit for a server that shuts down cleanly


@dataclass
class _Container:
    namespace: str
    pod: str
    name: str
    logs: list[str] = field(default_factory=list)
    timer: Timer | None = None
    stopped: bool = False  # stopped containers keep their logs, as on a node


def _image_name(image: str) -> str:
    base = image.rsplit("/", 1)[-1]
    return base.split("@")[0].split(":")[0]


def script_of(container: dict[str, Any]) -> list[str] | None:
    """The shell steps a container runs, or None for a long-running server."""
    argv = [*(container.get("command") or []), *(container.get("args") or [])]
    if not argv:
        return [] if _image_name(container.get("image", "")) in SHELL_IMAGES else None
    if len(argv) >= 3 and argv[0] in ("sh", "/bin/sh", "bash", "/bin/bash") and argv[1] == "-c":
        return [s.strip() for s in re.split(r";|&&|\n", argv[2]) if s.strip()]
    return [shlex.join(argv)]


class SimulatedRuntime:
    """Containers as timers on the engine's clock."""

    name = "simulated"
    version = "simulated://1.0"

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._images: set[tuple[str, str]] = set()
        self._containers: dict[str, _Container] = {}
        #: (namespace, pod, container, probe kind) whose probes fail, set by the learner
        self.failing: set[tuple[str, str, str, str]] = set()
        self._serial = 0

    def pull(self, node: str, image: str, *, policy: str) -> PullResult:
        present = (node, image) in self._images
        if present and policy != "Always":
            return PullResult(0.0, pulled=False)
        if policy == "Never" and not present:
            return PullResult(0.0, pulled=False, error="ErrImageNeverPull")
        low, high = PULL_SECONDS
        seconds = REPULL_SECONDS if present else round(self._engine.random.uniform(low, high), 3)
        self._images.add((node, image))
        return PullResult(seconds, pulled=True)

    def start_seconds(self, image: str) -> float:
        return round(self._engine.random.uniform(*START_SECONDS), 3)

    def start(
        self, *, node: str, pod: dict[str, Any], container: dict[str, Any], on_exit: ExitCallback
    ) -> str:
        self._serial += 1
        container_id = f"sim://{self._serial:012x}"
        state = _Container(pod["metadata"]["namespace"], pod["metadata"]["name"], container["name"])
        self._containers[container_id] = state
        steps = script_of(container)
        seconds, code = self._run(steps, state) if steps is not None else (float("inf"), 0)
        if seconds != float("inf"):
            reason = "Completed" if code == 0 else "Error"
            state.timer = self._engine.call_later(
                seconds, lambda: self._exit(container_id, code, reason, on_exit)
            )
        return container_id

    def _run(self, steps: list[str], state: _Container) -> tuple[float, int]:
        """Interpret ``echo``, ``sleep``, ``exit``, ``true`` and ``false``."""
        seconds, code = 0.0, 0
        for step in steps:
            words = shlex.split(step)
            command, args = (words[0], words[1:]) if words else ("true", [])
            if command == "echo":
                state.logs.append(" ".join(args))
            elif command == "sleep" and args:
                seconds += float(args[0].rstrip("s"))
            elif command == "exit":
                return seconds, int(args[0]) if args else code
            elif command in ("true", "false"):
                code = 0 if command == "true" else 1
            else:
                return float("inf"), 0  # an unknown program: assume it serves forever
        return seconds, code

    def _exit(self, container_id: str, code: int, reason: str, on_exit: ExitCallback) -> None:
        state = self._containers.get(container_id)
        if state is not None and not state.stopped:
            state.timer = None
            state.stopped = True
            on_exit(code, reason)

    def stop_seconds(self) -> float:
        return round(self._engine.random.uniform(*STOP_SECONDS), 3)

    def stop(self, container_id: str) -> None:
        state = self._containers.get(container_id)
        if state is not None and state.timer is not None:
            state.timer.cancel()
            state.timer = None
        if state is not None:
            state.stopped = True

    def remove_pod_sandbox(self, pod_uid: str) -> None:
        pass  # simulated containers share no sandbox

    def probe(self, container_id: str, probe: dict[str, Any], *, kind: str) -> bool:
        state = self._containers.get(container_id)
        if state is None or state.stopped:
            return False
        return (state.namespace, state.pod, state.name, kind) not in self.failing

    def set_probe(self, *, namespace: str, pod: str, container: str, kind: str, ok: bool) -> None:
        """Make a container's ``kind`` probe fail (the app hangs) or pass again."""
        key = (namespace, pod, container, kind)
        if ok:
            self.failing.discard(key)
        else:
            self.failing.add(key)

    def logs(self, container_id: str) -> str:
        state = self._containers.get(container_id)
        return "".join(f"{line}\n" for line in state.logs) if state else ""
