"""Self-checks for lesson 02 (Virtual machines): whole vCPUs, boot time in a recovery, and CPU
overcommit.

``from kube_lab.checks.lesson02 import q1, q2, q3``. Right answers come from
:mod:`kube_lab.eras` (its parameters and :func:`~kube_lab.eras.compare` with the lesson's
seed), so they stay true to the model.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any

from kube_lab.checks.core import Question, Wrong, number

__all__ = ["EC2_BOOT_S", "OVERCOMMIT", "SEED", "q1", "q2", "q3"]

#: The seed of every experiment in the lesson.
SEED = 0
#: The overcommit ratio of exercise 3.
OVERCOMMIT = 2
#: Mean Linux VM start-up on EC2 (Mao & Humphrey, IEEE CLOUD 2012), exercise 2.
EC2_BOOT_S = 96.9


# -- q1: whole vCPUs --------------------------------------------------------------------------


def _vcpus() -> tuple[int, float, float]:
    """Total vCPUs of the example workload's VMs, the cores it is sized for, and with
    overhead but before rounding."""
    from kube_lab import eras

    overhead = eras.Parameters().vm_cpu_overhead
    cores = [app.cpu for app in eras.example_workload()]
    vcpus = sum(math.ceil(c * (1 + overhead) - 1e-9) for c in cores)
    return vcpus, float(sum(cores)), sum(cores) * (1 + overhead)


def _whole_vcpus(answer: Any) -> str:
    value = number(answer, "vCPUs")
    vcpus, cores, with_overhead = _vcpus()
    if value == vcpus:
        return (
            f"{vcpus:g} vCPUs for apps sized for {cores:g} cores: every VM rounds up to whole "
            f"vCPUs, so a 4-core app with {100 * (with_overhead / cores - 1):.0f} % overhead "
            f"takes 5. That is {vcpus - cores:g} vCPUs more than the apps need: about a "
            "whole server's worth."
        )
    if value == cores:
        raise Wrong(
            f"{cores:g} cores is what the apps are sized for; a VM also pays the hypervisor's "
            "CPU overhead, and gets whole vCPUs"
        )
    if abs(value - with_overhead) < 0.5:
        raise Wrong(
            f"{with_overhead:g} includes the overhead, but a VM cannot have part of a vCPU: "
            "round each VM up to a whole number"
        )
    if value == math.ceil(with_overhead):
        raise Wrong("round each VM up on its own, not the total: 16 VMs, 16 roundings")
    raise Wrong(
        "for each app: its cores times (1 + vm_cpu_overhead), rounded up to a whole number; "
        "then add them up"
    )


# -- q3: overcommit ---------------------------------------------------------------------------


@cache
def _vm_row(overcommit: float) -> tuple[int, int, int]:
    """Servers and interference of the VM era, and bare metal shared's interference."""
    from kube_lab import eras

    t = eras.compare(
        eras=["bare-metal-shared", "virtual-machines"], vm_cpu_overcommit=overcommit, seed=SEED
    )
    return int(t["servers"][1]), int(t["interference"][1]), int(t["interference"][0])


def _pair(answer: Any) -> tuple[float, float]:
    if isinstance(answer, Mapping):
        if set(answer) != {"servers", "interference"}:
            raise Wrong('a dict needs exactly the keys "servers" and "interference"')
        values: Sequence[Any] = (answer["servers"], answer["interference"])
    elif isinstance(answer, (tuple, list)) and len(answer) == 2:
        values = answer
    else:
        raise Wrong("answer with two numbers, (servers, interference), like (7, 0)")
    return number(values[0], "servers"), number(values[1], "app-hours of interference")


def _overcommit(answer: Any) -> str:
    servers, hours = _pair(answer)
    right_servers, right_hours, shared_hours = _vm_row(OVERCOMMIT)
    plain_servers, plain_hours, _ = _vm_row(1)
    if (servers, hours) == (right_servers, right_hours):
        return (
            f"{right_servers:g} servers, as few as bare metal shared, and {right_hours:g} "
            f"app-hours of interference, more than bare metal's {shared_hours:g}: selling "
            "each core twice brings the noisy neighbour back."
        )
    if (servers, hours) == (plain_servers, plain_hours):
        raise Wrong(
            "that is the table without overcommit: run eras.compare(..., "
            f"vm_cpu_overcommit={OVERCOMMIT}, seed=0)"
        )
    if servers != right_servers:
        raise Wrong(
            "the number of servers is off: read the servers column of the virtual-machines "
            "row, with the overcommit set"
        )
    raise Wrong(
        "the servers are right; the interference column of the virtual-machines row says how "
        "many app-hours neighbours took CPU an app was sized for"
    )


# -- q2: boot time in a recovery --------------------------------------------------------------


@cache
def _recovery(boot_s: float) -> tuple[float, float]:
    from kube_lab import eras

    t = eras.compare(eras=["virtual-machines"], vm_boot_s=boot_s, seed=SEED)
    return float(t["recover_s"][0]), float(t["deploy_s"][0])


def _boot(answer: Any) -> str:
    value = number(answer, "seconds")
    right, deploy = _recovery(EC2_BOOT_S)
    default, _ = _recovery(44.2)
    if abs(value - right) <= 0.5:
        return (
            f"{right:g} s: {right - deploy:g} s to notice the host is gone, then boot and "
            "start. Far faster than rebuilding a bare-metal server (two hours), but every "
            "second of the boot is a guest operating system starting up."
        )
    if abs(value - EC2_BOOT_S) <= 0.5:
        raise Wrong(
            "the boot is one part of the recovery: first the failure must be noticed, and "
            "after the boot the app must start"
        )
    if abs(value - deploy) <= 0.5:
        raise Wrong(
            "that is deploy_s, a new VM on a healthy host; a recovery first waits to notice "
            "that the old host failed"
        )
    if abs(value - default) <= 0.5:
        raise Wrong(
            f"that is the recovery with the default boot of 44.2 s: pass vm_boot_s={EC2_BOOT_S}"
        )
    raise Wrong(
        f"run eras.compare(eras=['virtual-machines'], vm_boot_s={EC2_BOOT_S}, seed=0) and read "
        "recover_s"
    )


q1 = Question(
    name="q1",
    checker=_whole_vcpus,
    hint=(
        "A VM gets whole vCPUs: math.ceil(app.cpu * (1 + 0.03)) for each app, then sum. "
        "eras.parameters() shows vm_cpu_overhead."
    ),
    solution=(
        "import math\n"
        "answer = sum(math.ceil(app.cpu * 1.03) for app in eras.example_workload())   # 92"
    ),
)

q2 = Question(
    name="q2",
    checker=_boot,
    hint=(
        "recover_s = failure detection + VM boot + app start; eras.compare(..., "
        "vm_boot_s=96.9) computes it."
    ),
    solution=(
        "t = eras.compare(eras=['virtual-machines'], vm_boot_s=96.9, seed=0)\n"
        'answer = t["recover_s"][0]   # 50 + 96.9 + 5 = 151.9 s'
    ),
)

q3 = Question(
    name="q3",
    checker=_overcommit,
    hint=(
        "eras.compare(eras=['bare-metal-shared', 'virtual-machines'], vm_cpu_overcommit=2, "
        "seed=0): read servers and interference in the virtual-machines row."
    ),
    solution=(
        "t = eras.compare(eras=['virtual-machines'], vm_cpu_overcommit=2, seed=0)\n"
        'answer = (t["servers"][0], t["interference"][0])   # (5, 73)'
    ),
)
