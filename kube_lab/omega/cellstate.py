"""Omega's shared cell state: versioned machines and optimistic transactions.

In Omega every scheduler sees the whole cell (Schwarzkopf et al., EuroSys 2013, §3.4): it
takes a private copy of the shared cell state, decides where a job's tasks go, and commits a
*transaction* of claims back. The commit succeeds where the state is still as the scheduler
assumed and fails (a *conflict*) where another scheduler got there first; the loser tries
again with fresh state. Nothing is locked, which is why Omega scales to many schedulers.

That is the same optimistic concurrency as :mod:`kube_lab.store`: ``Store.update`` carries
the ``resourceVersion`` it read and fails with ``Conflict`` when the stored object has moved
on; here each machine carries a *sequence number* that every claim bumps, and a claim
carries the sequence number the scheduler saw. Two ways to decide a conflict (§5.2, and the
paper's simulator, ``CellState.causesConflict``):

``coarse`` (sequence numbers)
    a claim fails if anything was claimed on its machine since the scheduler's copy, like
    a compare-and-swap on the machine's version, exactly ``Store.update``'s rule;
``fine`` (resource fit)
    a claim fails only if the machine no longer has room for it.

And two ways to commit (§5.2): ``incremental`` keeps the claims that did not conflict and
retries the rest; ``all-or-nothing`` rolls the whole transaction back on any conflict (what
gang scheduling needs).

Why not the store itself: a seven-day simulation commits hundreds of thousands of
transactions against 10,000 machines; dict objects and deep copies would make the sweep take
hours. So the cell state is a few numpy arrays (free CPU in millicores, free memory in MiB,
sequence numbers), as in the paper's own simulator, and a commit is vectorised over the
transaction's machines. A scheduler's "private copy" is taken lazily: it decides on the
state at the moment it starts thinking and remembers the sequence numbers of the machines it
claims, which is all a commit compares.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

CONFLICT_MODES = ("fine", "coarse")
TRANSACTION_MODES = ("incremental", "all-or-nothing")


@dataclass
class Claims:
    """Tasks a scheduler wants to place: ``counts[i]`` tasks on machine ``machines[i]``."""

    machines: np.ndarray
    counts: np.ndarray
    cpu: int  # millicores per task
    memory: int  # MiB per task
    seen: np.ndarray  # sequence numbers of those machines when the scheduler looked

    @property
    def tasks(self) -> int:
        return int(self.counts.sum())


@dataclass
class Commit:
    """What a commit kept (``accepted`` tasks per claimed machine) and how many conflicted."""

    accepted: np.ndarray
    conflicted: int


class CellState:
    """Free resources and a sequence number per machine; claims, commits and releases."""

    def __init__(self, *, machines: int, cpu: int, memory: int) -> None:
        if machines < 1:
            raise ValueError(f"the cell needs at least 1 machine, got {machines}")
        self.machines = machines
        self.cpu, self.memory = cpu, memory
        self.free_cpu = np.full(machines, cpu, dtype=np.int64)
        self.free_mem = np.full(machines, memory, dtype=np.int64)
        self.seq = np.zeros(machines, dtype=np.int64)

    def fill(self, cpu: np.ndarray, memory: np.ndarray) -> None:
        """Occupy resources that never come back (the pre-filled long-running work)."""
        self.free_cpu -= cpu
        self.free_mem -= memory

    def place(
        self,
        *,
        tasks: int,
        cpu: int,
        memory: int,
        rng: np.random.Generator,
        free_cpu: np.ndarray | None = None,
        free_mem: np.ndarray | None = None,
    ) -> Claims:
        """Randomised first fit (the simulator's ``scheduleJob``), vectorised.

        Each task goes to a machine drawn uniformly from those where it still fits, so a
        machine with room for several tasks may get several. ``free_cpu``/``free_mem`` limit
        the view (a resource offer); by default the whole cell.
        """
        fc = self.free_cpu if free_cpu is None else free_cpu
        fm = self.free_mem if free_mem is None else free_mem
        room = np.minimum(fc // cpu, fm // memory)
        candidates = np.flatnonzero(room >= 1)
        taken = np.zeros(len(candidates), dtype=np.int64)
        left = room[candidates]
        remaining = tasks
        alive = np.arange(len(candidates))
        while remaining > 0 and len(alive):
            pick = alive[rng.integers(len(alive), size=remaining)]
            chosen, wanted = np.unique(pick, return_counts=True)
            got = np.minimum(wanted, left[chosen])
            taken[chosen] += got
            left[chosen] -= got
            remaining -= int(got.sum())
            alive = alive[left[alive] > 0]
        used = taken > 0
        machines = candidates[used]
        return Claims(machines, taken[used], cpu, memory, self.seq[machines].copy())

    def commit(self, claims: Claims, *, conflicts: str, transactions: str) -> Commit:
        """Apply claims that still hold; see the module docstring for the modes."""
        m, n = claims.machines, claims.counts
        if conflicts == "coarse":
            accepted = np.where(self.seq[m] == claims.seen, n, 0)
        else:
            room = np.minimum(self.free_cpu[m] // claims.cpu, self.free_mem[m] // claims.memory)
            accepted = np.minimum(n, np.maximum(room, 0))
        conflicted = int((n - accepted).sum())
        if conflicted and transactions == "all-or-nothing":
            accepted = np.zeros_like(n)
        self.apply(m, accepted, claims.cpu, claims.memory)
        return Commit(accepted, conflicted)

    def apply(self, machines: np.ndarray, counts: np.ndarray, cpu: int, memory: int) -> None:
        """Claim resources without checking (the only scheduler, or a locked offer)."""
        self.free_cpu[machines] -= counts * cpu
        self.free_mem[machines] -= counts * memory
        self.seq[machines] += counts

    def release(self, machines: np.ndarray, counts: np.ndarray, cpu: int, memory: int) -> None:
        """Tasks ended: give their resources back (sequence numbers do not move, as in the
        paper's simulator: only claims count as changes)."""
        self.free_cpu[machines] += counts * cpu
        self.free_mem[machines] += counts * memory
