"""Objects get the defaults a real API server gives them (``SetDefaults_*`` and admission)."""

from typing import Any

import pytest

from kube_lab.api.defaults import apply_defaults

NOT_READY = {
    "key": "node.kubernetes.io/not-ready",
    "operator": "Exists",
    "effect": "NoExecute",
    "tolerationSeconds": 300,
}
UNREACHABLE = {**NOT_READY, "key": "node.kubernetes.io/unreachable"}
CONTAINER_DEFAULTS = {
    "imagePullPolicy": "IfNotPresent",
    "terminationMessagePath": "/dev/termination-log",
    "terminationMessagePolicy": "File",
    "resources": {},
}
POD_SPEC_DEFAULTS = {
    "dnsPolicy": "ClusterFirst",
    "restartPolicy": "Always",
    "terminationGracePeriodSeconds": 30,
    "securityContext": {},
    "schedulerName": "default-scheduler",
}


def pod(**spec: Any) -> dict[str, Any]:
    containers = spec.pop("containers", [{"name": "web", "image": "nginx:1.27"}])
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "web"},
        "spec": {"containers": containers, **spec},
    }


def deployment(**spec: Any) -> dict[str, Any]:
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web"},
        "spec": {
            "selector": {"matchLabels": {"app": "web"}},
            "template": {
                "metadata": {"labels": {"app": "web"}},
                "spec": {"containers": [{"name": "web", "image": "nginx:1.27"}]},
            },
            **spec,
        },
    }


def service(**spec: Any) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "web"},
        "spec": {"selector": {"app": "web"}, "ports": [{"port": 80}], **spec},
    }


def test_a_pod_gets_every_default_a_real_one_shows() -> None:
    assert apply_defaults(pod()) == {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "web", "namespace": "default"},
        "spec": {
            "containers": [{"name": "web", "image": "nginx:1.27", **CONTAINER_DEFAULTS}],
            **POD_SPEC_DEFAULTS,
            "enableServiceLinks": True,
            "serviceAccountName": "default",
            "serviceAccount": "default",
            "priority": 0,
            "preemptionPolicy": "PreemptLowerPriority",
            "tolerations": [NOT_READY, UNREACHABLE],
        },
    }


def test_defaulting_returns_a_copy() -> None:
    original = pod()
    apply_defaults(original)
    assert original == pod()


@pytest.mark.parametrize(
    ("image", "policy"),
    [
        ("nginx", "Always"),
        ("nginx:latest", "Always"),
        ("registry.local:5000/nginx", "Always"),
        ("nginx:1.27", "IfNotPresent"),
        ("registry.local:5000/team/nginx:1.27", "IfNotPresent"),
        ("nginx@sha256:0123abcd", "IfNotPresent"),
    ],
)
def test_pull_policy_depends_on_the_tag(image: str, policy: str) -> None:
    defaulted = apply_defaults(pod(containers=[{"name": "web", "image": image}]))
    assert defaulted["spec"]["containers"][0]["imagePullPolicy"] == policy


def test_an_explicit_pull_policy_is_kept() -> None:
    containers = [{"name": "web", "image": "nginx", "imagePullPolicy": "Never"}]
    assert (
        apply_defaults(pod(containers=containers))["spec"]["containers"][0]["imagePullPolicy"]
        == "Never"
    )


def test_container_ports_default_to_tcp() -> None:
    containers = [{"name": "web", "image": "nginx", "ports": [{"containerPort": 80}]}]
    port = apply_defaults(pod(containers=containers))["spec"]["containers"][0]["ports"][0]
    assert port == {"containerPort": 80, "protocol": "TCP"}


def test_probes_get_their_timings_and_http_scheme() -> None:
    probe = {"httpGet": {"port": 80}, "timeoutSeconds": 0}
    containers = [{"name": "web", "image": "nginx", "livenessProbe": probe}]
    defaulted = apply_defaults(pod(containers=containers))["spec"]["containers"][0]
    assert defaulted["livenessProbe"] == {
        "httpGet": {"port": 80, "path": "/", "scheme": "HTTP"},
        "timeoutSeconds": 1,
        "periodSeconds": 10,
        "successThreshold": 1,
        "failureThreshold": 3,
    }


def test_a_pod_with_only_limits_requests_its_limits() -> None:
    resources = {"limits": {"cpu": "500m", "memory": "128Mi"}, "requests": {"cpu": "250m"}}
    containers = [{"name": "web", "image": "nginx", "resources": resources}]
    defaulted = apply_defaults(pod(containers=containers))["spec"]["containers"][0]
    assert defaulted["resources"]["requests"] == {"cpu": "250m", "memory": "128Mi"}


def test_pod_templates_do_not_request_their_limits() -> None:
    obj = deployment()
    obj["spec"]["template"]["spec"]["containers"][0]["resources"] = {"limits": {"cpu": "1"}}
    defaulted = apply_defaults(obj)["spec"]["template"]["spec"]["containers"][0]
    assert defaulted["resources"] == {"limits": {"cpu": "1"}}


def test_existing_not_ready_tolerations_are_not_doubled() -> None:
    mine = {
        "key": "node.kubernetes.io/not-ready",
        "operator": "Exists",
        "effect": "NoExecute",
        "tolerationSeconds": 10,
    }
    tolerations = apply_defaults(pod(tolerations=[mine]))["spec"]["tolerations"]
    assert tolerations == [mine, UNREACHABLE]


def test_a_toleration_of_everything_needs_no_default_ones() -> None:
    tolerations = apply_defaults(pod(tolerations=[{"operator": "Exists"}]))["spec"]["tolerations"]
    assert tolerations == [{"operator": "Exists"}]


def test_explicit_pointer_fields_keep_their_zero() -> None:
    spec = apply_defaults(pod(terminationGracePeriodSeconds=0, enableServiceLinks=False))["spec"]
    assert (spec["terminationGracePeriodSeconds"], spec["enableServiceLinks"]) == (0, False)


def test_a_priority_class_leaves_the_priority_to_its_class() -> None:
    assert "priority" not in apply_defaults(pod(priorityClassName="high"))["spec"]


def test_a_deployment_gets_the_apps_v1_defaults() -> None:
    spec = apply_defaults(deployment())["spec"]
    assert spec["replicas"] == 1
    assert spec["strategy"] == {
        "type": "RollingUpdate",
        "rollingUpdate": {"maxUnavailable": "25%", "maxSurge": "25%"},
    }
    assert (spec["revisionHistoryLimit"], spec["progressDeadlineSeconds"]) == (10, 600)
    template_spec = spec["template"]["spec"]
    assert {k: template_spec[k] for k in POD_SPEC_DEFAULTS} == POD_SPEC_DEFAULTS
    assert template_spec["containers"][0]["terminationMessagePolicy"] == "File"
    assert "tolerations" not in template_spec and "enableServiceLinks" not in template_spec


def test_recreate_has_no_rolling_update() -> None:
    strategy = apply_defaults(deployment(strategy={"type": "Recreate"}))["spec"]["strategy"]
    assert strategy == {"type": "Recreate"}


def test_a_partial_rolling_update_is_completed() -> None:
    strategy = {"rollingUpdate": {"maxSurge": 1}}
    defaulted = apply_defaults(deployment(strategy=strategy))["spec"]["strategy"]
    assert defaulted["rollingUpdate"] == {"maxSurge": 1, "maxUnavailable": "25%"}


def test_zero_replicas_stay_zero() -> None:
    assert apply_defaults(deployment(replicas=0))["spec"]["replicas"] == 0


def test_a_replica_set_gets_one_replica_and_template_defaults() -> None:
    obj = deployment()
    obj["kind"] = "ReplicaSet"
    spec = apply_defaults(obj)["spec"]
    assert spec["replicas"] == 1 and "strategy" not in spec
    assert spec["template"]["spec"]["restartPolicy"] == "Always"


def test_a_service_gets_its_defaults() -> None:
    assert apply_defaults(service())["spec"] == {
        "selector": {"app": "web"},
        "ports": [{"port": 80, "protocol": "TCP", "targetPort": 80}],
        "type": "ClusterIP",
        "sessionAffinity": "None",
        "internalTrafficPolicy": "Cluster",
        "ipFamilyPolicy": "SingleStack",
    }


def test_a_named_target_port_is_kept() -> None:
    ports = [{"port": 80, "targetPort": "http"}]
    assert apply_defaults(service(ports=ports))["spec"]["ports"][0]["targetPort"] == "http"


def test_node_port_services_route_external_traffic_cluster_wide() -> None:
    spec = apply_defaults(service(type="NodePort"))["spec"]
    assert spec["externalTrafficPolicy"] == "Cluster"


def test_load_balancers_allocate_node_ports() -> None:
    assert (
        apply_defaults(service(type="LoadBalancer"))["spec"]["allocateLoadBalancerNodePorts"]
        is True
    )


def test_external_names_get_no_ip_family_policy() -> None:
    spec = apply_defaults(service(type="ExternalName", externalName="db.example.com"))["spec"]
    assert "ipFamilyPolicy" not in spec and "internalTrafficPolicy" not in spec


def test_client_ip_affinity_gets_its_timeout() -> None:
    spec = apply_defaults(service(sessionAffinity="ClientIP"))["spec"]
    assert spec["sessionAffinityConfig"] == {"clientIP": {"timeoutSeconds": 10800}}


def test_a_namespace_is_active_finalized_and_labelled_with_its_name() -> None:
    namespace = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "shop"}}
    assert apply_defaults(namespace) == {
        "apiVersion": "v1",
        "kind": "Namespace",
        "metadata": {"name": "shop", "labels": {"kubernetes.io/metadata.name": "shop"}},
        "spec": {"finalizers": ["kubernetes"]},
        "status": {"phase": "Active"},
    }


def test_cluster_scoped_objects_lose_a_namespace() -> None:
    node = {"apiVersion": "v1", "kind": "Node", "metadata": {"name": "n1", "namespace": "x"}}
    assert apply_defaults(node)["metadata"] == {"name": "n1"}


def test_an_explicit_namespace_is_kept() -> None:
    obj = pod()
    obj["metadata"]["namespace"] = "shop"
    assert apply_defaults(obj)["metadata"]["namespace"] == "shop"


def test_a_node_can_allocate_its_capacity() -> None:
    node = {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {"name": "n1"},
        "status": {"capacity": {"cpu": "2"}},
    }
    assert apply_defaults(node)["status"]["allocatable"] == {"cpu": "2"}


@pytest.mark.parametrize(
    "broken",
    [
        {"spec": "nginx"},
        {"spec": {"containers": "nginx"}},
        {"spec": {"containers": ["nginx", {"name": "x", "ports": "80"}]}},
        {"spec": {"containers": [{"resources": {"limits": "1"}}], "tolerations": "all"}},
        {"metadata": "web"},
    ],
)
def test_wrong_types_are_left_for_validation(broken: dict[str, Any]) -> None:
    obj = {"apiVersion": "v1", "kind": "Pod", **broken}
    defaulted = apply_defaults(obj)
    for field, value in broken.items():
        if not isinstance(value, dict):
            assert defaulted[field] == value


def test_unknown_kinds_are_copied_unchanged() -> None:
    obj = {"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "c"}}
    assert apply_defaults(obj) == obj
