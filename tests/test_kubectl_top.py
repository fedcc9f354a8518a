"""``kubectl top pod`` and ``kubectl top node``: metricsutil's tables and top's errors."""

from __future__ import annotations

from test_kubectl_support import FakeCluster, container_status, node, pod

from kube_lab.metrics import Usage


def cluster_with_metrics() -> FakeCluster:
    """Three measured pods (two in default), one not yet measured; two nodes, one measured."""
    cluster = FakeCluster()
    cluster.add(node("node-1"), at=0)
    cluster.add(node("node-2", index=2), at=0)
    for name, namespace, labels in (
        ("web-a", "default", {"app": "web"}),
        ("web-b", "default", {"app": "web"}),
        ("api-c", "default", {"app": "api"}),
        ("dns-d", "kube-system", {"app": "dns"}),
    ):
        cluster.add(
            pod(
                name,
                node="node-1",
                statuses=[container_status()],
                labels=labels,
                namespace=namespace,
            ),
            at=10,
        )
    cluster.metrics.set_pod("web-a", 250, 64)
    cluster.metrics.samples[("default", "web-b")] = Usage(12, 100 * 2**20 + 2**20 - 1, 15.0)
    cluster.metrics.set_pod("dns-d", 3, 12, namespace="kube-system")
    cluster.metrics.set_node("node-1", 1250, 3000)
    cluster.time = 200
    return cluster


def test_top_pods_lists_the_measured_pods_by_name_in_millicores_and_mebibytes() -> None:
    # every cell ends in a tab, so every line ends in padding; memory is whole Mi, rounded down
    assert cluster_with_metrics().kubectl("top pods") == (
        "NAME    CPU(cores)   MEMORY(bytes)   \n"
        "web-a   250m         64Mi            \n"
        "web-b   12m          100Mi           \n"
    )


def test_top_pod_sorts_largest_first_and_knows_its_aliases() -> None:
    cluster = cluster_with_metrics()
    assert cluster.kubectl("top po --sort-by=memory --no-headers") == (
        "web-b   12m    100Mi   \nweb-a   250m   64Mi    \n"
    )
    assert cluster.kubectl("top pod --sort-by=cpu -l app=web").splitlines()[1].startswith("web-a")
    out = cluster.kubectl("top pods --sort-by=name")
    assert (out, out.exit_code) == ("error: --sort-by accepts only cpu or memory\n", 1)


def test_top_pods_in_all_namespaces_adds_the_namespace_and_a_sum() -> None:
    assert cluster_with_metrics().kubectl("top pods -A --sum") == (
        "NAMESPACE     NAME    CPU(cores)   MEMORY(bytes)   \n"
        "default       web-a   250m         64Mi            \n"
        "default       web-b   12m          100Mi           \n"
        "kube-system   dns-d   3m           12Mi            \n"
        "                      ________     ________        \n"
        "                      265m         176Mi           \n"
    )


def test_top_pod_containers_shows_each_container_under_its_pod() -> None:
    cluster = cluster_with_metrics()
    two = pod("multi-e", node="node-1", statuses=[container_status()])
    two["spec"]["containers"].append({"name": "envoy", "image": "envoy:1.30"})
    cluster.add(two)
    cluster.metrics.set_pod("multi-e", 41, 80)
    # kube_lab measures whole pods: the sample is shared out over the containers
    assert cluster.kubectl("top pod multi-e --containers") == (
        "POD       NAME    CPU(cores)   MEMORY(bytes)   \n"
        "multi-e   envoy   20m          40Mi            \n"
        "multi-e   nginx   21m          40Mi            \n"
    )


def test_top_pod_by_name_asks_metrics_server_which_may_not_have_it() -> None:
    cluster = cluster_with_metrics()
    assert cluster.kubectl("top pod web-a") == (
        "NAME    CPU(cores)   MEMORY(bytes)   \nweb-a   250m         64Mi            \n"
    )
    assert cluster.kubectl("top pod api-c") == (
        'Error from server (NotFound): podmetrics.metrics.k8s.io "default/api-c" not found\n'
    )
    assert cluster.kubectl("top pod ghost") == (
        'Error from server (NotFound): pods "ghost" not found\n'
    )
    assert cluster.kubectl("top pod web-a -l app=web") == (
        "error: only one of NAME or selector can be provided\n"
    )
    assert cluster.kubectl("top pod web-a web-b") == (
        "error: pod [NAME | -l label]\nSee 'kubectl top pod -h' for help and examples\n"
    )
    assert cluster.kubectl("top pods --bogus") == (
        "error: unknown flag: --bogus\nSee 'kubectl top pod --help' for usage.\n"
    )


def test_top_pods_without_metrics_says_why() -> None:
    cluster = FakeCluster()
    out = cluster.kubectl("top pods")
    assert (out.stderr, out.exit_code) == ("No resources found in default namespace.\n", 0)
    assert cluster.kubectl("top pods -A").stderr == "No resources found\n"
    cluster.add(pod("web-a"), at=0)
    cluster.time = 100  # younger than two minutes: metrics-server may not have scraped it
    assert cluster.kubectl("top pods") == "error: metrics not available yet\n"
    cluster.time = 200.5
    out = cluster.kubectl("top pods")
    assert (out, out.exit_code) == (
        "error: Metrics not available for pod default/web-a, age: 3m20.5s\n",
        1,
    )
    assert cluster.kubectl("top pods -l app=api").stderr == (
        "No resources found in default namespace.\n"
    )


def test_top_nodes_shows_shares_of_allocatable_and_unknown_for_unmeasured_nodes() -> None:
    cluster = cluster_with_metrics()
    # 1250m of 4 cores is 31.25%, 3000Mi of 8Gi is 36.6%: percentages are truncated
    assert cluster.kubectl("top nodes") == (
        "NAME     CPU(cores)   CPU(%)      MEMORY(bytes)   MEMORY(%)   \n"
        "node-1   1250m        31%         3000Mi          36%         \n"
        "node-2   <unknown>    <unknown>   <unknown>       <unknown>   \n"
    )
    assert cluster.kubectl("top node node-1 --no-headers") == (
        "node-1   1250m   31%   3000Mi   36%   \n"
    )


def test_top_node_errors() -> None:
    cluster = cluster_with_metrics()
    assert cluster.kubectl("top no node-2") == (
        'Error from server (NotFound): nodemetrics.metrics.k8s.io "node-2" not found\n'
    )
    assert cluster.kubectl("top nodes node-9") == (
        'Error from server (NotFound): node "node-9" not found\n'
    )
    cluster.metrics.nodes.clear()
    out = cluster.kubectl("top nodes")
    assert (out, out.exit_code) == ("error: metrics not available yet\n", 1)
