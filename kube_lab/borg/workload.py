"""Borg's workload: jobs of identical tasks, and machines of a few platforms.

A Borg job (Verma et al. 2015, §2.3) has a name, an owner (user), a priority band, and a
number of tasks that all run the same binary with the same resource request; a task asks for
CPU (cores) and memory (GiB), and may be constrained to a machine platform (a hard
constraint, §2.3). Machines in a cell are heterogeneous (§2.2): :data:`MACHINE_TYPES` holds
three illustrative platforms with different CPU-to-memory ratios, which is what makes
stranded resources possible.

:func:`example_workload` draws a seeded mix shaped after what the papers report: batch jobs
are most jobs but prod (service) jobs hold most resources (Omega §2: batch over 80 % of jobs,
service 55-80 % of resources); job sizes are heavy-tailed. The exact distributions are
illustrative assumptions: the Borg paper publishes none.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from kube_lab.borg.priority import rank


@dataclass(frozen=True)
class Job:
    """``tasks`` identical tasks, each asking for ``cpu`` cores and ``memory`` GiB."""

    name: str
    tasks: int
    cpu: float
    memory: float
    priority: str = "batch"
    """A band: monitoring, production, batch or best-effort."""
    user: str = "default"
    platform: str | None = None
    """Run only on machines of this platform (a hard constraint), or anywhere."""

    def __post_init__(self) -> None:
        if not self.name:
            raise ValueError("a job needs a name")
        if isinstance(self.tasks, bool) or not isinstance(self.tasks, int) or self.tasks < 1:
            raise ValueError(
                f"job {self.name}: tasks must be a whole number >= 1, got {self.tasks!r}"
            )
        for what in ("cpu", "memory"):
            value = getattr(self, what)
            if not (isinstance(value, (int, float)) and math.isfinite(value) and value > 0):
                raise ValueError(f"job {self.name}: {what} must be positive, got {value!r}")
        rank(self.priority)  # raises for an unknown band


@dataclass(frozen=True)
class MachineType:
    """A machine platform: cores, GiB, and its share of an example cell."""

    name: str
    cpu: float
    memory: float
    share: float


#: Three platforms of an illustrative cell (sizes and shares are illustrative assumptions).
MACHINE_TYPES = (
    MachineType("platform-a", 32, 128, 0.5),
    MachineType("platform-b", 48, 192, 0.3),
    MachineType("platform-c", 24, 192, 0.2),
)

# Task shapes: cores per task, and GiB per core (illustrative, drawn with these weights).
_CPU = np.array([0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 16.0])
_CPU_WEIGHTS = np.array([0.15, 0.22, 0.25, 0.17, 0.1, 0.06, 0.05])
_GIB_PER_CORE = np.array([1.0, 2.0, 4.0, 8.0])
_GIB_WEIGHTS = np.array([0.2, 0.35, 0.3, 0.15])
# Resource share by band (prod holds most; Omega §2) and mean tasks per job (illustrative).
_BAND_SHARE = {"monitoring": 0.03, "production": 0.6, "batch": 0.3, "best-effort": 0.07}
_MEAN_TASKS = {"monitoring": 8, "production": 30, "batch": 60, "best-effort": 20}


def machine_platforms(machines: int, *, seed: int = 0) -> list[MachineType]:
    """``machines`` machine types in the shares of :data:`MACHINE_TYPES`, shuffled by seed."""
    if isinstance(machines, bool) or not isinstance(machines, int) or machines < 1:
        raise ValueError(f"machines must be a whole number >= 1, got {machines!r}")
    counts = [round(t.share * machines) for t in MACHINE_TYPES]
    counts[0] += machines - sum(counts)
    kinds = [t for t, n in zip(MACHINE_TYPES, counts, strict=True) for _ in range(n)]
    order = np.random.default_rng([seed, 7]).permutation(machines)
    return [kinds[i] for i in order]


def example_workload(
    *,
    machines: int = 200,
    fill: float = 0.6,
    users: int = 12,
    constrained: float = 0.0,
    seed: int = 0,
) -> list[Job]:
    """Jobs that ask for about ``fill`` of an example cell of ``machines`` machines.

    Bands get the resource shares above; within a band, jobs have a geometric number of tasks
    (heavy-tailed) and shapes drawn from a small set of sizes; users are Zipf-distributed;
    a fraction ``constrained`` of jobs must run on one platform (none by default: constraints
    make compaction depend on luck). Seeded: the same seed gives the same jobs.
    """
    if not 0 < fill <= 1.5:
        raise ValueError(f"fill must be in (0, 1.5], got {fill}")
    if not 0 <= constrained <= 1:
        raise ValueError(f"constrained must be in [0, 1], got {constrained}")
    if users < 1:
        raise ValueError(f"users must be at least 1, got {users}")
    platforms = machine_platforms(machines, seed=seed)
    total_cpu = sum(t.cpu for t in platforms)
    total_mem = sum(t.memory for t in platforms)
    rng = np.random.default_rng([seed, 11])
    zipf = 1 / np.arange(1, users + 1)
    user_p = zipf / zipf.sum()
    jobs: list[Job] = []
    for band, share in _BAND_SHARE.items():
        budget_cpu, budget_mem = share * fill * total_cpu, share * fill * total_mem
        used_cpu = used_mem = 0.0
        n = 0
        while used_cpu < budget_cpu and used_mem < budget_mem:
            cpu = float(rng.choice(_CPU, p=_CPU_WEIGHTS))
            memory = cpu * float(rng.choice(_GIB_PER_CORE, p=_GIB_WEIGHTS))
            tasks = int(rng.geometric(1 / _MEAN_TASKS[band]))
            # Do not overshoot the band's budget by more than one task's worth.
            room = min((budget_cpu - used_cpu) / cpu, (budget_mem - used_mem) / memory)
            tasks = max(1, min(tasks, math.ceil(room)))
            user = f"user-{int(rng.choice(users, p=user_p)) + 1:02d}"
            platform = None
            if rng.random() < constrained:
                # Constrained jobs stay small enough for their platform to hold them.
                kind = MACHINE_TYPES[int(rng.integers(len(MACHINE_TYPES)))]
                platform = kind.name
                ratio = memory / cpu
                cpu = min(cpu, 4.0)
                memory = cpu * ratio
                on_platform = sum(1 for t in platforms if t.name == platform)
                tasks = max(1, min(tasks, on_platform // 4))
            n += 1
            jobs.append(Job(f"{band}-{n:04d}", tasks, cpu, memory, band, user, platform))
            used_cpu += tasks * cpu
            used_mem += tasks * memory
    return jobs
