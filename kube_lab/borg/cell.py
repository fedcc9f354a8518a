"""A Borg cell and its scheduler (Verma et al., "Large-scale cluster management at Google
with Borg", EuroSys 2015, §2-§3).

A :class:`Cell` is a set of machines and the jobs submitted to it. :meth:`Cell.submit` is
admission control: a job that exceeds its user's quota at its priority is rejected at once,
never queued (§2.5). :meth:`Cell.schedule` runs scheduling passes over the pending queue,
from high to low priority, round-robin across users within a priority so that one user's
large job does not block the others (§3.2). For each task:

1. **feasibility checking** finds the machines where the task fits, counting resources held
   by tasks it may preempt as available (§3.2); a job's platform constraint is a hard
   constraint (§2.3);
2. **scoring** picks one: ``best-fit`` (fill the fullest machine), ``worst-fit`` (E-PVM-like:
   a convex cost of utilisation, which spreads load), or ``hybrid`` (best fit that also
   penalises leaving one resource stranded, §3.2). Machines that would need a preemption
   score below every machine that would not, and fewer preempted resources score higher;
3. if the chosen machine needs it, lower-priority tasks are **preempted**, lowest priority
   first, until the task fits; they go back to the pending queue (§3.2). Prod tasks never
   preempt prod tasks (§2.5, :mod:`kube_lab.borg.priority`).

Three techniques make this fast (§3.4), each a switch:

``score_caching``
    a (task class, machine) score is kept until that machine changes; only machines changed
    since (the scheduler keeps a log of them) are scored again. Borg also ignores small
    changes in resources; kube-lab does not, so caching never changes a placement.
``equivalence_classes``
    tasks with identical requirements (cores, memory, band, constraint) share one feasibility
    and scoring pass instead of one each. Without caching the shared scores last while
    consecutive tasks have the same class; with it, across the whole schedule.
``relaxed_randomization``
    machines are examined in a random order until ``enough`` feasible ones are found, and
    the best of those is chosen, instead of scoring the whole cell. This one does change
    placements (and packing quality).

Caching and equivalence classes are exact: with both, either or neither, every task lands
on the same machine, because scores depend only on the task's class and the machine's state
and ties go to the lowest machine index; the tests assert it. ``evaluations`` counts machine
feasibility-and-score computations: the hardware-independent cost the techniques cut.

State lives in numpy arrays over machines (free CPU and memory in whole millicores and MiB,
so sums never drift; resources each band may preempt), so one feasibility-and-score pass over
10,000 machines is a handful of vector operations. Simplified: one resource vector (CPU,
memory: no ports, disks or GPUs), bands but no integer priorities inside them, no
allocs, no resource reclamation (tasks hold what they request), no package locality or
failure-domain spreading in the score, and the scheduler acts on the cell directly rather
than on a cached copy checked by the Borgmaster (§3.4).
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from kube_lab.borg.priority import BANDS, PREEMPTED_BY, PREEMPTS, PROD, band_of, rank
from kube_lab.borg.workload import Job, MachineType, machine_platforms
from kube_lab.parameters import ILLUSTRATIVE, describe, param, replace_checked
from kube_lab.table import Table

POLICIES = ("best-fit", "worst-fit", "hybrid")
_SCALAR = 8  # re-score up to this many machines in plain Python, more with numpy
_ALIASES = {"e-pvm": "worst-fit", "epvm": "worst-fit"}


@dataclass(frozen=True)
class Parameters:
    """The scheduler's tunables, with sources (:func:`parameters` prints them)."""

    enough: int = param(
        50,
        unit="machines",
        source=ILLUSTRATIVE + ": Borg §3.4 says 'enough' feasible machines, not how many",
        minimum=1,
        integer=True,
    )
    stranding_weight: float = param(
        0.5,
        unit="score/fraction",
        source=ILLUSTRATIVE + ": Borg §3.2 describes the hybrid's aim, not its formula",
    )
    epvm_base: float = param(
        64.0,
        unit="",
        source=ILLUSTRATIVE + ": convex cost base for the E-PVM-like score (Amir et al. 2000)",
        minimum=1.0001,
    )
    preemption_penalty: float = param(
        4.0,
        unit="score",
        source=ILLUSTRATIVE + ": larger than any fit score, so preempting comes last (§3.2)",
    )
    max_passes: int = param(
        10,
        unit="passes",
        source=ILLUSTRATIVE + " (passes until nothing more can be placed)",
        minimum=1,
        integer=True,
    )


def parameters(**overrides: float) -> Table:
    """The Borg scheduler's parameters as a table."""
    return describe(replace_checked(Parameters(), overrides), title="Borg scheduler parameters")


class _Stop(Exception):
    """Raised inside a pass when ``max_tasks`` placement attempts are used up."""


class Unschedulable(ValueError):
    """A workload that does not fit; ``pending`` says which jobs wait, and why."""

    def __init__(self, message: str, pending: Table) -> None:
        super().__init__(message)
        self.pending = pending


@dataclass
class PassResult:
    """What :meth:`Cell.schedule` did: counts, cost and wall time."""

    placed: int
    evicted: int
    pending: int
    passes: int
    evaluations: int
    seconds: float


@dataclass
class _JobState:
    job: Job
    index: int
    cpu: int  # millicores per task
    mem: int  # MiB per task
    rank: int
    platform: int  # -1: any
    key: tuple[int, int, int, int]
    tasks: list[int]
    pending: list[int] = field(default_factory=list)  # a stack: lowest task id on top


@dataclass
class _Entry:
    """Cached scores for one key: all machines (idx None) or a random candidate set."""

    scores: np.ndarray
    pos: int  # position in the change log the scores are up to date with
    idx: np.ndarray | None = None
    where: dict[int, int] = field(default_factory=dict)  # machine -> position in idx
    start: int = 0
    scanned: int = 0


def _millicores(cores: float) -> int:
    return math.ceil(round(cores * 1000, 6))


def _mib(gib: float) -> int:
    return math.ceil(round(gib * 1024, 6))


def _broadcast(value: float | str | Sequence[float] | Sequence[str], n: int, what: str) -> list:
    if isinstance(value, (str, int, float)):
        return [value] * n
    values = list(value)
    if len(values) != n:
        raise ValueError(f"{what} has {len(values)} values for {n} machines")
    return values


class Cell:
    """A Borg cell: machines, jobs, quota, and the scheduler that places tasks on machines.

    ``machines`` identical machines of ``cpu`` cores and ``memory`` GiB (or one value per
    machine; :meth:`example` builds a heterogeneous cell). ``policy`` is ``best-fit``,
    ``worst-fit`` (alias ``e-pvm``) or ``hybrid``. Score caching and equivalence classes are
    on by default (they never change a placement); relaxed randomization is off by default
    because it trades packing quality for speed, which would blur policy comparisons; the
    seed decides its random order. Other keywords override :class:`Parameters`.
    """

    def __init__(
        self,
        machines: int = 100,
        *,
        cpu: float | Sequence[float] = 32,
        memory: float | Sequence[float] = 128,
        platform: str | Sequence[str] = "default",
        policy: str = "hybrid",
        score_caching: bool = True,
        equivalence_classes: bool = True,
        relaxed_randomization: bool = False,
        seed: int = 0,
        **overrides: float,
    ) -> None:
        if isinstance(machines, bool) or not isinstance(machines, int) or machines < 1:
            raise ValueError(f"a cell needs at least 1 machine, got {machines!r}")
        policy = _ALIASES.get(policy, policy)
        if policy not in POLICIES:
            raise ValueError(f"unknown policy {policy!r}; policies are: {', '.join(POLICIES)}")
        self.params = replace_checked(Parameters(), overrides)
        self.policy = policy
        self.score_caching = score_caching
        self.equivalence_classes = equivalence_classes
        self.relaxed_randomization = relaxed_randomization
        self.seed = seed
        cpus = [float(c) for c in _broadcast(cpu, machines, "cpu")]
        mems = [float(m) for m in _broadcast(memory, machines, "memory")]
        for c, m in zip(cpus, mems, strict=True):
            if not (math.isfinite(c) and c > 0 and math.isfinite(m) and m > 0):
                raise ValueError(f"machine cpu and memory must be positive, got {c:g} and {m:g}")
        plats = [str(p) for p in _broadcast(platform, machines, "platform")]
        self.machines = machines
        self._platform_names = sorted(set(plats))
        self._platform = np.array([self._platform_names.index(p) for p in plats])
        self._cap = np.array(
            [[_millicores(c) for c in cpus], [_mib(m) for m in mems]], dtype=np.int64
        )
        self._capf = self._cap.astype(float)
        self._free = self._cap.copy()  # [resource, machine]
        self._used = np.zeros((len(BANDS), 2, machines), dtype=np.int64)
        self._pre = np.zeros((len(BANDS), 2, machines), dtype=np.int64)
        self._tasks_on: list[list[int]] = [[] for _ in range(machines)]
        self._log: list[int] = []  # machines in the order they changed
        self._jobs: list[_JobState] = []
        self._names: dict[str, _JobState] = {}
        self._rejected: list[tuple[Job, str]] = []
        self._task_job: list[int] = []
        self._task_machine: list[int] = []
        self._evictions: list[dict[str, object]] = []
        self._quota: dict[tuple[str, str], tuple[float, float]] | None = None
        self._quota_used: dict[tuple[str, str], list[float]] = {}
        self._entries: dict[object, _Entry] = {}
        self._run_key: object = None
        self._rng = np.random.default_rng([seed, 3])
        self._order = np.tile(self._rng.permutation(machines), 2)  # relaxed randomization
        self.evaluations = 0
        self.passes = 0
        self._budget: int | None = None
        self._placed_now = 0

    @classmethod
    def example(cls, machines: int = 200, *, seed: int = 0, **options: Any) -> Cell:
        """A heterogeneous cell of the three :data:`~kube_lab.borg.workload.MACHINE_TYPES`."""
        kinds = machine_platforms(machines, seed=seed)
        return cls.of(kinds, seed=seed, **options)

    @classmethod
    def of(cls, kinds: Sequence[MachineType], *, seed: int = 0, **options: Any) -> Cell:
        """A cell with one machine of each given type."""
        return cls(
            len(kinds),
            cpu=[k.cpu for k in kinds],
            memory=[k.memory for k in kinds],
            platform=[k.name for k in kinds],
            seed=seed,
            **options,
        )

    # -- quota and admission (§2.5) --------------------------------------------------------

    def set_quota(self, user: str, priority: str, *, cpu: float, memory: float) -> None:
        """Give ``user`` a quota at a band. Once any quota is set, admission checks it.

        Best-effort quota is infinite for everyone (Borg's priority 0); prod quota may not
        exceed what the cell has (§2.5).
        """
        rank(priority)
        if cpu < 0 or memory < 0:
            raise ValueError(f"quota must not be negative, got cpu={cpu} memory={memory}")
        quota = dict(self._quota or {})
        quota[(user, priority)] = (float(cpu), float(memory))
        if priority in PROD:
            total_cpu = sum(c for (u, b), (c, _) in quota.items() if b in PROD)
            total_mem = sum(m for (u, b), (_, m) in quota.items() if b in PROD)
            cell_cpu, cell_mem = self._cap[0].sum() / 1000, self._cap[1].sum() / 1024
            if total_cpu > cell_cpu + 1e-9 or total_mem > cell_mem + 1e-9:
                raise ValueError(
                    f"prod quota ({total_cpu:g} cores, {total_mem:g} GiB in all) would exceed "
                    f"what the cell has ({cell_cpu:g} cores, {cell_mem:g} GiB); Borg limits "
                    "prod quota to the cell's resources (§2.5)"
                )
        self._quota = quota

    def _admit(self, job: Job) -> str | None:
        """None if admitted; otherwise why not (the quota message)."""
        if self._quota is None or job.priority == "best-effort":
            return None
        limit = self._quota.get((job.user, job.priority), (0.0, 0.0))
        used = self._quota_used.get((job.user, job.priority), [0.0, 0.0])
        need = (job.tasks * job.cpu, job.tasks * job.memory)
        if used[0] + need[0] > limit[0] + 1e-9 or used[1] + need[1] > limit[1] + 1e-9:
            if (job.user, job.priority) not in self._quota:
                return f"quota: {job.user} has no quota at {job.priority}"
            return (
                f"quota: {job.user} asks for {need[0]:g} cores and {need[1]:g} GiB at "
                f"{job.priority}; its quota there is {limit[0]:g} cores and {limit[1]:g} GiB, "
                f"of which {used[0]:g} cores and {used[1]:g} GiB are in use"
            )
        return None

    def submit(self, jobs: Job | Iterable[Job]) -> list[str]:
        """Admit jobs to the pending queue; returns the names of those rejected for quota."""
        rejected = []
        for job in [jobs] if isinstance(jobs, Job) else list(jobs):
            if not isinstance(job, Job):
                raise TypeError(f"submit() takes Job objects, got {type(job).__name__}")
            if job.name in self._names or any(j.name == job.name for j, _ in self._rejected):
                raise ValueError(f"a job named {job.name!r} was already submitted")
            why = self._admit(job)
            if why is not None:
                self._rejected.append((job, why))
                rejected.append(job.name)
                continue
            used = self._quota_used.setdefault((job.user, job.priority), [0.0, 0.0])
            used[0] += job.tasks * job.cpu
            used[1] += job.tasks * job.memory
            plat = -1
            if job.platform is not None:
                plat = (
                    self._platform_names.index(job.platform)
                    if job.platform in self._platform_names
                    else -2  # a platform this cell does not have: never feasible
                )
            cpu, mem, r = _millicores(job.cpu), _mib(job.memory), rank(job.priority)
            first = len(self._task_job)
            ids = list(range(first, first + job.tasks))
            state = _JobState(job, len(self._jobs), cpu, mem, r, plat, (cpu, mem, r, plat), ids)
            state.pending = ids[::-1]
            self._jobs.append(state)
            self._names[job.name] = state
            self._task_job.extend([state.index] * job.tasks)
            self._task_machine.extend([-1] * job.tasks)
        return rejected

    # -- feasibility and scoring (§3.2) ----------------------------------------------------

    def _score(self, key: tuple[int, int, int, int], idx: np.ndarray | slice) -> np.ndarray:
        """Scores of machines ``idx`` for a task class; -inf where it does not fit.

        Elementwise only, so scoring a subset gives exactly the values of scoring all.
        """
        cpu, mem, r, plat = key
        fc, fm = self._free[0, idx], self._free[1, idx]
        pc, pm = self._pre[r, 0, idx], self._pre[r, 1, idx]
        cc, cm = self._capf[0, idx], self._capf[1, idx]
        fits_free = (fc >= cpu) & (fm >= mem)
        fits = (fc + pc >= cpu) & (fm + pm >= mem)
        if plat != -1:
            fits &= self._platform[idx] == plat
        left_cpu = np.maximum(fc - cpu, 0) / cc
        left_mem = np.maximum(fm - mem, 0) / cm
        p = self.params
        if self.policy == "best-fit":
            score = -(left_cpu + left_mem)
        elif self.policy == "hybrid":
            score = -(left_cpu + left_mem) - p.stranding_weight * np.abs(left_cpu - left_mem)
        else:  # worst-fit: E-PVM's marginal cost of the new utilisation
            a = p.epvm_base
            u_cpu, u_mem = 1 - fc / cc, 1 - fm / cm
            cost = (a ** (1 - left_cpu) - a**u_cpu) + (a ** (1 - left_mem) - a**u_mem)
            score = -cost / a
        shortfall = np.maximum(cpu - fc, 0) / cc + np.maximum(mem - fm, 0) / cm
        score = np.where(fits_free, score, score - p.preemption_penalty - shortfall)
        return np.where(fits, score, -np.inf)

    def _score_one(self, key: tuple[int, int, int, int], m: int) -> float:
        """:meth:`_score` for one machine in plain Python: the same operations in the same
        order on IEEE doubles, so the same value to the last bit (the tests check it), at a
        tenth of the cost of numpy on a one-element array."""
        cpu, mem, r, plat = key
        fc, fm = int(self._free[0, m]), int(self._free[1, m])
        pre = self._pre[r]
        if fc + int(pre[0, m]) < cpu or fm + int(pre[1, m]) < mem:
            return -math.inf
        if plat != -1 and self._platform[m] != plat:
            return -math.inf
        cc, cm = float(self._capf[0, m]), float(self._capf[1, m])
        left_cpu = max(fc - cpu, 0) / cc
        left_mem = max(fm - mem, 0) / cm
        p = self.params
        if self.policy == "best-fit":
            score = -(left_cpu + left_mem)
        elif self.policy == "hybrid":
            score = -(left_cpu + left_mem) - p.stranding_weight * abs(left_cpu - left_mem)
        else:
            a = p.epvm_base
            u_cpu, u_mem = 1 - fc / cc, 1 - fm / cm
            # numpy's power differs from Python's in the last bit: use numpy's.
            t = np.power(a, np.array([1 - left_cpu, u_cpu, 1 - left_mem, u_mem]))
            cost = (float(t[0]) - float(t[1])) + (float(t[2]) - float(t[3]))
            score = -cost / a
        if fc >= cpu and fm >= mem:
            return float(score)
        shortfall = max(cpu - fc, 0) / cc + max(mem - fm, 0) / cm
        return float(score - p.preemption_penalty - shortfall)

    def _fresh(self, key: tuple[int, int, int, int]) -> _Entry:
        if not self.relaxed_randomization:
            self.evaluations += self.machines
            return _Entry(self._score(key, slice(None)), len(self._log))
        entry = _Entry(np.empty(0), len(self._log), idx=np.empty(0, dtype=np.int64))
        entry.start = int(self._rng.integers(self.machines))
        self._top_up(key, entry)
        return entry

    def _top_up(self, key: tuple[int, int, int, int], entry: _Entry) -> None:
        """Examine more machines in random order until ``enough`` feasible ones are known."""
        assert entry.idx is not None
        enough = self.params.enough
        found = int(np.count_nonzero(entry.scores > -np.inf))
        chunk = max(64, 2 * enough)
        new_idx, new_scores = [entry.idx], [entry.scores]
        while found < enough and entry.scanned < self.machines:
            take = min(chunk, self.machines - entry.scanned)
            s = entry.start + entry.scanned
            machines = self._order[s : s + take]
            scores = self._score(key, machines)
            self.evaluations += take
            keep = scores > -np.inf
            new_idx.append(machines[keep])
            new_scores.append(scores[keep])
            found += int(np.count_nonzero(keep))
            entry.scanned += take
        if len(new_idx) > 1:
            entry.idx = np.concatenate(new_idx)
            entry.scores = np.concatenate(new_scores)
            entry.where = {int(m): i for i, m in enumerate(entry.idx)}

    def _refresh(self, key: tuple[int, int, int, int], entry: _Entry) -> None:
        """Score again the machines that changed since the entry was last up to date."""
        if entry.pos == len(self._log):
            return
        changed = set(self._log[entry.pos :])
        entry.pos = len(self._log)
        if entry.idx is not None:
            hits = [(entry.where[m], m) for m in changed if m in entry.where]
            self.evaluations += len(hits)
            if len(hits) <= _SCALAR:
                for i, m in hits:
                    entry.scores[i] = self._score_one(key, m)
            else:
                at = np.array([i for i, _ in hits])
                entry.scores[at] = self._score(key, entry.idx[at])
            return
        self.evaluations += len(changed)
        if len(changed) <= _SCALAR:
            for m in changed:
                entry.scores[m] = self._score_one(key, m)
        else:
            machines = np.fromiter(changed, dtype=np.int64, count=len(changed))
            entry.scores[machines] = self._score(key, machines)

    def _choose(self, js: _JobState, task: int) -> int:
        """The machine for one task, or -1 when none is feasible."""
        key: object = js.key if self.equivalence_classes else ("task", task)
        if not self.score_caching and key != self._run_key:
            self._entries.clear()  # without caching, scores last only for one run of a class
        self._run_key = key
        entry = self._entries.get(key)
        if entry is None:
            entry = self._entries[key] = self._fresh(js.key)
        else:
            self._refresh(js.key, entry)
            if entry.idx is not None:
                self._top_up(js.key, entry)
        if not len(entry.scores):
            return -1
        best = int(np.argmax(entry.scores))
        if entry.scores[best] == -np.inf:
            return -1
        return best if entry.idx is None else int(entry.idx[best])

    # -- binding and preemption ------------------------------------------------------------

    def _add(self, task: int, js: _JobState, m: int, sign: int) -> None:
        cpu, mem, r = sign * js.cpu, sign * js.mem, js.rank
        self._free[0, m] -= cpu
        self._free[1, m] -= mem
        self._used[r, 0, m] += cpu
        self._used[r, 1, m] += mem
        for y in PREEMPTED_BY[r]:
            self._pre[y, 0, m] += cpu
            self._pre[y, 1, m] += mem
        self._log.append(m)

    def _bind(self, js: _JobState, task: int, m: int) -> int:
        evicted = 0
        if self._free[0, m] < js.cpu or self._free[1, m] < js.mem:
            evicted = self._preempt(js, m)
        self._add(task, js, m, +1)
        self._tasks_on[m].append(task)
        self._task_machine[task] = m
        if not self.equivalence_classes:
            self._entries.pop(("task", task), None)
        return evicted

    def _preempt(self, js: _JobState, m: int) -> int:
        """Evict lower-priority tasks from ``m``, lowest priority and newest first (§3.2)."""
        allowed = PREEMPTS[js.rank]
        victims = sorted(
            (t for t in self._tasks_on[m] if self._jobs[self._task_job[t]].rank in allowed),
            key=lambda t: (self._jobs[self._task_job[t]].rank, -t),
        )
        evicted = 0
        for t in victims:
            if self._free[0, m] >= js.cpu and self._free[1, m] >= js.mem:
                break
            victim = self._jobs[self._task_job[t]]
            self._add(t, victim, m, -1)
            self._tasks_on[m].remove(t)
            self._task_machine[t] = -1
            victim.pending.append(t)
            evicted += 1
            self._evictions.append(
                {
                    "pass": self.passes,
                    "machine": m,
                    "victim": victim.job.name,
                    "victim_priority": victim.job.priority,
                    "preemptor": js.job.name,
                    "preemptor_priority": js.job.priority,
                }
            )
        return evicted

    # -- scheduling passes -----------------------------------------------------------------

    def _place_job(self, js: _JobState) -> tuple[int, int]:
        placed = evicted = 0
        while js.pending:
            if self._budget is not None:
                if self._budget <= 0:
                    raise _Stop
                self._budget -= 1
            task = js.pending[-1]
            m = self._choose(js, task)
            if m < 0:
                if self.equivalence_classes:
                    break  # every other task of the job is identical: none fits either
                # Without equivalence classes every task is checked on its own.
                for other in js.pending[:-1]:
                    self._choose(js, other)
                break
            js.pending.pop()
            evicted += self._bind(js, task, m)
            placed += 1
            self._placed_now += 1
        return placed, evicted

    def _pass(self) -> tuple[int, int]:
        placed = evicted = 0
        for r in reversed(range(len(BANDS))):
            by_user: dict[str, deque[_JobState]] = {}
            for js in self._jobs:
                if js.rank == r and js.pending:
                    by_user.setdefault(js.job.user, deque()).append(js)
            queues = list(by_user.values())
            while queues:
                for q in queues:
                    p, e = self._place_job(q.popleft())
                    placed += p
                    evicted += e
                queues = [q for q in queues if q]
        return placed, evicted

    def schedule(
        self, *, max_passes: int | None = None, max_tasks: int | None = None
    ) -> PassResult:
        """Run scheduling passes until everything is placed or a pass places nothing.

        ``max_tasks`` stops after that many placement attempts (the benchmark times a
        sample of a slow configuration this way and extrapolates).
        """
        limit = self.params.max_passes if max_passes is None else max_passes
        if limit < 1:
            raise ValueError(f"max_passes must be at least 1, got {limit}")
        if max_tasks is not None and max_tasks < 1:
            raise ValueError(f"max_tasks must be at least 1, got {max_tasks}")
        start, evaluations = time.perf_counter(), self.evaluations
        evicted_before = len(self._evictions)
        self._budget, self._placed_now = max_tasks, 0
        passes = 0
        try:
            for _ in range(limit):
                self.passes += 1
                passes += 1
                before = self._placed_now
                self._pass()
                if self._placed_now == before or not self.pending_tasks:
                    break
        except _Stop:
            pass
        finally:
            self._budget = None
        return PassResult(
            placed=self._placed_now,
            evicted=len(self._evictions) - evicted_before,
            pending=self.pending_tasks,
            passes=passes,
            evaluations=self.evaluations - evaluations,
            seconds=time.perf_counter() - start,
        )

    # -- reading the cell ------------------------------------------------------------------

    @property
    def pending_tasks(self) -> int:
        return sum(len(js.pending) for js in self._jobs)

    @property
    def machines_used(self) -> int:
        """Machines running at least one task."""
        return sum(1 for tasks in self._tasks_on if tasks)

    def assignments(self) -> np.ndarray:
        """The machine of every task, in submission order (-1: pending)."""
        return np.asarray(self._task_machine, dtype=np.int64)

    def placement(self, job: str) -> list[int]:
        """The machine of each task of one job (-1: pending)."""
        if job not in self._names:
            raise KeyError(f"no job named {job!r}")
        return [self._task_machine[t] for t in self._names[job].tasks]

    def utilization(self) -> tuple[float, float]:
        """Fraction of the cell's CPU and memory that tasks hold."""
        used = self._cap - self._free
        return float(used[0].sum() / self._cap[0].sum()), float(used[1].sum() / self._cap[1].sum())

    def jobs(self) -> Table:
        """One row per submitted job: how many tasks run and how many wait."""
        rows = []
        for js in self._jobs:
            running = sum(1 for t in js.tasks if self._task_machine[t] >= 0)
            rows.append(
                {
                    "job": js.job.name,
                    "user": js.job.user,
                    "priority": js.job.priority,
                    "tasks": js.job.tasks,
                    "running": running,
                    "pending": js.job.tasks - running,
                }
            )
        for job, _ in self._rejected:
            rows.append(
                {
                    "job": job.name,
                    "user": job.user,
                    "priority": job.priority,
                    "tasks": job.tasks,
                    "running": 0,
                    "pending": job.tasks,
                }
            )
        return Table.from_rows(
            rows,
            columns=["job", "user", "priority", "tasks", "running", "pending"],
            title="Borg jobs",
        )

    def evictions(self) -> Table:
        """Every preemption so far: which task of which job made way for which."""
        columns = [
            "pass",
            "machine",
            "victim",
            "victim_priority",
            "preemptor",
            "preemptor_priority",
        ]
        return Table.from_rows(self._evictions, columns=columns, title="Borg preemptions")

    def pending(self) -> Table:
        """Jobs with tasks waiting, and why: ``quota``, ``resources`` or ``priority``.

        ``quota``: rejected at admission. ``priority``: some machine would fit the task if
        tasks of higher priority (which it may not preempt) were not there. ``resources``:
        no machine is big enough, or the cell is full with work of its own priority (or prod
        work, which prod may not preempt).
        """
        rows = []
        for job, why in self._rejected:
            rows.append(
                {
                    "job": job.name,
                    "user": job.user,
                    "priority": job.priority,
                    "pending": job.tasks,
                    "reason": "quota",
                    "message": why,
                }
            )
        for js in self._jobs:
            if js.pending:
                reason, message = self._why(js)
                rows.append(
                    {
                        "job": js.job.name,
                        "user": js.job.user,
                        "priority": js.job.priority,
                        "pending": len(js.pending),
                        "reason": reason,
                        "message": message,
                    }
                )
        return Table.from_rows(
            rows,
            columns=["job", "user", "priority", "pending", "reason", "message"],
            title="Pending Borg jobs",
        )

    def _why(self, js: _JobState) -> tuple[str, str]:
        cpu, mem, r, plat = js.key
        n = self.machines
        need = f"{js.job.cpu:g} cores and {js.job.memory:g} GiB"
        platform_ok = np.ones(n, dtype=bool) if plat == -1 else self._platform == plat
        if not platform_ok.any():
            return "resources", f"0/{n} machines are of platform {js.job.platform}"
        big = platform_ok & (self._cap[0] >= cpu) & (self._cap[1] >= mem)
        if not big.any():
            return "resources", f"0/{n} machines are big enough for {need}"
        room = self._free + self._pre[r]  # free, or held by tasks it may preempt
        if (big & (room[0] >= cpu) & (room[1] >= mem)).any():
            return "resources", f"{need} fits now: the next pass places it"
        short_cpu = int(np.count_nonzero(big & (room[0] < cpu)))
        short_mem = int(np.count_nonzero(big & (room[0] >= cpu) & (room[1] < mem)))
        detail = f"{short_cpu} short of cpu, {short_mem} short of memory"
        if (~big).any():
            detail += f", {int(np.count_nonzero(~big))} too small or of another platform"
        # Tasks it may not preempt because of priority: higher bands, and for monitoring
        # also production (prod tasks may not preempt each other, §2.5).
        protected = self._used[r + 1 :].sum(axis=0)
        rule = "higher-priority tasks"
        if js.job.priority == "monitoring":
            protected = protected + self._used[rank("production")]
            rule = "production tasks (prod may not preempt prod, §2.5)"
        unlocked = room + protected
        blocked = big & (unlocked[0] >= cpu) & (unlocked[1] >= mem)
        if blocked.any():
            return (
                "priority",
                f"0/{n} machines have {need} free: {detail}; {int(np.count_nonzero(blocked))} "
                f"would fit but for {rule}, which {js.job.priority} may not preempt",
            )
        return "resources", f"0/{n} machines have {need} free: {detail}"

    def summary(self) -> Table:
        cpu, mem = self.utilization()
        return Table.from_rows(
            [
                {
                    "machines": self.machines,
                    "machines_used": self.machines_used,
                    "jobs": len(self._jobs),
                    "tasks": len(self._task_job),
                    "pending_tasks": self.pending_tasks,
                    "cpu_allocated": cpu,
                    "memory_allocated": mem,
                    "evictions": len(self._evictions),
                    "evaluations": self.evaluations,
                }
            ],
            title=f"Borg cell ({self.policy})",
        )


def band_counts(cell: Cell) -> dict[str, int]:
    """Running tasks per band (for lessons and tests)."""
    counts = dict.fromkeys(BANDS, 0)
    for t, m in enumerate(cell._task_machine):
        if m >= 0:
            counts[band_of(cell._jobs[cell._task_job[t]].rank)] += 1
    return counts
