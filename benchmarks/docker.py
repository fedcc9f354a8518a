"""Pod start-to-Running latency: the Docker runtime next to the simulated one.

    .venv/bin/python benchmarks/docker.py [--pods 10]

For each runtime: pods created one at a time (each waits for the previous to run), then a
Deployment of ``--pods`` replicas at once. Latency is from ``apply`` to the pod's phase
``Running``: for Docker in wall seconds (sandbox + container created and started on a real
engine, images already built), for the simulated runtime in cluster seconds (the seeded
pull and start times a learner sees; the wall time it costs is microseconds). Target for
Docker: under 1 s a pod on a 2-core machine.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

# This file is named docker.py: its folder must not stay first on sys.path, or it would
# shadow the Docker SDK. The repository root takes its place.
sys.path[0] = str(Path(__file__).resolve().parents[1])

import kube_lab as kl  # noqa: E402
from kube_lab import images  # noqa: E402
from kube_lab.kubelet import docker as docker_runtime  # noqa: E402

IMAGE = "kube-lab/web:1"


def pod(name: str) -> dict:
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name},
        "spec": {"containers": [{"name": "web", "image": IMAGE, "ports": [{"containerPort": 80}]}]},
    }


def deployment(replicas: int) -> dict:
    template = pod("x")
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "batch"},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": {"app": "batch"}},
            "template": {"metadata": {"labels": {"app": "batch"}}, "spec": template["spec"]},
        },
    }


def running(cluster: kl.Cluster) -> set[str]:
    return {
        p["metadata"]["name"]
        for p in cluster.list("pods")
        if p.get("status", {}).get("phase") == "Running"
    }


def measure(cluster: kl.Cluster, pods: int) -> tuple[list[float], list[float], float]:
    """(one-at-a-time latencies, batch latencies, wall seconds of the whole run)."""
    wall = time.perf_counter()
    single = []
    for index in range(pods):
        name = f"single-{index}"
        began = cluster.now
        cluster.apply(pod(name))
        assert cluster.run_until(lambda n=name: n in running(cluster), timeout=60)
        single.append(cluster.now - began)
    began = cluster.now
    cluster.apply(deployment(pods))
    seen: dict[str, float] = {}

    def all_running() -> bool:
        for name in running(cluster):
            if name.startswith("batch-"):
                seen.setdefault(name, cluster.now - began)
        return len(seen) == pods

    assert cluster.run_until(all_running, timeout=120)
    return single, sorted(seen.values()), time.perf_counter() - wall


def summary(latencies: list[float]) -> str:
    ordered = sorted(latencies)
    p90 = ordered[min(len(ordered) - 1, int(0.9 * len(ordered)))]
    return f"median {statistics.median(ordered):6.3f}  p90 {p90:6.3f}  max {ordered[-1]:6.3f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pods", type=int, default=10)
    args = parser.parse_args()
    rows = []
    simulated = kl.Cluster(nodes=2, seed=0)
    single, batch, wall = measure(simulated, args.pods)
    rows.append(("simulated", "cluster s", single, batch, wall))
    if kl.docker_available():
        client = docker_runtime.connect()
        for image in (IMAGE, images.PAUSE_IMAGE):
            images.ensure(client, image)  # measure starts, not the one-time build
        client.close()
        with kl.Cluster(nodes=2, runtime="docker") as cluster:
            single, batch, wall = measure(cluster, args.pods)
        rows.append(("docker", "wall s", single, batch, wall))
    else:
        print("no Docker engine answers: docker rows skipped (bash scripts/docker-engine.sh start)")
    print(f"pod start-to-Running latency, {args.pods} pods one at a time, then {args.pods} at once")
    for name, unit, single, batch, wall in rows:
        print(f"{name:9}  one at a time ({unit}): {summary(single)}")
        print(f"{'':9}  {args.pods} at once     ({unit}): {summary(batch)}")
        print(f"{'':9}  whole run: {wall:.2f} wall s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
