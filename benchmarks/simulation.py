"""How fast the simulated cluster runs: simulated seconds per wall second, and traffic.

Run: ``python benchmarks/simulation.py``. Prints figures; asserts nothing. Targets (issue 3):
a 100-node cluster with 2,000 pods under load with an autoscaler runs at least 1,000x real
time; one ``send_traffic`` of 1,000,000 requests is vectorised (milliseconds, not seconds).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from conftest import deployment, hpa, service

import kube_lab as kl


def build(nodes: int, pods: int) -> kl.Cluster:
    cluster = kl.Cluster(nodes=nodes, node_cpu="32", node_memory="128Gi")
    apps = 20
    for i in range(apps):
        name = f"app-{i}"
        cluster.apply([deployment(name, replicas=pods // apps), service(name)])
    cluster.apply(hpa("app-0", target="app-0", low=pods // apps, high=pods // apps * 2))
    cluster.run(60)
    for i in range(apps):
        cluster.set_load(f"app-{i}", rps=500)
    return cluster


def main() -> None:
    start = time.perf_counter()
    cluster = build(100, 2000)
    setup = time.perf_counter() - start
    running = sum(p["status"].get("phase") == "Running" for p in cluster.list("pods", None))
    print(f"setup: 100 nodes, {running} pods Running in {setup:.2f} s wall")
    simulated = 600
    start = time.perf_counter()
    cluster.run(simulated)
    wall = time.perf_counter() - start
    print(
        f"steady state under load with an HPA: {simulated} simulated s in {wall:.2f} s wall"
        f" = {simulated / wall:,.0f}x real time (target >= 1,000x)"
    )
    start = time.perf_counter()
    traffic = cluster.send_traffic("app-1", 1_000_000)
    took = time.perf_counter() - start
    print(f"send_traffic 1,000,000 requests over {len(traffic)} endpoints: {took * 1000:.1f} ms")


if __name__ == "__main__":
    main()
