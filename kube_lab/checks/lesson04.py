"""Self-checks for lesson 04 (Borg): who may preempt whom, quota, packing policies, and the
scalability technique that changes placements.

``from kube_lab.checks.lesson04 import q1, q2, q3, q4``. Right answers come from
:mod:`kube_lab.borg` (its preemption rule and the compaction experiment with the lesson's
seed), so they stay true to the model.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from functools import cache
from typing import Any

from kube_lab.checks.core import Question, Wrong, normalise, number

__all__ = ["PAIRS", "QUOTA", "SEED", "TASK", "q1", "q2", "q3", "q4"]

#: The seed of every experiment in the lesson.
SEED = 0
#: The (preemptor, victim) pairs of exercise 1.
PAIRS = (
    ("production", "batch"),
    ("monitoring", "production"),
    ("batch", "best-effort"),
    ("batch", "production"),
)
#: Exercise 2: alice's quota at production (cores, GiB) and the shape of one task.
QUOTA = (10.0, 32.0)
TASK = (2.0, 8.0)


# -- q1: who may preempt whom -----------------------------------------------------------------


def _preemption(answer: Any) -> str:
    from kube_lab.borg import may_preempt

    if not isinstance(answer, Mapping):
        raise Wrong("answer with a dict from (preemptor, victim) to True or False, as in the cell")
    missing = [pair for pair in PAIRS if pair not in answer]
    if missing:
        raise Wrong(f"give True or False for each of the four pairs; missing: {missing[0]}")
    for pair in PAIRS:
        given = answer[pair]
        if given is ... or given is None:
            raise Wrong(f"replace the ... of {pair} with True or False")
        if not isinstance(given, bool):
            raise Wrong(f"{pair}: answer True or False, not {given!r}")
    for preemptor, victim in PAIRS:
        right = may_preempt(preemptor, victim)
        if answer[(preemptor, victim)] == right:
            continue
        if preemptor == "monitoring" and victim == "production":
            raise Wrong(
                "monitoring is above production, but both are prod: prod tasks may not "
                "preempt each other, so that one eviction cannot set off a cascade (§2.5)"
            )
        if right:
            raise Wrong(
                f"{preemptor} is a higher band than {victim}, and not both are prod: a task "
                "may evict tasks of lower bands to make room"
            )
        raise Wrong(f"{preemptor} is below {victim}: preemption only ever goes down the bands")
    return (
        "down the bands, never up, and never prod on prod. The victims are not killed for "
        "good: they go back to the pending queue and are placed elsewhere if there is room."
    )


# -- q2: quota --------------------------------------------------------------------------------


def _fits_quota() -> tuple[int, int, int]:
    (quota_cpu, quota_mem), (cpu, mem) = QUOTA, TASK
    by_cpu, by_mem = math.floor(quota_cpu / cpu), math.floor(quota_mem / mem)
    return min(by_cpu, by_mem), by_cpu, by_mem


def _quota(answer: Any) -> str:
    value = number(answer, "tasks")
    right, by_cpu, by_mem = _fits_quota()
    if value == right:
        return (
            f"{right}: CPU would allow {by_cpu}, but memory allows only {by_mem}. Quota is a "
            "vector: a job must fit every resource of it, and Borg checks it when the job is "
            "submitted, before any machine is looked at."
        )
    if value == by_cpu:
        raise Wrong(
            f"CPU allows {by_cpu} tasks, but each task also asks for memory: does the memory "
            "quota hold that many?"
        )
    if value != int(value):
        raise Wrong("a task runs whole or not at all: answer with a whole number")
    raise Wrong(
        "divide the quota by what one task asks for, once for CPU and once for memory; the "
        "smaller answer is the limit"
    )


# -- q3: which policy packs best --------------------------------------------------------------


@cache
def _compaction() -> tuple[str, dict[str, float]]:
    from kube_lab import borg

    t = borg.compaction(seed=SEED)
    machines = {str(p): float(m) for p, m in zip(t.column("policy"), t["machines"], strict=True)}
    best = min(machines, key=lambda p: machines[p])
    return best, machines


def _packing(answer: Any) -> str:
    from kube_lab import borg

    if not isinstance(answer, str):
        raise Wrong(f"answer with a policy name, one of {', '.join(borg.POLICIES)}")
    given = {"e-pvm": "worst-fit", "epvm": "worst-fit"}.get(normalise(answer), normalise(answer))
    if given not in borg.POLICIES:
        raise Wrong(f"the policies are {', '.join(borg.POLICIES)}; {answer!r} is not one of them")
    best, machines = _compaction()
    if given == best:
        return (
            f"{best}, with {machines[best]:g} machines against best fit's "
            f"{machines['best-fit']:g} and worst fit's {machines['worst-fit']:g}: fill "
            "machines up, but not so that one resource is left stranded."
        )
    if given == "worst-fit":
        raise Wrong(
            "worst fit spreads tasks so that every machine keeps a little room: good for "
            "bursts, but then no machine has room for a large task, and more machines are "
            "needed"
        )
    raise Wrong(
        f"{given} needed {machines[given]:g} machines; look at the machines column again, "
        "and at what the hybrid adds to best fit"
    )


# -- q4: the technique that changes placements ------------------------------------------------

_TECHNIQUES = {
    "score-caching": "score caching",
    "caching": "score caching",
    "equivalence-classes": "equivalence classes",
    "equivalence-class": "equivalence classes",
    "relaxed-randomization": "relaxed randomization",
    "relaxed-randomisation": "relaxed randomization",
    "relaxed": "relaxed randomization",
}


def _technique(answer: Any) -> str:
    if not isinstance(answer, str):
        raise Wrong('answer with the name of a technique, like "score caching"')
    given = _TECHNIQUES.get(normalise(answer))
    if given is None:
        raise Wrong(
            "the three techniques are score caching, equivalence classes and relaxed "
            f"randomization; {answer!r} is not one of them"
        )
    if given == "relaxed randomization":
        return (
            "relaxed randomization stops looking after enough feasible machines, so it may "
            "miss the best one: faster, and a little worse at packing. The other two only "
            "skip work whose answer is already known."
        )
    if given == "score caching":
        raise Wrong(
            "score caching reuses a score until its machine changes: the score it reuses is "
            "exactly the one it would compute (same_as_plain says yes)"
        )
    raise Wrong(
        "equivalence classes score once for tasks with identical requirements: each task "
        "gets the very scores it would have got alone (same_as_plain says yes)"
    )


q1 = Question(
    name="q1",
    checker=_preemption,
    hint=(
        "Bands from high to low: monitoring, production, batch, best-effort. A task may "
        "preempt lower bands only, with one exception for prod (monitoring + production)."
    ),
    solution=(
        "answer = {\n"
        '    ("production", "batch"): True,\n'
        '    ("monitoring", "production"): False,   # prod never preempts prod\n'
        '    ("batch", "best-effort"): True,\n'
        '    ("batch", "production"): False,\n'
        "}\n"
        "# or: {pair: borg.may_preempt(*pair) for pair in answer}"
    ),
)

q2 = Question(
    name="q2",
    checker=_quota,
    hint="How many tasks fit in 10 cores? How many in 32 GiB? A job must fit both.",
    solution="answer = min(10 // 2, 32 // 8)   # 4: memory is the limit",
)

q3 = Question(
    name="q3",
    checker=_packing,
    hint="Fewer machines is better packing: read the machines column of the compaction table.",
    solution='answer = "hybrid"   # the fewest machines at the 90th percentile',
)

q4 = Question(
    name="q4",
    checker=_technique,
    hint="Look at the same_as_plain column of the scalability table.",
    solution='answer = "relaxed randomization"',
)
