"""The HorizontalPodAutoscaler: the real algorithm, limits and the stabilization window."""

import itertools

from conftest import condition, deployment, hpa, service

import kube_lab as kl
from kube_lab.controllers.horizontal import HorizontalPodAutoscalerController as HPA


def loaded_cluster() -> kl.Cluster:
    cluster = kl.Cluster(nodes=3)
    cluster.apply([deployment(replicas=2), service(), hpa(low=2, high=10, cpu=50)])
    cluster.run(30)
    return cluster


def replicas(cluster) -> int:
    return cluster.get("deploy", "web")["spec"]["replicas"]


def test_scales_up_under_load_but_never_past_max_replicas():
    cluster = loaded_cluster()
    cluster.set_load("web", rps=200)  # 2 pods at 100m request: far above 50 %
    seen = []
    for _ in range(20):
        cluster.run(15)
        seen.append(replicas(cluster))
    assert max(seen) == 10 and seen[-1] == 10
    assert all(b >= a for a, b in itertools.pairwise(seen))
    status = cluster.get("hpa", "web")["status"]
    assert status["currentReplicas"] == 10
    assert condition(cluster.get("hpa", "web"), "ScalingLimited")["reason"] == "TooManyReplicas"
    rescale = [e["message"] for e in cluster.events() if e["reason"] == "SuccessfulRescale"]
    assert rescale[0].startswith("New size: 6; reason: cpu resource utilization")


def test_scales_down_only_after_the_stabilization_window():
    cluster = loaded_cluster()
    cluster.set_load("web", rps=200)
    cluster.run(300)
    assert replicas(cluster) == 10
    cluster.set_load("web", rps=0)
    cluster.run(280)
    assert replicas(cluster) == 10  # the last high recommendation is less than 300 s old
    cluster.run(60)
    assert replicas(cluster) == 2


def test_utilization_within_tolerance_changes_nothing():
    assert HPA._replicas(1.08, {"a": (54, 100), "b": (54, 100)}, [], [], {}, 50, 2) == 2
    assert HPA._replicas(1.5, {"a": (75, 100), "b": (75, 100)}, [], [], {}, 50, 2) == 3


def test_unready_pods_count_as_idle_when_scaling_up():
    requests = {"a": 100, "b": 100}
    # a alone at 150 % would ask for 3; with b assumed idle the average is 75 %: 2 pods
    assert HPA._replicas(3.0, {"a": (150, 100)}, ["b"], [], requests, 50, 2) == 3
    assert HPA._replicas(1.6, {"a": (80, 100)}, ["b"], [], requests, 50, 2) == 2


def test_autoscaler_of_a_missing_deployment_reports_it_cannot_get_the_scale():
    cluster = kl.Cluster(nodes=1)
    cluster.apply(hpa(target="ghost"))
    cluster.run(20)
    status = cluster.get("hpa", "web")
    able = condition(status, "AbleToScale")
    assert able["status"] == "False" and able["reason"] == "FailedGetScale"
    assert able["message"].endswith('deployments.apps "ghost" not found')
    assert condition(status, "ScalingActive")["status"] == "False"


def test_pods_without_cpu_requests_cannot_be_autoscaled():
    manifest = deployment(replicas=2)
    del manifest["spec"]["template"]["spec"]["containers"][0]["resources"]
    cluster = kl.Cluster(nodes=2)
    cluster.apply([manifest, service(), hpa()])
    cluster.run(40)
    active = condition(cluster.get("hpa", "web"), "ScalingActive")
    assert active["reason"] == "FailedGetResourceMetric"
    assert "missing request for cpu" in active["message"]
