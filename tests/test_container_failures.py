"""Containers fail: crashes restart with back-off, liveness restarts, readiness isolates."""

import pytest
from conftest import deployment, pod, running, service

import kube_lab as kl

PROBE = {"httpGet": {"path": "/healthz", "port": 80}, "periodSeconds": 5, "failureThreshold": 3}


def restarts(cluster, name):
    return cluster.get("pod", name)["status"]["containerStatuses"][0]["restartCount"]


def web_with_probe(kind: str) -> kl.Cluster:
    manifest = deployment(replicas=2)
    manifest["spec"]["template"]["spec"]["containers"][0][f"{kind}Probe"] = PROBE
    cluster = kl.Cluster(nodes=2)
    cluster.apply([manifest, service()])
    cluster.run(30)
    return cluster


def test_crashed_container_is_restarted_and_counted():
    cluster = kl.Cluster(nodes=1)
    cluster.apply(pod("web"))
    cluster.run(10)
    cluster.crash("web")
    cluster.run(10)
    assert restarts(cluster, "web") == 1
    status = cluster.get("pod", "web")["status"]
    assert status["phase"] == "Running"
    assert status["containerStatuses"][0]["lastState"]["terminated"]["exitCode"] == 1


def test_crashing_an_unknown_pod_names_the_pods_there_are():
    cluster = kl.Cluster(nodes=1)
    cluster.apply(pod("web"))
    with pytest.raises(kl.NotFound, match=r'pods "wbe" not found \(pods in "default": web\)'):
        cluster.crash("wbe")


def test_failing_liveness_probe_restarts_the_container():
    cluster = web_with_probe("liveness")
    victim = running(cluster)[0]["metadata"]["name"]
    cluster.fail_probe(victim, "liveness")
    cluster.run(16)  # three failures, five seconds apart
    assert restarts(cluster, victim) >= 1
    messages = [e["message"] for e in cluster.events() if e["involvedObject"]["name"] == victim]
    assert "Container web failed liveness probe, will be restarted" in messages
    assert "Liveness probe failed: HTTP probe failed with statuscode: 503" in messages


def test_failing_readiness_probe_takes_the_pod_out_of_its_service_without_restart():
    cluster = web_with_probe("readiness")
    victim = running(cluster)[0]["metadata"]["name"]
    cluster.fail_probe(victim, "readiness")
    cluster.run(20)
    assert restarts(cluster, victim) == 0
    assert victim not in cluster.proxy.ready_endpoints("web", "default")
    assert victim not in cluster.send_traffic("web", 1000)
    cluster.fail_probe(victim, "readiness", failing=False)
    cluster.run(10)
    assert victim in cluster.proxy.ready_endpoints("web", "default")
