"""The Omega decision-time sweep (Omega §4, Figures 5-8), in full.

Run: ``.venv/bin/python benchmarks/omega.py``. Prints figures; asserts nothing.

Four architectures (monolithic single-path and multi-path, two-level, shared-state), nine
values of the service scheduler's t_job from 0.01 s to 100 s, on the simulator's example cell
(10,000 machines, pre-filled to 60 %). The paper simulates 7 days per point; this benchmark
simulates one day per point (HOURS), which is enough for every configuration to reach its
steady state or saturate. Target: the whole sweep in under 2 minutes.
"""

from __future__ import annotations

import os
import time

from kube_lab import omega

HOURS = 24
T_JOB_SERVICE = (0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0, 30.0, 100.0)


def main() -> None:
    print(f"load average at start: {os.getloadavg()[0]:.2f} (other processes share the cores)")
    start = time.perf_counter()
    table = omega.sweep_decision_time(t_job_service=T_JOB_SERVICE, hours=HOURS, seed=0)
    seconds = time.perf_counter() - start
    points = len(omega.ARCHITECTURES) * len(T_JOB_SERVICE)
    print(
        table.select(
            "architecture",
            "t_job_service",
            "workload",
            "scheduled",
            "abandoned",
            "wait_time",
            "busyness",
            "conflict_fraction",
        )
    )
    print(
        f"\n{points} simulations of {HOURS} simulated hours each (the paper: 7 days) in "
        f"{seconds:.0f} s (target: under 120 s), {seconds / points:.1f} s per point"
    )
    service = table.where(architecture="shared-state", workload="service")
    at = dict(
        zip(service["t_job_service"].tolist(), service["conflict_fraction"].tolist(), strict=True)
    )
    print(
        "shared-state service conflict fraction: "
        + ", ".join(f"{t:g} s: {c:.3f}" for t, c in at.items())
    )


if __name__ == "__main__":
    main()
