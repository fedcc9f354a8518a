"""Manifests load as kubectl reads them and are refused, all or nothing, with its words."""

import textwrap
from pathlib import Path

import pytest

from kube_lab.api.errors import ManifestError
from kube_lab.api.manifest import (
    Document,
    ManifestLoadError,
    load_documents,
    prepare,
    rejection,
)

SUPPORTED = "kube_lab serves the built-in kinds of Kubernetes 1.37"


def pod(name: str = "web", *, container: str = "web", image: str = "nginx:1.27") -> str:
    """A Pod manifest as a learner writes it; empty arguments leave the field out."""
    lines = ["apiVersion: v1", "kind: Pod", "metadata:", f"  name: {name}", "spec:"]
    lines += ["  containers:", f"  - name: {container}" if container else "  - tty: false"]
    lines += [f"    image: {image}"] if image else []
    return "\n".join(lines) + "\n"


POD = pod()

TWO_DOCS = """\
apiVersion: v1
kind: Namespace
metadata:
  name: shop
---
# the service
apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: shop
spec:
  selector: {app: web}
  ports: [{port: 80}]
"""


def yaml_text(text: str) -> str:
    return textwrap.dedent(text)


def load_error(source: object) -> ManifestLoadError:
    with pytest.raises(ManifestLoadError) as raised:
        load_documents(source)  # type: ignore[arg-type]
    return raised.value


def prepare_error(source: object) -> ManifestError:
    with pytest.raises(ManifestError) as raised:
        prepare(source)  # type: ignore[arg-type]
    return raised.value


# --- inputs -------------------------------------------------------------------------------


def test_a_yaml_string_with_one_document() -> None:
    [document] = load_documents(POD)
    assert document == Document(
        {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {"name": "web"},
            "spec": {"containers": [{"name": "web", "image": "nginx:1.27"}]},
        },
        source=None,
        index=0,
        line=1,
    )


def test_multi_document_yaml_keeps_positions_and_start_lines() -> None:
    namespace, service = load_documents(TWO_DOCS)
    assert (namespace.obj["kind"], namespace.index, namespace.line) == ("Namespace", 0, 1)
    assert (service.obj["kind"], service.index, service.line) == ("Service", 1, 7)
    assert service.total == 2


def test_empty_documents_are_skipped_but_counted() -> None:
    documents = load_documents("---\n---\n" + POD + "---\n")
    assert [(d.index, d.line) for d in documents] == [(1, 3)]


def test_only_comments_means_no_documents() -> None:
    assert load_documents("# nothing here\n") == []
    assert load_documents("") == []


def test_a_dict_is_one_document() -> None:
    obj = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "shop"}}
    assert load_documents(obj) == [Document(obj)]


def test_a_list_of_dicts_numbers_its_documents() -> None:
    objs = [
        {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "a"}},
        {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "b"}},
    ]
    assert [(d.obj["metadata"]["name"], d.index, d.total) for d in load_documents(objs)] == [
        ("a", 0, 2),
        ("b", 1, 2),
    ]


def test_a_kind_list_becomes_its_items_with_their_lines() -> None:
    text = yaml_text(
        """\
        apiVersion: v1
        kind: List
        items:
        - apiVersion: v1
          kind: Namespace
          metadata: {name: a}
        - apiVersion: v1
          kind: Namespace
          metadata: {name: b}
        """
    )
    documents = load_documents(text)
    assert [(d.obj["metadata"]["name"], d.index, d.line) for d in documents] == [
        ("a", 0, 4),
        ("b", 0, 7),
    ]


def test_a_path_string_reads_the_file(tmp_path: Path) -> None:
    path = tmp_path / "web.yaml"
    path.write_text(POD)
    [document] = load_documents(str(path))
    assert document.source == str(path) and document.obj["kind"] == "Pod"


def test_a_pathlib_path_reads_the_file(tmp_path: Path) -> None:
    path = tmp_path / "web.yml"
    path.write_text(TWO_DOCS)
    assert [d.source for d in load_documents(path)] == [str(path), str(path)]


def test_json_files_are_manifests_too(tmp_path: Path) -> None:
    path = tmp_path / "ns.json"
    path.write_text('{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "a"}}')
    assert load_documents(path)[0].obj["metadata"] == {"name": "a"}


def test_a_directory_reads_its_manifests_in_name_order(tmp_path: Path) -> None:
    (tmp_path / "b.yaml").write_text(POD)
    (tmp_path / "a.yaml").write_text(TWO_DOCS)
    (tmp_path / "notes.txt").write_text("not a manifest")
    kinds = [d.obj["kind"] for d in load_documents(tmp_path)]
    assert kinds == ["Namespace", "Service", "Pod"]


def test_a_missing_file_is_reported_as_kubectl_does() -> None:
    assert load_error("nowhere.yaml").message == 'the path "nowhere.yaml" does not exist'


def test_timestamps_stay_strings_as_in_json() -> None:
    [document] = load_documents(
        POD.replace("  name: web\n", "  name: web\n  annotations:\n    at: 2025-01-01\n")
    )
    assert document.obj["metadata"]["annotations"] == {"at": "2025-01-01"}


def test_mapping_keys_become_strings_as_in_json() -> None:
    [document] = load_documents(
        POD.replace("  name: web\n", "  name: web\n  labels:\n    1: one\n")
    )
    assert document.obj["metadata"]["labels"] == {"1": "one"}


# --- what kubectl refuses -----------------------------------------------------------------


def test_invalid_yaml_names_file_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "web.yaml"
    path.write_text("apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  labels: app: web\n")
    error = load_error(path)
    assert error.message == (
        f"error parsing {path}: error converting YAML to JSON: yaml: line 5, column 14: "
        "mapping values are not allowed in this context"
    )
    assert (error.reason, error.code) == ("BadRequest", 400)


def test_bad_indentation_reads_as_in_kubectl() -> None:
    text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n labels: {}\n"
    assert load_error(text).message == (
        "error converting YAML to JSON: yaml: line 5, column 2: did not find expected key"
    )


def test_tabs_cannot_start_a_token() -> None:
    assert load_error("metadata:\n\tname: web\n").message == (
        "error converting YAML to JSON: yaml: line 2, column 1: "
        "found character that cannot start any token"
    )


def test_a_document_that_is_not_a_mapping() -> None:
    assert load_error("- apiVersion: v1\n  kind: Pod\n").message == (
        "error validating data: invalid object to validate"
    )


def test_missing_api_version_and_kind_are_listed_together() -> None:
    assert load_error("metadata:\n  name: web\n").message == (
        "error validating data: [apiVersion not set, kind not set]"
    )


def test_a_single_missing_field_is_not_bracketed(tmp_path: Path) -> None:
    path = tmp_path / "pod.yaml"
    path.write_text(POD.replace("kind: Pod\n", ""))
    assert load_error(path).message == (
        f'error validating "{path}": error validating data: kind not set'
    )


def test_an_unknown_kind_lists_what_is_supported() -> None:
    text = POD.replace("apiVersion: v1\nkind: Pod", "apiVersion: apps/v1\nkind: Deploymnt")
    assert load_error(text).message == (
        'resource mapping not found for name: "web" namespace: "": '
        f'no matches for kind "Deploymnt" in version "apps/v1"; {SUPPORTED} '
        "(did you mean Deployment?)"
    )


@pytest.mark.parametrize("version", ["v1", "extensions/v1beta1", "apps/v1beta2"])
def test_a_kind_in_the_wrong_api_version(version: str) -> None:
    obj = {"apiVersion": version, "kind": "Deployment", "metadata": {"name": "web"}}
    assert load_error(obj).message == (
        'resource mapping not found for name: "web" namespace: "": '
        f'no matches for kind "Deployment" in version "{version}"; '
        "kube_lab serves Deployment as apps/v1"
    )


def test_every_unusable_document_is_reported_with_its_position(tmp_path: Path) -> None:
    path = tmp_path / "app.yaml"
    path.write_text(POD + "---\nkind: Service\n---\n" + POD.replace("kind: Pod", "kind: Pot"))
    assert load_error(path).message.splitlines() == [
        f'error validating "{path}" (document 2, line 10): error validating data: '
        "apiVersion not set",
        'resource mapping not found for name: "web" namespace: "" '
        f'from "{path}" (document 3, line 12): no matches for kind "Pot" in version "v1"; '
        f"{SUPPORTED} (did you mean Pod?)",
    ]


# --- prepare ------------------------------------------------------------------------------


def test_prepare_returns_defaulted_objects() -> None:
    namespace, service = prepare(TWO_DOCS)
    assert namespace["status"] == {"phase": "Active"}
    assert service["spec"]["type"] == "ClusterIP"
    assert service["spec"]["ports"] == [{"port": 80, "protocol": "TCP", "targetPort": 80}]


def test_prepare_does_not_touch_its_input() -> None:
    obj = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "a"}}
    prepare(obj)
    assert obj == {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "a"}}


def test_an_invalid_object_reads_as_the_api_server_says() -> None:
    error = prepare_error(pod(image=""))
    assert error.message == 'Pod "web" is invalid: spec.containers[0].image: Required value'
    assert [str(e) for e in error.errors] == ["spec.containers[0].image: Required value"]
    assert (error.reason, error.code) == ("Invalid", 422)


def test_several_errors_of_one_object_are_bracketed() -> None:
    error = prepare_error(pod(container="", image=""))
    assert error.message == (
        'Pod "web" is invalid: [spec.containers[0].name: Required value, '
        "spec.containers[0].image: Required value]"
    )


def test_one_bad_document_fails_the_batch_and_names_its_place(tmp_path: Path) -> None:
    path = tmp_path / "app.yaml"
    path.write_text(TWO_DOCS + "---\n" + pod("Web"))
    error = prepare_error(path)
    assert error.message == (
        f'error when creating "{path}" (document 3, line 16): Pod "Web" is invalid: '
        'metadata.name: Invalid value: "Web": a lowercase RFC 1123 subdomain must consist of '
        "lower case alphanumeric characters, '-' or '.', and must start and end with an "
        "alphanumeric character (e.g. 'example.com', regex used for validation is "
        r"'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
    )


def test_every_bad_document_gets_a_line_of_its_own() -> None:
    error = prepare_error(pod(image="") + "---\n" + pod("api", image=""))
    assert error.message.splitlines() == [
        'error when creating document 1 (line 1): Pod "web" is invalid: '
        "spec.containers[0].image: Required value",
        'error when creating document 2 (line 9): Pod "api" is invalid: '
        "spec.containers[0].image: Required value",
    ]
    assert len(error.errors) == 2


def test_documents_given_as_dicts_are_numbered_without_lines() -> None:
    good = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "a"}}
    bad = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "A"}}
    assert prepare_error([good, bad]).message.startswith(
        'error when creating document 2: Namespace "A" is invalid: metadata.name: Invalid value'
    )


def test_a_nameless_object_is_invalid_under_an_empty_name() -> None:
    error = prepare_error({"apiVersion": "apps/v1", "kind": "Deployment"})
    assert error.message.startswith(
        'Deployment.apps "" is invalid: [metadata.name: Required value: '
        "name or generateName is required, "
    )


def test_type_errors_are_reported_cleanly() -> None:
    error = prepare_error(
        POD.replace(
            "  containers:\n  - name: web\n    image: nginx:1.27\n", "  containers: nginx\n"
        )
    )
    assert error.message == (
        'Pod in version "v1" cannot be handled as a Pod: json: cannot unmarshal string into '
        "Go struct field PodSpec.spec.containers of type []v1.Container"
    )


def test_rejection_prefixes_any_message_with_the_place() -> None:
    document = Document({"kind": "Pod"}, source="web.yaml", index=1, line=9, total=2)
    assert rejection(document, 'pods "web" already exists') == (
        'error when creating "web.yaml" (document 2, line 9): pods "web" already exists'
    )
    assert rejection(Document({"kind": "Pod"}), "plain") == "plain"
