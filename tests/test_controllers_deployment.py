"""The Deployment controller: rollouts within maxSurge/maxUnavailable, revisions, strategies."""

import pytest
from conftest import deployment, running

import kube_lab as kl
from kube_lab.api import pods as podutil
from kube_lab.controllers.deployment import REVISION, fenceposts


def rollout_watch(cluster, replicas, *, min_ready=0):
    """Record (active pods, available pods) after every engine step of a rollout."""
    samples = []

    def sample():
        pods = [p for p in cluster.list("pods") if podutil.is_active(p)]
        available = [p for p in pods if podutil.is_available(p, min_ready, cluster.now)]
        samples.append((len(pods), len(available)))

    return samples, sample


def step_until_settled(cluster, sample, seconds=300):
    deadline = cluster.now + seconds
    while (when := cluster.engine.next_time()) is not None and when <= deadline:
        cluster.engine.step()
        sample()


@pytest.mark.parametrize(
    ("replicas", "surge", "unavailable", "expected"),
    [
        (10, "25%", "25%", (3, 2)),  # surge rounds up, unavailable rounds down
        (4, "25%", "25%", (1, 1)),
        (3, "25%", "25%", (1, 0)),
        (5, 0, "40%", (0, 2)),
        (1, "100%", 0, (1, 0)),
    ],
)
def test_fenceposts_round_as_kubernetes(replicas, surge, unavailable, expected):
    manifest = deployment(
        replicas=replicas,
        strategy={
            "type": "RollingUpdate",
            "rollingUpdate": {"maxSurge": surge, "maxUnavailable": unavailable},
        },
    )
    assert fenceposts(manifest) == expected


def test_rolling_update_stays_within_surge_and_unavailability():
    cluster = kl.Cluster(nodes=3)
    cluster.apply(deployment(replicas=4))
    cluster.run(60)
    samples, sample = rollout_watch(cluster, 4)
    cluster.apply(deployment(replicas=4, image="nginx:1.28"))
    step_until_settled(cluster, sample)
    surge, unavailable = 1, 1
    assert max(active for active, _ in samples) <= 4 + surge
    assert min(available for _, available in samples) >= 4 - unavailable
    images = {p["spec"]["containers"][0]["image"] for p in running(cluster)}
    assert images == {"nginx:1.28"} and len(running(cluster)) == 4


def test_each_template_change_is_a_new_revision():
    cluster = kl.Cluster(nodes=2)
    cluster.apply(deployment(replicas=2))
    cluster.run(30)
    cluster.apply(deployment(replicas=2, image="nginx:1.28"))
    cluster.run(60)
    rs = sorted(cluster.list("rs"), key=lambda r: int(r["metadata"]["annotations"][REVISION]))
    assert [r["metadata"]["annotations"][REVISION] for r in rs] == ["1", "2"]
    assert [r["spec"]["replicas"] for r in rs] == [0, 2]
    assert cluster.get("deploy", "web")["metadata"]["annotations"][REVISION] == "2"
    assert all(r["metadata"]["name"].startswith("web-") for r in rs)
    pod_hash = rs[1]["metadata"]["labels"]["pod-template-hash"]
    assert rs[1]["metadata"]["name"] == f"web-{pod_hash}"


def test_recreate_stops_every_old_pod_before_starting_new_ones():
    cluster = kl.Cluster(nodes=3)
    cluster.apply(deployment(replicas=3, strategy={"type": "Recreate"}))
    cluster.run(60)
    mixed = []

    def on_pod_change(_event):
        images = {p["spec"]["containers"][0]["image"] for p in cluster.store.list("Pod")}
        mixed.append(len(images) > 1)

    cluster.store.watch(on_pod_change, kinds=["Pod"])
    cluster.apply(deployment(replicas=3, image="nginx:1.28", strategy={"type": "Recreate"}))
    cluster.run(60)
    assert mixed and not any(mixed)
    assert {p["spec"]["containers"][0]["image"] for p in running(cluster)} == {"nginx:1.28"}


def test_paused_deployment_does_not_roll_out_until_resumed():
    cluster = kl.Cluster(nodes=2)
    cluster.apply(deployment(replicas=2))
    cluster.run(30)
    cluster.apply(deployment(replicas=2, paused=True, image="nginx:1.28"))
    cluster.run(60)
    assert {p["spec"]["containers"][0]["image"] for p in running(cluster)} == {"nginx:1.27"}
    progressing = [
        c
        for c in cluster.get("deploy", "web")["status"]["conditions"]
        if c["type"] == "Progressing"
    ]
    assert progressing[0]["reason"] == "DeploymentPaused"
    cluster.apply(deployment(replicas=2, image="nginx:1.28"))
    cluster.run(60)
    assert {p["spec"]["containers"][0]["image"] for p in running(cluster)} == {"nginx:1.28"}


def test_old_replicasets_beyond_history_limit_are_deleted():
    cluster = kl.Cluster(nodes=2)
    for version in range(1, 6):
        cluster.apply(deployment(replicas=1, image=f"nginx:1.{version}", revisionHistoryLimit=2))
        cluster.run(60)
    revisions = sorted(int(r["metadata"]["annotations"][REVISION]) for r in cluster.list("rs"))
    assert revisions == [3, 4, 5]


def test_min_ready_seconds_delays_availability():
    cluster = kl.Cluster(nodes=2)
    cluster.apply(deployment(replicas=2, minReadySeconds=20))
    cluster.run(10)
    status = cluster.get("deploy", "web")["status"]
    assert status.get("readyReplicas") == 2 and not status.get("availableReplicas")
    cluster.run(30)
    assert cluster.get("deploy", "web")["status"]["availableReplicas"] == 2


def test_complete_rollout_reports_new_replicaset_available():
    cluster = kl.Cluster(nodes=2)
    cluster.apply(deployment(replicas=2))
    cluster.run(30)
    conditions = {c["type"]: c for c in cluster.get("deploy", "web")["status"]["conditions"]}
    assert conditions["Available"]["reason"] == "MinimumReplicasAvailable"
    assert conditions["Progressing"]["reason"] == "NewReplicaSetAvailable"


def test_stuck_rollout_exceeds_its_progress_deadline():
    cluster = kl.Cluster(nodes=1, node_cpu="1")
    cluster.apply(deployment(replicas=1, cpu="100m", progressDeadlineSeconds=60))
    cluster.run(30)
    cluster.apply(deployment(replicas=1, cpu="2", progressDeadlineSeconds=60))  # fits nowhere
    cluster.run(120)
    conditions = {c["type"]: c for c in cluster.get("deploy", "web")["status"]["conditions"]}
    assert conditions["Progressing"]["reason"] == "ProgressDeadlineExceeded"
    assert conditions["Progressing"]["status"] == "False"


def test_deleting_a_deployment_collects_its_replicasets_and_pods():
    cluster = kl.Cluster(nodes=2)
    cluster.apply(deployment(replicas=2))
    cluster.run(30)
    cluster.store.delete("Deployment", "web", "default")
    cluster.run(60)
    assert cluster.list("rs") == [] and cluster.list("pods") == []


def test_a_replicaset_orphaned_before_its_deployment_is_deleted_stays():
    cluster = kl.Cluster(nodes=2)
    cluster.apply(deployment(replicas=2))
    cluster.run(30)
    rs = cluster.get("rs", cluster.list("rs")[0]["metadata"]["name"])
    del rs["metadata"]["ownerReferences"]
    cluster.store.update(rs)
    cluster.store.delete("Deployment", "web", "default")
    cluster.run(30)
    assert [r["metadata"]["name"] for r in cluster.list("rs")] == [rs["metadata"]["name"]]
    assert len(running(cluster)) == 2
