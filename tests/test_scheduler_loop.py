"""The scheduler through the store: binding, events, failure messages, retries, spreading."""

from __future__ import annotations

import pytest
from test_scheduler_support import Lab

NO_VICTIMS = "No preemption victims found for incoming pod"
NOT_HELPFUL = "Preemption is not helpful for scheduling"


@pytest.fixture(params=["vectorised", "reference"])
def algorithm(request):
    """Every behaviour holds for the numpy scheduler and for the per-node reference loop."""
    return request.param


def test_a_pending_pod_is_bound_with_a_scheduled_event(algorithm):
    lab = Lab(algorithm=algorithm)
    lab.node("node-1")
    lab.pod("web-abc", cpu="100m")
    lab.run()
    assert lab.node_of("web-abc") == "node-1"
    (event,) = lab.events("Scheduled", "web-abc")
    assert event["type"] == "Normal"
    assert event["message"] == "Successfully assigned default/web-abc to node-1"
    assert event["source"]["component"] == "default-scheduler"
    assert lab.scheduled_condition("web-abc")["status"] == "True"


def test_three_nodes_without_room_give_kube_schedulers_failed_scheduling_message(algorithm):
    lab = Lab(algorithm=algorithm)
    for i in (1, 2, 3):
        lab.node(f"node-{i}")
        lab.pod(f"busy-{i}", cpu="3", nodeName=f"node-{i}")
    lab.pod("web", cpu="2")
    lab.run()
    expected = (
        f"0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: "
        f"3 {NO_VICTIMS}."
    )
    assert lab.node_of("web") is None
    (event,) = lab.events("FailedScheduling", "web")
    assert (event["type"], event["message"]) == ("Warning", expected)
    condition = lab.scheduled_condition("web")
    assert condition["status"] == "False"
    assert condition["reason"] == "Unschedulable"
    assert condition["message"] == expected


def test_reasons_from_several_filters_are_counted_and_sorted(algorithm):
    lab = Lab(algorithm=algorithm)
    lab.node("node-1", unschedulable=True)
    for i in (2, 3):
        lab.node(f"node-{i}")
        lab.pod(f"busy-{i}", cpu="3", nodeName=f"node-{i}")
    lab.pod("web", cpu="2")
    lab.run()
    assert lab.failed_message("web") == (
        "0/3 nodes are available: 1 node(s) were unschedulable, 2 Insufficient cpu. "
        f"preemption: 0/3 nodes are available: 1 {NOT_HELPFUL}, 2 {NO_VICTIMS}."
    )


def test_a_pod_bigger_than_every_node_cannot_be_helped_by_preemption(algorithm):
    lab = Lab(algorithm=algorithm)
    lab.node("node-1")
    lab.pod("huge", cpu="8", memory="16Gi")
    lab.run()
    assert lab.failed_message("huge") == (
        "0/1 nodes are available: 1 Insufficient cpu, 1 Insufficient memory. "
        f"preemption: 0/1 nodes are available: 1 {NOT_HELPFUL}."
    )


def test_untolerated_taint_and_selector_mismatch_are_named(algorithm):
    lab = Lab(algorithm=algorithm)
    lab.node("node-1", taints=[{"key": "dedicated", "value": "gpu", "effect": "NoSchedule"}])
    lab.node("node-2", labels={"disk": "hdd"})
    lab.pod("web", nodeSelector={"disk": "ssd"})
    lab.run()
    assert lab.failed_message("web") == (
        "0/2 nodes are available: 1 node(s) didn't match Pod's node affinity/selector, "
        "1 node(s) had untolerated taint {dedicated: gpu}. "
        f"preemption: 0/2 nodes are available: 2 {NOT_HELPFUL}."
    )


def test_a_pod_that_may_not_preempt_says_so(algorithm):
    lab = Lab(algorithm=algorithm)
    lab.node("node-1")
    lab.pod("busy", cpu="3", nodeName="node-1")
    lab.pod("web", cpu="2", preemptionPolicy="Never")
    lab.run()
    assert lab.failed_message("web") == (
        "0/1 nodes are available: 1 Insufficient cpu. "
        "preemption: not eligible due to preemptionPolicy=Never."
    )


def test_no_nodes_at_all(algorithm):
    lab = Lab(algorithm=algorithm)
    lab.pod("web")
    lab.run()
    assert lab.failed_message("web") == "no nodes available to schedule pods"


def test_an_unschedulable_pod_is_retried_when_a_node_is_added(algorithm):
    lab = Lab(algorithm=algorithm)
    lab.node("node-1", cpu="1")
    lab.pod("web", cpu="2")
    lab.run(5)
    assert lab.node_of("web") is None
    lab.node("node-2", cpu="4")
    lab.run(15)  # the pod may still be backing off (1 s after its first failure)
    assert lab.node_of("web") == "node-2"
    assert lab.scheduled_condition("web")["status"] == "True"


def test_an_unschedulable_pod_is_retried_when_a_pod_is_gone(algorithm):
    lab = Lab(algorithm=algorithm)
    lab.node("node-1")
    lab.pod("busy", cpu="3", nodeName="node-1")
    lab.pod("web", cpu="2")
    lab.run(5)
    assert lab.node_of("web") is None
    lab.store.delete("Pod", "busy", "default")
    lab.run(15)
    assert lab.node_of("web") is None  # terminating: its resources are not free yet
    lab.store.delete("Pod", "busy", "default", grace_seconds=0)  # as its kubelet would
    lab.run(15)
    assert lab.node_of("web") == "node-1"


def test_an_unschedulable_pod_is_retried_when_a_taint_is_removed(algorithm):
    lab = Lab(algorithm=algorithm)
    node = lab.node("node-1", taints=[{"key": "maintenance", "effect": "NoSchedule"}])
    lab.pod("web")
    lab.run(5)
    assert lab.node_of("web") is None
    node = lab.store.get("Node", "node-1")
    node["spec"]["taints"] = []
    lab.store.update(node)
    lab.run(15)
    assert lab.node_of("web") == "node-1"


def test_an_unschedulable_pod_is_retried_after_five_minutes_without_events(algorithm):
    lab = Lab(algorithm=algorithm)
    lab.node("node-1", cpu="1")
    lab.pod("web", cpu="2")
    lab.run(1)
    (event,) = lab.events("FailedScheduling", "web")
    assert event["count"] == 1
    lab.run(290)
    assert lab.events("FailedScheduling", "web")[0]["count"] == 1
    lab.run(40)  # podMaxInUnschedulablePodsDuration (300 s), flushed every 30 s
    assert lab.events("FailedScheduling", "web")[0]["count"] == 2


def test_our_status_update_does_not_make_the_pod_retry_at_once(algorithm):
    lab = Lab(algorithm=algorithm)
    lab.node("node-1", cpu="1")
    lab.pod("web", cpu="2")
    lab.run(60)
    assert lab.scheduler.stats.failed == 1


def test_higher_priority_pods_are_scheduled_first(algorithm):
    lab = Lab(algorithm=algorithm)
    lab.pod("low", cpu="3", priority=0)
    lab.pod("high", cpu="3", priority=1000)
    lab.node("node-1")
    lab.run()
    assert lab.node_of("high") == "node-1"
    assert lab.node_of("low") is None


def test_gated_pods_wait_until_their_gates_are_removed(algorithm):
    lab = Lab(algorithm=algorithm)
    lab.node("node-1")
    lab.pod("web", schedulingGates=[{"name": "example.com/quota"}])
    lab.run(5)
    assert lab.node_of("web") is None and not lab.events("FailedScheduling")
    pod = lab.store.get("Pod", "web", "default")
    pod["spec"]["schedulingGates"] = []
    lab.store.update(pod)
    lab.run()
    assert lab.node_of("web") == "node-1"


def test_pods_of_other_schedulers_are_left_alone(algorithm):
    lab = Lab(algorithm=algorithm)
    lab.node("node-1")
    lab.pod("mine")
    lab.pod("theirs", schedulerName="my-scheduler")
    lab.run()
    assert lab.placements() == {"mine": "node-1", "theirs": None}


def test_least_allocated_spreads_pods_over_empty_nodes(algorithm):
    lab = Lab(algorithm=algorithm)
    for i in (1, 2, 3):
        lab.node(f"node-{i}")
    for i in range(3):
        lab.pod(f"p{i}", cpu="500m", memory="512Mi")
    lab.run()
    assert sorted(lab.placements().values()) == ["node-1", "node-2", "node-3"]


def test_balanced_allocation_prefers_the_node_whose_resources_stay_even(algorithm):
    lab = Lab(algorithm=algorithm)
    lab.node("cpu-heavy")
    lab.node("memory-heavy")
    lab.pod("a", cpu="2", memory="1Gi", nodeName="cpu-heavy")
    lab.pod("b", cpu="1", memory="3Gi", nodeName="memory-heavy")
    # LeastAllocated scores both nodes 50 for this pod; balance decides.
    lab.pod("web", cpu="1", memory="1Gi")
    lab.run()
    assert lab.node_of("web") == "memory-heavy"


def test_prefer_no_schedule_taint_steers_pods_away(algorithm):
    lab = Lab(algorithm=algorithm)
    lab.node("node-1", taints=[{"key": "spot", "effect": "PreferNoSchedule"}])
    lab.node("node-2")
    lab.pod("web")
    lab.run()
    assert lab.node_of("web") == "node-2"


def test_replicas_of_one_replicaset_spread_over_nodes(algorithm):
    lab = Lab(algorithm=algorithm)
    for i in (1, 2, 3):
        lab.node(f"node-{i}")
    # An unrelated pod makes node-1 the emptiest by nothing but spreading.
    web = lab.replica_set("web-7c9", {"app": "web", "pod-template-hash": "7c9"})
    for i in range(6):
        lab.pod(f"web-7c9-{i}", cpu="100m", memory="64Mi", owner=web)
    lab.run()
    counts: dict[str | None, int] = {}
    for node in lab.placements().values():
        counts[node] = counts.get(node, 0) + 1
    assert counts == {"node-1": 2, "node-2": 2, "node-3": 2}


@pytest.mark.parametrize("seed", range(5))
def test_replicas_spread_over_zones(seed, algorithm):
    lab = Lab(seed=seed, algorithm=algorithm)
    zones = {f"node-a{i}": "a" for i in range(4)} | {"node-b1": "b", "node-b2": "b"}
    for name, zone in zones.items():
        lab.node(name, labels={"topology.kubernetes.io/zone": zone})
    web = lab.replica_set("web-1", {"app": "web", "pod-template-hash": "1"})
    for i in range(4):
        lab.pod(f"web-1-{i}", cpu="100m", memory="64Mi", owner=web)
    lab.run()
    per_zone = {"a": 0, "b": 0}
    for node in lab.placements().values():
        assert node is not None
        per_zone[zones[node]] += 1
    # Without the zone constraint two of six empty nodes would take half the pods by luck.
    assert per_zone == {"a": 2, "b": 2}


def test_cordoned_node_gets_no_new_pods(algorithm):
    lab = Lab(algorithm=algorithm)
    lab.node("node-1", unschedulable=True)
    lab.node("node-2")
    for i in range(3):
        lab.pod(f"p{i}")
    lab.run()
    assert set(lab.placements().values()) == {"node-2"}


@pytest.mark.parametrize("seed", [1, 7])
def test_same_seed_same_placements(seed, algorithm):
    def run() -> dict[str, str | None]:
        lab = Lab(seed=seed, algorithm=algorithm)
        for i in range(5):
            lab.node(f"node-{i}")
        for i in range(12):
            lab.pod(f"p{i}", cpu="100m", memory="64Mi")
        lab.run()
        return lab.placements()

    first = run()
    assert first == run()
    assert all(first.values())


def test_ties_are_broken_at_random_but_reproducibly(algorithm):
    placements = set()
    for seed in range(12):
        lab = Lab(seed=seed, algorithm=algorithm)
        for i in range(4):
            lab.node(f"node-{i}")
        lab.pod("only")
        lab.run()
        placements.add(lab.node_of("only"))
    assert len(placements) > 1


def test_terminating_replicas_hold_resources_but_no_longer_repel_their_siblings(algorithm):
    lab = Lab(algorithm=algorithm)
    lab.node("big", cpu="64", memory="256Gi")
    lab.node("small", cpu="4", memory="8Gi")
    web = lab.replica_set("web-1", {"app": "web", "pod-template-hash": "1"})
    for i in range(2):
        lab.pod(f"old-{i}", cpu="100m", memory="64Mi", owner=web, nodeName="big")
        lab.store.delete("Pod", f"old-{i}", "default")  # Terminating: no kubelet to finish
    lab.pod("new", cpu="100m", memory="64Mi", owner=web)
    lab.run()
    # Counted, the two old replicas would push the new one to "small".
    assert lab.node_of("new") == "big"
    assert lab.scheduler.table.req_cpu[lab.scheduler.table.index["big"]] == 300


def test_zone_spreading_counts_only_nodes_the_pod_may_use(algorithm):
    lab = Lab(algorithm=algorithm)
    zone = "topology.kubernetes.io/zone"
    lab.node("a-ssd", cpu="64", memory="256Gi", labels={zone: "a", "disk": "ssd"})
    lab.node("a-hdd", labels={zone: "a", "disk": "hdd"})
    lab.node("b-ssd", labels={zone: "b", "disk": "ssd"})
    web = lab.replica_set("web-1", {"app": "web", "pod-template-hash": "1"})
    for i in range(3):
        lab.pod(f"hdd-{i}", cpu="100m", owner=web, nodeName="a-hdd")
    lab.pod("new", cpu="100m", owner=web, nodeSelector={"disk": "ssd"})
    lab.run()
    # nodeAffinityPolicy Honor: replicas on a node the pod cannot use do not count for zone a.
    assert lab.node_of("new") == "a-ssd"
