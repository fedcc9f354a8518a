"""Self-checks for lesson 03 (Containers): what a container shares with its host, its cgroup
limit, a faster recovery, and what an orchestrator is for.

``from kube_lab.checks.lesson03 import q1, q2, q3, q4``. :data:`MEMORY_LIMIT` is the limit
the lesson gives its container, :data:`CHOICES` the statements of exercise 4, so the
notebook and the checks agree.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from kube_lab.checks.core import Question, Wrong, number

__all__ = ["CHOICES", "EVICTION_S", "MEMORY_LIMIT", "SEED", "q1", "q2", "q3", "q4"]

#: The seed of every experiment in the lesson.
SEED = 0
#: The memory limit the lesson's container runs with (a Kubernetes quantity).
MEMORY_LIMIT = "64Mi"
#: The shorter eviction wait of exercise 3.
EVICTION_S = 30


def _words(answer: Any, example: str) -> set[str]:
    if isinstance(answer, str):
        parts = re.split(r"[,;\s]+", answer)
    elif isinstance(answer, (set, frozenset, list, tuple)):
        parts = list(answer)
    else:
        raise Wrong(f"answer with a set of names, like {example}")
    if not all(isinstance(p, str) for p in parts):
        raise Wrong(f"names are strings, like {example}")
    return {p.strip().lower() for p in parts if p.strip()}


# -- q1: what is shared -----------------------------------------------------------------------

#: Aspects of exercise 1, and whether a container shares each with its host.
_SHARED = {
    "kernel": True,
    "hostname": False,
    "processes": False,
    "filesystem": False,
    "network": False,
}
_WHY = {
    "hostname": "the UTS namespace gives the container its own hostname (see the table)",
    "processes": "the PID namespace shows the container only its own processes, its own PID 1",
    "filesystem": "the mount namespace gives it its own root, the image's files",
    "network": "the network namespace gives it its own interfaces (eth0 and lo)",
}


def _shared(answer: Any) -> str:
    given = _words(answer, '{"kernel"}')
    unknown = sorted(given - set(_SHARED))
    if unknown:
        raise Wrong(
            f"choose from {', '.join(sorted(_SHARED))}; {', '.join(unknown)} is not one of them"
        )
    wrongly = sorted(a for a in given if not _SHARED[a])
    if wrongly:
        raise Wrong(f"{wrongly[0]} is not shared: {_WHY[wrongly[0]]}")
    if "kernel" not in given:
        raise Wrong(
            "one thing is shared by every container on a machine: the program that runs "
            "them all, and that the namespaces and cgroups belong to"
        )
    return (
        "one kernel for every container on the machine: that is why a container starts in "
        "under a second (no operating system to boot) and why a kernel bug is everyone's bug."
    )


# -- q2: the cgroup memory limit --------------------------------------------------------------


def _mib(quantity: str) -> float:
    from kube_lab.api.quantity import int_value

    return int_value(quantity) / 2**20


def _limit(answer: Any) -> str:
    right = _mib(MEMORY_LIMIT)
    if isinstance(answer, str):
        text = answer.strip().replace(" ", "")
        if text.lower() in ("nolimit", "none", "unlimited"):
            raise Wrong("no limit is the host's column; the question asks about the container")
        try:
            if text.isdigit():
                value = float(text)
            else:
                value = _mib(text[:-1] if text.endswith("MiB") else text)
        except ValueError:
            raise Wrong(
                'answer with a number of MiB, like 128, or a quantity like "128Mi"'
            ) from None
    else:
        value = number(answer, "MiB")
        if value == right * 2**20:
            return f"{right:g} MiB, in bytes: the number the kernel keeps in memory.max."
    if value == right:
        return (
            f"{right:g} MiB: the kernel's memory cgroup holds the container to it. Use more, "
            "and the kernel kills the container (OOMKilled), not its neighbours."
        )
    if value == 64_000_000 / 2**20 or value == 64 * 1000 / 1024:
        raise Wrong("Mi is a power of two: 1 Mi = 1,048,576 bytes, not 1,000,000")
    raise Wrong("read the memory limit (cgroup) row of the table, in the container's column")


# -- q3: a faster recovery --------------------------------------------------------------------


@cache
def _recovery(eviction_s: float) -> tuple[float, float]:
    from kube_lab import eras

    t = eras.compare(eras=["containers"], pod_eviction_s=eviction_s, seed=SEED)
    return float(t["recover_s"][0]), float(t["deploy_s"][0])


def _faster(answer: Any) -> str:
    value = number(answer, "seconds")
    right, _ = _recovery(EVICTION_S)
    default, _ = _recovery(300)
    if abs(value - right) <= 0.5:
        return (
            f"{right:g} s, down from {default:g} s: most of a container's recovery is "
            "waiting to be sure the node is gone. Lesson 07 shows the same setting "
            "(tolerationSeconds) on a live cluster."
        )
    if abs(value - default) <= 0.5:
        raise Wrong(f"that is with the default wait of 300 s: pass pod_eviction_s={EVICTION_S}")
    if value == EVICTION_S:
        raise Wrong(
            "the eviction wait is one part: before it the node must be noticed as gone, after "
            "it the image is pulled and the container started"
        )
    if abs(value - (50 + EVICTION_S)) <= 0.5:
        raise Wrong(
            "detection and eviction are in, but the new container still needs its image "
            "pulled and started"
        )
    raise Wrong(
        f"run eras.compare(eras=['containers'], pod_eviction_s={EVICTION_S}, seed=0) and read "
        "recover_s"
    )


# -- q4: what an orchestrator does ------------------------------------------------------------

#: The statements of exercise 4: letter -> (statement, whether an orchestrator does it).
CHOICES: dict[str, tuple[str, bool]] = {
    "a": ("decide which server each container runs on", True),
    "b": ("write the Dockerfile that builds your application's image", False),
    "c": ("start replacements when a server fails", True),
    "d": ("choose the library versions inside an image", False),
    "e": ("keep as many copies running as you asked for", True),
    "f": ("give a container its own hostname and process table", False),
}
_NOT = {
    "b": "the image is yours to build: the orchestrator runs images, it does not write them",
    "d": (
        "the libraries travel inside the image, chosen when it is built; the orchestrator "
        "never looks inside"
    ),
    "f": (
        "namespaces are the kernel's work, set up by the container runtime on each machine; "
        "the orchestrator only asks for containers"
    ),
}


def _orchestrator(answer: Any) -> str:
    if isinstance(answer, str) and "," not in answer and " " not in answer.strip():
        given = set(answer.strip().lower())
    else:
        given = _words(answer, '{"a", "b"}')
    unknown = sorted(given - set(CHOICES))
    if unknown:
        raise Wrong(f"the statements are a to f; there is no {', '.join(unknown)}")
    extra = sorted(g for g in given if not CHOICES[g][1])
    if extra:
        raise Wrong(f"({extra[0]}) is not an orchestrator's job: {_NOT[extra[0]]}")
    right = {k for k, (_, does) in CHOICES.items() if does}
    missing = sorted(right - given)
    if missing:
        raise Wrong(
            f"{len(missing)} more: which statements are about many containers on many "
            "servers, and about keeping them running?"
        )
    return (
        "placement, replacement and keeping the count: work a person did by hand for a few "
        "servers, and that no person can do for ten thousand. That is Borg's job (lesson 04)."
    )


q1 = Question(
    name="q1",
    checker=_shared,
    hint=(
        "Look at the table: every row where the two columns differ is something the container "
        "has of its own. What is left that it could not run without?"
    ),
    solution='answer = {"kernel"}',
)

q2 = Question(
    name="q2",
    checker=_limit,
    hint="The row memory limit (cgroup), column container; Mi means mebibytes (2**20 bytes).",
    solution="answer = 64   # MiB: the limit the Sandbox asked the kernel for (64Mi)",
)

q3 = Question(
    name="q3",
    checker=_faster,
    hint=(
        "recover_s = failure detection + eviction wait + image pull + container start + app "
        "start; eras.compare(..., pod_eviction_s=30) computes it."
    ),
    solution=(
        "t = eras.compare(eras=['containers'], pod_eviction_s=30, seed=0)\n"
        'answer = t["recover_s"][0]   # 50 + 30 + 20 + 0.57 + 5 = 105.57 s'
    ),
)

q4 = Question(
    name="q4",
    checker=_orchestrator,
    hint=(
        "An orchestrator works across servers and over time; what happens inside one "
        "container is the image's and the kernel's business."
    ),
    solution='answer = "ace"   # placement, replacement, keeping the count',
)
