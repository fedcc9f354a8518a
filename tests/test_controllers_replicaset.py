"""The ReplicaSet controller keeps its count, adopts and releases pods by selector."""

from conftest import deployment, pod, running

import kube_lab as kl
from kube_lab.api.meta import controller_of


def replicaset(replicas: int = 3) -> dict:
    manifest = deployment("api", replicas=replicas)
    manifest["kind"] = "ReplicaSet"
    return manifest


def test_replicaset_creates_its_pods_and_counts_them_ready():
    cluster = kl.Cluster(nodes=3)
    cluster.apply(replicaset(3))
    cluster.run(30)
    assert len(running(cluster)) == 3
    status = cluster.get("rs", "api")["status"]
    assert status["replicas"] == status["readyReplicas"] == status["availableReplicas"] == 3


def test_deleted_pod_is_replaced():
    cluster = kl.Cluster(nodes=2)
    cluster.apply(replicaset(2))
    cluster.run(30)
    victim = running(cluster)[0]["metadata"]["name"]
    cluster.store.delete("Pod", victim, "default")
    cluster.run(30)
    names = [p["metadata"]["name"] for p in running(cluster)]
    assert victim not in names and len(names) == 2


def test_orphan_pod_matching_the_selector_is_adopted():
    cluster = kl.Cluster(nodes=2)
    orphan = pod("stray")
    orphan["metadata"]["labels"] = {"app": "api"}
    cluster.apply(orphan)
    cluster.apply(replicaset(2))
    cluster.run(30)
    pods = cluster.list("pods")
    assert len(pods) == 2
    assert controller_of(cluster.get("pod", "stray"))["name"] == "api"


def test_relabelled_pod_is_released_and_replaced():
    cluster = kl.Cluster(nodes=2)
    cluster.apply(replicaset(2))
    cluster.run(30)
    released = cluster.get("pod", running(cluster)[0]["metadata"]["name"])
    released["metadata"]["labels"] = {"app": "debug"}
    cluster.store.update(released)
    cluster.run(30)
    assert controller_of(cluster.get("pod", released["metadata"]["name"])) is None
    owned = [p for p in running(cluster) if p["metadata"]["labels"].get("app") == "api"]
    assert len(owned) == 2


def test_scale_down_removes_unscheduled_pods_first():
    cluster = kl.Cluster(nodes=1, node_cpu="1")
    manifest = replicaset(5)
    manifest["spec"]["template"]["spec"]["containers"][0]["resources"]["requests"]["cpu"] = "300m"
    cluster.apply(manifest)
    cluster.run(30)
    before = {p["metadata"]["name"] for p in running(cluster)}
    assert len(before) == 3 and len(cluster.list("pods")) == 5  # two cannot fit
    manifest["spec"]["replicas"] = 3
    cluster.apply(manifest)
    cluster.run(30)
    assert {p["metadata"]["name"] for p in cluster.list("pods")} == before
