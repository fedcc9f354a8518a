"""The Omega paper's lightweight simulation: three scheduler architectures, one workload.

Schwarzkopf, Konwinski, Abd-El-Malek and Wilkes, "Omega: flexible, scalable schedulers for
large compute clusters", EuroSys 2013, §4, and its public simulator
(github.com/google/cluster-scheduler-simulator), which this follows closely:

- **workload** (§2, §4): two kinds of jobs arrive at random (exponential inter-arrival
  times): many short *batch* jobs with many tasks, and fewer long *service* jobs with fewer
  tasks. Each job's task count and duration are exponential around a mean; all tasks of a
  job ask for the same CPU and memory. The cell is pre-filled to about 60 % (§4) with work
  that outlives the run.
- **decision time** (§4): a scheduler thinks for ``t_job + t_task x tasks`` per attempt at a
  job (tasks still unscheduled), then places them by randomised first fit.
- **monolithic** (§4.1): one scheduler, one queue. *single-path*: every job takes the
  swept decision time; *multi-path*: batch jobs take a fast path (the default ``t_job``),
  service jobs the swept one, but still in one queue (head-of-line blocking).
- **two-level** (§4.2, Mesos): an allocator offers *all* currently free resources to one
  framework at a time (the one with the smallest dominant share, DRF); the framework locks
  them while it thinks, places what it can, and returns the rest. Resources freed meanwhile
  can be offered to the other framework. Offers are batched every ``offer_interval``.
- **shared-state** (§4.3, Omega): each scheduler decides on its private copy of the cell
  and commits a transaction; conflicts are detected coarsely or finely and commits are
  incremental or all-or-nothing (:mod:`kube_lab.omega.cellstate`).

A job whose tasks are not all placed goes back to its queue after ``retry_delay``; it is
abandoned after ``max_attempts`` attempts, or after ``no_progress_attempts`` attempts that
placed none of its tasks (the simulator's rule). With ``gang=True`` batch jobs need all their
tasks placed at once: monolithic and shared-state schedulers then place a job whole or not
at all (shared-state commits become all-or-nothing), and a two-level framework either
declines offers too small for the whole job or, with ``hoard=True``, keeps what it is offered
until the job fits, idle (the hoarding the paper warns of, §3.3).

Metrics per workload (§4): ``wait_time`` (submission to first scheduling attempt; jobs still
waiting at the end count with their wait so far, a lower bound), ``missed_slo`` (fraction of
jobs that waited longer than the 30 s target of §5), ``busyness`` (fraction of
time its scheduler spends deciding), ``conflict_fraction`` (failed transactions per
successful one), ``abandoned`` jobs.

Simplified: one machine type, task shapes fixed per workload (the paper used trace-derived
distributions, which are not public), the pre-fill drawn per machine rather than from a
trace, a shorter simulated time than the paper's 7 days (see each function's ``hours``),
no preemption, and no machine failures.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from kube_lab.engine import Engine
from kube_lab.omega.cellstate import (
    CONFLICT_MODES,
    TRANSACTION_MODES,
    CellState,
    Claims,
)
from kube_lab.parameters import describe, param, replace_checked
from kube_lab.table import Table

ARCHITECTURES = ("monolithic-single", "monolithic-multi", "two-level", "shared-state")
WORKLOADS = ("batch", "service")
_SIM = "cluster-scheduler-simulator example (fabricated example numbers, Workloads.scala)"


@dataclass(frozen=True)
class Parameters:
    """Every number of the simulation, with its source (:func:`parameters` prints them)."""

    machines: int = param(
        10_000,
        unit="machines",
        source="Borg §2.2 median cell; simulator example cell",
        positive=True,
        integer=True,
    )
    machine_cpu: float = param(4, unit="cores", source=_SIM, positive=True)
    machine_memory: float = param(16, unit="GiB", source=_SIM, positive=True)
    prefill: float = param(0.6, unit="fraction", source="Omega §4: cells pre-filled to about 60 %")
    batch_interarrival: float = param(10, unit="s", source=_SIM, positive=True)
    batch_tasks: float = param(100, unit="tasks", source=_SIM, positive=True)
    batch_duration: float = param(100, unit="s", source=_SIM, positive=True)
    batch_cpu: float = param(1, unit="cores/task", source=_SIM, positive=True)
    batch_memory: float = param(2, unit="GiB/task", source=_SIM, positive=True)
    service_interarrival: float = param(20, unit="s", source=_SIM, positive=True)
    service_tasks: float = param(10, unit="tasks", source=_SIM, positive=True)
    service_duration: float = param(500, unit="s", source=_SIM, positive=True)
    service_cpu: float = param(1, unit="cores/task", source=_SIM, positive=True)
    service_memory: float = param(2, unit="GiB/task", source=_SIM, positive=True)
    t_job: float = param(0.1, unit="s", source="Omega §4: default t_job")
    t_task: float = param(0.005, unit="s", source="Omega §4: default t_task")
    max_attempts: int = param(
        1000, unit="attempts", source="Omega §4: abandoned after 1,000", integer=True
    )
    no_progress_attempts: int = param(
        100,
        unit="attempts",
        source="simulator: abandoned after 100 attempts placing nothing",
        integer=True,
    )
    retry_delay: float = param(1.0, unit="s", source="simulator: a job re-queues after 1 s")
    offer_interval: float = param(
        1.0, unit="s", source="simulator: MesosAllocator offerBatchInterval"
    )
    allocator_think: float = param(0.001, unit="s", source="simulator: allocatorConstantThinkTime")
    min_offer_cpu: float = param(100, unit="cores", source="simulator: MesosAllocator minCpuOffer")
    wait_slo: float = param(30, unit="s", source="Omega §5: 30 s job wait-time target")


def parameters(**overrides: float) -> Table:
    """The simulation's parameters as a table."""
    return describe(replace_checked(Parameters(), overrides), title="Omega simulation parameters")


# -- jobs ----------------------------------------------------------------------------------


@dataclass
class _Job:
    id: int
    workload: str
    submitted: float
    tasks: int
    duration: float
    cpu: int
    memory: int
    gang: bool
    unscheduled: int = 0
    attempts: int = 0
    first_attempt: float | None = None
    finished: bool = False
    abandoned: bool = False
    hoard: list[tuple[np.ndarray, np.ndarray, float]] = field(default_factory=list)
    owner: _Framework | None = None  # two-level: the framework whose tasks these are

    def __post_init__(self) -> None:
        self.unscheduled = self.tasks


def _jobs(p: Parameters, *, hours: float, load: float, gang: bool, seed: int) -> list[_Job]:
    """Both workloads' jobs for the run, exponential everything (the simulator's ExpExpExp)."""
    jobs: list[_Job] = []
    horizon = hours * 3600
    for w, workload in enumerate(WORKLOADS):
        rng = np.random.default_rng([seed, 17, w])
        mean_gap = getattr(p, f"{workload}_interarrival") / load
        n = int(horizon / mean_gap * 1.5) + 10
        times = np.cumsum(rng.exponential(mean_gap, n))
        times = times[times < horizon]
        tasks = np.maximum(1, np.ceil(rng.exponential(getattr(p, f"{workload}_tasks"), len(times))))
        durations = rng.exponential(getattr(p, f"{workload}_duration"), len(times))
        cpu = math.ceil(getattr(p, f"{workload}_cpu") * 1000)
        memory = math.ceil(getattr(p, f"{workload}_memory") * 1024)
        for t, k, d in zip(times, tasks, durations, strict=True):
            jobs.append(
                _Job(
                    0,
                    workload,
                    float(t),
                    int(k),
                    float(d),
                    cpu,
                    memory,
                    gang and workload == "batch",
                )
            )
    jobs.sort(key=lambda j: (j.submitted, j.workload))
    for i, job in enumerate(jobs):
        job.id = i
    return jobs


# -- the simulation ------------------------------------------------------------------------


@dataclass
class _Stats:
    busy: float = 0.0
    successful: int = 0
    failed: int = 0


class _Sim:
    def __init__(
        self,
        *,
        p: Parameters,
        hours: float,
        seed: int,
        conflicts: str,
        transactions: str,
        gang: bool,
        hoard: bool,
    ) -> None:
        self.p = p
        self.horizon = hours * 3600
        self.engine = Engine(seed=seed)
        self.rng = np.random.default_rng([seed, 23])
        self.conflicts, self.transactions = conflicts, transactions
        self.gang, self.hoard = gang, hoard
        cpu = math.ceil(p.machine_cpu * 1000)
        memory = math.ceil(p.machine_memory * 1024)
        self.cell = CellState(machines=p.machines, cpu=cpu, memory=memory)
        fill = np.random.default_rng([seed, 29])
        # Pre-fill: each machine about `prefill` busy (Beta with that mean), in 0.1-core steps.
        a = 4.0
        b = a * (1 - p.prefill) / max(p.prefill, 1e-9)
        if p.prefill > 0:
            used_cpu = np.floor(fill.beta(a, b, p.machines) * cpu / 100) * 100
            used_mem = np.floor(fill.beta(a, b, p.machines) * memory / 64) * 64
            self.cell.fill(used_cpu.astype(np.int64), used_mem.astype(np.int64))
        self.hoarded_cpu_s = 0.0

    def think(self, t_job: float, t_task: float, job: _Job) -> float:
        return t_job + t_task * job.unscheduled

    def started(self, job: _Job) -> None:
        if job.first_attempt is None:
            job.first_attempt = self.engine.now

    def run_tasks(self, job: _Job, machines: np.ndarray, counts: np.ndarray) -> None:
        """Tasks start now and end after the job's duration."""
        if not len(machines):
            return
        cpu, memory, owner = job.cpu, job.memory, job.owner
        n = float(counts.sum())
        if owner is not None:  # two-level: what each framework holds decides DRF order
            owner.used_cpu += n * cpu
            owner.used_mem += n * memory

        def end() -> None:
            self.cell.release(machines, counts, cpu, memory)
            if owner is not None:
                owner.used_cpu -= n * cpu
                owner.used_mem -= n * memory

        self.engine.call_later(job.duration, end)

    def outcome(self, job: _Job, placed: int, retry: Callable[[_Job], None]) -> None:
        """After an attempt: done, abandoned, or back in the queue after ``retry_delay``."""
        job.attempts += 1
        job.unscheduled -= placed
        if job.unscheduled <= 0:
            job.finished = True
            return
        p = self.p
        if job.attempts > p.max_attempts or (
            job.attempts > p.no_progress_attempts and job.unscheduled == job.tasks
        ):
            job.abandoned = True
            self.release_hoard(job)
            return
        self.engine.call_later(p.retry_delay, lambda: retry(job))

    def release_hoard(self, job: _Job) -> None:
        for machines, counts, since in job.hoard:
            self.cell.release(machines, counts, job.cpu, job.memory)
            self.hoarded_cpu_s += float(counts.sum()) * job.cpu / 1000 * (self.engine.now - since)
        job.hoard.clear()

    def start_hoard(self, job: _Job) -> None:
        """A hoarding gang job is complete: every hoarded task starts now."""
        for machines, counts, since in job.hoard:
            self.hoarded_cpu_s += float(counts.sum()) * job.cpu / 1000 * (self.engine.now - since)
            self.run_tasks(job, machines, counts)
        job.hoard.clear()


class _QueueScheduler:
    """One scheduler with one FIFO queue: the monolithic scheduler, or an Omega scheduler."""

    def __init__(
        self, sim: _Sim, name: str, times: dict[str, tuple[float, float]], *, shared: bool
    ) -> None:
        self.sim, self.name, self.times, self.shared = sim, name, times, shared
        self.queue: deque[_Job] = deque()
        self.busy = False
        self.stats = _Stats()

    def add(self, job: _Job) -> None:
        self.queue.append(job)
        if not self.busy:
            self.next()

    def next(self) -> None:
        if not self.queue:
            self.busy = False
            return
        self.busy = True
        job = self.queue.popleft()
        sim = self.sim
        sim.started(job)
        think = sim.think(*self.times[job.workload], job)
        if self.shared:
            # Omega: decide on the private copy taken now, commit when done thinking.
            claims = self.place(job)
            sim.engine.call_later(think, lambda: self.commit(job, claims, think))
        else:
            sim.engine.call_later(think, lambda: self.decide(job, think))

    def place(self, job: _Job) -> Claims | None:
        sim = self.sim
        claims = sim.cell.place(tasks=job.unscheduled, cpu=job.cpu, memory=job.memory, rng=sim.rng)
        if not claims.tasks or (job.gang and claims.tasks < job.unscheduled):
            return None
        return claims

    def decide(self, job: _Job, think: float) -> None:
        """Monolithic: the only scheduler, so it places on the live state without conflict."""
        sim = self.sim
        self.stats.busy += think
        claims = self.place(job)
        placed = 0
        if claims is not None:
            sim.cell.apply(claims.machines, claims.counts, claims.cpu, claims.memory)
            sim.run_tasks(job, claims.machines, claims.counts)
            placed = claims.tasks
            self.stats.successful += 1
        sim.outcome(job, placed, self.add)
        self.next()

    def commit(self, job: _Job, claims: Claims | None, think: float) -> None:
        """Omega: commit the transaction against the shared cell state."""
        sim = self.sim
        self.stats.busy += think
        placed = 0
        if claims is not None:
            mode = "all-or-nothing" if job.gang else sim.transactions
            result = sim.cell.commit(claims, conflicts=sim.conflicts, transactions=mode)
            keep = result.accepted > 0
            sim.run_tasks(job, claims.machines[keep], result.accepted[keep])
            placed = int(result.accepted.sum())
            if result.conflicted:
                self.stats.failed += 1
            else:
                self.stats.successful += 1
        sim.outcome(job, placed, self.add)
        self.next()


class _Framework:
    """A two-level framework (Mesos): schedules its queue inside the offers it receives."""

    def __init__(
        self, sim: _Sim, allocator: _Allocator, name: str, t_job: float, t_task: float
    ) -> None:
        self.sim, self.allocator, self.name = sim, allocator, name
        self.t_job, self.t_task = t_job, t_task
        self.queue: deque[_Job] = deque()
        self.offers: deque[tuple[np.ndarray, np.ndarray]] = deque()
        self.busy = False
        self.stats = _Stats()
        self.used_cpu = 0.0  # cores its tasks hold now, for DRF
        self.used_mem = 0.0

    def add(self, job: _Job) -> None:
        job.owner = self
        self.queue.append(job)
        self.allocator.request(self)

    def offer(self, free_cpu: np.ndarray, free_mem: np.ndarray) -> None:
        self.offers.append((free_cpu, free_mem))
        if not self.busy:
            self.handle()

    def handle(self) -> None:
        if not self.offers:
            self.busy = False
            return
        self.busy = True
        sim = self.sim
        free_cpu, free_mem = self.offers.popleft()
        accepted: list[tuple[_Job, Claims]] = []
        hoarded: list[tuple[_Job, Claims]] = []
        think = 0.0
        while self.queue and free_cpu.sum() > 0 and free_mem.sum() > 0:
            job = self.queue.popleft()
            sim.started(job)
            think += sim.think(self.t_job, self.t_task, job)
            claims = sim.cell.place(
                tasks=job.unscheduled,
                cpu=job.cpu,
                memory=job.memory,
                rng=sim.rng,
                free_cpu=free_cpu,
                free_mem=free_mem,
            )
            placed = claims.tasks
            if job.gang and placed < job.unscheduled and not sim.hoard:
                placed = 0  # a gang job declines an offer too small for all of it
            if placed:
                free_cpu[claims.machines] -= claims.counts * claims.cpu
                free_mem[claims.machines] -= claims.counts * claims.memory
                if job.gang and placed < job.unscheduled:
                    hoarded.append((job, claims))
                else:
                    accepted.append((job, claims))
                self.stats.successful += 1
            sim.outcome(job, placed, self.add)
        if not self.queue:
            self.allocator.cancel(self)
        sim.engine.call_later(
            think, lambda: self.respond(free_cpu, free_mem, accepted, hoarded, think)
        )

    def respond(
        self,
        free_cpu: np.ndarray,
        free_mem: np.ndarray,
        accepted: list[tuple[_Job, Claims]],
        hoarded: list[tuple[_Job, Claims]],
        think: float,
    ) -> None:
        sim = self.sim
        self.stats.busy += think
        # What was not used goes back to the cell; accepted tasks start now.
        sim.cell.free_cpu += free_cpu
        sim.cell.free_mem += free_mem
        for job, claims in accepted:
            sim.cell.seq[claims.machines] += claims.counts
            if job.hoard:
                job.hoard.append((claims.machines, claims.counts, sim.engine.now))
                sim.start_hoard(job)
            else:
                sim.run_tasks(job, claims.machines, claims.counts)
        for job, claims in hoarded:
            sim.cell.seq[claims.machines] += claims.counts
            if job.abandoned:
                sim.cell.release(claims.machines, claims.counts, job.cpu, job.memory)
            else:
                job.hoard.append((claims.machines, claims.counts, sim.engine.now))
        self.allocator.after_response()
        self.handle()


class _Allocator:
    """Mesos' allocator: offers all free resources to one framework at a time (DRF)."""

    def __init__(self, sim: _Sim) -> None:
        self.sim = sim
        self.frameworks: list[_Framework] = []
        self.requesting: list[_Framework] = []
        self.scheduled = False

    def request(self, fw: _Framework) -> None:
        if fw not in self.requesting:
            self.requesting.append(fw)
        self.schedule()

    def cancel(self, fw: _Framework) -> None:
        if fw in self.requesting:
            self.requesting.remove(fw)

    def after_response(self) -> None:
        self.schedule()

    def schedule(self) -> None:
        if not self.scheduled:
            self.scheduled = True
            self.sim.engine.call_later(self.sim.p.offer_interval, self.build)

    def build(self) -> None:
        self.scheduled = False
        sim = self.sim
        cell = sim.cell
        if not self.requesting:
            return
        if cell.free_cpu.sum() < sim.p.min_offer_cpu * 1000:
            self.schedule()  # wait for tasks to end
            return
        total_cpu, total_mem = cell.machines * cell.cpu, cell.machines * cell.memory

        def share(fw: _Framework) -> float:
            return max(fw.used_cpu / total_cpu, fw.used_mem / total_mem)

        fw = min(self.requesting, key=share)
        # Lock every free resource into the offer.
        offer_cpu, offer_mem = cell.free_cpu.copy(), cell.free_mem.copy()
        cell.free_cpu[:] = 0
        cell.free_mem[:] = 0
        sim.engine.call_later(sim.p.allocator_think, lambda: fw.offer(offer_cpu, offer_mem))


def _run(
    architecture: str,
    *,
    p: Parameters,
    t_job_service: float,
    hours: float,
    seed: int,
    conflicts: str,
    transactions: str,
    gang: bool,
    hoard: bool,
    batch_schedulers: int,
    load: float,
) -> list[dict[str, Any]]:
    sim = _Sim(
        p=p,
        hours=hours,
        seed=seed,
        conflicts=conflicts,
        transactions=transactions,
        gang=gang,
        hoard=hoard,
    )
    jobs = _jobs(p, hours=hours, load=load, gang=gang, seed=seed)
    fast = (p.t_job, p.t_task)
    slow = (t_job_service, p.t_task)
    handlers: dict[str, list[Any]] = {}
    if architecture.startswith("monolithic"):
        batch_times = slow if architecture == "monolithic-single" else fast
        mono = _QueueScheduler(
            sim, "monolithic", {"batch": batch_times, "service": slow}, shared=False
        )
        handlers = {"batch": [mono], "service": [mono]}
    elif architecture == "shared-state":
        batch = [
            _QueueScheduler(sim, f"omega-batch-{i + 1}", {"batch": fast}, shared=True)
            for i in range(batch_schedulers)
        ]
        service = _QueueScheduler(sim, "omega-service", {"service": slow}, shared=True)
        handlers = {"batch": list(batch), "service": [service]}
    else:
        allocator = _Allocator(sim)
        batch_fw = [
            _Framework(sim, allocator, f"mesos-batch-{i + 1}", *fast)
            for i in range(batch_schedulers)
        ]
        service_fw = _Framework(sim, allocator, "mesos-service", *slow)
        allocator.frameworks = [*batch_fw, service_fw]
        handlers = {"batch": list(batch_fw), "service": [service_fw]}
    counters = dict.fromkeys(WORKLOADS, 0)
    for job in jobs:
        targets = handlers[job.workload]
        target = targets[counters[job.workload] % len(targets)]
        counters[job.workload] += 1
        sim.engine.call_at(job.submitted, _arrival(target, job))
    sim.engine.run_until(sim.horizon)
    rows = []
    end = sim.horizon
    for workload in WORKLOADS:
        mine = [j for j in jobs if j.workload == workload]
        waits = np.array(
            [(j.first_attempt if j.first_attempt is not None else end) - j.submitted for j in mine]
        )
        scheds = handlers[workload]
        successful = sum(s.stats.successful for s in scheds)
        failed = sum(s.stats.failed for s in scheds)
        rows.append(
            {
                "architecture": architecture,
                "t_job_service": t_job_service,
                "workload": workload,
                "scheduler": ", ".join(dict.fromkeys(s.name for s in scheds)),
                "jobs": len(mine),
                "scheduled": sum(j.finished for j in mine),
                "abandoned": sum(j.abandoned for j in mine),
                "wait_time": float(waits.mean()) if len(waits) else float("nan"),
                "wait_time_p90": float(np.percentile(waits, 90)) if len(waits) else float("nan"),
                "missed_slo": float(np.mean(waits > p.wait_slo)) if len(waits) else float("nan"),
                "busyness": float(np.mean([min(s.stats.busy / end, 1.0) for s in scheds])),
                "conflict_fraction": failed / successful if successful else 0.0,
                "hoarded_cpu_hours": sim.hoarded_cpu_s / 3600 if workload == "batch" else 0.0,
            }
        )
    return rows


def _arrival(target: _QueueScheduler | _Framework, job: _Job) -> Callable[[], None]:
    return lambda: target.add(job)


def _check(
    *,
    architecture: str,
    hours: float,
    conflicts: str,
    transactions: str,
    batch_schedulers: int,
    load: float,
    t_job_service: float,
) -> None:
    if architecture not in ARCHITECTURES:
        raise ValueError(
            f"unknown architecture {architecture!r}; architectures are: {', '.join(ARCHITECTURES)}"
        )
    if not hours > 0:
        raise ValueError(f"hours must be positive, got {hours}")
    if conflicts not in CONFLICT_MODES:
        raise ValueError(
            f"unknown conflict detection {conflicts!r}; modes are: {', '.join(CONFLICT_MODES)}"
        )
    if transactions not in TRANSACTION_MODES:
        raise ValueError(
            f"unknown transaction mode {transactions!r}; modes are: {', '.join(TRANSACTION_MODES)}"
        )
    if batch_schedulers < 1:
        raise ValueError(f"batch_schedulers must be at least 1, got {batch_schedulers}")
    if not load > 0:
        raise ValueError(f"load must be positive, got {load}")
    if t_job_service < 0:
        raise ValueError(f"t_job_service must not be negative, got {t_job_service}")


_UNITS = {"t_job_service": "s", "wait_time": "s", "wait_time_p90": "s"}


def simulate(
    architecture: str = "shared-state",
    *,
    t_job_service: float = 0.1,
    hours: float = 6,
    conflicts: str = "fine",
    transactions: str = "incremental",
    gang: bool = False,
    hoard: bool = False,
    batch_schedulers: int = 1,
    load: float = 1.0,
    seed: int = 0,
    **overrides: float,
) -> Table:
    """One run of one architecture; one row per workload (batch, service).

    ``t_job_service`` is the service scheduler's ``t_job`` (batch keeps the default, except
    in monolithic-single); ``load`` multiplies both arrival rates; ``conflicts`` is ``fine``
    or ``coarse`` and ``transactions`` ``incremental`` or ``all-or-nothing`` (shared-state);
    ``gang`` makes batch jobs all-or-nothing; ``hoard`` lets two-level gang jobs keep partial
    offers; any field of :class:`Parameters` can be overridden by name.
    """
    _check(
        architecture=architecture,
        hours=hours,
        conflicts=conflicts,
        transactions=transactions,
        batch_schedulers=batch_schedulers,
        load=load,
        t_job_service=t_job_service,
    )
    p = replace_checked(Parameters(), overrides)
    if not 0 <= p.prefill < 1:
        raise ValueError(f"prefill must be in [0, 1), got {p.prefill}")
    rows = _run(
        architecture,
        p=p,
        t_job_service=t_job_service,
        hours=hours,
        seed=seed,
        conflicts=conflicts,
        transactions=transactions,
        gang=gang,
        hoard=hoard,
        batch_schedulers=batch_schedulers,
        load=load,
    )
    return Table.from_rows(
        rows,
        title=(
            f"Omega §4: {architecture}, t_job(service) = {t_job_service:g} s, "
            f"{hours:g} h (seed {seed})"
        ),
        units=_UNITS,
        notes=_NOTES,
    )


_NOTES = (
    "wait_time: submission to first scheduling attempt (jobs never attempted count with their "
    "wait so far). busyness: fraction of time deciding. conflict_fraction: failed per "
    "successful transaction (shared-state only)."
)

#: t_job(service) values of the sweep (s), spanning the paper's 0.01-100 s range (Omega §4).
SWEEP = (0.01, 0.1, 1.0, 10.0, 100.0)


def sweep_decision_time(
    architectures: Sequence[str] = ARCHITECTURES,
    *,
    t_job_service: Sequence[float] = SWEEP,
    hours: float = 6,
    seed: int = 0,
    **options: Any,
) -> Table:
    """Sweep the service scheduler's ``t_job`` for each architecture (Omega §4, the lightweight
    simulator's sweeps).

    One row per (architecture, t_job_service, workload). The paper simulates 7 days per
    point; ``hours`` shortens it (24 by default). ``options`` go to :func:`simulate`
    (``conflicts``, ``transactions``, ``gang``, ``load``, parameter overrides...).
    Reproduces the trends: monolithic busyness grows with t_job until it saturates and batch
    jobs wait behind slow service decisions (single-path worst, multi-path better);
    two-level keeps batch waiting while the service framework holds its offers; shared-state
    keeps batch wait low while the service conflict fraction grows with t_job.
    """
    if not t_job_service:
        raise ValueError("t_job_service must list at least one value")
    rows: list[dict[str, Any]] = []
    for architecture in architectures:
        for t in t_job_service:
            rows.extend(
                simulate(architecture, t_job_service=t, hours=hours, seed=seed, **options).rows()
            )
    return Table.from_rows(
        rows,
        title=f"Omega §4: decision-time sweep, {hours:g} simulated hours per point (seed {seed})",
        units=_UNITS,
        notes=_NOTES + " The paper simulates 7 days per point.",
    )
