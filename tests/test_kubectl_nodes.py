"""``kubectl cordon``, ``uncordon`` and ``drain``, with drain's refusals and warnings."""

from __future__ import annotations

from test_kubectl_support import FakeCluster, container_status, deployment, node, pod, replica_set

from kube_lab.api.meta import Obj


def node_with_pods(*extra: Obj) -> FakeCluster:
    """node-1 runs a ReplicaSet's pod, plus ``extra``; the kubelet stops pods in 2s."""
    cluster = FakeCluster(kubelet_stop_seconds=2)
    cluster.add(node("node-1"), at=0)
    rs = cluster.add(
        replica_set("web-5d8f7b9c6", cluster.add(deployment()), revision=1, replicas=1)
    )
    cluster.add(pod("web-5d8f7b9c6-abcde", node="node-1", statuses=[container_status()], owner=rs))
    for obj in extra:
        cluster.add(obj)
    return cluster


def unschedulable(cluster: FakeCluster) -> bool:
    return bool(cluster.store.get("Node", "node-1")["spec"].get("unschedulable"))


def test_cordon_and_uncordon_say_so_and_set_unschedulable() -> None:
    cluster = node_with_pods()
    assert cluster.kubectl("cordon node-1") == "node/node-1 cordoned\n"
    assert unschedulable(cluster)
    assert cluster.kubectl("cordon node-1") == "node/node-1 already cordoned\n"
    assert cluster.kubectl("uncordon node-1") == "node/node-1 uncordoned\n"
    assert not unschedulable(cluster)
    assert cluster.kubectl("uncordon node-1") == "node/node-1 already uncordoned\n"


def test_cordon_a_missing_node_is_not_found() -> None:
    out = FakeCluster().kubectl("cordon node-9")
    assert out == 'Error from server (NotFound): nodes "node-9" not found\n'
    assert out.exit_code == 1


def test_cordon_without_a_node_shows_usage() -> None:
    assert FakeCluster().kubectl("cordon") == (
        "error: USAGE: cordon NODE [flags]\nSee 'kubectl cordon -h' for help and examples\n"
    )


def test_drain_cordons_evicts_and_waits_for_the_pods_to_go() -> None:
    cluster = node_with_pods()
    out = cluster.kubectl("drain node-1")
    assert out == (
        "node/node-1 cordoned\n"
        "evicting pod default/web-5d8f7b9c6-abcde\n"
        "pod/web-5d8f7b9c6-abcde evicted\n"
        "node/node-1 drained\n"
    )
    assert cluster.store.list("Pod") == []
    assert cluster.now == 2


def test_drain_refuses_pods_no_controller_would_recreate() -> None:
    cluster = node_with_pods(pod("bare", node="node-1", statuses=[container_status()]))
    out = cluster.kubectl("drain node-1")
    assert out == (
        "node/node-1 cordoned\n"
        'error: unable to drain node "node-1" due to error: cannot delete Pods that declare no '
        "controller (use --force to override): default/bare, continuing command...\n"
        "There are pending nodes to be drained:\n"
        " node-1\n"
        "cannot delete Pods that declare no controller (use --force to override): default/bare\n"
    )
    assert out.exit_code == 1
    assert len(cluster.store.list("Pod")) == 2  # nothing was evicted


def test_drain_force_deletes_unmanaged_pods_with_a_warning() -> None:
    cluster = node_with_pods(pod("bare", node="node-1", statuses=[container_status()]))
    out = cluster.kubectl("drain node-1 --force")
    assert out.stderr == "Warning: deleting Pods that declare no controller: default/bare\n"
    assert out.stdout == (
        "node/node-1 cordoned\n"
        "evicting pod default/bare\n"
        "evicting pod default/web-5d8f7b9c6-abcde\n"
        "pod/bare evicted\n"
        "pod/web-5d8f7b9c6-abcde evicted\n"
        "node/node-1 drained\n"
    )


def test_drain_lists_every_refusal() -> None:
    daemon = {
        "apiVersion": "apps/v1",
        "kind": "DaemonSet",
        "metadata": {"name": "proxy", "uid": "d-1"},
    }
    proxy = pod(
        "proxy-x7k2d",
        node="node-1",
        namespace="kube-system",
        statuses=[container_status()],
        owner=daemon,
    )
    scratch = pod(
        "scratch",
        node="node-1",
        statuses=[container_status()],
        volumes=[{"name": "tmp", "emptyDir": {}}],
    )
    out = node_with_pods(proxy, scratch).kubectl("drain node-1")
    assert out.splitlines()[-2:] == [
        "cannot delete Pods with local storage (use --delete-emptydir-data to override): default/scratch",  # noqa: E501
        "cannot delete DaemonSet-managed Pods (use --ignore-daemonsets to ignore): kube-system/proxy-x7k2d",  # noqa: E501
    ]


def test_drain_ignoring_daemonsets_skips_them_with_a_warning() -> None:
    daemon = {
        "apiVersion": "apps/v1",
        "kind": "DaemonSet",
        "metadata": {"name": "proxy", "uid": "d-1"},
    }
    proxy = pod(
        "proxy-x7k2d",
        node="node-1",
        namespace="kube-system",
        statuses=[container_status()],
        owner=daemon,
    )
    cluster = node_with_pods(proxy)
    out = cluster.kubectl("drain node-1 --ignore-daemonsets")
    assert out == (
        "node/node-1 cordoned\n"
        "Warning: ignoring DaemonSet-managed Pods: kube-system/proxy-x7k2d\n"
        "evicting pod default/web-5d8f7b9c6-abcde\n"
        "pod/web-5d8f7b9c6-abcde evicted\n"
        "node/node-1 drained\n"
    )
    assert [p["metadata"]["name"] for p in cluster.store.list("Pod")] == ["proxy-x7k2d"]
