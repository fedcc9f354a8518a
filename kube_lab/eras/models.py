"""Deployment eras as small quantitative models: bare metal, virtual machines, containers.

The lessons tell a history: applications on shared bare-metal servers clashed over library
versions and slowed each other down, so operators gave each its own server and wasted most of
it; virtual machines isolated applications on shared hardware at the cost of a guest OS each
and boot times of tens of seconds; containers share one kernel, isolate with cgroups and
namespaces, and start in about a second (Burns et al., "Borg, Omega, and Kubernetes", ACM
Queue 2016, tells the container part; Felter et al. 2015 measure each). :func:`compare` runs
one workload (:mod:`kube_lab.eras.workload`) through each era and returns the same metrics
for all:

``servers``
    servers needed (first-fit decreasing packing; one per app when dedicated).
``cpu_utilization`` / ``memory_utilization``
    useful CPU work delivered, and memory the apps themselves use, over what the servers
    have (mean over the run).
``conflicts``
    pairs of apps on one operating system that need different versions of a library.
``interference``
    app-hours in which neighbours took more than ``interference_threshold`` of the CPU an
    app was sized for (the noisy neighbour).
``slowdown_pct``
    useful CPU work lost against demand, in percent: neighbours, caps and overheads.
``deploy_s``
    seconds to bring one new app into service; ``recover_s``: seconds until every app on a
    failed server (picked by the seed) runs again.
``cost_per_month``
    servers times ``server_cost_month``.

How each era is modelled:

- **bare metal, dedicated**: one app per server; no sharing, so no conflicts or interference;
  a new app waits for an OS install; a failure waits for an operator and a rebuild.
- **bare metal, shared**: apps packed onto servers by their size, one OS per server, no
  isolation: libraries conflict, and CPU is shared in proportion to demand, so a bursting
  app slows its neighbours.
- **virtual machines**: one VM per app, sized in whole vCPUs (plus the hypervisor's CPU
  overhead) and in memory plus a guest OS; the hypervisor reserves part of each host; a VM
  cannot exceed its vCPUs, and with ``vm_cpu_overcommit`` 1 (the default) VMs never contend.
  Failed VMs boot again on another host.
- **containers**: one container per app, packed by its request; the node keeps what GKE
  reserves for the kubelet and system daemons; each container is guaranteed its request and
  bursts into idle CPU (CFS shares), so no app loses what it was sized for; images carry their
  libraries, so nothing conflicts. A failed node's pods are replaced after Kubernetes'
  default eviction wait.

Simplified, and said plainly: one instance per app (no replicas), CPU is the only contended
resource (memory is never overcommitted), hourly steps, one server type, servers already
bought and racked (procurement lead times of weeks are left out), and recovery assumes a spare
server or enough free capacity. Every number is a field of :class:`Parameters` with its
source; :func:`parameters` prints them.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from kube_lab.eras.workload import App, check_workload, conflicts, demand, example_workload
from kube_lab.parameters import ILLUSTRATIVE, describe, param, replace_checked
from kube_lab.table import Table

ERAS = ("bare-metal-dedicated", "bare-metal-shared", "virtual-machines", "containers")


@dataclass(frozen=True)
class Parameters:
    """Every number the era models use, with its unit and source (see :func:`parameters`)."""

    server_cpu: float = param(
        16, unit="cores", source=ILLUSTRATIVE + " (a two-socket server)", positive=True
    )
    server_memory: float = param(64, unit="GiB", source=ILLUSTRATIVE, positive=True)
    server_cost_month: float = param(
        250, unit="$/month", source=ILLUSTRATIVE + " (server, power and space, amortised)"
    )
    os_install_s: float = param(
        1800, unit="s", source=ILLUSTRATIVE + " (unattended network install and configuration)"
    )
    app_install_s: float = param(
        3600, unit="s", source=ILLUSTRATIVE + " (install an app and its libraries on a host OS)"
    )
    app_start_s: float = param(5, unit="s", source=ILLUSTRATIVE)
    failure_detection_s: float = param(
        50,
        unit="s",
        source="kube-controller-manager --node-monitor-grace-period (50 s since 1.32); all eras",
    )
    operator_response_s: float = param(
        1800, unit="s", source=ILLUSTRATIVE + " (on-call operator starts a rebuild)"
    )
    vm_boot_s: float = param(
        44.2,
        unit="s",
        source="Mao & Humphrey, IEEE CLOUD 2012: mean Linux VM startup, Rackspace (EC2: 96.9 s)",
    )
    vm_cpu_overhead: float = param(
        0.03,
        unit="fraction",
        source="Felter et al. 2015: KVM a few percent slower than native on CPU-bound work",
    )
    guest_os_memory: float = param(1.0, unit="GiB", source=ILLUSTRATIVE + " (small Linux guest)")
    vm_memory_overhead: float = param(
        0.1, unit="GiB", source=ILLUSTRATIVE + " (hypervisor's per-VM structures)"
    )
    hypervisor_cpu: float = param(1, unit="cores", source=ILLUSTRATIVE)
    hypervisor_memory: float = param(4, unit="GiB", source=ILLUSTRATIVE)
    vm_cpu_overcommit: float = param(
        1.0,
        unit="vCPU/core",
        source=ILLUSTRATIVE + " (1: no overcommit; hypervisors allow more)",
        positive=True,
    )
    image_pull_s: float = param(
        20,
        unit="s",
        source="Borg §3.2: median task start-up about 25 s, about 80 % package installation",
    )
    container_start_s: float = param(
        0.57,
        unit="s",
        source="Khan, arXiv:2602.15214 (2026): docker run on a cloud SSD, 568 ms",
    )
    container_memory_overhead: float = param(
        0.03, unit="GiB", source=ILLUSTRATIVE + " (runtime shim per container)"
    )
    pod_eviction_s: float = param(
        300,
        unit="s",
        source="Kubernetes default tolerationSeconds for node.kubernetes.io/unreachable",
    )
    node_reserve: bool = param(
        True,
        source="GKE docs, Plan node sizes: node allocatable keeps a reserve for the kubelet",
    )
    sharing_penalty: float = param(
        0.03,
        unit="fraction",
        source="Borg §5.2: CPI about 3 % worse for tasks on shared machines",
    )
    interference_threshold: float = param(
        0.05,
        unit="fraction",
        source=ILLUSTRATIVE + " (loss that counts as an interference incident)",
    )


def parameters(**overrides: float | bool) -> Table:
    """The era models' parameters as a table (with any overrides applied)."""
    return describe(replace_checked(Parameters(), overrides), title="Deployment-era parameters")


def gke_reserved(cpu: float, memory: float) -> tuple[float, float]:
    """Cores and GiB GKE keeps back on a node of this size for the kubelet and the OS.

    CPU: 6 % of the first core, 1 % of the next, 0.5 % of the next two, 0.25 % above four.
    Memory: 25 % of the first 4 GiB, 20 % of the next 4, 10 % of the next 8, 6 % of the next
    112, 2 % above 128, plus 100 MiB for the eviction threshold (GKE documentation, "Plan
    node sizes", node allocatable resources).
    """

    def tiers(value: float, steps: Sequence[tuple[float, float]]) -> float:
        total, start = 0.0, 0.0
        for width, rate in steps:
            total += max(0.0, min(value, start + width) - start) * rate
            start += width
        return total

    inf = math.inf
    cores = tiers(cpu, [(1, 0.06), (1, 0.01), (2, 0.005), (inf, 0.0025)])
    gib = tiers(memory, [(4, 0.25), (4, 0.20), (8, 0.10), (112, 0.06), (inf, 0.02)]) + 100 / 1024
    return cores, gib


# -- packing -------------------------------------------------------------------------------


def _pack(
    cpu: np.ndarray,
    memory: np.ndarray,
    *,
    capacity: tuple[float, float],
    what: Sequence[str],
    unit: str,
) -> list[list[int]]:
    """First-fit decreasing by the larger of the two normalised sizes; lists of item indices."""
    cap_cpu, cap_mem = capacity
    for i in range(len(cpu)):
        if cpu[i] > cap_cpu + 1e-9 or memory[i] > cap_mem + 1e-9:
            raise ValueError(
                f"{what[i]} needs {cpu[i]:g} cores and {memory[i]:g} GiB as {unit}, but a "
                f"server offers {cap_cpu:g} cores and {cap_mem:g} GiB"
            )
    size = np.maximum(cpu / cap_cpu, memory / cap_mem)
    order = sorted(range(len(cpu)), key=lambda i: (-size[i], what[i]))
    servers: list[list[int]] = []
    free: list[list[float]] = []
    for i in order:
        for s, (fc, fm) in enumerate(free):
            if cpu[i] <= fc + 1e-9 and memory[i] <= fm + 1e-9:
                servers[s].append(i)
                free[s] = [fc - cpu[i], fm - memory[i]]
                break
        else:
            servers.append([i])
            free.append([cap_cpu - cpu[i], cap_mem - memory[i]])
    return servers


# -- running an era ------------------------------------------------------------------------


@dataclass
class _Placement:
    servers: list[list[int]]
    delivered: np.ndarray  # useful cores per app per hour
    sized_loss: np.ndarray  # cores of its size an app lost to neighbours, per hour
    memory_used: float  # GiB the apps themselves use
    deploy_s: float
    recover_s: Callable[[list[int]], float]


def _proportional(d: np.ndarray, capacity: float) -> np.ndarray:
    """No isolation: when demand exceeds the server, everyone gets the same fraction."""
    total = d.sum(axis=0)
    scale = np.where(total > capacity, capacity / np.maximum(total, 1e-12), 1.0)
    return d * scale


def _shares(d: np.ndarray, request: np.ndarray, capacity: float) -> np.ndarray:
    """cgroups CPU shares: each gets up to its request, idle CPU goes to those who want more."""
    guaranteed = np.minimum(d, request[:, None])
    excess = d - guaranteed
    left = np.maximum(capacity - guaranteed.sum(axis=0), 0.0)
    want = excess.sum(axis=0)
    scale = np.where(want > left, left / np.maximum(want, 1e-12), 1.0)
    return guaranteed + excess * scale


def _dedicated(apps: Sequence[App], d: np.ndarray, p: Parameters) -> _Placement:
    cpu = np.array([a.cpu for a in apps])
    mem = np.array([a.memory for a in apps])
    _pack(
        cpu,
        mem,
        capacity=(p.server_cpu, p.server_memory),
        what=[a.name for a in apps],
        unit="an app",
    )
    servers = [[i] for i in range(len(apps))]
    delivered = np.minimum(d, p.server_cpu)
    return _Placement(
        servers=servers,
        delivered=delivered,
        sized_loss=np.zeros_like(d),
        memory_used=float(mem.sum()),
        deploy_s=p.os_install_s + p.app_install_s + p.app_start_s,
        recover_s=_dedicated_recovery(p),
    )


def _run_servers(
    servers: list[list[int]],
    wanted: np.ndarray,
    sized: np.ndarray,
    share: Callable[[list[int]], np.ndarray],
    p: Parameters,
) -> tuple[np.ndarray, np.ndarray]:
    """Useful CPU per app and hour, and what neighbours took of what each app was sized for.

    ``share(on)`` says what the apps on one server get of what they want; a server with more
    than one app also pays ``sharing_penalty`` (Borg §5.2), which is not counted as theft.
    """
    got = np.zeros_like(wanted)
    loss = np.zeros_like(wanted)
    for on in servers:
        shared = share(on)
        loss[on] = np.maximum(np.minimum(wanted[on], sized[on]) - shared, 0.0)
        got[on] = shared * (1 - p.sharing_penalty) if len(on) > 1 else shared
    return got, loss


def _dedicated_recovery(p: Parameters) -> Callable[[list[int]], float]:
    def recover(on: list[int]) -> float:
        # An operator rebuilds the server, then installs each app that ran on it in turn.
        return (
            p.failure_detection_s
            + p.operator_response_s
            + p.os_install_s
            + len(on) * p.app_install_s
            + p.app_start_s
        )

    return recover


def _shared(apps: Sequence[App], d: np.ndarray, p: Parameters) -> _Placement:
    cpu = np.array([a.cpu for a in apps])
    mem = np.array([a.memory for a in apps])
    servers = _pack(
        cpu,
        mem,
        capacity=(p.server_cpu, p.server_memory),
        what=[a.name for a in apps],
        unit="an app",
    )
    sized = np.broadcast_to(cpu[:, None], d.shape)
    got, loss = _run_servers(servers, d, sized, lambda on: _proportional(d[on], p.server_cpu), p)
    return _Placement(
        servers=servers,
        delivered=got,
        sized_loss=loss,
        memory_used=float(mem.sum()),
        deploy_s=p.app_install_s + p.app_start_s,
        recover_s=_dedicated_recovery(p),
    )


def _virtual_machines(apps: Sequence[App], d: np.ndarray, p: Parameters) -> _Placement:
    cpu = np.array([a.cpu for a in apps])
    mem = np.array([a.memory for a in apps])
    overhead = 1 + p.vm_cpu_overhead
    vcpus = np.ceil(cpu * overhead - 1e-9)
    vm_mem = mem + p.guest_os_memory + p.vm_memory_overhead
    physical = p.server_cpu - p.hypervisor_cpu
    host_mem = p.server_memory - p.hypervisor_memory
    if physical <= 0 or host_mem <= 0:
        raise ValueError("the hypervisor reserves the whole server: nothing is left for VMs")
    servers = _pack(
        vcpus,
        vm_mem,
        capacity=(physical * p.vm_cpu_overcommit, host_mem),
        what=[a.name for a in apps],
        unit="a VM",
    )
    # A VM uses at most its vCPUs, and the guest's work costs (1 + overhead) on the host.
    wanted = np.minimum(d * overhead, vcpus[:, None])
    sized = np.broadcast_to((cpu * overhead)[:, None], d.shape)
    got, loss = _run_servers(
        servers, wanted, sized, lambda on: _proportional(wanted[on], physical), p
    )
    return _Placement(
        servers=servers,
        delivered=got / overhead,
        sized_loss=loss / overhead,
        memory_used=float(mem.sum()),
        deploy_s=p.vm_boot_s + p.app_start_s,
        recover_s=lambda on: p.failure_detection_s + p.vm_boot_s + p.app_start_s,
    )


def _containers(apps: Sequence[App], d: np.ndarray, p: Parameters) -> _Placement:
    cpu = np.array([a.cpu for a in apps])
    mem = np.array([a.memory for a in apps])
    reserve = gke_reserved(p.server_cpu, p.server_memory) if p.node_reserve else (0.0, 0.0)
    node_cpu, node_mem = p.server_cpu - reserve[0], p.server_memory - reserve[1]
    servers = _pack(
        cpu,
        mem + p.container_memory_overhead,
        capacity=(node_cpu, node_mem),
        what=[a.name for a in apps],
        unit="a container",
    )
    sized = np.broadcast_to(cpu[:, None], d.shape)
    got, loss = _run_servers(servers, d, sized, lambda on: _shares(d[on], cpu[on], node_cpu), p)
    return _Placement(
        servers=servers,
        delivered=got,
        sized_loss=loss,
        memory_used=float(mem.sum()),
        deploy_s=p.image_pull_s + p.container_start_s + p.app_start_s,
        recover_s=lambda on: (
            p.failure_detection_s
            + p.pod_eviction_s
            + p.image_pull_s
            + p.container_start_s
            + p.app_start_s
        ),
    )


_MODELS: dict[str, Callable[[Sequence[App], np.ndarray, Parameters], _Placement]] = {
    "bare-metal-dedicated": _dedicated,
    "bare-metal-shared": _shared,
    "virtual-machines": _virtual_machines,
    "containers": _containers,
}


def compare(
    workload: Sequence[App] | None = None,
    *,
    eras: Sequence[str] = ERAS,
    days: int = 7,
    seed: int = 0,
    **overrides: float | bool,
) -> Table:
    """Run one workload in each deployment era; one row per era, the same metrics for all.

    ``workload`` defaults to :func:`~kube_lab.eras.workload.example_workload`; ``days`` of
    hourly load are simulated (the seed decides noise, bursts and which server fails); any
    field of :class:`Parameters` can be overridden by name: ``compare(vm_boot_s=20)``.
    """
    apps = check_workload(example_workload() if workload is None else workload)
    p = replace_checked(Parameters(), overrides)
    if isinstance(days, bool) or not isinstance(days, int) or days < 1:
        raise ValueError(f"days must be a whole number of at least 1, got {days!r}")
    unknown = [e for e in eras if e not in _MODELS]
    if unknown:
        raise ValueError(f"unknown era {unknown[0]!r}; eras are: {', '.join(ERAS)}")
    hours = 24 * days
    d = demand(apps, hours=hours, seed=seed)
    sized = np.minimum(d, np.array([a.cpu for a in apps])[:, None])
    rng = np.random.default_rng([seed, 1])
    rows = []
    for era in eras:
        placed = _MODELS[era](apps, d, p)
        n = len(placed.servers)
        failed = placed.servers[int(rng.integers(n))]
        # Only bare metal shares one OS between apps; a guest OS or an image carries its own.
        shares_os = era.startswith("bare-metal")
        clashes = (
            sum(len(conflicts([apps[i] for i in on])) for on in placed.servers) if shares_os else 0
        )
        lost_to_neighbours = placed.sized_loss > p.interference_threshold * np.maximum(sized, 1e-12)
        lost_to_neighbours &= placed.sized_loss > 1e-9
        rows.append(
            {
                "era": era,
                "servers": n,
                "cpu_utilization": float(placed.delivered.sum() / (n * p.server_cpu * hours)),
                "memory_utilization": placed.memory_used / (n * p.server_memory),
                "conflicts": clashes,
                "interference": int(lost_to_neighbours.sum()),
                "slowdown_pct": float(100 * (1 - placed.delivered.sum() / d.sum())),
                "deploy_s": placed.deploy_s,
                "recover_s": placed.recover_s(failed),
                "cost_per_month": n * p.server_cost_month,
            }
        )
    return Table.from_rows(
        rows,
        title=f"Deployment eras: {len(apps)} apps, {days} days (seed {seed})",
        units={
            "interference": "app-hours",
            "deploy_s": "s",
            "recover_s": "s",
            "cost_per_month": "$",
        },
        notes=(
            "Utilization: useful CPU work and app memory over server capacity. Parameters and "
            "their sources: kube_lab.parameters(). Simplified: one instance per app, CPU "
            "the only contended resource, hourly steps, servers already racked."
        ),
    )
