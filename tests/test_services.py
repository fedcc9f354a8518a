"""Services: cluster IPs, endpoints of ready pods, and traffic spread by kube-proxy."""

import ipaddress

import pytest
from conftest import deployment, running, service

import kube_lab as kl
from kube_lab.registry import NODE_PORTS, SERVICE_CIDR


def web(replicas: int = 3, **svc) -> kl.Cluster:
    cluster = kl.Cluster(nodes=3)
    cluster.apply([deployment(replicas=replicas), service(**svc)])
    cluster.run(30)
    return cluster


def test_every_cluster_has_the_kubernetes_service():
    cluster = kl.Cluster(nodes=1)
    assert cluster.get("svc", "kubernetes")["spec"]["clusterIP"] == "10.96.0.1"


def test_service_gets_a_cluster_ip_from_the_service_range_and_node_ports_when_asked():
    cluster = web(type="NodePort")
    spec = cluster.get("svc", "web")["spec"]
    assert ipaddress.ip_address(spec["clusterIP"]) in SERVICE_CIDR
    assert spec["ports"][0]["nodePort"] in NODE_PORTS


def test_a_taken_cluster_ip_is_refused_and_nothing_is_applied():
    cluster = web(clusterIP="10.96.0.50")
    other = service("other", clusterIP="10.96.0.50")
    with pytest.raises(kl.ManifestError, match="provided IP is already allocated"):
        cluster.apply(other)
    with pytest.raises(kl.NotFound):
        cluster.get("svc", "other")


def test_endpoints_list_the_ready_pods_on_the_target_port():
    cluster = web()
    endpoints = cluster.get("ep", "web")
    ips = sorted(a["ip"] for a in endpoints["subsets"][0]["addresses"])
    assert ips == sorted(p["status"]["podIP"] for p in running(cluster))
    assert endpoints["subsets"][0]["ports"] == [{"port": 80, "protocol": "TCP"}]


def test_named_target_port_resolves_to_the_container_port():
    manifest = deployment(replicas=1)
    manifest["spec"]["template"]["spec"]["containers"][0]["ports"] = [
        {"name": "http", "containerPort": 8080}
    ]
    named = service()
    named["spec"]["ports"] = [{"port": 80, "targetPort": "http"}]
    cluster = kl.Cluster(nodes=1)
    cluster.apply([manifest, named])
    cluster.run(30)
    assert cluster.get("ep", "web")["subsets"][0]["ports"][0]["port"] == 8080


def test_service_matching_nothing_has_no_endpoints_and_traffic_fails_cleanly():
    cluster = web(selector={"app": "nothing"})
    assert "subsets" not in cluster.get("ep", "web")
    traffic = cluster.send_traffic("web", 100)
    assert dict(traffic) == {} and traffic.failed == 100


def test_traffic_spreads_uniformly_over_ready_endpoints():
    cluster = web(replicas=4)
    traffic = cluster.send_traffic("web", 1_000_000)
    assert traffic.failed == 0 and sum(traffic.values()) == 1_000_000
    assert len(traffic) == 4
    assert all(abs(count - 250_000) < 2_500 for count in traffic.values())


def test_same_seed_gives_the_same_split():
    assert web().send_traffic("web", 999) == web().send_traffic("web", 999)


def test_unknown_service_is_not_found_with_the_services_there_are():
    with pytest.raises(kl.NotFound, match=r'services "wbe" not found'):
        web().send_traffic("wbe", 1)


def test_blue_green_switch_loses_no_request():
    cluster = kl.Cluster(nodes=3)
    blue, green = (
        deployment("blue", replicas=2),
        deployment("green", replicas=2, image="nginx:1.28"),
    )
    front = service("shop", selector={"app": "blue"})
    cluster.apply([blue, green, front])
    cluster.run(30)
    before = cluster.send_traffic("shop", 1000)
    front["spec"]["selector"] = {"app": "green"}
    cluster.apply(front)
    after = cluster.send_traffic("shop", 1000)
    assert before.failed == after.failed == 0
    assert all(name.startswith("blue-") for name in before)
    assert all(name.startswith("green-") for name in after)


def test_canary_gets_traffic_in_proportion_to_its_replicas():
    cluster = kl.Cluster(nodes=3)
    stable = deployment("stable", replicas=9)
    canary = deployment("canary", replicas=1, image="nginx:1.28")
    for manifest in (stable, canary):
        for meta in (manifest["metadata"], manifest["spec"]["template"]["metadata"]):
            meta["labels"]["tier"] = "shop"
    cluster.apply([stable, canary, service("shop", selector={"tier": "shop"})])
    cluster.run(30)
    traffic = cluster.send_traffic("shop", 100_000)
    to_canary = sum(n for name, n in traffic.items() if name.startswith("canary-"))
    assert 9_000 <= to_canary <= 11_000  # 1 of 10 replicas: 10 %
