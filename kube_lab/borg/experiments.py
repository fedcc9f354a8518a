"""The Borg paper's experiments, small enough for a notebook.

:func:`compaction` follows Verma et al. 2015, §5.1: to compare policies by how well they pack,
take a cell and its workload, remove machines at random until the workload no longer fits
(every task placed, repacked from scratch each time), and report the smallest cell that
still fits; repeat with several random orders (the paper uses 11) and report the 90th
percentile. kube-lab finds the smallest cell of each random order by bisection, which
assumes that a cell that fits stays fitting when a machine is added back (true of the
paper's method up to scheduling noise); the paper's removal was one machine at a time.

:func:`scalability` follows §3.4: schedule a whole cell from scratch with each combination
of score caching, equivalence classes and relaxed randomization, and time it. The paper
reports "a few hundred seconds" with them and no finish "after more than 3 days" without,
on a cell of about 10,000 machines. Here one feasibility-and-score pass over a cell is a few
numpy vector operations, so the gap in seconds is smaller than Borg's; the ``evaluations``
column (machine feasibility-and-score computations) is the hardware-independent cost.
A configuration expected to exceed ``budget_s`` is timed on a sample of its first
placements and extrapolated linearly by task count; the ``extrapolated`` column says so.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from kube_lab.borg.cell import POLICIES, Cell, Unschedulable
from kube_lab.borg.workload import Job, MachineType, example_workload, machine_platforms
from kube_lab.table import Table

#: Random machine-removal orders per policy (Borg §5.1 uses 11).
TRIALS = 11
#: The percentile of the trials reported (Borg §5.1 reports the 90th).
PERCENTILE = 90


def _smallest_fitting(machines: int, fits: Callable[[int], bool]) -> int:
    """Bisection for the smallest n with fits(n), given fits(machines)."""
    lo, hi = 1, machines
    while lo < hi:
        mid = (lo + hi) // 2
        if fits(mid):
            hi = mid
        else:
            lo = mid + 1
    return hi


def _fits_first(
    kinds: Sequence[MachineType], order: np.ndarray, jobs: Sequence[Job], **options: Any
) -> Callable[[int], bool]:
    """Whether the first ``n`` machines of a removal order hold every task."""

    def fits(n: int) -> bool:
        subset = [kinds[i] for i in sorted(order[:n])]
        return _fits(subset, jobs, **options).pending_tasks == 0

    return fits


def _fits(kinds: Sequence[MachineType], jobs: Sequence[Job], **options: Any) -> Cell:
    cell = Cell.of(kinds, **options)
    cell.submit(jobs)
    cell.schedule()
    return cell


def compaction(
    workload: Sequence[Job] | None = None,
    *,
    machines: int = 200,
    policies: Sequence[str] = POLICIES,
    trials: int = TRIALS,
    percentile: float = PERCENTILE,
    seed: int = 0,
    per_trial: bool = False,
    **cell_options: Any,
) -> Table:
    """The smallest cell that still fits the workload, per scoring policy (Borg §5.1).

    ``workload`` defaults to :func:`~kube_lab.borg.workload.example_workload` for an example
    cell of ``machines`` machines (60 % full). ``per_trial=True`` returns one row per random
    removal order instead of the summary. ``cell_options`` go to :class:`Cell` (by default
    without relaxed randomization, so that only the policy differs between rows).
    """
    if isinstance(trials, bool) or not isinstance(trials, int) or trials < 1:
        raise ValueError(f"trials must be a whole number >= 1, got {trials!r}")
    if not 0 <= percentile <= 100:
        raise ValueError(f"percentile must be in [0, 100], got {percentile}")
    if not policies:
        raise ValueError("policies must name at least one policy")
    jobs = list(example_workload(machines=machines, seed=seed) if workload is None else workload)
    kinds = machine_platforms(machines, seed=seed)
    cell_options.setdefault("relaxed_randomization", False)
    fitting: list[str] = []
    failures: dict[str, Table] = {}
    for policy in policies:
        full = _fits(kinds, jobs, policy=policy, seed=seed, **cell_options)
        if full.pending_tasks or len(full.pending().where(reason="quota")):
            failures[policy] = full.pending()
        else:
            fitting.append(policy)
    if not fitting:
        pending = next(iter(failures.values()))
        names = ", ".join(f"{r['job']} ({r['reason']})" for r in pending.rows()[:5])
        raise Unschedulable(
            f"the workload does not fit the full cell of {machines} machines with any policy: "
            f"{len(pending)} jobs pending, e.g. {names}; see .pending",
            pending,
        )
    rows: list[dict[str, Any]] = []
    for policy in fitting:
        for trial in range(trials):
            order = np.random.default_rng([seed, trial, 5]).permutation(machines)
            smallest = _smallest_fitting(
                machines, _fits_first(kinds, order, jobs, policy=policy, seed=seed, **cell_options)
            )
            rows.append({"policy": policy, "trial": trial, "machines": smallest})
    if per_trial:
        return Table.from_rows(
            rows,
            title=f"Cell compaction per trial ({machines}-machine cell, seed {seed})",
        )
    summary: list[dict[str, Any]] = []
    for policy in policies:
        needed = np.array([r["machines"] for r in rows if r["policy"] == policy], dtype=float)
        if not len(needed):  # does not fit even the full cell
            needed = np.array([np.nan])
        ok = policy in fitting
        summary.append(
            {
                "policy": policy,
                "fits_full_cell": ok,
                "machines": int(np.ceil(np.percentile(needed, percentile))) if ok else np.nan,
                "fraction_of_cell": float(np.percentile(needed, percentile) / machines),
                "min": int(needed.min()) if ok else np.nan,
                "median": float(np.median(needed)),
                "max": int(needed.max()) if ok else np.nan,
            }
        )
    base = next((r["machines"] for r in summary if r["policy"] == "best-fit"), None)
    for r in summary:
        r["vs_best_fit_pct"] = float("nan") if base is None else 100 * (r["machines"] / base - 1)
    return Table.from_rows(
        summary,
        title=(
            f"Cell compaction (Borg §5.1): smallest cell that fits, {percentile:g}th percentile "
            f"of {trials} trials ({machines}-machine cell, {len(jobs)} jobs, seed {seed})"
        ),
        notes=(
            "Machines removed in a random order per trial, the workload repacked from scratch "
            "each time; the smallest fitting cell found by bisection. Fewer machines is "
            "better packing. A policy that cannot place the workload even in the full cell "
            "shows '-' (see Cell.pending() for why)."
        ),
    )


#: Every combination of the three techniques, "none" first and "all" last.
TECHNIQUES: tuple[tuple[bool, bool, bool], ...] = tuple(
    (a, b, c) for a, b, c in itertools.product((False, True), repeat=3)
)


def _label(caching: bool, classes: bool, relaxed: bool) -> str:
    names = [
        n
        for n, on in (
            ("score caching", caching),
            ("equivalence classes", classes),
            ("relaxed randomization", relaxed),
        )
        if on
    ]
    return " + ".join(names) if names else "none"


def scalability(
    workload: Sequence[Job] | None = None,
    *,
    machines: int = 1000,
    fill: float = 0.5,
    policy: str = "hybrid",
    techniques: Sequence[tuple[bool, bool, bool]] = TECHNIQUES,
    budget_s: float = 30.0,
    sample_tasks: int = 2000,
    seed: int = 0,
) -> Table:
    """Schedule a whole cell from scratch with each technique on and off (Borg §3.4).

    ``techniques`` is a list of (score_caching, equivalence_classes, relaxed_randomization)
    switches (default: all eight combinations). A configuration is first timed on
    ``sample_tasks`` placements; if the whole run would take longer than ``budget_s`` it is
    extrapolated from the sample. ``same_as_plain`` compares every task's machine with the
    run without any technique (when both ran in full; relaxed randomization never matches).
    """
    if budget_s < 0:
        raise ValueError(f"budget_s must not be negative, got {budget_s}")
    if sample_tasks < 1:
        raise ValueError(f"sample_tasks must be at least 1, got {sample_tasks}")
    jobs = list(
        example_workload(machines=machines, fill=fill, seed=seed) if workload is None else workload
    )
    total = sum(j.tasks for j in jobs)
    kinds = machine_platforms(machines, seed=seed)
    # Warm up (first numpy calls, memory pools) so the first configuration is not penalised.
    warm = Cell.of(kinds, policy=policy, score_caching=False, equivalence_classes=False)
    warm.submit(jobs)
    warm.schedule(max_tasks=min(max(200, sample_tasks // 2), total))
    rows: list[dict[str, Any]] = []
    plain: np.ndarray | None = None
    for caching, classes, relaxed in techniques:
        options: dict[str, Any] = {
            "policy": policy,
            "score_caching": caching,
            "equivalence_classes": classes,
            "relaxed_randomization": relaxed,
            "seed": seed,
        }
        probe = Cell.of(kinds, **options)
        probe.submit(jobs)
        start = time.perf_counter()
        sample = probe.schedule(max_tasks=min(sample_tasks, total))
        per_task = (time.perf_counter() - start) / max(sample.placed, 1)
        extrapolated = per_task * total > budget_s and sample.placed < total
        if extrapolated:
            seconds = per_task * total
            evaluations = int(sample.evaluations / max(sample.placed, 1) * total)
            placed, assignment = None, None
        else:
            cell = Cell.of(kinds, **options)
            cell.submit(jobs)
            start = time.perf_counter()
            result = cell.schedule()
            seconds = time.perf_counter() - start
            evaluations, placed, assignment = (
                result.evaluations,
                total - result.pending,
                cell.assignments(),
            )
        if not (caching or classes or relaxed):
            plain = assignment
        same: bool | None = None
        if assignment is not None and plain is not None:
            same = bool((assignment == plain).all())
        rows.append(
            {
                "techniques": _label(caching, classes, relaxed),
                "score_caching": caching,
                "equivalence_classes": classes,
                "relaxed_randomization": relaxed,
                "seconds": seconds,
                "extrapolated": extrapolated,
                "evaluations": evaluations,
                "evaluations_per_task": evaluations / total,
                "placed": placed,
                "same_as_plain": same,
            }
        )
    none = next((r["seconds"] for r in rows if r["techniques"] == "none"), None)
    for r in rows:
        r["speedup"] = float("nan") if none is None else none / r["seconds"]
    return Table.from_rows(
        rows,
        title=(
            f"Scheduling a {machines}-machine cell from scratch: {len(jobs)} jobs, {total} tasks "
            f"({policy}, seed {seed})"
        ),
        units={"seconds": "s"},
        notes=(
            "evaluations: machine feasibility-and-score computations. extrapolated: timed on "
            f"the first {sample_tasks} placements and scaled by task count. Borg §3.4: a few "
            "hundred seconds with the techniques, over 3 days without."
        ),
    )
