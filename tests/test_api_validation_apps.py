"""Broken Deployments and ReplicaSets get the API server's own words and paths."""

from typing import Any

import pytest
import yaml

from kube_lab.api.defaults import apply_defaults
from kube_lab.api.validation import validate

DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 3
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: web
        image: nginx:1.27
"""


def deployment(**spec: Any) -> dict[str, Any]:
    obj: dict[str, Any] = yaml.safe_load(DEPLOYMENT)
    obj["spec"].update(spec)
    return obj


def replica_set(**spec: Any) -> dict[str, Any]:
    obj = deployment(**spec)
    obj["kind"] = "ReplicaSet"
    return obj


def messages(obj: dict[str, Any]) -> list[str]:
    return [str(error) for error in validate(apply_defaults(obj))]


@pytest.mark.parametrize(
    "obj",
    [
        deployment(),
        deployment(strategy={"type": "Recreate"}),
        deployment(strategy={"rollingUpdate": {"maxSurge": 1, "maxUnavailable": 0}}),
        deployment(replicas=0, revisionHistoryLimit=0),
        deployment(
            selector={"matchExpressions": [{"key": "app", "operator": "In", "values": ["web"]}]}
        ),
        replica_set(),
    ],
)
def test_valid_workloads_have_no_errors(obj: dict[str, Any]) -> None:
    assert messages(obj) == []


@pytest.mark.parametrize("make", [deployment, replica_set])
def test_replicas_may_not_be_negative(make: Any) -> None:
    assert messages(make(replicas=-1)) == [
        "spec.replicas: Invalid value: -1: must be greater than or equal to 0"
    ]


def test_replicas_must_be_a_number() -> None:
    assert messages(deployment(replicas="three")) == [
        "json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas "
        "of type int32"
    ]


def test_a_selector_is_required() -> None:
    obj = deployment()
    del obj["spec"]["selector"]
    assert messages(obj) == [
        "spec.selector: Required value",
        'spec.template.metadata.labels: Invalid value: {"app":"web"}: '
        "`selector` does not match template `labels`",
    ]


@pytest.mark.parametrize("make", [deployment, replica_set])
def test_an_empty_selector_is_invalid(make: Any) -> None:
    assert messages(make(selector={})) == [
        "spec.selector: Invalid value: {}: empty selector is invalid for deployment"
    ]


def test_the_selector_must_match_the_template_labels() -> None:
    assert messages(deployment(selector={"matchLabels": {"app": "api"}})) == [
        'spec.template.metadata.labels: Invalid value: {"app":"web"}: '
        "`selector` does not match template `labels`"
    ]


def test_template_labels_print_sorted_as_a_go_map() -> None:
    obj = deployment(selector={"matchLabels": {"app": "api"}})
    obj["spec"]["template"]["metadata"]["labels"] = {"tier": "front", "app": "web"}
    assert messages(obj) == [
        'spec.template.metadata.labels: Invalid value: {"app":"web","tier":"front"}: '
        "`selector` does not match template `labels`"
    ]


def test_a_template_without_labels_matches_no_selector() -> None:
    obj = deployment()
    del obj["spec"]["template"]["metadata"]
    assert messages(obj) == [
        "spec.template.metadata.labels: Invalid value: null: "
        "`selector` does not match template `labels`"
    ]


def test_selector_operators_are_checked_and_stop_the_template_check() -> None:
    selector = {"matchExpressions": [{"key": "app", "operator": "Equals", "values": ["web"]}]}
    assert messages(deployment(selector=selector)) == [
        'spec.selector.matchExpressions[0].operator: Invalid value: "Equals": '
        "not a valid selector operator",
        'spec.selector: Invalid value: {"matchExpressions":[{"key":"app","operator":"Equals",'
        '"values":["web"]}]}: invalid label selector',
    ]


def test_in_needs_values() -> None:
    selector = {"matchExpressions": [{"key": "app", "operator": "In"}]}
    assert messages(deployment(selector=selector))[0] == (
        "spec.selector.matchExpressions[0].values: Required value: "
        "must be specified when `operator` is 'In' or 'NotIn'"
    )


def test_exists_takes_no_values() -> None:
    selector = {"matchExpressions": [{"key": "app", "operator": "Exists", "values": ["web"]}]}
    assert messages(deployment(selector=selector))[0] == (
        "spec.selector.matchExpressions[0].values: Forbidden: "
        "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"
    )


def test_template_containers_are_validated_at_their_path() -> None:
    obj = deployment()
    del obj["spec"]["template"]["spec"]["containers"][0]["image"]
    assert messages(obj) == ["spec.template.spec.containers[0].image: Required value"]


def test_template_containers_are_required() -> None:
    obj = deployment()
    obj["spec"]["template"]["spec"]["containers"] = []
    assert messages(obj) == ["spec.template.spec.containers: Required value"]


def test_template_labels_are_validated_at_the_api_servers_template_path() -> None:
    obj = deployment()
    obj["spec"]["template"]["metadata"]["labels"]["tier"] = "front end"
    label_rule = (
        "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' "
        "or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or "
        "'my_value',  or '12345', regex used for validation is "
        "'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"
    )
    assert messages(obj) == [f'spec.template.labels: Invalid value: "front end": {label_rule}']


def test_an_invalid_selector_label_skips_the_template() -> None:
    obj = deployment(selector={"matchLabels": {"app": "web server"}})
    obj["spec"]["template"]["spec"]["containers"] = []
    assert messages(obj)[1:] == [
        'spec.selector: Invalid value: {"matchLabels":{"app":"web server"}}: invalid label selector'
    ]


@pytest.mark.parametrize("make", [deployment, replica_set])
def test_templates_must_restart_always(make: Any) -> None:
    obj = make()
    obj["spec"]["template"]["spec"]["restartPolicy"] = "Never"
    assert messages(obj) == [
        'spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"'
    ]


def test_templates_have_no_active_deadline() -> None:
    obj = deployment()
    obj["spec"]["template"]["spec"]["activeDeadlineSeconds"] = 60
    assert messages(obj) == [
        "spec.template.spec.activeDeadlineSeconds: Forbidden: "
        "activeDeadlineSeconds in ReplicaSet is not Supported"
    ]


def test_rolling_updates_need_room_to_move() -> None:
    strategy = {"rollingUpdate": {"maxSurge": 0, "maxUnavailable": 0}}
    assert messages(deployment(strategy=strategy)) == [
        "spec.strategy.rollingUpdate.maxUnavailable: Invalid value: 0: "
        "may not be 0 when `maxSurge` is 0"
    ]


def test_zero_percent_counts_as_zero() -> None:
    strategy = {"rollingUpdate": {"maxSurge": "0%", "maxUnavailable": 0}}
    assert messages(deployment(strategy=strategy)) == [
        "spec.strategy.rollingUpdate.maxUnavailable: Invalid value: 0: "
        "may not be 0 when `maxSurge` is 0"
    ]


def test_surge_and_unavailability_are_ints_or_percentages() -> None:
    strategy = {"rollingUpdate": {"maxSurge": "one", "maxUnavailable": -1}}
    assert messages(deployment(strategy=strategy)) == [
        "spec.strategy.rollingUpdate.maxUnavailable: Invalid value: -1: "
        "must be greater than or equal to 0",
        'spec.strategy.rollingUpdate.maxSurge: Invalid value: "one": a valid percent string must '
        "be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for "
        "validation is '[0-9]+%')",
    ]


def test_unavailability_is_at_most_100_percent() -> None:
    strategy = {"rollingUpdate": {"maxUnavailable": "120%"}}
    assert messages(deployment(strategy=strategy)) == [
        'spec.strategy.rollingUpdate.maxUnavailable: Invalid value: "120%": '
        "must not be greater than 100%"
    ]


def test_surge_may_exceed_100_percent() -> None:
    assert messages(deployment(strategy={"rollingUpdate": {"maxSurge": "200%"}})) == []


def test_strategy_types_are_recreate_or_rolling_update() -> None:
    assert messages(deployment(strategy={"type": "BlueGreen"})) == [
        'spec.strategy: Unsupported value: {"type":"BlueGreen"}: '
        'supported values: "Recreate", "RollingUpdate"'
    ]


def test_recreate_may_not_have_a_rolling_update() -> None:
    strategy = {"type": "Recreate", "rollingUpdate": {"maxSurge": 1}}
    assert messages(deployment(strategy=strategy)) == [
        "spec.strategy.rollingUpdate: Forbidden: "
        "may not be specified when strategy `type` is 'Recreate'"
    ]


@pytest.mark.parametrize("field", ["minReadySeconds", "revisionHistoryLimit"])
def test_counts_may_not_be_negative(field: str) -> None:
    assert messages(deployment(**{field: -5})) == [
        f"spec.{field}: Invalid value: -5: must be greater than or equal to 0"
    ]


def test_the_progress_deadline_exceeds_min_ready_seconds() -> None:
    assert messages(deployment(minReadySeconds=30, progressDeadlineSeconds=30)) == [
        "spec.progressDeadlineSeconds: Invalid value: 30: must be greater than minReadySeconds"
    ]


def test_every_problem_of_a_deployment_is_reported_in_order() -> None:
    obj = deployment(replicas=-2, selector={"matchLabels": {"app": "api"}})
    obj["metadata"]["name"] = "Web"
    obj["spec"]["template"]["spec"]["containers"][0]["name"] = "Web"
    assert [message.split(":")[0] for message in messages(obj)] == [
        "metadata.name",
        "spec.replicas",
        "spec.template.metadata.labels",
        "spec.template.spec.containers[0].name",
    ]
