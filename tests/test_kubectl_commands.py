"""The command line and the small verbs: flags, errors, apply/create/delete, scale, label,
set image, and the :class:`KubectlOutput` a caller gets back."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_kubectl_support import FakeCluster, container_status, deployment, node, pod

from kube_lab.api.errors import ManifestError, invalid, required
from kube_lab.kubectl import Kubectl, KubectlOutput
from kube_lab.kubectl.output import error_message


def with_web() -> FakeCluster:
    cluster = FakeCluster(kubelet_stop_seconds=3)
    cluster.add(node("node-1"), at=0)
    cluster.add(deployment(), at=0)
    cluster.add(pod("web-1", node="node-1", ip="10.244.1.5", statuses=[container_status()]), at=0)
    return cluster


def test_output_is_a_str_with_exit_code_and_streams() -> None:
    out = Kubectl(with_web()).run("get pod nope")
    assert isinstance(out, KubectlOutput)
    assert isinstance(out, str)
    assert out.exit_code == 1
    assert out.stdout == ""
    assert out.stderr == 'Error from server (NotFound): pods "nope" not found\n'
    assert repr(out) == str(out)  # a notebook shows the text itself, not a quoted string


def test_the_kubectl_prefix_is_optional() -> None:
    cluster = with_web()
    assert cluster.kubectl("kubectl get deploy -o name") == cluster.kubectl("get deploy -o name")


@pytest.mark.parametrize(
    ("command", "error"),
    [
        ("get pods --foo", "error: unknown flag: --foo\nSee 'kubectl get --help' for usage.\n"),
        (
            "get pods -x",
            "error: unknown shorthand flag: 'x' in -x\nSee 'kubectl get --help' for usage.\n",
        ),
        (
            "get pods -n",
            "error: flag needs an argument: 'n' in -n\nSee 'kubectl get --help' for usage.\n",
        ),
        (
            "scale deploy/web --replicas=many",
            'error: invalid argument "many" for "--replicas" flag: '
            'strconv.ParseInt: parsing "many": invalid syntax\n'
            "See 'kubectl scale --help' for usage.\n",
        ),
        ("launch pods", 'error: unknown command "launch" for "kubectl"\n'),
    ],
)
def test_command_line_mistakes_are_reported_in_kubectls_words(command: str, error: str) -> None:
    out = with_web().kubectl(command)
    assert out == error
    assert out.exit_code == 1


def test_flags_may_come_before_the_verb_and_in_every_spelling() -> None:
    cluster = with_web()
    expected = cluster.kubectl("get pods -n default")
    assert cluster.kubectl("-n default get pods") == expected
    assert cluster.kubectl("get --namespace=default pods") == expected
    assert cluster.kubectl("get pods -ndefault") == expected


def test_apply_prints_one_line_per_object(tmp_path: Path) -> None:
    manifest = tmp_path / "app.yaml"
    manifest.write_text(
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector:\n    app: web\n"
        "  ports:\n  - port: 80\n"
    )
    cluster = with_web()
    assert cluster.kubectl(f"apply -f {manifest}") == "service/web created\n"
    assert cluster.kubectl(f"apply -f {tmp_path}") == "service/web unchanged\n"


def test_apply_needs_an_existing_file() -> None:
    cluster = with_web()
    assert (
        cluster.kubectl("apply -f nowhere.yaml")
        == 'error: the path "nowhere.yaml" does not exist\n'
    )
    assert cluster.kubectl("apply") == "error: must specify one of -f and -k\n"


def test_delete_says_where_it_deleted_and_waits_for_the_pod_to_go() -> None:
    cluster = with_web()
    out = cluster.kubectl("delete pod web-1")
    assert out == 'pod "web-1" deleted from default namespace\n'
    assert cluster.store.peek("Pod", "web-1", "default") is None
    assert cluster.now == 3  # the kubelet took 3s to stop it


def test_delete_deployment_by_type_slash_name() -> None:
    cluster = with_web()
    assert (
        cluster.kubectl("delete deployment/web")
        == 'deployment.apps "web" deleted from default namespace\n'
    )
    assert (
        cluster.kubectl("delete deployment/web")
        == 'Error from server (NotFound): deployments.apps "web" not found\n'
    )


def test_delete_a_type_without_names_is_refused() -> None:
    assert (
        with_web().kubectl("delete pods")
        == "error: resource(s) were provided, but no name was specified\n"
    )


def test_delete_all_with_a_selector_that_matches_nothing() -> None:
    assert with_web().kubectl("delete pods -l app=none") == "No resources found\n"


def test_delete_from_a_file(tmp_path: Path) -> None:
    manifest = tmp_path / "web.yaml"
    manifest.write_text("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n")
    assert (
        with_web().kubectl(f"delete -f {manifest}")
        == 'deployment.apps "web" deleted from default namespace\n'
    )


def test_scale_sets_replicas() -> None:
    cluster = with_web()
    assert cluster.kubectl("scale deployment web --replicas=5") == "deployment.apps/web scaled\n"
    assert cluster.store.get("Deployment", "web", "default")["spec"]["replicas"] == 5


def test_scale_needs_replicas() -> None:
    assert with_web().kubectl("scale deploy/web") == (
        "error: The --replicas=COUNT flag is required, "
        "and COUNT must be greater than or equal to 0\n"
    )


def test_label_adds_overwrites_and_removes() -> None:
    cluster = with_web()
    assert cluster.kubectl("label pods web-1 tier=front") == "pod/web-1 labeled\n"
    assert cluster.kubectl("label pods web-1 tier=back") == (
        "error: 'tier' already has a value (front), and --overwrite is false\n"
    )
    assert cluster.kubectl("label pods web-1 tier=back --overwrite") == "pod/web-1 labeled\n"
    assert cluster.kubectl("label pod/web-1 tier-") == "pod/web-1 unlabeled\n"
    assert (
        cluster.kubectl("label pod/web-1 tier-")
        == 'label "tier" not found.\npod/web-1 not labeled\n'
    )
    assert cluster.store.get("Pod", "web-1", "default")["metadata"]["labels"] == {"app": "web"}


def test_label_refuses_bad_values_and_missing_changes() -> None:
    cluster = with_web()
    assert cluster.kubectl("label pod web-1").startswith(
        "error: at least one label update is required"
    )
    assert cluster.kubectl("label pod web-1 a=b c").startswith(
        "error: all resources must be specified before label changes: c"
    )
    assert cluster.kubectl("label pod web-1 tier=-bad").startswith(
        'error: invalid label value: "tier=-bad": '
    )


def test_set_image_updates_the_template_once() -> None:
    cluster = with_web()
    assert (
        cluster.kubectl("set image deployment/web nginx=nginx:1.28")
        == "deployment.apps/web image updated\n"
    )
    containers = cluster.store.get("Deployment", "web", "default")["spec"]["template"]["spec"][
        "containers"
    ]
    assert containers[0]["image"] == "nginx:1.28"
    assert cluster.kubectl("set image deployment/web nginx=nginx:1.28") == ""  # nothing to change
    assert cluster.kubectl("set image deployment/web redis=redis:7") == (
        'error: unable to find container named "redis"\n'
    )


def test_invalid_manifests_are_worded_as_kubectl_words_invalid_statuses() -> None:
    one = ManifestError(
        'error when creating "pod.yaml": Pod "p" is invalid: '
        "spec.containers[0].image: Required value",
        [required("spec.containers[0].image")],
    )
    assert error_message(one) == 'The Pod "p" is invalid: spec.containers[0].image: Required value'
    errors = [
        invalid("spec.replicas", -1, "must be greater than or equal to 0"),
        required("spec.selector"),
    ]
    several = ManifestError(
        'error when creating "web.yaml": Deployment.apps "web" is invalid: '
        f"[{errors[0]}, {errors[1]}]",
        errors,
    )
    assert error_message(several) == (
        'The Deployment "web" is invalid: \n'
        "* spec.replicas: Invalid value: -1: must be greater than or equal to 0\n"
        "* spec.selector: Required value"
    )
    unreadable = ManifestError("error parsing bad.yaml: error converting YAML to JSON")
    assert (
        error_message(unreadable) == "error: error parsing bad.yaml: error converting YAML to JSON"
    )


def test_output_pretty_prints_as_plain_text_in_ipython() -> None:
    printed: list[str] = []

    class Printer:
        def text(self, value: str) -> None:
            printed.append(value)

    out = KubectlOutput([("out", "node/node-1 cordoned\n")], exit_code=0)
    out._repr_pretty_(Printer(), cycle=False)
    assert printed == ["node/node-1 cordoned\n"]


def test_edits_are_validated_as_the_api_server_validates_updates() -> None:
    from conftest import deployment as manifest

    import kube_lab as kl

    cluster = kl.Cluster(nodes=1)
    cluster.apply(manifest())
    out = cluster.kubectl("set image deployment/web web=")
    assert (out, out.exit_code) == (
        'The Deployment "web" is invalid: spec.template.spec.containers[0].image: Required value\n',
        1,
    )
    assert cluster.get("deploy", "web")["spec"]["template"]["spec"]["containers"][0]["image"]
