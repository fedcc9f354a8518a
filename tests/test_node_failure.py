"""A node dies: NotReady after the grace period, eviction after the toleration, healing."""

import pytest
from conftest import condition, deployment, running

import kube_lab as kl
from kube_lab.api.meta import parse_timestamp
from kube_lab.api.taints import UNREACHABLE


def healthy_cluster(nodes: int = 3) -> kl.Cluster:
    cluster = kl.Cluster(nodes=nodes)
    cluster.apply(deployment(replicas=3))
    cluster.run(30)
    return cluster


def seconds_until(cluster, predicate, limit=1000):
    start = cluster.now
    assert cluster.run_until(predicate, timeout=limit), "it never happened"
    return cluster.now - start


def test_failed_node_turns_not_ready_after_the_grace_period_and_is_tainted():
    cluster = healthy_cluster()
    cluster.fail_node("node-1")
    waited = seconds_until(
        cluster, lambda: condition(cluster.get("node", "node-1"), "Ready")["status"] == "Unknown"
    )
    assert 50 <= waited <= 61  # 50 s grace since the last heartbeat, checked every 5 s
    ready = condition(cluster.get("node", "node-1"), "Ready")
    assert ready["reason"] == "NodeStatusUnknown"
    assert ready["message"] == "Kubelet stopped posting node status."
    taints = {(t["key"], t["effect"]) for t in cluster.get("node", "node-1")["spec"]["taints"]}
    assert taints == {(UNREACHABLE, "NoSchedule"), (UNREACHABLE, "NoExecute")}
    assert "NotReady" in cluster.kubectl("get node node-1")


def test_pods_are_evicted_after_300_seconds_and_replaced_elsewhere():
    cluster = healthy_cluster()
    on_failed = {
        p["metadata"]["name"] for p in running(cluster) if p["spec"]["nodeName"] == "node-1"
    }
    assert on_failed
    cluster.fail_node("node-1")
    cluster.run_until(lambda: bool(cluster.get("node", "node-1")["spec"].get("taints")), 120)
    tainted_at = cluster.now
    cluster.run(290)
    assert all(not cluster.get("pod", n)["metadata"].get("deletionTimestamp") for n in on_failed)
    cluster.run(20)
    for name in on_failed:
        assert cluster.get("pod", name)["metadata"]["deletionTimestamp"]  # Terminating
    cluster.run(30)
    healthy = [p for p in running(cluster) if p["spec"]["nodeName"] != "node-1"]
    assert len(healthy) == 3
    evictions = [e for e in cluster.events() if e["reason"] == "TaintManagerEviction"]
    assert evictions and all(
        abs(parse_timestamp(e["firstTimestamp"]) - tainted_at - 300) <= 5 for e in evictions
    )
    assert cluster.get("deploy", "web")["spec"]["replicas"] == 3


def test_recovered_node_clears_its_taints_and_finishes_evicted_pods():
    cluster = healthy_cluster()
    cluster.fail_node("node-1")
    cluster.run(400)
    cluster.recover_node("node-1")
    cluster.run(30)
    node = cluster.get("node", "node-1")
    assert condition(node, "Ready")["status"] == "True"
    assert not node["spec"].get("taints")
    pods = cluster.list("pods")
    assert len(pods) == 3 and all(not p["metadata"].get("deletionTimestamp") for p in pods)


def test_every_node_failing_leaves_replacements_pending_and_recovery_restores_them():
    cluster = healthy_cluster()
    for name in ("node-1", "node-2", "node-3"):
        cluster.fail_node(name)
    cluster.run(420)
    pending = [p for p in cluster.list("pods") if not p["spec"].get("nodeName")]
    assert len(pending) == 3
    message = condition(pending[0], "PodScheduled")["message"]
    assert message.startswith("0/3 nodes are available: 3 node(s) had untolerated taint")
    for name in ("node-1", "node-2", "node-3"):
        cluster.recover_node(name)
    cluster.run(60)
    assert len(running(cluster)) == 3
    assert all(not p["metadata"].get("deletionTimestamp") for p in cluster.list("pods"))


def test_failing_an_unknown_node_names_the_nodes_there_are():
    cluster = kl.Cluster(nodes=2)
    with pytest.raises(kl.NotFound, match=r'nodes "node-9" not found \(nodes: node-1, node-2\)'):
        cluster.fail_node("node-9")
