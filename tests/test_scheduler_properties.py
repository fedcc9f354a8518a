"""Scheduler invariants on random clusters (hypothesis), and vectorised == reference loop."""

from __future__ import annotations

import random
from typing import Any

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_scheduler_support import Lab

from kube_lab.api.meta import get_condition
from kube_lab.scheduler.framework import SNAPSHOT, ColumnScorePlugin, CycleState, NodesScorePlugin
from kube_lab.scheduler.podinfo import TemplateCache, pod_requests
from kube_lab.scheduler.podinfo import resource_amount as amount
from kube_lab.scheduler.reference import ReferenceAlgorithm
from kube_lab.scheduler.vectorised import VectorisedAlgorithm

fast = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
slow = settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])

GPU_TAINT = {"key": "dedicated", "value": "gpu", "effect": "NoSchedule"}
SPOT_TAINT = {"key": "spot", "effect": "PreferNoSchedule"}

nodes = st.fixed_dictionaries(
    {
        "cpu": st.sampled_from(["500m", "1", "2", "4"]),
        "memory": st.sampled_from(["1Gi", "2Gi", "4Gi"]),
        "pods": st.integers(min_value=1, max_value=8),
        "zone": st.sampled_from([None, "a", "b", "c"]),
        "disk": st.sampled_from([None, "ssd", "hdd"]),
        "taint": st.sampled_from([None, None, "gpu", "spot"]),
        "unschedulable": st.sampled_from([False, False, False, True]),
    }
)
pods = st.fixed_dictionaries(
    {
        "cpu": st.sampled_from([None, "100m", "250m", "500m", "1", "2"]),
        "memory": st.sampled_from([None, "128Mi", "512Mi", "1Gi"]),
        "owner": st.sampled_from([None, 0, 0, 1, 2]),
        "ssd": st.sampled_from([False, False, True]),
        "prefer_zone": st.sampled_from([None, None, "a"]),
        "tolerate_gpu": st.booleans(),
        "priority": st.sampled_from([0, 0, 10]),
    }
)
operations = st.tuples(
    st.lists(st.tuples(st.just("node"), nodes), min_size=2, max_size=8),
    st.lists(
        st.one_of(
            st.tuples(st.just("pod"), pods),
            st.tuples(st.just("pod"), pods),
            st.tuples(st.just("pod"), pods),
            st.tuples(st.just("node"), nodes),
            st.tuples(st.just("delete"), st.integers(min_value=0, max_value=40)),
            st.tuples(st.just("terminate"), st.integers(min_value=0, max_value=40)),
            st.tuples(st.just("untaint"), st.integers(min_value=0, max_value=10)),
            st.tuples(st.just("run"), st.sampled_from([0, 1, 5, 30])),
        ),
        min_size=1,
        max_size=60,
    ),
).map(lambda parts: parts[0] + parts[1])


def _pod_spec(spec: dict[str, Any]) -> dict[str, Any]:
    extra: dict[str, Any] = {"priority": spec["priority"]}
    if spec["ssd"]:
        extra["nodeSelector"] = {"disk": "ssd"}
    if spec["tolerate_gpu"]:
        extra["tolerations"] = [{"key": "dedicated", "operator": "Exists"}]
    if spec["prefer_zone"]:
        term = {"key": "topology.kubernetes.io/zone", "operator": "In", "values": ["a"]}
        extra["affinity"] = {
            "nodeAffinity": {
                "preferredDuringSchedulingIgnoredDuringExecution": [
                    {"weight": 10, "preference": {"matchExpressions": [term]}}
                ]
            }
        }
    return extra


def play(ops: list[tuple[str, Any]], **lab_args: Any) -> Lab:
    """Apply the operations to a fresh cluster, then let a minute pass."""
    lab = Lab(**lab_args)
    owners = [lab.replica_set(f"rs{i}", {"app": f"app{i}", "hash": str(i)}) for i in range(3)]
    node_count = pod_count = 0
    for op, arg in ops:
        if op == "node":
            labels = {k: v for k, v in (("disk", arg["disk"]),) if v}
            if arg["zone"]:
                labels["topology.kubernetes.io/zone"] = arg["zone"]
            taint = {"gpu": GPU_TAINT, "spot": SPOT_TAINT}.get(arg["taint"] or "")
            lab.node(
                f"node-{node_count}",
                cpu=arg["cpu"],
                memory=arg["memory"],
                pods=arg["pods"],
                labels=labels,
                taints=[taint] if taint else None,
                unschedulable=arg["unschedulable"],
            )
            node_count += 1
        elif op == "pod":
            owner = owners[arg["owner"]] if arg["owner"] is not None else None
            lab.pod(
                f"pod-{pod_count}",
                cpu=arg["cpu"],
                memory=arg["memory"],
                owner=owner,
                **_pod_spec(arg),
            )
            pod_count += 1
        elif op == "delete":
            name = f"pod-{arg}"
            if lab.store.peek("Pod", name, "default") is not None:
                lab.store.delete("Pod", name, "default", grace_seconds=0)
        elif op == "terminate":
            # No kubelet here: a bound pod stays Terminating, holding its resources.
            name = f"pod-{arg}"
            if lab.store.peek("Pod", name, "default") is not None:
                lab.store.delete("Pod", name, "default")
        elif op == "untaint" and arg < node_count:
            node = lab.store.get("Node", f"node-{arg}")
            node["spec"].pop("taints", None)
            node["spec"].pop("unschedulable", None)
            lab.store.update(node)
        elif op == "run":
            lab.run(arg)
    lab.run(60)
    return lab


def outcome(lab: Lab) -> dict[str, str]:
    """Each pod's node, or its latest FailedScheduling message."""
    result = {}
    for pod in lab.store.list("Pod"):
        name = pod["metadata"]["name"]
        result[name] = pod["spec"].get("nodeName") or lab.failed_message(name)
    return result


@fast
@given(ops=operations, seed=st.integers(min_value=0, max_value=1000))
def test_no_node_is_overcommitted_and_every_pod_is_bound_or_pending_with_a_reason(ops, seed):
    lab = play(ops, seed=seed)
    pods = lab.store.list("Pod")
    for node in lab.store.list("Node"):
        name = node["metadata"]["name"]
        allocatable = node["status"]["allocatable"]
        placed = [p for p in pods if p["spec"].get("nodeName") == name]
        assert len(placed) <= int(allocatable["pods"])
        for resource in ("cpu", "memory"):
            requested = sum(pod_requests(p["spec"]).get(resource, 0) for p in placed)
            assert requested <= amount(resource, allocatable[resource])
    node_names = {n["metadata"]["name"] for n in lab.store.list("Node")}
    for pod in pods:
        name = pod["metadata"]["name"]
        condition = get_condition(pod, "PodScheduled")
        assert condition is not None
        if pod["spec"].get("nodeName"):
            assert pod["spec"]["nodeName"] in node_names
            assert condition["status"] == "True"
            assert len(lab.events("Scheduled", name)) == 1
        else:
            assert (condition["status"], condition["reason"]) == ("False", "Unschedulable")
            assert condition["message"] == lab.failed_message(name)


@fast
@given(ops=operations, seed=st.integers(min_value=0, max_value=1000))
def test_vectorised_and_reference_loop_place_pods_identically(ops, seed):
    vectorised = outcome(play(ops, seed=seed))
    assert outcome(play(ops, seed=seed, algorithm="reference")) == vectorised
    assert outcome(play(ops, seed=seed)) == vectorised  # same seed, same placements


@slow
@given(
    sizes=st.lists(st.sampled_from(["250m", "1", "2", "4"]), min_size=100, max_size=260),
    pods=st.lists(
        st.tuples(st.sampled_from(["100m", "500m", "1500m"]), st.sampled_from([None, 0, 1])),
        min_size=1,
        max_size=60,
    ),
    percentage=st.sampled_from([0, 5, 30]),
    seed=st.integers(min_value=0, max_value=1000),
)
def test_scoring_a_share_of_a_large_cluster_matches_the_reference_loop(
    sizes, pods, percentage, seed
):
    """With 100+ nodes the scan stops early and resumes where it stopped."""

    def run(algorithm: str) -> dict[str, str]:
        lab = Lab(seed=seed, algorithm=algorithm, percentage_of_nodes_to_score=percentage)
        owners = [lab.replica_set(f"rs{i}", {"app": f"a{i}"}) for i in range(2)]
        for i, cpu in enumerate(sizes):
            lab.node(f"node-{i}", cpu=cpu, labels={"topology.kubernetes.io/zone": "abc"[i % 3]})
        for i, (cpu, owner) in enumerate(pods):
            lab.pod(f"pod-{i}", cpu=cpu, owner=None if owner is None else owners[owner])
        lab.run(1)
        return outcome(lab)

    assert run("vectorised") == run("reference")


incoming_pods = pods.flatmap(
    lambda p: st.fixed_dictionaries(
        {"owner": st.sampled_from([0, 0, 1, None]), "ssd": st.booleans()}
    ).map(lambda extra: {**p, **extra})
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    ops=operations,
    incoming=incoming_pods,
    seed=st.integers(min_value=0, max_value=1000),
)
def test_every_plugin_scores_each_node_the_same_vectorised_and_per_node(ops, incoming, seed):
    """Plugin by plugin, over every feasible node: the numpy path equals the per-node one."""
    lab = play(ops, seed=seed)
    scheduler = lab.scheduler
    table = scheduler.table
    table.refresh()
    reference = ReferenceAlgorithm(
        scheduler.profile, store=lab.store, node_order=lambda: table.names, rng=random.Random()
    )
    reference.begin_batch()
    infos = reference._infos
    owner = lab.store.peek("ReplicaSet", f"rs{incoming['owner']}", "default")
    manifest = lab.pod(
        "incoming",
        cpu=incoming["cpu"],
        memory=incoming["memory"],
        owner=None if incoming["owner"] is None else owner,
        schedulerName="nobody",  # keep it pending: we only ask the plugins
        **_pod_spec(incoming),
    )
    pod = TemplateCache().pod_info(manifest)
    state = CycleState()
    state.write(SNAPSHOT, infos)
    feasible = [
        row
        for row, info in enumerate(infos)
        if all(p.filter(state, pod, node=info).is_success for p in scheduler.profile.filters)
    ]
    algorithm = scheduler.algorithm
    assert isinstance(algorithm, VectorisedAlgorithm)
    plan = algorithm._plan(pod)
    verdict = algorithm._static_verdict(pod)
    column = algorithm._feasible(pod, plan, verdict=verdict, window=None)
    assert list(column.nonzero()[0]) == feasible
    if len(feasible) < 2:
        return
    rows = np.array(feasible, dtype=np.intp)
    nodes_state = CycleState()
    for plugin, _ in scheduler.profile.scores:
        expected = None
        if not plugin.pre_score(state, pod, nodes=[infos[r] for r in feasible]).is_skip:
            raw = [plugin.score(state, pod, node=infos[r]) for r in feasible]
            expected = plugin.normalize_score(state, pod, scores=raw)
        if isinstance(plugin, ColumnScorePlugin):
            sign = plugin.score_sign(pod)
            got = None if sign is None else list(plugin.rows_score(pod, table, rows=rows))
            assert got is None or got == [plugin.row_score(pod, table, row=r) for r in feasible]
        else:
            assert isinstance(plugin, NodesScorePlugin)
            skip = plugin.pre_score_nodes(
                nodes_state, pod, table=table, rows=rows, count=len(rows)
            ).is_skip
            got = None
            if not skip:
                scores = plugin.score_nodes(nodes_state, pod, table=table, rows=rows)
                got = list(plugin.normalize_scores(nodes_state, pod, scores=scores))
            if skip and expected is not None:
                # Skipped as constant: every node scores the same, which changes no choice.
                assert len(set(expected)) == 1
                continue
        assert got == expected, plugin.name
