"""Self-checks for lesson 01 (Bare metal): servers saved by sharing, a library clash, and how
big a server must be to hide a noisy neighbour.

``from kube_lab.checks.lesson01 import q1, q2, q3``. The right answers are computed from
:mod:`kube_lab.eras` with the lesson's seed, so they stay true to the model.
:data:`NEIGHBOURS` names the two apps of the noisy-neighbour experiment, so the notebook and
the check use the same ones.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from kube_lab.checks.core import Question, Wrong, number

__all__ = ["NEIGHBOURS", "SEED", "neighbours", "q1", "q2", "q3"]

#: The seed of every experiment in the lesson.
SEED = 0
#: The two apps that share one server in the noisy-neighbour experiment.
NEIGHBOURS = ("shop", "ci-runner")


def neighbours() -> list[Any]:
    """The two :class:`~kube_lab.eras.App` objects of the noisy-neighbour experiment."""
    from kube_lab import eras

    apps = {app.name: app for app in eras.example_workload()}
    return [apps[name] for name in NEIGHBOURS]


# -- q1: servers saved by sharing -------------------------------------------------------------


@cache
def _servers() -> tuple[int, int]:
    from kube_lab import eras

    t = eras.compare(eras=["bare-metal-dedicated", "bare-metal-shared"], seed=SEED)
    dedicated, shared = (int(n) for n in t["servers"])
    return dedicated, shared


def _saved(answer: Any) -> str:
    value = number(answer, "servers")
    dedicated, shared = _servers()
    if value == dedicated - shared:
        return (
            f"{dedicated} servers shrink to {shared}: sharing saves {dedicated - shared} "
            "servers, and most of the power, space and money they cost."
        )
    if value == shared:
        raise Wrong(
            f"{shared} is how many servers the shared way needs; the question asks how many "
            "fewer than one server per app"
        )
    if value == dedicated:
        raise Wrong(
            f"{dedicated} is how many servers one-app-per-server needs; subtract what sharing needs"
        )
    if value < 0:
        raise Wrong("sharing needs fewer servers, not more: the answer is a positive number")
    raise Wrong("read the servers column of the table: the dedicated row minus the shared row")


# -- q2: a library clash ----------------------------------------------------------------------


def _names(answer: Any) -> set[str]:
    if isinstance(answer, str):
        parts = answer.replace(",", " ").split()
    elif isinstance(answer, (set, frozenset, list, tuple)):
        parts = list(answer)
    else:
        raise Wrong('answer with library names, like {"python", "glibc"}')
    if not all(isinstance(p, str) for p in parts):
        raise Wrong('library names are strings: {"python"}, not {python}')
    return {p.strip().lower() for p in parts if p.strip()}


def _clash(answer: Any) -> str:
    from kube_lab.eras.workload import conflicts

    given = _names(answer)
    a, b = _pair()
    right = {lib for _, _, lib in conflicts([a, b])}
    if given == right:
        return (
            f"{a.name} needs {', '.join(f'{k} {a.libraries[k]}' for k in sorted(right))}; "
            f"{b.name} needs {', '.join(f'{k} {b.libraries[k]}' for k in sorted(right))}. "
            "One operating system holds one version of each: one of them loses."
        )
    unused = sorted(given - set(a.libraries) - set(b.libraries))
    if unused:
        raise Wrong(
            f"neither app uses {', '.join(unused)}: look at the libraries column of the two apps"
        )
    one_sided = sorted(given - (set(a.libraries) & set(b.libraries)))
    if one_sided:
        raise Wrong(
            f"{', '.join(one_sided)} is used by only one of the two, so nothing clashes there: "
            "a clash needs both apps to want the library, at different versions"
        )
    same = sorted(given - right)
    if same:
        raise Wrong(f"both want the same version of {', '.join(same)}: that is no clash")
    raise Wrong(
        f"you found {len(given)} of the {len(right)}: check every library both apps use, and "
        "compare the versions"
    )


def _pair() -> tuple[Any, Any]:
    from kube_lab import eras

    apps = {app.name: app for app in eras.example_workload()}
    return apps["checkout"], apps["payments"]


# -- q3: a server big enough to hide the noisy neighbour --------------------------------------


def interference(server_cpu: float) -> int:
    """App-hours of interference when :data:`NEIGHBOURS` share one server of that size."""
    from kube_lab import eras

    t = eras.compare(neighbours(), eras=["bare-metal-shared"], server_cpu=server_cpu, seed=SEED)
    return int(t["interference"][0])


@cache
def _smallest_quiet() -> int:
    cores = 12  # both apps are sized for 6 cores: 12 is where they first fit together
    while interference(cores) > 0:
        cores += 1
    return cores


def _quiet(answer: Any) -> str:
    value = number(answer, "cores")
    if value != int(value):
        raise Wrong("servers come with whole cores: answer with a whole number")
    right = _smallest_quiet()
    if value == right:
        return (
            f"{right} cores: {right - 12} more than the two apps are sized for, idle most of "
            "the time, just to absorb the CI runner's bursts. Headroom against noisy "
            "neighbours is paid for in unused hardware."
        )
    if value < 12:
        raise Wrong("the two apps are sized for 6 cores each: a server needs at least 12")
    if value < right:
        raise Wrong(
            f"with {value:g} cores the model still counts {interference(value)} app-hours of "
            "interference: try bigger servers, with server_cpu=..."
        )
    raise Wrong(
        f"{value:g} cores are quiet, but so are smaller servers: find the smallest, for "
        "example with a loop over server_cpu"
    )


q1 = Question(
    name="q1",
    checker=_saved,
    hint="Compare the servers column: one server per app against apps packed together.",
    solution=(
        't = eras.compare(eras=["bare-metal-dedicated", "bare-metal-shared"], seed=0)\n'
        'answer = t["servers"][0] - t["servers"][1]   # 16 - 5 = 11'
    ),
)

q2 = Question(
    name="q2",
    checker=_clash,
    hint=(
        "Print apps['checkout'].libraries and apps['payments'].libraries: a clash is a library "
        "both need, at different versions."
    ),
    solution=(
        'answer = {"java", "openssl"}   # java 17 against java 8, openssl 3.0 against 1.1\n'
        "# or: {lib for _, _, lib in conflicts([apps['checkout'], apps['payments']])}"
    ),
)

q3 = Question(
    name="q3",
    checker=_quiet,
    hint=(
        "Run the two-app experiment with server_cpu=13, 14, ... and look at the interference "
        "column: for cores in range(12, 25): ..."
    ),
    solution=(
        "for cores in range(12, 25):\n"
        '    t = eras.compare(pair, eras=["bare-metal-shared"], server_cpu=cores, seed=0)\n'
        '    if t["interference"][0] == 0:\n'
        "        break\n"
        "answer = cores   # 17"
    ),
)
