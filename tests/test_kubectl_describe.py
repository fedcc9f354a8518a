"""``kubectl describe``: describe.go's layout for pods, nodes, deployments and services."""

from __future__ import annotations

from test_kubectl_support import (
    FakeCluster,
    container_status,
    deployment,
    event,
    lease,
    node,
    pod,
    replica_set,
)

TOLERATIONS = [
    {
        "key": "node.kubernetes.io/not-ready",
        "operator": "Exists",
        "effect": "NoExecute",
        "tolerationSeconds": 300,
    },
    {
        "key": "node.kubernetes.io/unreachable",
        "operator": "Exists",
        "effect": "NoExecute",
        "tolerationSeconds": 300,
    },
]


def cluster_with_restarting_pod() -> FakeCluster:
    cluster = FakeCluster()
    cluster.add(node("node-1"), at=0)
    web = cluster.add(deployment(), at=10)
    rs = cluster.add(replica_set("web-5d8f7b9c6", web, revision=1, replicas=3, ready=3), at=11)
    running = pod(
        "web-5d8f7b9c6-abcde",
        node="node-1",
        ip="10.244.1.5",
        statuses=[container_status(restarts=3, last_finished=100)],
        owner=rs,
        tolerations=TOLERATIONS,
    )
    created = cluster.add(running, at=12)
    cluster.add(
        event(
            created,
            reason="Scheduled",
            message="Successfully assigned default/web-5d8f7b9c6-abcde to node-1",
            component="default-scheduler",
            at=12,
        )
    )
    cluster.add(
        event(
            created,
            reason="BackOff",
            message="Back-off restarting failed container nginx",
            component="kubelet",
            at=140,
            first=50,
            count=4,
            type="Warning",
        )
    )
    cluster.time = 200
    return cluster


POD_DESCRIPTION = (
    "Name:             web-5d8f7b9c6-abcde\n"
    "Namespace:        default\n"
    "Priority:         0\n"
    "Service Account:  default\n"
    "Node:             node-1/192.168.0.11\n"
    "Start Time:       Wed, 01 Jan 2025 00:00:01 +0000\n"
    "Labels:           app=web\n"
    "Annotations:      <none>\n"
    "Status:           Running\n"
    "IP:               10.244.1.5\n"
    "IPs:\n"
    "  IP:           10.244.1.5\n"
    "Controlled By:  ReplicaSet/web-5d8f7b9c6\n"
    "Containers:\n"
    "  nginx:\n"
    "    Container ID:   containerd://nginx\n"
    "    Image:          nginx:1.27\n"
    "    Image ID:       docker.io/library/nginx:1.27\n"
    "    Port:           80/TCP\n"
    "    Host Port:      0/TCP\n"
    "    State:          Running\n"
    "      Started:      Wed, 01 Jan 2025 00:00:02 +0000\n"
    "    Last State:     Terminated\n"
    "      Reason:       Error\n"
    "      Exit Code:    1\n"
    "      Started:      Wed, 01 Jan 2025 00:01:35 +0000\n"
    "      Finished:     Wed, 01 Jan 2025 00:01:40 +0000\n"
    "    Ready:          True\n"
    "    Restart Count:  3\n"
    "    Environment:    <none>\n"
    "    Mounts:         <none>\n"
    "Conditions:\n"
    "  Type              Status\n"
    "  Initialized       True \n"
    "  Ready             True \n"
    "  ContainersReady   True \n"
    "  PodScheduled      True \n"
    "Volumes:            <none>\n"
    "QoS Class:          BestEffort\n"
    "Node-Selectors:     <none>\n"
    "Tolerations:        node.kubernetes.io/not-ready:NoExecute op=Exists for 300s\n"
    "                    node.kubernetes.io/unreachable:NoExecute op=Exists for 300s\n"
    "Events:\n"
    "  Type     Reason     Age                  From               Message\n"
    "  ----     ------     ----                 ----               -------\n"
    "  Normal   Scheduled  3m8s                 default-scheduler  Successfully assigned default/web-5d8f7b9c6-abcde to node-1\n"  # noqa: E501
    "  Warning  BackOff    60s (x4 over 2m30s)  kubelet            Back-off restarting failed container nginx\n"  # noqa: E501
)


def test_describe_pod_aligns_fields_block_by_block_and_ends_with_events() -> None:
    out = cluster_with_restarting_pod().kubectl("describe pod web-5d8f7b9c6-abcde")
    assert out == POD_DESCRIPTION
    assert out.exit_code == 0


def test_describe_by_name_prefix_describes_matches_without_events() -> None:
    out = cluster_with_restarting_pod().kubectl("describe pods web")
    assert out == POD_DESCRIPTION.split("Events:\n")[0] + "\n"


def test_describe_prefix_matching_nothing_is_not_found() -> None:
    out = cluster_with_restarting_pod().kubectl("describe pod api")
    assert out == 'Error from server (NotFound): pods "api" not found\n'
    assert out.exit_code == 1


def test_describe_pending_pod_has_no_node_and_no_events() -> None:
    cluster = FakeCluster()
    cluster.add(pod("lonely", phase="Pending", statuses=[]), at=0)
    text = cluster.kubectl("describe pod lonely")
    assert "Node:             <none>\n" in text
    assert "IPs:              <none>\n" in text
    # the API server's admission adds the two default tolerations to every pod
    assert text.endswith(
        "Tolerations:      node.kubernetes.io/not-ready:NoExecute op=Exists for 300s\n"
        "                  node.kubernetes.io/unreachable:NoExecute op=Exists for 300s\n"
        "Events:           <none>\n"
    )


def test_describe_node_shows_taints_conditions_pods_and_allocation() -> None:
    cluster = FakeCluster()
    tainted = node("node-1", unschedulable=True)
    tainted["spec"]["taints"] = [
        {"key": "node.kubernetes.io/unreachable", "effect": "NoSchedule"},
        {"key": "node.kubernetes.io/unreachable", "effect": "NoExecute"},
        {"key": "dedicated", "value": "gpu", "effect": "NoSchedule"},
    ]
    cluster.add(tainted, at=0)
    cluster.store.create(
        {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "kube-node-lease"}}
    )
    cluster.add(lease("node-1", renewed=80))
    requests = {
        "requests": {"cpu": "500m", "memory": "256Mi"},
        "limits": {"cpu": "1", "memory": "512Mi"},
    }
    busy = pod("web-1", node="node-1", statuses=[container_status()])
    busy["spec"]["containers"][0]["resources"] = requests
    cluster.add(busy, at=30)
    cluster.time = 90
    text = cluster.kubectl("describe node node-1")
    assert text.startswith(
        "Name:               node-1\n"
        "Roles:              <none>\n"
        "Labels:             kubernetes.io/hostname=node-1\n"
        "Annotations:        <none>\n"
        "CreationTimestamp:  Wed, 01 Jan 2025 00:00:00 +0000\n"
        "Taints:             node.kubernetes.io/unreachable:NoExecute\n"
        "                    dedicated=gpu:NoSchedule\n"
        "                    node.kubernetes.io/unreachable:NoSchedule\n"
        "Unschedulable:      true\n"
        "Lease:\n"
        "  HolderIdentity:  node-1\n"
        "  AcquireTime:     <unset>\n"
        "  RenewTime:       Wed, 01 Jan 2025 00:01:20 +0000\n"
        "Conditions:\n"
        "  Type    Status  LastHeartbeatTime                 LastTransitionTime                Reason         Message\n"  # noqa: E501
        "  ----    ------  -----------------                 ------------------                ------         -------\n"  # noqa: E501
        "  Ready   True    Wed, 01 Jan 2025 00:01:00 +0000   Wed, 01 Jan 2025 00:00:00 +0000   KubeletReady   kubelet is posting ready status\n"  # noqa: E501
    )
    assert text.endswith(
        "  Kubelet Version:            v1.31.0\n"
        "PodCIDR:                      10.244.1.0/24\n"
        "PodCIDRs:                     10.244.1.0/24\n"
        "Non-terminated Pods:          (1 in total)\n"
        "  Namespace                   Name     CPU Requests  CPU Limits  Memory Requests  Memory Limits  Age\n"  # noqa: E501
        "  ---------                   ----     ------------  ----------  ---------------  -------------  ---\n"  # noqa: E501
        "  default                     web-1    500m (12%)    1 (25%)     256Mi (3%)       512Mi (6%)     60s\n"  # noqa: E501
        "Allocated resources:\n"
        "  (Total limits may be over 100 percent, i.e., overcommitted.)\n"
        "  Resource           Requests    Limits\n"
        "  --------           --------    ------\n"
        "  cpu                500m (12%)  1 (25%)\n"
        "  memory             256Mi (3%)  512Mi (6%)\n"
        "  ephemeral-storage  0 (0%)      0 (0%)\n"
        "Events:              <none>\n"
    )


def test_describe_deployment_names_new_and_old_replica_sets() -> None:
    cluster = FakeCluster()
    status = {"replicas": 3, "updatedReplicas": 3, "availableReplicas": 3, "observedGeneration": 2}
    web = cluster.add(deployment(status=status, image="nginx:1.27"), at=0)
    cluster.add(replica_set("web-5d8f7b9c6", web, revision=1, replicas=0, image="nginx:1.26"), at=0)
    cluster.add(replica_set("web-7c9f8d6b5", web, revision=2, replicas=3, ready=3), at=30)
    cluster.add(
        event(
            web,
            reason="ScalingReplicaSet",
            message="Scaled up replica set web-7c9f8d6b5 from 0 to 3",
            component="deployment-controller",
            at=30,
        )
    )
    cluster.time = 100
    assert cluster.kubectl("describe deployment web") == (
        "Name:                   web\n"
        "Namespace:              default\n"
        "CreationTimestamp:      Wed, 01 Jan 2025 00:00:00 +0000\n"
        "Labels:                 app=web\n"
        "Annotations:            <none>\n"
        "Selector:               app=web\n"
        "Replicas:               3 desired | 3 updated | 3 total | 3 available | 0 unavailable\n"
        "StrategyType:           RollingUpdate\n"
        "MinReadySeconds:        0\n"
        "RollingUpdateStrategy:  25% max unavailable, 25% max surge\n"
        "Pod Template:\n"
        "  Labels:  app=web\n"
        "  Containers:\n"
        "   nginx:\n"
        "    Image:         nginx:1.27\n"
        "    Port:          80/TCP\n"
        "    Host Port:     0/TCP\n"
        "    Environment:   <none>\n"
        "    Mounts:        <none>\n"
        "  Volumes:         <none>\n"
        "  Node-Selectors:  <none>\n"
        "  Tolerations:     <none>\n"
        "OldReplicaSets:    web-5d8f7b9c6 (0/0 replicas created)\n"
        "NewReplicaSet:     web-7c9f8d6b5 (3/3 replicas created)\n"
        "Events:\n"
        "  Type    Reason             Age   From                   Message\n"
        "  ----    ------             ----  ----                   -------\n"
        "  Normal  ScalingReplicaSet  70s   deployment-controller  Scaled up replica set web-7c9f8d6b5 from 0 to 3\n"  # noqa: E501
    )


def service(name: str, *ports: dict[str, object]) -> dict[str, object]:
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": name, "namespace": "default"},
        "spec": {
            "type": "ClusterIP",
            "clusterIP": "10.96.0.10",
            "clusterIPs": ["10.96.0.10"],
            "selector": {"app": name},
            "ports": list(ports),
            "sessionAffinity": "None",
            "ipFamilies": ["IPv4"],
            "ipFamilyPolicy": "SingleStack",
        },
    }


def endpoint_slice(
    name: str, service: str, ports: dict[str, int], *ready: bool | None
) -> dict[str, object]:
    """An EndpointSlice with one endpoint per ``ready`` (None: readiness unset)."""
    endpoints = []
    for i, is_ready in enumerate(ready):
        conditions = {} if is_ready is None else {"ready": is_ready}
        endpoints.append({"addresses": [f"10.244.1.{5 + i}"], "conditions": conditions})
    return {
        "apiVersion": "discovery.k8s.io/v1",
        "kind": "EndpointSlice",
        "metadata": {
            "name": name,
            "namespace": "default",
            "labels": {"kubernetes.io/service-name": service},
        },
        "addressType": "IPv4",
        "endpoints": endpoints,
        "ports": [{"name": n, "port": p, "protocol": "TCP"} for n, p in ports.items()],
    }


def test_describe_service_reads_ready_endpoints_per_port_from_its_endpoint_slices() -> None:
    cluster = FakeCluster()
    http = {"name": "http", "port": 80, "targetPort": 8080, "protocol": "TCP"}
    metrics = {"name": "metrics", "port": 9090, "targetPort": 9090, "protocol": "TCP"}
    cluster.add(service("web", http, metrics))
    ports = {"http": 8080, "metrics": 9090}
    # the third endpoint is not ready; the fifth has no readiness, which counts as ready
    cluster.add(endpoint_slice("web-x7k2p", "web", ports, True, True, False, True, None))
    cluster.add(endpoint_slice("api-q9w8e", "api", ports, True))  # another Service's
    # the store defaults internalTrafficPolicy, which describe prints (and pads for)
    assert cluster.kubectl("describe svc web") == (
        "Name:                     web\n"
        "Namespace:                default\n"
        "Labels:                   <none>\n"
        "Annotations:              <none>\n"
        "Selector:                 app=web\n"
        "Type:                     ClusterIP\n"
        "IP Family Policy:         SingleStack\n"
        "IP Families:              IPv4\n"
        "IP:                       10.96.0.10\n"
        "IPs:                      10.96.0.10\n"
        "Port:                     http  80/TCP\n"
        "TargetPort:               8080/TCP\n"
        "Endpoints:                10.244.1.5:8080,10.244.1.6:8080,10.244.1.8:8080 + 1 more...\n"
        "Port:                     metrics  9090/TCP\n"
        "TargetPort:               9090/TCP\n"
        "Endpoints:                10.244.1.5:9090,10.244.1.6:9090,10.244.1.8:9090 + 1 more...\n"
        "Session Affinity:         None\n"
        "Internal Traffic Policy:  Cluster\n"
        "Events:                   <none>\n"
    )


def test_describe_service_endpoints_without_slices_without_ready_and_past_three() -> None:
    cluster = FakeCluster()
    cluster.add(service("web", {"port": 80, "targetPort": 80, "protocol": "TCP"}))
    endpoints = [
        line for line in cluster.kubectl("describe svc web").splitlines() if "Endp" in line
    ]
    assert endpoints == ["Endpoints:                <none>"]  # no EndpointSlice at all
    cluster.add(endpoint_slice("web-x7k2p", "web", {"": 80}, False, False))
    endpoints = [
        line for line in cluster.kubectl("describe svc web").splitlines() if "Endp" in line
    ]
    assert endpoints == ["Endpoints:                "]  # a slice, but nobody is ready
    cluster.store.delete("EndpointSlice", "web-x7k2p", "default")
    cluster.add(endpoint_slice("web-x7k2p", "web", {"": 80}, True, True, True, False))
    endpoints = [
        line for line in cluster.kubectl("describe svc web").splitlines() if "Endp" in line
    ]
    # formatEndpointSlices marks "more" before it skips an unready fourth endpoint
    assert endpoints == [
        "Endpoints:                10.244.1.5:80,10.244.1.6:80,10.244.1.7:80 + 0 more..."
    ]


def test_describe_several_objects_separates_them_and_skips_events() -> None:
    cluster = FakeCluster()
    cluster.add(node("node-1"), at=0)
    cluster.add(node("node-2", index=2), at=0)
    text = cluster.kubectl("describe nodes")
    first, second = text.split("\n\n\nName:")  # one describe ends, a blank line, the next begins
    assert first.startswith("Name:               node-1")
    assert second.startswith("               node-2")
    assert "Events:" not in text
    assert "Events:" in cluster.kubectl("describe nodes --show-events")


def test_describe_namespace() -> None:
    assert FakeCluster().kubectl("describe ns default") == (
        "Name:         default\n"
        "Labels:       kubernetes.io/metadata.name=default\n"
        "Annotations:  <none>\n"
        "Status:       Active\n"
        "\n"
        "No resource quota.\n"
        "\n"
        "No LimitRange resource.\n"
    )


def test_describe_needs_a_type() -> None:
    assert FakeCluster().kubectl("describe") == (
        'error: You must specify the type of resource to describe. Use "kubectl api-resources" '
        "for a complete list of supported resources.\n"
    )


def test_describe_node_without_a_lease_says_it_failed_to_get_one() -> None:
    cluster = FakeCluster()
    cluster.add(node("node-1"), at=0)
    assert (
        "Unschedulable:      false\n"
        'Lease:              Failed to get lease: leases.coordination.k8s.io "node-1" not found\n'
        "Conditions:\n"
    ) in cluster.kubectl("describe node node-1")
