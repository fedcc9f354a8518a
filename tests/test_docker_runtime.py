"""The Docker runtime against a real engine: real containers, restarts, failures, cleanup.

Skipped when no Docker engine answers; ``bash scripts/test`` starts one
(``scripts/docker-engine.sh``). Every cluster here is closed by its fixture, and the last
test checks that nothing labelled by these tests is left behind.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from collections import Counter

import pytest
from conftest import deployment, pod, service

import kube_lab as kl
from kube_lab.api import pods as podutil
from kube_lab.engine import RealClock
from kube_lab.kubelet import docker as docker_runtime

pytestmark = pytest.mark.skipif(
    not kl.docker_available(),
    reason="no Docker engine answers (start one: bash scripts/docker-engine.sh start)",
)

WEB = "kube-lab/web:1"
HTTP = {"containerPort": 80, "name": "http"}
READY_ON_HTTP = {"httpGet": {"path": "/healthz", "port": "http"}, "periodSeconds": 1}


@pytest.fixture
def client():
    client = docker_runtime.connect()
    yield client
    client.close()


@pytest.fixture
def cluster():
    with kl.Cluster(nodes=2, runtime="docker") as cluster:
        yield cluster


def web(name="web", *, replicas=2, image=WEB, **spec):
    manifest = deployment(name, replicas=replicas, image=image, **spec)
    container = manifest["spec"]["template"]["spec"]["containers"][0]
    container.update(ports=[HTTP], readinessProbe=READY_ON_HTTP)
    return manifest


def app_containers(cluster, state="running"):
    """This cluster's containers that run a pod's program (not the sandboxes)."""
    return [
        c
        for c in cluster.runtime.containers()
        if c["container"] != docker_runtime.SANDBOX and (state is None or c["state"] == state)
    ]


def ready_pods(cluster):
    return [p for p in cluster.list("pods") if podutil.is_ready(p) and podutil.is_active(p)]


def wait_ready(cluster, count, timeout=30):
    assert cluster.run_until(lambda: len(ready_pods(cluster)) == count, timeout=timeout), (
        cluster.kubectl("get pods -o wide")
    )


def status_of(cluster, name):
    statuses = cluster.get("pod", name)["status"].get("containerStatuses")
    return statuses[0] if statuses else {"restartCount": 0, "state": {}}


def test_two_replica_deployment_becomes_two_running_containers(cluster):
    cluster.apply(web(replicas=2))
    wait_ready(cluster, 2)
    pods = {p["metadata"]["name"]: p for p in ready_pods(cluster)}
    containers = app_containers(cluster)
    assert sorted(c["pod"] for c in containers) == sorted(pods)
    for container in containers:
        live = pods[container["pod"]]
        assert container["node"] == live["spec"]["nodeName"]
        assert container["image"] == WEB
        status = live["status"]["containerStatuses"][0]
        assert status["containerID"] == f"docker://{container['id']}"
    for name in pods:  # each pod's server answers a real request with its own name
        answer = cluster.runtime.http_get(namespace="default", pod=name, port="http")
        assert answer is not None and answer.status == 200
        assert answer.pod == name
        assert answer.body == f"Hello from {name} (version 1)\n"


def test_send_traffic_makes_real_requests_counted_by_the_answering_pod(cluster):
    front = service()
    front["spec"]["ports"] = [{"port": 80, "targetPort": "http"}]
    cluster.apply([web(replicas=2), front])
    wait_ready(cluster, 2)
    cluster.run(2)  # the endpoints controller sees the pods ready
    traffic = cluster.send_traffic("web", 40)
    assert traffic.failed == 0 and sum(traffic.values()) == 40
    assert set(traffic) == {p["metadata"]["name"] for p in ready_pods(cluster)}


def test_docker_kill_is_healed_with_a_restart(cluster, client):
    cluster.apply(web(replicas=1))
    wait_ready(cluster, 1)
    (victim,) = app_containers(cluster)
    client.api.kill(victim["id"])  # from outside, as a learner's `docker kill`
    name = victim["pod"]
    assert cluster.run_until(
        lambda: status_of(cluster, name)["restartCount"] == 1 and len(ready_pods(cluster)) == 1,
        timeout=20,
    )
    status = status_of(cluster, name)
    assert status["lastState"]["terminated"]["exitCode"] == 137
    assert status["lastState"]["terminated"]["reason"] == "Error"
    (replacement,) = app_containers(cluster)
    assert replacement["id"] != victim["id"] and replacement["pod"] == name
    assert replacement["name"].endswith("_1")  # k8s_<container>_<pod>_<ns>_<uid>_<attempt>
    assert cluster.runtime.send_request(namespace="default", pod=name, port=80) == name


def test_crashing_container_restarts_with_its_real_exit_code(cluster):
    crash = {"command": ["sh", "-c", "echo boom; exit 3"]}
    cluster.apply(pod("crash", image="kube-lab/busybox:1.35", container=crash))

    def backing_off():
        status = status_of(cluster, "crash")
        waiting = status["state"].get("waiting", {}).get("reason")
        return status["restartCount"] >= 1 and waiting == "CrashLoopBackOff"

    assert cluster.run_until(backing_off, timeout=30)
    status = status_of(cluster, "crash")
    assert status["lastState"]["terminated"]["exitCode"] == 3
    assert cluster.logs("crash") == "boom\n"


def test_rolling_update_replaces_containers_one_by_one_while_answering(cluster):
    strategy = {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1, "maxUnavailable": 0}}
    cluster.apply([web(replicas=3, strategy=strategy), service("web")])
    wait_ready(cluster, 3)
    first = {c["id"] for c in app_containers(cluster)}
    cluster.kubectl("set image deployment/web web=kube-lab/web:2")
    seen_at_once, answers, failed = 0, Counter(), 0

    def rolled_out():
        nonlocal seen_at_once, failed
        seen_at_once = max(seen_at_once, len(app_containers(cluster)))
        ready = ready_pods(cluster)
        assert len(ready) >= 3  # maxUnavailable 0: never fewer ready pods than replicas
        for live in ready:  # a request to every ready pod, as a Service would send them
            name = live["metadata"]["name"]
            answer = cluster.runtime.http_get(namespace="default", pod=name, port=80)
            if answer is None:
                failed += 1
            else:
                answers[answer.body.split("version ")[1].rstrip(")\n")] += 1
        images = {p["spec"]["containers"][0]["image"] for p in ready}
        return images == {"kube-lab/web:2"} and len(ready) == 3 and len(cluster.list("pods")) == 3

    assert cluster.run_until(rolled_out, timeout=60), cluster.kubectl("get pods")
    assert failed == 0
    assert answers["1"] > 0 and answers["2"] > 0
    assert seen_at_once <= 4  # 3 replicas + maxSurge 1: one new container at a time
    now = app_containers(cluster)
    assert len(now) == 3 and not first & {c["id"] for c in now}
    assert {c["image"] for c in now} == {"kube-lab/web:2"}


def test_node_failure_moves_pods_to_the_other_nodes_containers(cluster):
    # Kubernetes' timings (50 s grace, then the pods' toleration) at 20x, to keep it short
    cluster.engine.clock = RealClock(cluster.now, speed=20)
    manifest = web(replicas=2)
    manifest["spec"]["template"]["spec"]["tolerations"] = [
        {"key": key, "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 5}
        for key in ("node.kubernetes.io/unreachable", "node.kubernetes.io/not-ready")
    ]
    cluster.apply(manifest)
    wait_ready(cluster, 2, timeout=200)
    node = ready_pods(cluster)[0]["spec"]["nodeName"]
    other = "node-2" if node == "node-1" else "node-1"
    cluster.fail_node(node)

    def moved():
        on_other = [p for p in ready_pods(cluster) if p["spec"]["nodeName"] == other]
        containers = app_containers(cluster)
        return (
            len(on_other) == 2
            and {c["node"] for c in containers} == {other}
            and sorted(c["pod"] for c in containers)
            == sorted(p["metadata"]["name"] for p in on_other)
        )

    assert cluster.run_until(moved, timeout=600), cluster.kubectl("get pods -o wide")
    for live in ready_pods(cluster):
        name = live["metadata"]["name"]
        assert cluster.runtime.send_request(namespace="default", pod=name, port=80) == name


def test_missing_image_is_err_image_pull_then_image_pull_back_off(cluster, client):
    image = "kube-lab-test/not-here:1"
    assert not docker_runtime.images.present(client, image)
    cluster.apply(pod("nothing", image=image))

    def reason():
        return status_of(cluster, "nothing")["state"].get("waiting", {}).get("reason")

    assert cluster.run_until(lambda: reason() == "ErrImagePull", timeout=10)
    assert cluster.run_until(lambda: reason() == "ImagePullBackOff", timeout=10)
    assert "not present on this machine" in cluster.kubectl("describe pod nothing")
    assert app_containers(cluster, state=None) == []


def test_readiness_probes_run_for_real(cluster, client):
    probes = {
        "exec": {"exec": {"command": ["test", "-f", "/tmp/ready"]}, "periodSeconds": 1},
        "tcp-open": {"tcpSocket": {"port": 80}, "periodSeconds": 1},
        "tcp-closed": {"tcpSocket": {"port": 81}, "periodSeconds": 1},
        "http-missing": {"httpGet": {"path": "/nothing", "port": 80}, "periodSeconds": 1},
    }
    cluster.apply(
        [
            pod(name, image=WEB, container={"readinessProbe": probe})
            for name, probe in probes.items()
        ]
    )
    assert cluster.run_until(lambda: len(app_containers(cluster)) == 4, timeout=20)
    cluster.run(3)
    assert [p["metadata"]["name"] for p in ready_pods(cluster)] == ["tcp-open"]
    (target,) = [c for c in app_containers(cluster) if c["pod"] == "exec"]
    client.containers.get(target["id"]).exec_run(["touch", "/tmp/ready"])
    assert cluster.run_until(lambda: podutil.is_ready(cluster.get("pod", "exec")), timeout=10)
    assert not podutil.is_ready(cluster.get("pod", "tcp-closed"))
    assert not podutil.is_ready(cluster.get("pod", "http-missing"))


def test_limits_env_and_args_reach_the_container(cluster, client):
    container = {
        "command": ["sh", "-c"],
        "args": ["echo $(GREETING) from $POD on $NODE; sleep 3600"],
        "env": [
            {"name": "GREETING", "value": "hello"},
            {"name": "POD", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}},
            {"name": "NODE", "valueFrom": {"fieldRef": {"fieldPath": "spec.nodeName"}}},
        ],
        "resources": {"limits": {"cpu": "250m", "memory": "48Mi"}},
    }
    cluster.apply(pod("limited", image="kube-lab/busybox:1.35", container=container))
    assert cluster.run_until(lambda: len(app_containers(cluster)) == 1, timeout=20)
    (row,) = app_containers(cluster)
    config = client.api.inspect_container(row["id"])["HostConfig"]
    assert config["NanoCpus"] == 250_000_000
    assert config["Memory"] == 48 * 1024 * 1024
    node = cluster.get("pod", "limited")["spec"]["nodeName"]
    assert cluster.run_until(lambda: cluster.logs("limited") != "", timeout=5)
    assert cluster.logs("limited") == f"hello from limited on {node}\n"


def test_deleting_and_closing_leave_no_labelled_container_or_network(client):
    cluster = kl.Cluster(nodes=2, runtime="docker")
    label = {"label": f"{docker_runtime.CLUSTER_LABEL}={cluster.runtime.cluster_id}"}
    cluster.apply([web(replicas=2), pod("single", image=WEB)])
    wait_ready(cluster, 3)
    cluster.kubectl("delete deployment web")
    assert cluster.run_until(
        lambda: [c["pod"] for c in cluster.runtime.containers()] == ["single", "single"],
        timeout=20,
    ), cluster.runtime.containers()
    cluster.close()
    cluster.close()  # twice is fine
    assert client.api.containers(all=True, filters=label) == []
    assert client.api.networks(filters=label) == []


def test_killed_python_process_leaves_containers_that_the_next_cluster_removes(client):
    script = textwrap.dedent(
        f"""
        import os, signal, sys
        sys.path.insert(0, {os.getcwd()!r})
        import kube_lab as kl
        c = kl.Cluster(nodes=1, runtime="docker")
        c.apply({pod("orphan", image=WEB)!r})
        c.run_until(lambda: c.get("pod", "orphan")["status"].get("phase") == "Running", 30)
        print(c.runtime.cluster_id, flush=True)
        os.kill(os.getpid(), signal.SIGKILL)  # a crashed kernel: no atexit, no close()
        """
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == -9, done.stderr
    label = {"label": f"{docker_runtime.CLUSTER_LABEL}={done.stdout.strip()}"}
    assert len(client.api.containers(all=True, filters=label)) == 2  # the pod and its sandbox
    with kl.Cluster(nodes=1, runtime="docker") as cluster:
        assert len(cluster.runtime.orphans_removed.containers) >= 2
        assert client.api.containers(all=True, filters=label) == []
        assert client.api.networks(filters=label) == []


def test_interpreter_exit_without_close_removes_the_containers(client):
    script = textwrap.dedent(
        f"""
        import sys
        sys.path.insert(0, {os.getcwd()!r})
        import kube_lab as kl
        c = kl.Cluster(nodes=1, runtime="docker")
        c.apply({pod("forgotten", image=WEB)!r})
        c.run_until(lambda: c.get("pod", "forgotten")["status"].get("phase") == "Running", 30)
        print(c.runtime.cluster_id, len(c.runtime.containers()), flush=True)
        """  # and no close(): the learner just quits
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    cluster_id, count = done.stdout.split()
    assert count == "2"
    label = {"label": f"{docker_runtime.CLUSTER_LABEL}={cluster_id}"}
    assert client.api.containers(all=True, filters=label) == []
    assert client.api.networks(filters=label) == []


def test_nothing_of_these_tests_is_left_behind(client):
    mine = [
        c
        for c in client.api.containers(all=True, filters={"label": docker_runtime.CLUSTER_LABEL})
        if c["Labels"].get(docker_runtime.PID_LABEL) == str(os.getpid())
    ]
    assert mine == []
