"""Broken Pods, Services, Nodes and metadata get the API server's own words and paths."""

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kube_lab.api.defaults import apply_defaults
from kube_lab.api.errors import FieldError
from kube_lab.api.validation import validate

SUBDOMAIN = (
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, "
    "'-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', "
    "regex used for validation is "
    r"'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
)
LABEL = (
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', "
    "and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', "
    "regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
)
DNS1035 = (
    "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with "
    "an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or "
    "'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')"
)
LABEL_KEY_NAME = (
    "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and "
    "end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex "
    "used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"
)
LABEL_VALUE = (
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' "
    "or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or "
    "'my_value',  or '12345', regex used for validation is "
    "'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"
)
QUANTITY = (
    "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
)


def messages(obj: dict[str, Any]) -> list[str]:
    """What the API server says about ``obj`` once defaulted: one string per field error."""
    return [str(error) for error in validate(apply_defaults(obj))]


def pod(**container: Any) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "web", "labels": {"app": "web"}},
        "spec": {"containers": [{"name": "web", "image": "nginx:1.27", **container}]},
    }


def service(**spec: Any) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "web"},
        "spec": {"selector": {"app": "web"}, "ports": [{"port": 80}], **spec},
    }


def node(**spec: Any) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "Node", "metadata": {"name": "node-1"}, "spec": spec}


# --- valid objects ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "obj",
    [
        pod(),
        pod(
            ports=[{"name": "http", "containerPort": 80}],
            resources={"requests": {"cpu": "0.5", "memory": "128Mi"}, "limits": {"cpu": "1"}},
            readinessProbe={"httpGet": {"port": "http"}},
            livenessProbe={"tcpSocket": {"port": 80}},
            env=[{"name": "MODE", "value": "fast"}],
        ),
        service(),
        service(type="NodePort", ports=[{"port": 80, "nodePort": 30080}]),
        service(clusterIP="None", ports=[]),
        service(type="ExternalName", externalName="db.example.com.", ports=[]),
        node(taints=[{"key": "gpu", "value": "true", "effect": "NoSchedule"}]),
        {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "shop"}},
        {"apiVersion": "v1", "kind": "Event", "metadata": {"name": "web.17f"}},
    ],
)
def test_valid_objects_have_no_errors(obj: dict[str, Any]) -> None:
    assert messages(obj) == []


def test_errors_are_field_errors_with_path_and_value() -> None:
    [error] = validate(apply_defaults(pod(image="")))
    assert error == FieldError("spec.containers[0].image", "Required value")


# --- metadata -----------------------------------------------------------------------------


def test_a_name_is_required() -> None:
    obj = pod()
    del obj["metadata"]["name"]
    assert messages(obj) == ["metadata.name: Required value: name or generateName is required"]


def test_generate_name_may_replace_the_name() -> None:
    obj = pod()
    obj["metadata"] = {"generateName": "web-"}
    assert messages(obj) == []


def test_most_names_are_dns_subdomains() -> None:
    obj = pod()
    obj["metadata"]["name"] = "Web_1"
    assert messages(obj) == [f'metadata.name: Invalid value: "Web_1": {SUBDOMAIN}']


def test_subdomain_names_may_contain_dots() -> None:
    obj = pod()
    obj["metadata"]["name"] = "web.v2"
    assert messages(obj) == []


def test_namespace_names_are_dns_labels() -> None:
    obj = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "my.shop"}}
    assert messages(obj) == ['metadata.name: Invalid value: "my.shop": must not contain dots']


def test_service_names_must_start_with_a_letter() -> None:
    obj = service()
    obj["metadata"]["name"] = "1web"
    assert messages(obj) == [f'metadata.name: Invalid value: "1web": {DNS1035}']


def test_names_have_a_length_limit() -> None:
    obj = service()
    obj["metadata"]["name"] = "a" * 64
    assert messages(obj) == [
        f'metadata.name: Invalid value: "{"a" * 64}": must be no more than 63 characters'
    ]


def test_the_namespace_must_be_a_dns_label() -> None:
    obj = pod()
    obj["metadata"]["namespace"] = "Shop"
    assert messages(obj) == [f'metadata.namespace: Invalid value: "Shop": {LABEL}']


def test_label_keys_have_a_syntax() -> None:
    obj = pod()
    obj["metadata"]["labels"] = {"app!": "web"}
    assert messages(obj) == [f'metadata.labels: Invalid value: "app!": {LABEL_KEY_NAME}']


def test_label_key_prefixes_are_subdomains() -> None:
    obj = pod()
    obj["metadata"]["labels"] = {"Example.com/app": "web"}
    assert messages(obj) == [
        f'metadata.labels: Invalid value: "Example.com/app": prefix part {SUBDOMAIN}'
    ]


def test_label_values_have_a_syntax() -> None:
    obj = pod()
    obj["metadata"]["labels"] = {"app": "my web"}
    assert messages(obj) == [f'metadata.labels: Invalid value: "my web": {LABEL_VALUE}']


def test_label_values_have_a_length_limit_in_bytes() -> None:
    obj = pod()
    obj["metadata"]["labels"] = {"app": "a" * 64}
    assert messages(obj) == [
        f'metadata.labels: Invalid value: "{"a" * 64}": must be no more than 63 bytes'
    ]


def test_unquoted_numbers_are_not_label_values() -> None:
    obj = pod()
    obj["metadata"]["labels"] = {"version": 2}
    assert messages(obj) == [
        "json: cannot unmarshal number into Go struct field ObjectMeta.metadata.labels "
        "of type string"
    ]


# --- pods ---------------------------------------------------------------------------------


def test_containers_are_required() -> None:
    obj = pod()
    obj["spec"]["containers"] = []
    assert messages(obj) == ["spec.containers: Required value"]


def test_a_container_name_is_required() -> None:
    assert messages(pod(name="")) == ["spec.containers[0].name: Required value"]


def test_container_names_are_dns_labels() -> None:
    assert messages(pod(name="Web")) == [f'spec.containers[0].name: Invalid value: "Web": {LABEL}']


def test_container_names_are_unique() -> None:
    obj = pod()
    obj["spec"]["containers"].append({"name": "web", "image": "busybox"})
    assert messages(obj) == ['spec.containers[1].name: Duplicate value: "web"']


def test_an_image_is_required() -> None:
    assert messages(pod(image="")) == ["spec.containers[0].image: Required value"]


def test_images_may_not_be_padded() -> None:
    assert messages(pod(image="nginx ")) == [
        'spec.containers[0].image: Invalid value: "nginx ": '
        "must not have leading or trailing whitespace"
    ]


@pytest.mark.parametrize("port", [0, 70000, -1])
def test_container_ports_are_between_1_and_65535(port: int) -> None:
    expected = (
        ["spec.containers[0].ports[0].containerPort: Required value"]
        if port == 0
        else [
            f"spec.containers[0].ports[0].containerPort: Invalid value: {port}: "
            "must be between 1 and 65535, inclusive"
        ]
    )
    assert messages(pod(ports=[{"containerPort": port}])) == expected


def test_port_names_follow_iana_service_name_rules() -> None:
    assert messages(pod(ports=[{"name": "web--http-server", "containerPort": 80}])) == [
        'spec.containers[0].ports[0].name: Invalid value: "web--http-server": '
        "must be no more than 15 characters",
        'spec.containers[0].ports[0].name: Invalid value: "web--http-server": '
        "must not contain consecutive hyphens",
    ]


def test_port_names_need_a_letter() -> None:
    assert messages(pod(ports=[{"name": "8080", "containerPort": 8080}])) == [
        'spec.containers[0].ports[0].name: Invalid value: "8080": '
        "must contain at least one letter (a-z)"
    ]


def test_port_names_are_unique_within_a_container() -> None:
    ports = [{"name": "http", "containerPort": 80}, {"name": "http", "containerPort": 81}]
    assert messages(pod(ports=ports)) == [
        'spec.containers[0].ports[1].name: Duplicate value: "http"'
    ]


def test_protocols_are_tcp_udp_or_sctp() -> None:
    assert messages(pod(ports=[{"containerPort": 80, "protocol": "tcp"}])) == [
        'spec.containers[0].ports[0].protocol: Unsupported value: "tcp": '
        'supported values: "SCTP", "TCP", "UDP"'
    ]


def test_malformed_quantities_quote_the_pattern() -> None:
    # Quantity.UnmarshalJSON refuses it while decoding, before validation names a field.
    assert messages(pod(resources={"requests": {"cpu": "half"}})) == [QUANTITY]


def test_unknown_quantity_suffixes_are_named_as_such() -> None:
    assert messages(pod(resources={"requests": {"cpu": "500mm"}})) == [
        "unable to parse quantity's suffix"
    ]


def test_quantities_may_not_be_negative() -> None:
    assert messages(pod(resources={"limits": {"memory": "-128Mi"}})) == [
        'spec.containers[0].resources.limits[memory]: Invalid value: "-128Mi": '
        "must be greater than or equal to 0",
        'spec.containers[0].resources.requests[memory]: Invalid value: "-128Mi": '
        "must be greater than or equal to 0",
    ]


def test_requests_may_not_exceed_limits() -> None:
    resources = {"requests": {"cpu": "0.5"}, "limits": {"cpu": "250m"}}
    assert messages(pod(resources=resources)) == [
        'spec.containers[0].resources.requests: Invalid value: "500m": '
        "must be less than or equal to cpu limit of 250m"
    ]


def test_memory_comparisons_print_canonical_quantities() -> None:
    resources = {"requests": {"memory": "2048Mi"}, "limits": {"memory": "1Gi"}}
    assert messages(pod(resources=resources)) == [
        'spec.containers[0].resources.requests: Invalid value: "2Gi": '
        "must be less than or equal to memory limit of 1Gi"
    ]


def test_unknown_resources_are_refused() -> None:
    assert messages(pod(resources={"requests": {"cpus": "1"}})) == [
        'spec.containers[0].resources.requests[cpus]: Invalid value: "cpus": '
        "must be a standard resource type or fully qualified",
        'spec.containers[0].resources.requests[cpus]: Invalid value: "cpus": '
        "must be a standard resource for containers",
    ]


def test_extended_resources_are_accepted() -> None:
    assert messages(pod(resources={"limits": {"nvidia.com/gpu": 1}})) == []


def test_restart_policies_are_always_on_failure_or_never() -> None:
    obj = pod()
    obj["spec"]["restartPolicy"] = "Sometimes"
    assert messages(obj) == [
        'spec.restartPolicy: Unsupported value: "Sometimes": '
        'supported values: "Always", "OnFailure", "Never"'
    ]


def test_a_probe_needs_a_handler() -> None:
    assert messages(pod(readinessProbe={"periodSeconds": 5})) == [
        "spec.containers[0].readinessProbe: Required value: must specify a handler type"
    ]


def test_a_probe_has_only_one_handler() -> None:
    probe = {"httpGet": {"port": 80}, "exec": {"command": ["true"]}}
    assert messages(pod(livenessProbe=probe)) == [
        "spec.containers[0].livenessProbe.httpGet: Forbidden: "
        "may not specify more than 1 handler type"
    ]


def test_liveness_probes_succeed_once() -> None:
    probe = {"tcpSocket": {"port": 80}, "successThreshold": 3}
    assert messages(pod(livenessProbe=probe)) == [
        "spec.containers[0].livenessProbe.successThreshold: Invalid value: 3: must be 1"
    ]


def test_probe_timings_may_not_be_negative() -> None:
    probe = {"tcpSocket": {"port": 80}, "initialDelaySeconds": -5}
    assert messages(pod(readinessProbe=probe)) == [
        "spec.containers[0].readinessProbe.initialDelaySeconds: Invalid value: -5: "
        "must be greater than or equal to 0"
    ]


def test_probe_ports_are_numbers_or_port_names() -> None:
    assert messages(pod(readinessProbe={"httpGet": {"port": "HTTP"}})) == [
        'spec.containers[0].readinessProbe.httpGet.port: Invalid value: "HTTP": '
        "must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)",
        'spec.containers[0].readinessProbe.httpGet.port: Invalid value: "HTTP": '
        "must contain at least one letter (a-z)",
    ]


def test_an_exec_probe_needs_a_command() -> None:
    assert messages(pod(livenessProbe={"exec": {}})) == [
        "spec.containers[0].livenessProbe.exec.command: Required value"
    ]


def test_toleration_effects_are_known_taint_effects() -> None:
    obj = pod()
    obj["spec"]["tolerations"] = [{"key": "gpu", "operator": "Exists", "effect": "NoRun"}]
    assert messages(obj) == [
        'spec.tolerations[0].effect: Unsupported value: "NoRun": '
        'supported values: "NoSchedule", "PreferNoSchedule", "NoExecute"'
    ]


def test_toleration_seconds_need_no_execute() -> None:
    obj = pod()
    toleration = {
        "key": "gpu",
        "operator": "Exists",
        "effect": "NoSchedule",
        "tolerationSeconds": 5,
    }
    obj["spec"]["tolerations"] = [toleration]
    assert messages(obj) == [
        'spec.tolerations[0].effect: Invalid value: "NoSchedule": '
        "effect must be 'NoExecute' when `tolerationSeconds` is set"
    ]


def test_env_vars_need_names() -> None:
    assert messages(pod(env=[{"value": "x"}])) == ["spec.containers[0].env[0].name: Required value"]


# --- type errors --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("container", "expected"),
    [
        (
            {"ports": [{"containerPort": "80"}]},
            "json: cannot unmarshal string into Go struct field "
            "ContainerPort.spec.containers.ports.containerPort of type int32",
        ),
        (
            {"command": "sleep 3600"},
            "json: cannot unmarshal string into Go struct field "
            "Container.spec.containers.command of type []string",
        ),
        (
            {"env": [{"name": "PORT", "value": 8080}]},
            "json: cannot unmarshal number into Go struct field "
            "EnvVar.spec.containers.env.value of type string",
        ),
        (
            {"ports": {"containerPort": 80}},
            "json: cannot unmarshal object into Go struct field "
            "Container.spec.containers.ports of type []v1.ContainerPort",
        ),
        (
            {"ports": [{"containerPort": 8.5}]},
            "json: cannot unmarshal number 8.5 into Go struct field "
            "ContainerPort.spec.containers.ports.containerPort of type int32",
        ),
        (
            {"readinessProbe": {"tcpSocket": {"port": True}}},
            "json: cannot unmarshal bool into Go struct field "
            "TCPSocketAction.spec.containers.readinessProbe.tcpSocket.port of type int32",
        ),
    ],
)
def test_wrong_types_are_decoding_errors(container: dict[str, Any], expected: str) -> None:
    assert messages(pod(**container)) == [expected]


def test_out_of_range_integers_do_not_fit_int32() -> None:
    assert messages(pod(ports=[{"containerPort": 2**31}])) == [
        "json: cannot unmarshal number 2147483648 into Go struct field "
        "ContainerPort.spec.containers.ports.containerPort of type int32"
    ]


def test_a_mistyped_spec_is_reported_without_crashing() -> None:
    assert messages({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "a"}, "spec": []}) == [
        "json: cannot unmarshal array into Go struct field Pod.spec of type v1.PodSpec"
    ]


def test_nulls_are_zero_values() -> None:
    obj = pod(ports=None, env=None)
    obj["metadata"]["labels"] = None
    assert messages(obj) == []


def test_an_unknown_kind_is_unsupported() -> None:
    (error,) = validate({"apiVersion": "example.com/v1", "kind": "Widget"})
    assert str(error).startswith(
        'kind: Unsupported value: "Widget": supported values: "Namespace", "Node", "Pod", '
    )


# --- services -----------------------------------------------------------------------------


def test_service_ports_are_required() -> None:
    assert messages(service(ports=[])) == ["spec.ports: Required value"]


def test_service_ports_are_between_1_and_65535() -> None:
    assert messages(service(ports=[{"port": 0, "targetPort": 8080}])) == [
        "spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive"
    ]


def test_several_service_ports_need_names() -> None:
    assert messages(service(ports=[{"port": 80}, {"name": "https", "port": 443}])) == [
        "spec.ports[0].name: Required value"
    ]


def test_service_port_names_are_unique() -> None:
    ports = [{"name": "web", "port": 80}, {"name": "web", "port": 443}]
    assert messages(service(ports=ports)) == ['spec.ports[1].name: Duplicate value: "web"']


def test_target_ports_are_numbers_or_port_names() -> None:
    assert messages(service(ports=[{"port": 80, "targetPort": 99999}])) == [
        "spec.ports[0].targetPort: Invalid value: 99999: must be between 1 and 65535, inclusive"
    ]


def test_service_types_are_the_four_kinds() -> None:
    assert messages(service(type="Internal")) == [
        'spec.type: Unsupported value: "Internal": '
        'supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"'
    ]


def test_node_ports_are_in_the_node_port_range() -> None:
    assert messages(service(type="NodePort", ports=[{"port": 80, "nodePort": 8080}])) == [
        "spec.ports[0].nodePort: Invalid value: 8080: provided port is not in the valid range. "
        "The range of valid ports is 30000-32767"
    ]


def test_cluster_ip_services_have_no_node_ports() -> None:
    assert messages(service(ports=[{"port": 80, "nodePort": 30080}])) == [
        "spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'"
    ]


def test_an_external_name_is_required_for_external_name_services() -> None:
    assert messages(service(type="ExternalName")) == ["spec.externalName: Required value"]


def test_session_affinity_is_none_or_client_ip() -> None:
    assert messages(service(sessionAffinity="Sticky")) == [
        'spec.sessionAffinity: Unsupported value: "Sticky": supported values: "ClientIP", "None"'
    ]


def test_service_selectors_are_labels() -> None:
    assert messages(service(selector={"app": "web server"})) == [
        f'spec.selector: Invalid value: "web server": {LABEL_VALUE}'
    ]


# --- nodes --------------------------------------------------------------------------------


def test_taint_effects_are_checked_at_the_api_servers_path() -> None:
    assert messages(node(taints=[{"key": "gpu", "effect": "NoRun"}])) == [
        'metadata.taints[0].effect: Unsupported value: "NoRun": '
        'supported values: "NoSchedule", "PreferNoSchedule", "NoExecute"'
    ]


def test_a_taint_needs_an_effect() -> None:
    assert messages(node(taints=[{"key": "gpu"}])) == ["metadata.taints[0].effect: Required value"]


def test_taints_are_unique_by_key_and_effect() -> None:
    taint = {"key": "gpu", "effect": "NoSchedule"}
    assert messages(node(taints=[taint, {**taint, "value": "x"}])) == [
        'metadata.taints[1]: Duplicate value: {"key":"gpu","effect":"NoSchedule","value":"x"}: '
        "taints must be unique by key and effect pair"
    ]


def test_node_capacity_may_not_be_negative() -> None:
    obj = node()
    obj["status"] = {"capacity": {"cpu": "-1"}}
    assert messages(obj) == [
        'status.capacity.cpu: Invalid value: "-1": must be greater than or equal to 0',
        'status.allocatable.cpu: Invalid value: "-1": must be greater than or equal to 0',
    ]


def test_null_list_items_are_zero_valued_structs() -> None:
    obj = pod()
    obj["spec"]["containers"] = [None]
    assert messages(obj) == [
        "spec.containers[0].name: Required value",
        "spec.containers[0].image: Required value",
    ]


def test_a_null_quantity_is_zero() -> None:
    assert messages(pod(resources={"requests": {"cpu": None}})) == []


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_no_json_value_anywhere_makes_validation_raise(data: st.DataObject) -> None:
    json_values = st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
        max_leaves=6,
    )
    obj: Any = pod(
        ports=[{"name": "http", "containerPort": 80}],
        resources={"limits": {"cpu": "1"}},
        livenessProbe={"httpGet": {"port": 80}},
    )
    target = obj
    for _ in range(data.draw(st.integers(0, 5))):
        if not isinstance(target, dict | list) or not target:
            break
        keys = list(target) if isinstance(target, dict) else list(range(len(target)))
        name = data.draw(st.sampled_from(keys))
        if data.draw(st.booleans()):
            target[name] = data.draw(json_values)
            break
        target = target[name]
    assert all(isinstance(error, FieldError) for error in validate(apply_defaults(obj)))
