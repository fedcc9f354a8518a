"""Strict decoding against Kubernetes' schemas, the notices of what is not simulated, and
``kube-lab validate``."""

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import kube_lab as kl
from kube_lab import cli
from kube_lab.api import kinds, schemas
from kube_lab.api.defaults import apply_defaults
from kube_lab.api.simulation import not_simulated, notices
from kube_lab.api.validation import validate
from kube_lab.api.validation.decoding import base64_error, decode, go_number

HERE = Path(__file__).resolve().parent / "manifests"


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


def messages(obj: dict[str, Any]) -> list[str]:
    return [str(e) for e in validate(apply_defaults(obj))]


def test_every_served_kind_has_its_schema_and_every_built_in_kind_is_classified() -> None:
    served = {(info.api_version, info.kind) for info in kinds.KINDS}
    refused = {tuple(key.rsplit("/", 1)) for key in kinds.REFUSED}
    assert served <= set(schemas.kinds())
    assert set(schemas.kinds()) <= served | refused


def test_unknown_fields_are_all_listed_in_the_order_kubectl_sends_them() -> None:
    obj = deployment(replica=3, paused=True)
    obj["spec"]["template"]["spec"]["containers"][0]["imagePullPolicyy"] = "Always"
    obj["metadata"]["label"] = {"app": "web"}
    assert messages(obj) == [
        'unknown field "metadata.label"',
        'unknown field "spec.replica"',
        'unknown field "spec.template.spec.containers[0].imagePullPolicyy"',
    ]


def test_field_names_are_case_sensitive() -> None:
    assert messages(deployment(Replicas=3)) == ['unknown field "spec.Replicas"']


def test_a_type_error_is_reported_instead_of_unknown_fields() -> None:
    assert messages(deployment(replica=3, replicas="3")) == [
        "json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas "
        "of type int32"
    ]


def test_only_the_first_type_error_is_reported() -> None:
    assert messages(deployment(replicas="3", paused="yes")) == [
        "json: cannot unmarshal string into Go struct field DeploymentSpec.spec.paused of type bool"
    ]


def test_a_bad_quantity_ends_decoding_even_after_a_type_error() -> None:
    obj = deployment(paused="yes")
    obj["spec"]["template"]["spec"]["containers"][0]["resources"] = {"limits": {"cpu": True}}
    assert messages(obj) == [
        "quantities must match the regular expression "
        "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
    ]


def test_named_go_types_appear_in_messages() -> None:
    obj = deployment(strategy="Recreate")
    assert messages(obj) == [
        "json: cannot unmarshal string into Go struct field DeploymentSpec.spec.strategy "
        "of type v1.DeploymentStrategy"
    ]
    obj = deployment()
    obj["spec"]["template"]["spec"]["containers"][0]["imagePullPolicy"] = 1
    assert messages(obj) == [
        "json: cannot unmarshal number into Go struct field "
        "Container.spec.template.spec.containers.imagePullPolicy of type v1.PullPolicy"
    ]


def test_whole_numbers_written_as_floats_decode_as_integers() -> None:
    assert messages(deployment(replicas=3.0)) == []


def test_nulls_decode_to_nothing_and_zero_values() -> None:
    schema = schemas.schema_for("apps/v1", "Deployment")
    assert schema is not None
    errors, decoded = decode(deployment(replicas=None, paused=None), schema)
    assert errors == []
    assert "replicas" not in decoded["spec"] and "paused" not in decoded["spec"]


@pytest.mark.parametrize(
    ("text", "offset"),
    [("aGVsbG8=", None), ("hello", 4), ("my-password", 2), ("YWRt\naW4=", None), ("YQ==YQ==", 4)],
)
def test_base64_errors_point_where_go_does(text: str, offset: int | None) -> None:
    assert base64_error(text) == offset


@pytest.mark.parametrize(("value", "text"), [(3, "3"), (8.5, "8.5"), (1e-7, "1e-7"), (3.0, "3")])
def test_numbers_print_as_go_marshals_them(value: float, text: str) -> None:
    assert go_number(value) == text


def test_an_intorstring_that_is_neither_is_refused_with_context() -> None:
    obj = deployment()
    probe = {"tcpSocket": {"port": 80.5}}
    obj["spec"]["template"]["spec"]["containers"][0]["readinessProbe"] = probe
    assert messages(obj) == [
        "json: cannot unmarshal number 80.5 into Go struct field "
        "TCPSocketAction.spec.template.spec.containers.readinessProbe.tcpSocket.port "
        "of type int32"
    ]


def test_decoding_errors_read_as_a_bad_request() -> None:
    cluster = kl.Cluster(nodes=0)
    with pytest.raises(kl.ManifestError) as raised:
        cluster.apply(deployment(replica=3))
    assert raised.value.message == (
        'Deployment in version "v1" cannot be handled as a Deployment: '
        'strict decoding error: unknown field "spec.replica"'
    )


def test_errors_carry_the_line_of_their_field() -> None:
    text = (HERE / "invalid" / "typo-two-fields.yaml").read_text()
    with pytest.raises(kl.ManifestError) as raised:
        kl.Cluster(nodes=0).apply(text)
    lines = text.splitlines()
    for error in raised.value.errors:
        assert error.line is not None
        assert error.path.rsplit(".", 1)[-1] in lines[error.line - 1]


def test_fields_that_are_kept_but_not_acted_on_are_named_once() -> None:
    obj = deployment()
    spec = obj["spec"]["template"]["spec"]
    spec["volumes"] = [{"name": "data", "emptyDir": {}}]
    spec["containers"].append({"name": "b", "image": "x", "env": [{"name": "A", "value": "1"}]})
    spec["containers"][0]["env"] = [{"name": "B", "value": "2"}]
    assert not_simulated(obj) == [
        "spec.template.spec.containers[*].env",
        "spec.template.spec.volumes",
    ]
    assert notices(obj) == [
        "deployment.apps/web: not simulated: spec.template.spec.containers[*].env, "
        "spec.template.spec.volumes"
    ]


def test_stored_kinds_are_listed_with_a_notice() -> None:
    cluster = kl.Cluster(nodes=0)
    results = cluster.apply(HERE / "valid" / "configmap.yaml")
    assert results.notices == (
        "configmap/game-demo: stored; no kube_lab controller acts on configmaps",
    )
    assert cluster.kubectl("get cm").splitlines() == [
        "NAME        DATA   AGE",
        "game-demo   4      0s",
    ]
    assert "player_initial_lives" in cluster.kubectl("get configmap game-demo -o yaml")


def test_refused_kinds_say_why() -> None:
    with pytest.raises(kl.StatusError) as raised:
        kl.Cluster(nodes=0).apply(HERE / "invalid" / "custom-resource-definition.yaml")
    assert "it cannot add custom resources" in raised.value.message


def test_kube_lab_validate_prints_errors_lines_and_notices(
    capsys: pytest.CaptureFixture[str],
) -> None:
    bad = HERE / "invalid" / "typo-replica.yaml"
    good = HERE / "valid" / "configmap.yaml"
    assert cli.main(["validate", str(good)]) == 0
    assert "notice: configmap/game-demo: stored" in capsys.readouterr().out
    assert cli.main(["validate", str(bad)]) == 1
    err = capsys.readouterr().err
    assert 'unknown field "spec.replica"' in err
    assert f"  {bad}:6: spec.replica: unknown field" in err


def test_importing_kube_lab_does_not_load_the_schemas() -> None:
    code = "import sys, kube_lab; print('kube_lab.api.schemas' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_the_kinds_page_lists_every_kind() -> None:
    page = (Path(__file__).resolve().parent.parent / "docs" / "kinds.md").read_text()
    for info in kinds.KINDS:
        assert f"| {info.kind} | `{info.api_version}` |" in page, info.kind
    for key in kinds.REFUSED:
        version, _, kind = key.rpartition("/")
        assert f"| {kind} (`{version}`) |" in page, key
