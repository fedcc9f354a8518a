"""Invariants that must hold for any input (hypothesis)."""

from conftest import deployment, service
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kube_lab as kl
from kube_lab.api import pods as podutil
from kube_lab.api.quantity import milli_value
from kube_lab.controllers.deployment import fenceposts

fast = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@fast
@given(
    replicas=st.integers(min_value=1, max_value=8),
    surge=st.sampled_from([0, 1, 2, "25%", "50%", "100%"]),
    unavailable=st.sampled_from([0, 1, 2, "25%", "50%"]),
    seed=st.integers(min_value=0, max_value=1000),
)
def test_rolling_update_never_exceeds_surge_nor_drops_below_availability(
    replicas, surge, unavailable, seed
):
    strategy = {
        "type": "RollingUpdate",
        "rollingUpdate": {"maxSurge": surge, "maxUnavailable": unavailable},
    }
    if surge in (0, "0%") and unavailable in (0, "0%"):
        strategy["rollingUpdate"]["maxUnavailable"] = 1
    old = deployment(replicas=replicas, strategy=strategy)
    max_surge, max_unavailable = fenceposts(old)
    cluster = kl.Cluster(nodes=3, seed=seed)
    cluster.apply(old)
    cluster.run(60)
    cluster.apply(deployment(replicas=replicas, strategy=strategy, image="nginx:1.28"))
    deadline = cluster.now + 600
    while (when := cluster.engine.next_time()) is not None and when <= deadline:
        cluster.engine.step()
        active = [p for p in cluster.list("pods") if podutil.is_active(p)]
        assert len(active) <= replicas + max_surge
        assert sum(podutil.is_ready(p) for p in active) >= replicas - max_unavailable
    images = [p["spec"]["containers"][0]["image"] for p in cluster.list("pods")]
    assert images == ["nginx:1.28"] * replicas


@fast
@given(
    counts=st.lists(st.integers(min_value=0, max_value=12), min_size=1, max_size=4),
    nodes=st.integers(min_value=1, max_value=4),
    seed=st.integers(min_value=0, max_value=1000),
)
def test_replicasets_converge_to_their_count_and_nodes_are_never_overcommitted(counts, nodes, seed):
    cluster = kl.Cluster(nodes=nodes, node_cpu="1", seed=seed)
    for replicas in counts:
        cluster.apply(deployment(replicas=replicas, cpu="300m"))
        cluster.run(20)
    cluster.run(60)
    pods = cluster.list("pods")
    assert len(pods) == counts[-1]
    for node in cluster.list("nodes"):
        requested = sum(
            milli_value(p["spec"]["containers"][0]["resources"]["requests"]["cpu"])
            for p in pods
            if p["spec"].get("nodeName") == node["metadata"]["name"]
        )
        assert requested <= milli_value(node["status"]["allocatable"]["cpu"])
    for p in pods:
        scheduled = next(c for c in p["status"]["conditions"] if c["type"] == "PodScheduled")
        if p["spec"].get("nodeName"):
            assert scheduled["status"] == "True"
        else:
            assert scheduled["status"] == "False" and scheduled["reason"] == "Unschedulable"


@fast
@given(
    plan=st.lists(
        st.tuples(st.sampled_from(["fail", "recover"]), st.integers(1, 3), st.integers(5, 200)),
        min_size=1,
        max_size=6,
    ),
    seed=st.integers(min_value=0, max_value=1000),
)
def test_traffic_only_reaches_ready_pods_and_deployments_recover(plan, seed):
    cluster = kl.Cluster(nodes=3, seed=seed)
    cluster.apply([deployment(replicas=3), service()])
    cluster.run(30)
    for action, node, wait in plan:
        name = f"node-{node}"
        getattr(cluster, f"{action}_node")(name)
        for _ in range(0, wait, 10):
            cluster.run(10)
            ready = {
                p["metadata"]["name"]
                for p in cluster.list("pods")
                if podutil.is_ready(p) and not p["metadata"].get("deletionTimestamp")
            }
            assert set(cluster.send_traffic("web", 50)) <= ready
    for node in ("node-1", "node-2", "node-3"):
        cluster.recover_node(node)
    cluster.run(120)
    deploy = cluster.get("deploy", "web")
    assert deploy["status"].get("readyReplicas") == deploy["spec"]["replicas"] == 3
