"""Self-checks for lesson 05 (Omega): retrying after a conflict, decision time, reading the
decision-time sweep, and coarse conflict detection.

``from kube_lab.checks.lesson05 import q1, q2, q3, q4``. Right answers come from
:mod:`kube_lab.omega` with the lesson's seed and simulated hours (:data:`HOURS`), so they
stay true to the model.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from kube_lab.checks.core import Question, Wrong, normalise, number

__all__ = ["HOURS", "SEED", "SLOW_T_JOB", "TASKS", "q1", "q2", "q3", "q4"]

#: The seed of every experiment in the lesson.
SEED = 0
#: Simulated hours per run in the lesson (the paper runs 7 days).
HOURS = 2
#: The slow service decision time of exercises 3 and 4 (s).
SLOW_T_JOB = 10.0
#: Tasks of the job in exercise 2.
TASKS = 20


# -- q2: decision time ------------------------------------------------------------------------


def _decision(answer: Any) -> str:
    from kube_lab import omega

    p = omega.Parameters()
    value = number(answer, "seconds")
    right = p.t_job + p.t_task * TASKS
    if abs(value - right) < 1e-6:
        return (
            f"{p.t_job:g} s for the job plus {p.t_task * 1000:g} ms for each of its {TASKS} "
            f"tasks: {right:g} s, during which a single scheduler decides nothing else."
        )
    if abs(value - p.t_job) < 1e-9:
        raise Wrong("that is t_job alone: each task adds t_task too")
    if abs(value - (p.t_job + p.t_task)) < 1e-9:
        raise Wrong(f"t_task is per task, and the job has {TASKS} of them")
    if (
        abs(value - (p.t_job + 5 * TASKS)) < 1e-6
        or abs(value - (p.t_job * 1000 + 5 * TASKS)) < 1e-6
    ):
        raise Wrong("mind the units: t_task is 5 ms, which is 0.005 s; answer in seconds")
    raise Wrong("t_decision = t_job + t_task × tasks, with t_job = 0.1 s and t_task = 0.005 s")


# -- q1: retry after a conflict ---------------------------------------------------------------


def _retried(cluster: Any) -> str:
    store = getattr(cluster, "store", None)
    if store is None or not hasattr(store, "peek"):
        raise Wrong("pass the cluster itself, as in q1.check(c), so the check can look at it")
    node = store.peek("Node", "node-1")
    if node is None:
        raise Wrong("this cluster has no node-1: run the cells of this section from the top")
    owner = (node["metadata"].get("labels") or {}).get("owner")
    if owner is None:
        raise Wrong(
            "node-1 has no owner label yet: run the two-writer cell above first, then retry "
            "the service scheduler's write"
        )
    if owner == "batch":
        raise Wrong(
            "node-1 still says owner=batch: the service write never landed. Read the node "
            "again (a fresh copy carries the current resourceVersion), change it, update it"
        )
    if owner != "service":
        raise Wrong(f'node-1 says owner={owner}; the service scheduler wanted owner="service"')
    return (
        "read again, decide again, write again: the second writer lost nothing but a little "
        "time, and nobody held a lock. Every Kubernetes controller retries this way."
    )


# -- q3: reading the sweep --------------------------------------------------------------------


@cache
def _batch_waits() -> dict[str, float]:
    from kube_lab import omega

    waits = {}
    for architecture in omega.ARCHITECTURES:
        t = omega.simulate(architecture, t_job_service=SLOW_T_JOB, hours=HOURS, seed=SEED)
        waits[architecture] = float(t.where(workload="batch")["wait_time"][0])
    return waits


_ALIASES = {
    "omega": "shared-state",
    "shared": "shared-state",
    "mesos": "two-level",
    "two-level-(mesos)": "two-level",
    "single-path": "monolithic-single",
    "multi-path": "monolithic-multi",
    "monolithic": "monolithic-single",
}


def _lowest_wait(answer: Any) -> str:
    from kube_lab import omega

    if not isinstance(answer, str):
        raise Wrong(f"answer with an architecture, one of {', '.join(omega.ARCHITECTURES)}")
    given = _ALIASES.get(normalise(answer), normalise(answer))
    if given not in omega.ARCHITECTURES:
        raise Wrong(
            f"the architectures are {', '.join(omega.ARCHITECTURES)}; {answer!r} is not one"
        )
    waits = _batch_waits()
    best = min(waits, key=lambda a: waits[a])
    if given == best:
        return (
            f"{best}: batch jobs wait {waits[best]:.2g} s, as if the slow service scheduler "
            "were not there, because nobody waits for it. The others make batch jobs wait "
            f"{min(w for a, w in waits.items() if a != best):.2g} s or more."
        )
    if given == "monolithic-single":
        raise Wrong(
            "one scheduler, one queue, and every job takes the slow decision time: it is "
            "saturated and batch jobs wait the longest"
        )
    if given == "monolithic-multi":
        raise Wrong(
            "the fast path decides batch jobs quickly, once they get to the front: they "
            "still queue behind slow service decisions (head-of-line blocking)"
        )
    raise Wrong(
        "two-level: while the service framework thinks, it holds the offer of all the free "
        "resources, and the batch framework waits for them"
    )


# -- q4: coarse conflict detection ------------------------------------------------------------


@cache
def _conflicts(mode: str) -> float:
    from kube_lab import omega

    t = omega.simulate(
        "shared-state", t_job_service=SLOW_T_JOB, conflicts=mode, hours=HOURS, seed=SEED
    )
    return float(t.where(workload="service")["conflict_fraction"][0])


def _coarse(answer: Any) -> str:
    value = number(answer, "a conflict fraction")
    right, fine = _conflicts("coarse"), _conflicts("fine")
    if abs(value - right) <= max(0.005, 0.03 * right):
        return (
            f"{right:.3g} against {fine:.3g} with fine-grained detection: a coarse check "
            "rejects a claim whenever anything changed on the machine, even when there was "
            "still room. Omega's paper recommends the fine check (§5.2)."
        )
    if abs(value - fine) <= max(0.005, 0.03 * fine):
        raise Wrong('that is the fine-grained default: pass conflicts="coarse"')
    if value > 1.5 and abs(value / 100 - right) <= max(0.005, 0.03 * right):
        raise Wrong("that looks like a percentage: the conflict fraction is a plain fraction")
    raise Wrong(
        f'run omega.simulate("shared-state", t_job_service={SLOW_T_JOB:g}, conflicts="coarse", '
        f"hours={HOURS}, seed=0) and read the service row's conflict_fraction"
    )


q1 = Question(
    name="q1",
    checker=_retried,
    hint=(
        'A retry starts with a fresh read: node = c.store.get("Node", "node-1"), then set the '
        "label on it and c.store.update(node)."
    ),
    solution=(
        'node = c.store.get("Node", "node-1")        # fresh: the current resourceVersion\n'
        'node["metadata"]["labels"]["owner"] = "service"\n'
        "c.store.update(node)\n"
        "q1.check(c)"
    ),
)

q2 = Question(
    name="q2",
    checker=_decision,
    hint="t_decision = t_job + t_task × tasks; omega.parameters() shows t_job and t_task.",
    solution="answer = 0.1 + 0.005 * 20   # 0.2 s",
)

q3 = Question(
    name="q3",
    checker=_lowest_wait,
    hint=(
        "In the chart of batch wait time, look at t_job(service) = 10 s: which line stays "
        "at the bottom?"
    ),
    solution='answer = "shared-state"',
)

q4 = Question(
    name="q4",
    checker=_coarse,
    hint=(
        'omega.simulate("shared-state", t_job_service=10, conflicts="coarse", hours=2, '
        "seed=0): the service row."
    ),
    solution=(
        't = omega.simulate("shared-state", t_job_service=10, conflicts="coarse", hours=2, '
        "seed=0)\n"
        'answer = t.where(workload="service")["conflict_fraction"][0]   # about 0.14'
    ),
)
