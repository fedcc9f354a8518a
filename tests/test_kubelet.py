"""The kubelet with the simulated runtime: phases, probes, restarts and back-off."""

import itertools

from conftest import pod

import kube_lab as kl
from kube_lab.api import pods as podutil


def container_status(cluster, name):
    return cluster.get("pod", name)["status"]["containerStatuses"][0]


def test_pod_goes_from_container_creating_to_running_with_an_ip():
    cluster = kl.Cluster(nodes=1)
    cluster.apply(pod("web"))
    cluster.run(0.01)
    assert container_status(cluster, "web")["state"]["waiting"]["reason"] == "ContainerCreating"
    cluster.run(10)
    status = cluster.get("pod", "web")["status"]
    assert status["phase"] == "Running"
    assert status["podIP"].startswith("10.244.1.")
    assert podutil.is_ready(cluster.get("pod", "web"))


def test_readiness_probe_waits_for_initial_delay():
    probe = {"httpGet": {"path": "/", "port": 80}, "initialDelaySeconds": 15, "periodSeconds": 5}
    cluster = kl.Cluster(nodes=1)
    cluster.apply(pod("web", container={"readinessProbe": probe}))
    cluster.run(10)
    assert podutil.phase(cluster.get("pod", "web")) == "Running"
    assert not podutil.is_ready(cluster.get("pod", "web"))
    cluster.run(15)
    assert podutil.is_ready(cluster.get("pod", "web"))


def test_crashing_container_backs_off_10_20_40_seconds():
    crash = {"command": ["sh", "-c", "echo boom; exit 1"]}
    cluster = kl.Cluster(nodes=1)
    cluster.apply(pod("crash", image="busybox:1.36", container=crash))
    back_offs, restarts_at = [], []
    while cluster.now < 200:
        cluster.engine.step()
        status = container_status(cluster, "crash")
        message = status["state"].get("waiting", {}).get("message", "")
        if message.startswith("back-off") and message.split()[1] not in back_offs:
            back_offs.append(message.split()[1])
        if status["restartCount"] > len(restarts_at):
            restarts_at.append(cluster.now)
    assert back_offs[:3] == ["10s", "20s", "40s"]
    gaps = [b - a for a, b in itertools.pairwise(restarts_at)]
    # each gap is the back-off plus the container's own start time (under a second)
    assert [int(gap) for gap in gaps[:3]] == [10, 20, 40]
    state = container_status(cluster, "crash")
    assert state["state"]["waiting"]["reason"] == "CrashLoopBackOff"
    assert state["lastState"]["terminated"]["exitCode"] == 1


def test_back_off_is_capped_at_five_minutes():
    crash = {"command": ["sh", "-c", "exit 2"]}
    cluster = kl.Cluster(nodes=1)
    cluster.apply(pod("crash", image="busybox:1.36", container=crash))
    cluster.run(2000)
    waiting = container_status(cluster, "crash")["state"]["waiting"]
    assert waiting["message"].startswith("back-off 5m0s restarting failed container=main")


def test_restart_policy_never_leaves_a_failed_pod():
    cluster = kl.Cluster(nodes=1)
    cluster.apply(
        pod(
            "job",
            image="busybox:1.36",
            restartPolicy="Never",
            container={"command": ["sh", "-c", "sleep 5; exit 3"]},
        )
    )
    cluster.run(30)
    assert podutil.phase(cluster.get("pod", "job")) == "Failed"
    assert container_status(cluster, "job")["state"]["terminated"]["exitCode"] == 3


def test_on_failure_pod_that_exits_zero_succeeds():
    cluster = kl.Cluster(nodes=1)
    cluster.apply(
        pod(
            "job",
            image="busybox:1.36",
            restartPolicy="OnFailure",
            container={"command": ["sh", "-c", "echo done"]},
        )
    )
    cluster.run(30)
    assert podutil.phase(cluster.get("pod", "job")) == "Succeeded"
    assert container_status(cluster, "job")["restartCount"] == 0


def test_deleted_pod_is_stopped_then_removed():
    cluster = kl.Cluster(nodes=1)
    cluster.apply(pod("web"))
    cluster.run(10)
    cluster.store.delete("Pod", "web", "default")
    assert cluster.get("pod", "web")["metadata"]["deletionTimestamp"]
    cluster.run(5)
    assert cluster.list("pods") == []
    reasons = [e["reason"] for e in cluster.events()]
    assert "Killing" in reasons


def test_image_present_is_not_pulled_again():
    cluster = kl.Cluster(nodes=1)
    cluster.apply(pod("a"))
    cluster.run(10)
    cluster.apply(pod("b"))
    cluster.run(10)
    messages = [e["message"] for e in cluster.events() if e["involvedObject"]["name"] == "b"]
    assert 'Container image "nginx:1.27" already present on machine' in messages
