"""Drawing figures: the cluster diagram, one dashboard step, the large-cluster summary.

Run: ``python benchmarks/viz.py``. Prints figures; asserts nothing. Targets (issue 5): draw a
20-node, 200-pod cluster including Graphviz's ``dot`` in under 100 ms; one dashboard step
for it in under 200 ms; a 1,000-node summary view in under 1 s. Each figure is the median
of several runs, after one warm-up (the first call imports graphviz, matplotlib and
ipywidgets).
"""

from __future__ import annotations

import io
import statistics
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kube_lab.cluster import Cluster

RUNS = 10


def deployment(name: str, replicas: int, cpu: str) -> str:
    return f"""
apiVersion: apps/v1
kind: Deployment
metadata: {{name: {name}}}
spec:
  replicas: {replicas}
  selector: {{matchLabels: {{app: {name}}}}}
  template:
    metadata: {{labels: {{app: {name}}}}}
    spec:
      containers:
      - name: {name}
        image: nginx:1.27
        resources: {{requests: {{cpu: {cpu}, memory: 64Mi}}}}
---
apiVersion: v1
kind: Service
metadata: {{name: {name}}}
spec:
  selector: {{app: {name}}}
  ports: [{{port: 80}}]
"""


def cluster(*, nodes: int, deployments: int, replicas: int, cpu: str) -> Cluster:
    """``deployments`` Deployments (each behind a Service), one node failed, one cordoned."""
    import kube_lab as kl

    c = kl.Cluster(nodes=nodes, node_cpu="8", seed=0)
    for index in range(deployments):
        c.apply(deployment(f"app-{index}", replicas, cpu))
    c.run(30)
    c.fail_node("node-2")
    c.kubectl("cordon node-3")
    c.run(60)
    return c


def median_ms(action: Callable[[], object], runs: int = RUNS) -> float:
    action()  # warm up
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return 1000 * statistics.median(times)


def main() -> None:
    small = cluster(nodes=20, deployments=4, replicas=50, cpu="100m")
    pods = len(small.list("pods", None))
    draw = median_ms(lambda: small.show().svg())
    print(f"cluster diagram, 20 nodes, {pods} pods, with dot: {draw:.0f} ms (target < 100 ms)")

    dashboard = small.dashboard(speed=1)
    step = median_ms(dashboard.step)
    print(f"dashboard step, 20 nodes, {pods} pods:           {step:.0f} ms (target < 200 ms)")
    plain = small.dashboard(speed=1, architecture=False)
    step_plain = median_ms(plain.step)
    print(f"  without the architecture diagram:             {step_plain:.0f} ms")

    start = time.perf_counter()
    large = cluster(nodes=1000, deployments=10, replicas=100, cpu="500m")
    setup = time.perf_counter() - start
    pods = len(large.list("pods", None))
    summary = median_ms(lambda: large.show().svg(), runs=5)
    print(
        f"summary view, 1,000 nodes, {pods} pods, with dot: {summary:.0f} ms (target < 1000 ms)"
        f"  [cluster set-up {setup:.1f} s, not counted]"
    )
    from kube_lab.viz.cluster import node_heatmap

    heatmap = median_ms(lambda: node_heatmap(large).savefig(io.BytesIO()), runs=3)
    print(f"  the same as a matplotlib heat map (PNG):      {heatmap:.0f} ms")


if __name__ == "__main__":
    main()
