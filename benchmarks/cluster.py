"""Start-up figures: ``import kube_lab`` and a small cluster reaching Running.

Run: ``python benchmarks/cluster.py``. Prints figures; asserts nothing. Targets (issue 2):
import under 0.5 s; a 3-node cluster with a 3-replica Deployment Running in under 50 ms.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time

DEPLOYMENT = """
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 3
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: nginx:1.27
        resources:
          requests: {cpu: 100m, memory: 64Mi}
"""


def import_seconds() -> float:
    """Wall time of ``import kube_lab`` in a fresh interpreter (best of five)."""
    code = "import time; t = time.perf_counter(); import kube_lab; print(time.perf_counter() - t)"
    runs = [float(subprocess.check_output([sys.executable, "-c", code])) for _ in range(5)]
    return min(runs)


def cluster_to_running_seconds() -> float:
    """Wall time from ``Cluster()`` to all three replicas Running (median of 20)."""
    import kube_lab as kl

    times = []
    for seed in range(20):
        start = time.perf_counter()
        cluster = kl.Cluster(nodes=3, seed=seed)
        cluster.apply(DEPLOYMENT)
        running = cluster.run_until(
            lambda c=cluster: (
                sum(p.get("status", {}).get("phase") == "Running" for p in c.list("pods")) == 3
            ),
            timeout=60,
        )
        times.append(time.perf_counter() - start)
        assert running, "the Deployment did not reach Running"
    return statistics.median(times)


def main() -> None:
    print(
        f"import kube_lab:                       {import_seconds() * 1000:7.1f} ms  (target < 500)"
    )
    print(
        f"3 nodes + 3-replica Deployment Running: {cluster_to_running_seconds() * 1000:6.1f} ms"
        "  (target < 50, median of 20 seeds)"
    )


if __name__ == "__main__":
    main()
