"""Isolation, seen from both sides: what a process in a container sees, next to the host.

For the container lesson. A container is an ordinary process that the kernel shows a
different world: its own process table (PID namespace), hostname (UTS namespace),
filesystem root (mount namespace), network interfaces (network namespace), and limits on
its memory and CPU (cgroups). :func:`compare` runs the same small shell commands in a fresh
container and on this machine and puts the answers side by side; :func:`side_by_side` does
the same for commands of your own::

    import kube_lab.isolation as iso
    iso.compare(memory="64Mi", cpu="500m")        # a table: host | container
    iso.side_by_side("ps", "ls /")                # your commands, both sides

It needs a Docker engine (``kube_lab.docker_available()``); the container is kube-lab's own
busybox image, built locally, labelled like every kube-lab container and removed at the end.
"""

from __future__ import annotations

import html
import secrets
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from kube_lab import images
from kube_lab.api.quantity import format_memory, int_value, milli_value
from kube_lab.kubelet import docker as runtime

IMAGE = "kube-lab/busybox:1.35"
#: No limit, as cgroup v1 writes it (the largest page-aligned 63-bit number).
_UNLIMITED = 2**62


def _memory(text: str) -> str:
    value = text.strip()
    if value in ("", "max") or (value.isdigit() and int(value) >= _UNLIMITED):
        return "no limit" if value else "n/a"
    return format_memory(int(value)) if value.isdigit() else value


def _cpu(text: str) -> str:
    """CPU limit from ``cpu.max`` (v2: "quota period") or v1's "quota period" pair."""
    parts = text.split()
    if len(parts) != 2:
        return "n/a"
    quota, period = parts
    if quota in ("max", "-1"):
        return "no limit"
    return f"{int(quota) / int(period):g} CPU"


def _words(text: str) -> str:
    return " ".join(text.split())


#: (aspect, shell command run on both sides, how to show its output)
ASPECTS: tuple[tuple[str, str, Callable[[str], str]], ...] = (
    ("processes it can see", "ls /proc | grep -c '^[0-9]'", str.strip),
    ("PID 1 (the first process)", "tr '\\0' ' ' < /proc/1/cmdline", str.strip),
    ("hostname", "cat /proc/sys/kernel/hostname", str.strip),
    ("filesystem root (ls /)", "ls /", _words),
    ("network interfaces", "ls /sys/class/net", _words),
    (
        "memory limit (cgroup)",
        "cat /sys/fs/cgroup/memory.max 2>/dev/null"
        " || cat /sys/fs/cgroup/memory/memory.limit_in_bytes 2>/dev/null",
        _memory,
    ),
    (
        "CPU limit (cgroup)",
        "cat /sys/fs/cgroup/cpu.max 2>/dev/null"
        " || echo $(cat /sys/fs/cgroup/cpu/cpu.cfs_quota_us /sys/fs/cgroup/cpu/cpu.cfs_period_us)",
        _cpu,
    ),
    ("user id", "id -u", str.strip),
)


@dataclass(frozen=True)
class Row:
    """One comparison: what ``command`` printed on the host and in the container."""

    aspect: str
    command: str
    host: str
    container: str


class Report(list[Row]):
    """Rows of host-versus-container answers; prints as a table (text or HTML)."""

    def __str__(self) -> str:
        def cell(text: str) -> str:
            lines = text.splitlines() or [""]
            first = lines[0] if len(lines[0]) <= 48 else lines[0][:47] + "…"
            return first + (f" (+{len(lines) - 1} lines)" if len(lines) > 1 else "")

        table = [
            ("", "host (this machine)", "container"),
            *[(r.aspect, cell(r.host), cell(r.container)) for r in self],
        ]
        widths = [max(len(row[i]) for row in table) for i in range(3)]
        return "\n".join(
            "  ".join(value.ljust(width) for value, width in zip(row, widths, strict=True)).rstrip()
            for row in table
        )

    def _repr_html_(self) -> str:
        def pre(text: str) -> str:
            return f"<pre style='margin:0'>{html.escape(text)}</pre>"

        rows = "".join(
            f"<tr><th style='text-align:left' title='{html.escape(r.command)}'>"
            f"{html.escape(r.aspect)}</th><td>{pre(r.host)}</td><td>{pre(r.container)}</td></tr>"
            for r in self
        )
        return (
            "<table><thead><tr><th></th><th>host (this machine)</th><th>container</th></tr>"
            f"</thead><tbody>{rows}</tbody></table>"
        )

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(str(self))


def run_on_host(command: str, *, timeout: float = 10.0) -> str:
    """What a shell command prints on this machine (stdout and stderr)."""
    done = subprocess.run(
        ["sh", "-c", command], capture_output=True, text=True, timeout=timeout, check=False
    )
    return done.stdout + done.stderr


class Sandbox:
    """A throwaway container to run commands in; use it as a context manager.

    It runs kube-lab's busybox image with the given limits and hostname, carries kube-lab's
    labels (so ``kube-lab clean`` would find it if this process died) and is removed on exit.
    """

    def __init__(
        self,
        *,
        memory: str | None = "64Mi",
        cpu: str | None = "500m",
        hostname: str = "container",
        image: str = IMAGE,
        client: Any = None,
    ) -> None:
        self._client = client or runtime.connect()
        images.ensure(self._client, image)
        api = self._client.api
        limits: dict[str, Any] = {}
        if memory:
            limits["mem_limit"] = int_value(memory)
        if cpu:
            limits["nano_cpus"] = milli_value(cpu) * 1_000_000
        labels = {
            runtime.CLUSTER_LABEL: f"isolation-{secrets.token_hex(4)}",
            runtime.CONTAINER_LABEL: "isolation-demo",
            **runtime.owner_labels(),
        }
        self.id: str = api.create_container(
            image,
            command=["sleep", "3600"],
            hostname=hostname,
            labels=labels,
            host_config=api.create_host_config(**limits),
        )["Id"]
        api.start(self.id)

    def run(self, command: str) -> str:
        """What a shell command prints inside the container (stdout and stderr)."""
        exec_id = self._client.api.exec_create(self.id, ["sh", "-c", command])["Id"]
        return bytes(self._client.api.exec_start(exec_id)).decode(errors="replace")

    def close(self) -> None:
        self._client.api.remove_container(self.id, force=True)

    def __enter__(self) -> Sandbox:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def side_by_side(*commands: str, memory: str | None = "64Mi", cpu: str | None = "500m") -> Report:
    """Run each shell command on this machine and in one fresh container; a :class:`Report`."""
    with Sandbox(memory=memory, cpu=cpu) as box:
        return Report(Row(c, c, run_on_host(c), box.run(c)) for c in commands)


def compare(*, memory: str | None = "64Mi", cpu: str | None = "500m") -> Report:
    """The lesson's table: processes, PID 1, hostname, filesystem, network, limits, user."""
    with Sandbox(memory=memory, cpu=cpu) as box:
        return Report(
            Row(aspect, command, show(run_on_host(command)), show(box.run(command)))
            for aspect, command, show in ASPECTS
        )
