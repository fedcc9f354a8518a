"""``kubectl get``: the exact tables, names, YAML and JSON a real kubectl prints."""

from __future__ import annotations

import json

import yaml
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

from kube_lab.api.meta import timestamp
from kube_lab.kubectl.printers import TableOptions, table

NOW = 300.0  # five minutes after the cluster started; objects are made at 0 or 60


def waiting(reason: str) -> dict[str, object]:
    return {"waiting": {"reason": reason}}


def terminated(reason: str, exit_code: int) -> dict[str, object]:
    return {
        "terminated": {
            "reason": reason,
            "exitCode": exit_code,
            "startedAt": timestamp(61),
            "finishedAt": timestamp(70),
        }
    }


def cluster_with_pods() -> FakeCluster:
    cluster = FakeCluster()
    cluster.add(node("node-1"), at=0)
    pods = [
        pod(
            "web-running",
            node="node-1",
            ip="10.244.1.5",
            statuses=[container_status(restarts=2, last_finished=240)],
        ),
        pod(
            "web-crash",
            node="node-1",
            ip="10.244.1.6",
            statuses=[
                container_status(
                    state=waiting("CrashLoopBackOff"), ready=False, restarts=5, last_finished=280
                )
            ],
        ),
        pod("web-pending", phase="Pending"),
        pod(
            "web-creating",
            node="node-1",
            phase="Pending",
            statuses=[container_status(state=waiting("ContainerCreating"), ready=False)],
        ),
        pod(
            "web-pull",
            node="node-1",
            phase="Pending",
            statuses=[container_status(state=waiting("ImagePullBackOff"), ready=False)],
        ),
        pod(
            "job-done",
            node="node-1",
            phase="Succeeded",
            statuses=[container_status(state=terminated("Completed", 0), ready=False)],
        ),
        pod(
            "job-failed",
            node="node-1",
            phase="Failed",
            statuses=[container_status(state=terminated("Error", 1), ready=False)],
        ),
        pod("web-term", node="node-1", ip="10.244.1.9", statuses=[container_status()]),
    ]
    for p in pods:
        cluster.add(p, at=60)
    cluster.store.delete("Pod", "web-term", "default")  # bound to a node: Terminating
    cluster.time = NOW
    return cluster


def test_get_pods_shows_status_as_kubectl_computes_it_from_container_states() -> None:
    out = cluster_with_pods().kubectl("get pods")
    assert out == (
        "NAME           READY   STATUS              RESTARTS      AGE\n"
        "job-done       0/1     Completed           0             4m\n"
        "job-failed     0/1     Error               0             4m\n"
        "web-crash      0/1     CrashLoopBackOff    5 (20s ago)   4m\n"
        "web-creating   0/1     ContainerCreating   0             4m\n"
        "web-pending    0/1     Pending             0             4m\n"
        "web-pull       0/1     ImagePullBackOff    0             4m\n"
        "web-running    1/1     Running             2 (60s ago)   4m\n"
        "web-term       1/1     Terminating         0             4m\n"
    )
    assert out.exit_code == 0
    assert out.stderr == ""


def test_get_pods_wide_shows_ip_and_node() -> None:
    out = cluster_with_pods().kubectl("get pods web-pending web-running -o wide")
    assert out == (
        "NAME          READY   STATUS    RESTARTS      AGE   IP           NODE     NOMINATED NODE   READINESS GATES\n"  # noqa: E501
        "web-pending   0/1     Pending   0             4m    <none>       <none>   <none>           <none>\n"  # noqa: E501
        "web-running   1/1     Running   2 (60s ago)   4m    10.244.1.5   node-1   <none>           <none>\n"  # noqa: E501
    )


def test_get_pod_by_type_slash_name() -> None:
    out = cluster_with_pods().kubectl("kubectl get pod/web-running")
    assert out == (
        "NAME          READY   STATUS    RESTARTS      AGE\n"
        "web-running   1/1     Running   2 (60s ago)   4m\n"
    )


def test_get_nodes_shows_cordoned_and_not_ready_nodes_and_roles() -> None:
    cluster = FakeCluster()
    cluster.add(node("node-1"), at=0)
    cluster.add(node("node-2", ready=False, index=2), at=0)
    cluster.add(
        node(
            "node-3", unschedulable=True, index=3, **{"node-role.kubernetes.io/control-plane": ""}
        ),
        at=0,
    )
    cluster.time = NOW
    assert cluster.kubectl("get nodes") == (
        "NAME     STATUS                     ROLES           AGE   VERSION\n"
        "node-1   Ready                      <none>          5m    v1.31.0\n"
        "node-2   NotReady                   <none>          5m    v1.31.0\n"
        "node-3   Ready,SchedulingDisabled   control-plane   5m    v1.31.0\n"
    )


def test_get_nodes_wide_adds_addresses_and_system_info() -> None:
    cluster = FakeCluster()
    cluster.add(node("node-1"), at=0)
    cluster.time = NOW
    assert cluster.kubectl("get no -o wide") == (
        "NAME     STATUS   ROLES    AGE   VERSION   INTERNAL-IP    EXTERNAL-IP   OS-IMAGE                  "  # noqa: E501
        "KERNEL-VERSION   CONTAINER-RUNTIME\n"
        "node-1   Ready    <none>   5m    v1.31.0   192.168.0.11   <none>        kube-lab simulated node   "  # noqa: E501
        "6.1.0-kube-lab   simulated://1.0\n"
    )


def rollout_cluster() -> FakeCluster:
    """A Deployment mid-rollout: 1 of 3 replicas updated, 2 available."""
    cluster = FakeCluster()
    status = {
        "replicas": 3,
        "updatedReplicas": 1,
        "readyReplicas": 2,
        "availableReplicas": 2,
        "observedGeneration": 1,
    }
    web = cluster.add(deployment(status=status), at=0)
    cluster.add(replica_set("web-5d8f7b9c6", web, revision=1, replicas=3, ready=2), at=0)
    cluster.time = NOW
    return cluster


def test_get_deployment_mid_rollout() -> None:
    assert rollout_cluster().kubectl("get deployments") == (
        "NAME   READY   UP-TO-DATE   AVAILABLE   AGE\nweb    2/3     1            2           5m\n"
    )


def test_get_deployment_wide_shows_containers_images_selector() -> None:
    assert rollout_cluster().kubectl("get deploy web -o wide") == (
        "NAME   READY   UP-TO-DATE   AVAILABLE   AGE   CONTAINERS   IMAGES       SELECTOR\n"
        "web    2/3     1            2           5m    nginx        nginx:1.27   app=web\n"
    )


def test_get_several_types_prefixes_names_and_separates_tables() -> None:
    assert rollout_cluster().kubectl("get deploy,rs") == (
        "NAME                  READY   UP-TO-DATE   AVAILABLE   AGE\n"
        "deployment.apps/web   2/3     1            2           5m\n"
        "\n"
        "NAME                            DESIRED   CURRENT   READY   AGE\n"
        "replicaset.apps/web-5d8f7b9c6   3         3         2       5m\n"
    )


def test_get_all_lists_pods_services_deployments_replicasets_in_that_order() -> None:
    cluster = rollout_cluster()
    cluster.add(
        pod("web-5d8f7b9c6-x2k9p", node="node-1", ip="10.244.1.5", statuses=[container_status()]),
        at=0,
    )
    cluster.time = NOW
    assert cluster.kubectl("get all") == (
        "NAME                      READY   STATUS    RESTARTS   AGE\n"
        "pod/web-5d8f7b9c6-x2k9p   1/1     Running   0          5m\n"
        "\n"
        "NAME                  READY   UP-TO-DATE   AVAILABLE   AGE\n"
        "deployment.apps/web   2/3     1            2           5m\n"
        "\n"
        "NAME                            DESIRED   CURRENT   READY   AGE\n"
        "replicaset.apps/web-5d8f7b9c6   3         3         2       5m\n"
    )


def test_get_services_show_ports_node_ports_and_pending_load_balancers() -> None:
    cluster = FakeCluster()

    def service(
        name: str, svc_type: str, ip: str, port: dict[str, object], selector: dict[str, str] | None
    ) -> dict[str, object]:
        spec = {
            "type": svc_type,
            "clusterIP": ip,
            "clusterIPs": [ip],
            "ports": [{"protocol": "TCP", **port}],
        }
        if selector:
            spec["selector"] = selector
        return {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": {"name": name, "namespace": "default"},
            "spec": spec,
        }

    cluster.add(service("kubernetes", "ClusterIP", "10.96.0.1", {"port": 443}, None), at=0)
    cluster.add(
        service("web", "NodePort", "10.96.12.7", {"port": 80, "nodePort": 30080}, {"app": "web"}),
        at=0,
    )
    cluster.add(
        service("lb", "LoadBalancer", "10.96.5.5", {"port": 80, "nodePort": 31000}, {"app": "web"}),
        at=0,
    )
    cluster.time = NOW
    assert cluster.kubectl("get svc") == (
        "NAME         TYPE           CLUSTER-IP   EXTERNAL-IP   PORT(S)        AGE\n"
        "kubernetes   ClusterIP      10.96.0.1    <none>        443/TCP        5m\n"
        "lb           LoadBalancer   10.96.5.5    <pending>     80:31000/TCP   5m\n"
        "web          NodePort       10.96.12.7   <none>        80:30080/TCP   5m\n"
    )
    assert cluster.kubectl("get svc web -o wide").splitlines()[1].endswith("5m    app=web")


def test_get_events_lists_last_seen_type_reason_object_message_in_server_order() -> None:
    cluster = cluster_with_pods()
    running = cluster.store.get("Pod", "web-running", "default")
    crash = cluster.store.get("Pod", "web-crash", "default")
    cluster.add(
        event(
            running,
            reason="Scheduled",
            message="Successfully assigned default/web-running to node-1",
            component="default-scheduler",
            at=60,
        )
    )
    cluster.add(
        event(
            crash,
            reason="BackOff",
            message="Back-off restarting failed container nginx in pod web-crash",
            component="kubelet",
            at=280,
            first=100,
            count=5,
            type="Warning",
        )
    )
    cluster.time = NOW
    assert cluster.kubectl("get events") == (
        "LAST SEEN   TYPE      REASON      OBJECT            MESSAGE\n"
        "20s         Warning   BackOff     pod/web-crash     Back-off restarting failed container nginx in pod web-crash\n"  # noqa: E501
        "4m          Normal    Scheduled   pod/web-running   Successfully assigned default/web-running to node-1\n"  # noqa: E501
    )


def test_get_all_namespaces_adds_namespace_column() -> None:
    cluster = FakeCluster()
    cluster.add(pod("web", node="node-1", ip="10.244.1.5", statuses=[container_status()]), at=0)
    cluster.add(
        pod(
            "coredns-7db6d8ff4d-4x8fq",
            node="node-1",
            namespace="kube-system",
            statuses=[container_status()],
        ),
        at=0,
    )
    cluster.time = NOW
    assert cluster.kubectl("get pods -A") == (
        "NAMESPACE     NAME                       READY   STATUS    RESTARTS   AGE\n"
        "default       web                        1/1     Running   0          5m\n"
        "kube-system   coredns-7db6d8ff4d-4x8fq   1/1     Running   0          5m\n"
    )


def test_get_show_labels_appends_sorted_labels() -> None:
    cluster = FakeCluster()
    cluster.add(pod("web", labels={"tier": "front", "app": "web"}, phase="Pending"), at=0)
    cluster.add(pod("bare", labels={}, phase="Pending"), at=0)
    cluster.time = NOW
    assert cluster.kubectl("get pods --show-labels") == (
        "NAME   READY   STATUS    RESTARTS   AGE   LABELS\n"
        "bare   0/1     Pending   0          5m    <none>\n"
        "web    0/1     Pending   0          5m    app=web,tier=front\n"
    )


def test_get_with_label_selector_filters_rows() -> None:
    cluster = FakeCluster()
    cluster.add(pod("web", labels={"app": "web"}, phase="Pending"), at=0)
    cluster.add(pod("db", labels={"app": "db"}, phase="Pending"), at=0)
    cluster.time = NOW
    assert cluster.kubectl("get pods -l app!=web").splitlines() == [
        "NAME   READY   STATUS    RESTARTS   AGE",
        "db     0/1     Pending   0          5m",
    ]
    assert cluster.kubectl("get pods --selector=app=web").splitlines()[1].startswith("web ")


def test_get_nothing_found_says_so_on_stderr() -> None:
    cluster = FakeCluster()
    out = cluster.kubectl("get pods -n kube-system")
    assert out == "No resources found in kube-system namespace.\n"
    assert out.stdout == ""
    assert out.exit_code == 0
    assert cluster.kubectl("get nodes") == "No resources found\n"
    assert cluster.kubectl("get pods --all-namespaces") == "No resources found\n"


def test_get_output_name() -> None:
    assert rollout_cluster().kubectl("get deploy,rs -o name") == (
        "deployment.apps/web\nreplicaset.apps/web-5d8f7b9c6\n"
    )


def test_get_one_object_as_yaml_is_the_object_itself() -> None:
    out = rollout_cluster().kubectl("get deploy web -o yaml")
    document = yaml.safe_load(out)
    assert document["kind"] == "Deployment"
    assert out.startswith(
        'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  creationTimestamp: "2025-01-01T00:00:00Z"\n'  # noqa: E501
    )
    assert '  resourceVersion: "3"\n' in out


def test_get_a_list_as_yaml_or_json_is_a_kind_list() -> None:
    cluster = rollout_cluster()
    out = cluster.kubectl("get deploy -o yaml")
    assert out.startswith("apiVersion: v1\nitems:\n- apiVersion: apps/v1\n  kind: Deployment\n")
    assert out.endswith('kind: List\nmetadata:\n  resourceVersion: ""\n')
    document = json.loads(cluster.kubectl("get rs -o json"))
    assert document["kind"] == "List"
    assert [i["metadata"]["name"] for i in document["items"]] == ["web-5d8f7b9c6"]
    assert cluster.kubectl("get svc -o json") == (
        '{\n    "apiVersion": "v1",\n    "items": [],\n    "kind": "List",\n'
        '    "metadata": {\n        "resourceVersion": ""\n    }\n}\n'
    )


def test_get_unknown_resource_type_is_an_error() -> None:
    out = FakeCluster().kubectl("get foo")
    assert out == 'error: the server doesn\'t have a resource type "foo"\n'
    assert out.exit_code == 1
    assert out.stderr == out


def test_get_missing_object_is_an_error_from_server_after_what_was_found() -> None:
    out = cluster_with_pods().kubectl("get pods web-running nope")
    assert out.stdout == (
        "NAME          READY   STATUS    RESTARTS      AGE\n"
        "web-running   1/1     Running   2 (60s ago)   4m\n"
    )
    assert out.stderr == 'Error from server (NotFound): pods "nope" not found\n'
    assert out.exit_code == 1


def test_get_by_name_across_all_namespaces_is_refused() -> None:
    out = FakeCluster().kubectl("get pod web -A")
    assert out == "error: a resource cannot be retrieved by name across all namespaces\n"


def test_get_without_a_type_explains_what_is_required() -> None:
    assert FakeCluster().kubectl("get") == (
        'You must specify the type of resource to get. Use "kubectl api-resources" for a complete '
        "list of supported resources.\n\n"
        "error: Required resource not specified.\n"
        'Use "kubectl explain <resource>" for a detailed description of that resource (e.g. kubectl '  # noqa: E501
        "explain pods).\n"
        "See 'kubectl get -h' for help and examples\n"
    )


def test_get_namespaces_shows_phase() -> None:
    cluster = FakeCluster()
    cluster.time = NOW
    assert cluster.kubectl("get ns") == (
        "NAME          STATUS   AGE\ndefault       Active   5m\nkube-system   Active   5m\n"
    )


def test_endpoints_table_shows_three_addresses_then_how_many_more() -> None:
    endpoints = {
        "kind": "Endpoints",
        "metadata": {"name": "web", "creationTimestamp": timestamp(0)},
        "subsets": [
            {
                "addresses": [{"ip": f"10.244.1.{i}"} for i in range(2, 7)],
                "ports": [{"port": 80, "protocol": "TCP"}],
            }
        ],
    }
    empty = {"kind": "Endpoints", "metadata": {"name": "db", "creationTimestamp": timestamp(0)}}
    text = table([endpoints, empty], kind="Endpoints", now=NOW, options=TableOptions())
    assert text == (
        "NAME   ENDPOINTS                                               AGE\n"
        "web    10.244.1.2:80,10.244.1.3:80,10.244.1.4:80 + 2 more...   5m\n"
        "db     <none>                                                  5m\n"
    )


def test_horizontal_pod_autoscaler_table_shows_cpu_utilization_targets() -> None:
    hpa = {
        "kind": "HorizontalPodAutoscaler",
        "metadata": {"name": "web", "creationTimestamp": timestamp(0)},
        "spec": {
            "scaleTargetRef": {"kind": "Deployment", "name": "web"},
            "minReplicas": 1,
            "maxReplicas": 10,
            "metrics": [
                {
                    "type": "Resource",
                    "resource": {
                        "name": "cpu",
                        "target": {"type": "Utilization", "averageUtilization": 50},
                    },
                }
            ],
        },
        "status": {
            "currentReplicas": 3,
            "currentMetrics": [
                {
                    "type": "Resource",
                    "resource": {"name": "cpu", "current": {"averageUtilization": 42}},
                }
            ],
        },
    }
    assert table([hpa], kind="HorizontalPodAutoscaler", now=NOW, options=TableOptions()) == (
        "NAME   REFERENCE        TARGETS        MINPODS   MAXPODS   REPLICAS   AGE\n"
        "web    Deployment/web   cpu: 42%/50%   1         10        3          5m\n"
    )


ENDPOINTS_WARNING = (
    "Warning: v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice\n"
)


def cluster_with_endpoints() -> FakeCluster:
    cluster = FakeCluster()
    endpoints = {
        "apiVersion": "v1",
        "kind": "Endpoints",
        "metadata": {"name": "web", "namespace": "default"},
        "subsets": [
            {
                "addresses": [{"ip": "10.244.1.5"}, {"ip": "10.244.2.3"}],
                "notReadyAddresses": [{"ip": "10.244.1.6"}],
                "ports": [{"port": 80, "protocol": "TCP"}],
            }
        ],
    }
    slice_ = {
        "apiVersion": "discovery.k8s.io/v1",
        "kind": "EndpointSlice",
        "metadata": {
            "name": "web-x7k2p",
            "namespace": "default",
            "labels": {"kubernetes.io/service-name": "web"},
        },
        "addressType": "IPv4",
        "endpoints": [
            {"addresses": [ip], "conditions": {"ready": ip != "10.244.1.6"}}
            for ip in ("10.244.1.5", "10.244.1.6", "10.244.2.3", "10.244.2.4")
        ],
        "ports": [
            {"name": "http", "port": 80, "protocol": "TCP"},
            {"name": "metrics", "port": 9090, "protocol": "TCP"},
        ],
    }
    empty = {
        "apiVersion": "discovery.k8s.io/v1",
        "kind": "EndpointSlice",
        "metadata": {"name": "db-m4n5b", "namespace": "default"},
        "addressType": "IPv4",
        "endpoints": [],
        "ports": [],
    }
    for obj in (endpoints, slice_, empty):
        cluster.add(obj, at=60)
    cluster.time = NOW
    return cluster


def test_get_endpoints_warns_first_that_v1_endpoints_are_deprecated() -> None:
    out = FakeCluster().kubectl("get ep")
    assert out.stderr == ENDPOINTS_WARNING + "No resources found in default namespace.\n"
    out = cluster_with_endpoints().kubectl("get endpoints")
    assert out == (
        ENDPOINTS_WARNING + "NAME   ENDPOINTS                     AGE\n"
        "web    10.244.1.5:80,10.244.2.3:80   4m\n"
    )
    assert out.stderr == ENDPOINTS_WARNING


def test_the_endpoints_warning_comes_once_before_everything_else() -> None:
    cluster = cluster_with_endpoints()
    out = cluster.kubectl("get ep,endpointslices,endpoints -o name")
    assert (
        out
        == (
            ENDPOINTS_WARNING + "endpoints/web\n"
            "endpointslice.discovery.k8s.io/db-m4n5b\n"  # the API server lists by name
            "endpointslice.discovery.k8s.io/web-x7k2p\n"
            "endpoints/web\n"
        )
    )


def test_get_endpointslices_lists_ports_and_every_address_ready_or_not() -> None:
    assert cluster_with_endpoints().kubectl("get endpointslices") == (
        "NAME        ADDRESSTYPE   PORTS     ENDPOINTS                                      AGE\n"
        "db-m4n5b    IPv4          <unset>   <unset>                                        4m\n"
        "web-x7k2p   IPv4          80,9090   10.244.1.5,10.244.1.6,10.244.2.3 + 1 more...   4m\n"
    )


def test_get_leases_shows_each_holder() -> None:
    cluster = FakeCluster()
    cluster.store.create(
        {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "kube-node-lease"}}
    )
    for name in ("node-1", "node-2"):
        cluster.add(lease(name, renewed=290), at=0)
    cluster.time = NOW
    assert cluster.kubectl("get leases -n kube-node-lease") == (
        "NAME     HOLDER   AGE\nnode-1   node-1   5m\nnode-2   node-2   5m\n"
    )
