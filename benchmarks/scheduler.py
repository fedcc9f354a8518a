"""Scheduler throughput: how many pods per second kube-lab's scheduler places at Borg-cell scale.

Run ``python benchmarks/scheduler.py [--pods N --nodes M]`` (defaults: 150,000 pods onto
5,000 nodes). Nodes and pods follow kube-scheduler's ``scheduler_perf`` SchedulingBasic
templates (nodes: 4 CPU, 32Gi, 110 pods, here in three zones; pods: 100m CPU, 500Mi). Two
workloads: ``basic`` is SchedulingBasic's, plain pods; ``replicasets`` gives the pods to
ReplicaSets of 100 replicas (the objects exist in the store), so PodTopologySpread's default
constraints spread them too, which costs more per pod.

Everything goes through the store, as on a real cluster: pods are created in the store (in
waves of 5,000), the scheduler learns of them from the watch stream, schedules them in its
engine callback, binds each with ``pods/binding`` and records a ``Scheduled`` event. Three
rates: the scheduling cycles alone, scheduling with the store writes (bind, event), and end
to end with the pods' creation. Wall-clock figures, with this single-threaded process's CPU
time beside them (they agree on an idle machine).

A second measurement compares the vectorised scheduler with the plain per-node reference
loop on a smaller sample of the ReplicaSet workload (same nodes, each from an empty
cluster), and checks both placed every pod alike. Prints figures only; asserts nothing.
"""

from __future__ import annotations

import argparse
import gc
import time
from typing import Any

from kube_lab.api.defaults import apply_defaults
from kube_lab.engine import Engine
from kube_lab.events import EventRecorder
from kube_lab.kubelet.kubelet import node_object
from kube_lab.scheduler import Scheduler
from kube_lab.store import Store

ZONES = ("zone-a", "zone-b", "zone-c")
REPLICAS_PER_SET = 100
WAVE = 5_000


def node(index: int) -> dict[str, Any]:
    """The Node a kubelet registers, in one of three zones."""
    return node_object(
        name=f"node-{index}",
        cpu="4",
        memory="32Gi",
        pods=110,
        index=index,
        labels={"topology.kubernetes.io/zone": ZONES[index % len(ZONES)]},
    )


def replica_set(index: int) -> dict[str, Any]:
    labels = {"app": f"app-{index}", "pod-template-hash": f"{index:08x}"}
    return {
        "apiVersion": "apps/v1",
        "kind": "ReplicaSet",
        "metadata": {"name": f"app-{index}-{index:08x}", "namespace": "default"},
        "spec": {
            "replicas": REPLICAS_PER_SET,
            "selector": {"matchLabels": labels},
            "template": {"metadata": {"labels": labels}},
        },
    }


def pod(index: int, owner: dict[str, Any] | None) -> dict[str, Any]:
    """A plain pod, or a replica of ``owner``, defaulted as the API server stores it."""
    metadata: dict[str, Any] = {"name": f"pod-{index:06d}", "namespace": "default"}
    if owner is not None:
        meta = owner["metadata"]
        metadata["name"] = f"{meta['name']}-{index:06d}"
        metadata["labels"] = dict(owner["spec"]["selector"]["matchLabels"])
        metadata["ownerReferences"] = [
            {
                "apiVersion": "apps/v1",
                "kind": "ReplicaSet",
                "name": meta["name"],
                "uid": meta["uid"],
                "controller": True,
                "blockOwnerDeletion": True,
            }
        ]
    return apply_defaults(
        {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": metadata,
            "spec": {
                "containers": [
                    {
                        "name": "pause",
                        "image": "registry.k8s.io/pause:3.10",
                        "resources": {"requests": {"cpu": "100m", "memory": "500Mi"}},
                    }
                ]
            },
        }
    )


class Bench:
    """One cluster: a store, an engine, an event recorder and a scheduler."""

    def __init__(
        self,
        *,
        nodes: int,
        workload: str = "replicasets",
        algorithm: str = "vectorised",
        freeze: bool = True,
    ) -> None:
        self.engine = Engine(seed=1)
        self.store = Store(clock=lambda: self.engine.now, seed=1)
        self.recorder = EventRecorder(self.store, lambda: self.engine.now)
        self.store.create(
            {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "default"}}
        )
        self.scheduler = Scheduler(
            store=self.store,
            engine=self.engine,
            recorder=self.recorder,
            algorithm="reference" if algorithm == "reference" else "vectorised",
        )
        for i in range(nodes):
            self.store.create(node(i))
        self.freeze = freeze
        self.workload = workload
        self.owners: list[dict[str, Any]] = []
        # Wall-clock seconds, and this (single-threaded) process's CPU seconds: the two agree
        # on an idle machine; on a busy one the CPU figures are the fair ones.
        self.create_seconds = self.create_cpu = 0.0
        self.schedule_seconds = self.schedule_cpu = 0.0
        self.cycle_seconds = 0.0
        self._time_cycles()

    def _time_cycles(self) -> None:
        """Time the scheduling cycles alone (filter, score, select), without bind and event."""
        algorithm = self.scheduler.algorithm
        cycle = algorithm.schedule

        def timed(pod: Any) -> Any:
            t0 = time.perf_counter()
            result = cycle(pod)
            self.cycle_seconds += time.perf_counter() - t0
            return result

        algorithm.schedule = timed  # type: ignore[method-assign]

    def pods(self, low: int, high: int) -> list[dict[str, Any]]:
        """Manifests of pods ``low`` .. ``high - 1`` (ReplicaSets created as needed)."""
        if self.workload == "basic":
            return [pod(i, None) for i in range(low, high)]
        while len(self.owners) * REPLICAS_PER_SET < high:
            self.owners.append(self.store.create(replica_set(len(self.owners))))
        return [pod(i, self.owners[i // REPLICAS_PER_SET]) for i in range(low, high)]

    def run(self, count: int, *, wave: int = WAVE) -> None:
        """Create ``count`` pods in waves; after each, let the scheduler place the queue.

        Manifests are built per wave outside the timings, so the harness keeps no extra
        dicts alive. With ``freeze``, objects alive after a wave (the store's pods, events
        and nodes) are moved out of the cyclic garbage collector's reach (``gc.freeze``),
        as a long-running service with a large, long-lived heap would; otherwise every full
        collection walks the whole store again.
        """
        for low in range(0, count, wave):
            manifests = self.pods(low, min(low + wave, count))
            t0, c0 = time.perf_counter(), time.process_time()
            for p in manifests:
                self.store.create(p)
            t1, c1 = time.perf_counter(), time.process_time()
            self.engine.run(0)  # the scheduler's callback: schedule and bind the queue
            t2, c2 = time.perf_counter(), time.process_time()
            self.create_seconds += t1 - t0
            self.create_cpu += c1 - c0
            self.schedule_seconds += t2 - t1
            self.schedule_cpu += c2 - c1
            del manifests
            if self.freeze:
                gc.freeze()

    def placements(self) -> dict[str, str]:
        return {
            p["metadata"]["name"]: p["spec"].get("nodeName", "") for p in self.store.list("Pod")
        }


def rate(count: int, seconds: float, cpu: float | None = None) -> str:
    text = f"{seconds:7.2f} s {count / seconds:9,.0f} pods/s"
    if cpu is not None:
        text += f"   (CPU {cpu:6.2f} s {count / cpu:9,.0f} pods/s)"
    return text


def throughput(*, workload: str, pods: int, nodes: int, freeze: bool) -> None:
    """Place ``pods`` pods of one workload and print the rates."""
    title = (
        "plain pods (SchedulingBasic)"
        if workload == "basic"
        else f"ReplicaSets of {REPLICAS_PER_SET} replicas, spread by PodTopologySpread"
    )
    print(f"\n{title}: {pods:,} pods onto {nodes:,} nodes")
    bench = Bench(nodes=nodes, workload=workload, freeze=freeze)
    bench.run(pods)
    stats = bench.scheduler.stats
    counts: dict[str, int] = {}
    for name in bench.placements().values():
        counts[name] = counts.get(name, 0) + 1
    print(
        f"  bound {stats.scheduled:,}, unschedulable {stats.failed:,};"
        f" pods per node {min(counts.values())}..{max(counts.values())}"
    )
    n = stats.scheduled
    wall = bench.create_seconds + bench.schedule_seconds
    cpu = bench.create_cpu + bench.schedule_cpu
    schedule = rate(n, bench.schedule_seconds, bench.schedule_cpu)
    print(f"  scheduling cycles (filter, score, pick)      {rate(n, bench.cycle_seconds)}")
    print(f"  scheduling (+ assume, bind, Scheduled event) {schedule}")
    print(f"  end to end (+ store.create of every pod)     {rate(n, wall, cpu)}")
    del bench
    gc.unfreeze()
    gc.collect()


def loop_ratio(*, sample: int, nodes: int, freeze: bool) -> None:
    """The vectorised scheduler against the per-node reference loop, same pods and nodes."""
    print(
        f"\nvectorised vs the plain per-node loop: the first {sample:,} ReplicaSet pods,"
        f" each run on a fresh {nodes:,}-node cluster"
    )
    results = {}
    for algorithm in ("vectorised", "reference"):
        run = Bench(nodes=nodes, algorithm=algorithm, freeze=freeze)
        run.run(sample, wave=sample)
        results[algorithm] = run
        label = "vectorised" if algorithm == "vectorised" else "per-node loop"
        print(
            f"  {label:<13} cycles {rate(sample, run.cycle_seconds)};"
            f" with bind and event {rate(sample, run.schedule_seconds)}"
        )
        gc.unfreeze()
    fast, slow = results["vectorised"], results["reference"]
    print(
        f"  the vectorised cycle is {slow.cycle_seconds / fast.cycle_seconds:.0f}x faster"
        f" ({slow.schedule_seconds / fast.schedule_seconds:.0f}x with bind and event);"
        f" same placements: {'yes' if fast.placements() == slow.placements() else 'NO'}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pods", type=int, default=150_000)
    parser.add_argument("--nodes", type=int, default=5_000)
    parser.add_argument("--sample", type=int, default=1_000, help="pods for the loop ratio")
    parser.add_argument("--workload", choices=("basic", "replicasets", "both"), default="both")
    parser.add_argument(
        "--no-freeze", action="store_true", help="leave the garbage collector as it is"
    )
    args = parser.parse_args()
    freeze = not args.no_freeze
    print(f"kube-lab scheduler benchmark; nodes in {len(ZONES)} zones")
    print(f"  pods reach the store in waves of {WAVE:,}; each wave is one scheduler callback")
    print(
        "  garbage collector: "
        + ("long-lived objects frozen after each wave (gc.freeze)" if freeze else "untouched")
    )
    print("  for scale: kube-scheduler's SchedulingBasic on 5,000 nodes runs at 680-810 pods/s")
    workloads = ("basic", "replicasets") if args.workload == "both" else (args.workload,)
    for workload in workloads:
        throughput(workload=workload, pods=args.pods, nodes=args.nodes, freeze=freeze)
    loop_ratio(sample=min(args.sample, args.pods), nodes=args.nodes, freeze=freeze)


if __name__ == "__main__":
    main()
