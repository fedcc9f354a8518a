"""Updates may change only what the API server lets change."""

from typing import Any

from kube_lab.api.defaults import apply_defaults
from kube_lab.api.meta import deep_copy
from kube_lab.api.validation import validate_update

POD_FIELDS = (
    "pod updates may not change fields other than `spec.containers[*].image`,"
    "`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` "
    "(only additions to existing tolerations),`spec.terminationGracePeriodSeconds` "
    "(allow it to be set to 1 if it was previously negative)"
)


def pod() -> dict[str, Any]:
    return apply_defaults(
        {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {"name": "web"},
            "spec": {
                "containers": [
                    {
                        "name": "web",
                        "image": "nginx:1.27",
                        "ports": [{"containerPort": 80}],
                        "resources": {"requests": {"cpu": "0.5"}},
                    }
                ]
            },
        }
    )


def deployment() -> dict[str, Any]:
    return apply_defaults(
        {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": {"name": "web"},
            "spec": {
                "selector": {"matchLabels": {"app": "web"}},
                "template": {
                    "metadata": {"labels": {"app": "web"}},
                    "spec": {"containers": [{"name": "web", "image": "nginx:1.27"}]},
                },
            },
        }
    )


def messages(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    return [str(error) for error in validate_update(old, new)]


def changed(obj: dict[str, Any], edit: Any) -> dict[str, Any]:
    new = deep_copy(obj)
    edit(new)
    return new


def test_an_unchanged_object_is_a_valid_update() -> None:
    assert messages(pod(), pod()) == []
    assert messages(deployment(), deployment()) == []


def test_a_deployment_may_change_its_template() -> None:
    def edit(obj: dict[str, Any]) -> None:
        obj["spec"]["replicas"] = 5
        obj["spec"]["template"]["spec"]["containers"][0]["image"] = "nginx:1.28"

    assert messages(deployment(), changed(deployment(), edit)) == []


def test_a_deployment_selector_is_immutable() -> None:
    def edit(obj: dict[str, Any]) -> None:
        obj["spec"]["selector"]["matchLabels"]["tier"] = "front"

    assert messages(deployment(), changed(deployment(), edit)) == [
        'spec.selector: Invalid value: {"matchLabels":{"app":"web","tier":"front"}}: '
        "field is immutable"
    ]


def test_a_replica_set_selector_is_immutable() -> None:
    old = deployment()
    old["kind"] = "ReplicaSet"
    for field in ("strategy", "revisionHistoryLimit", "progressDeadlineSeconds"):
        del old["spec"][field]  # Deployment fields: unknown to a ReplicaSet
    new = changed(old, lambda obj: obj["spec"].update(selector={"matchLabels": {"app": "api"}}))
    assert messages(old, new) == [
        'spec.selector: Invalid value: {"matchLabels":{"app":"api"}}: field is immutable'
    ]


def test_a_pod_may_change_its_image() -> None:
    def edit(obj: dict[str, Any]) -> None:
        obj["spec"]["containers"][0]["image"] = "nginx:1.28"

    assert messages(pod(), changed(pod(), edit)) == []


def test_a_pod_may_gain_tolerations_and_a_deadline() -> None:
    def edit(obj: dict[str, Any]) -> None:
        obj["spec"]["tolerations"].append({"key": "gpu", "operator": "Exists"})
        obj["spec"]["activeDeadlineSeconds"] = 600

    assert messages(pod(), changed(pod(), edit)) == []


def test_equal_quantities_are_no_change() -> None:
    def edit(obj: dict[str, Any]) -> None:
        obj["spec"]["containers"][0]["resources"]["requests"]["cpu"] = "500m"

    assert messages(pod(), changed(pod(), edit)) == []


def test_other_pod_changes_are_forbidden_and_shown() -> None:
    def edit(obj: dict[str, Any]) -> None:
        obj["spec"]["containers"][0]["ports"][0]["containerPort"] = 8080
        obj["spec"]["restartPolicy"] = "Never"

    assert messages(pod(), changed(pod(), edit)) == [
        f"spec: Forbidden: {POD_FIELDS}\n"
        "- spec.containers[0].ports[0].containerPort: 80\n"
        "+ spec.containers[0].ports[0].containerPort: 8080\n"
        '- spec.restartPolicy: "Always"\n'
        '+ spec.restartPolicy: "Never"'
    ]


def test_pods_may_not_add_containers() -> None:
    def edit(obj: dict[str, Any]) -> None:
        obj["spec"]["containers"].append({"name": "sidecar", "image": "busybox"})

    assert messages(pod(), changed(pod(), edit)) == [
        "spec.containers: Forbidden: pod updates may not add or remove containers"
    ]


def test_existing_tolerations_may_not_change() -> None:
    def edit(obj: dict[str, Any]) -> None:
        obj["spec"]["tolerations"][0]["effect"] = "NoSchedule"

    assert messages(pod(), changed(pod(), edit)) == [
        "spec.tolerations: Forbidden: "
        "existing toleration can not be modified except its tolerationSeconds"
    ]


def test_toleration_seconds_may_change() -> None:
    def edit(obj: dict[str, Any]) -> None:
        obj["spec"]["tolerations"][0]["tolerationSeconds"] = 60

    assert messages(pod(), changed(pod(), edit)) == []


def test_an_active_deadline_may_only_shrink() -> None:
    old = changed(pod(), lambda obj: obj["spec"].update(activeDeadlineSeconds=60))
    longer = changed(old, lambda obj: obj["spec"].update(activeDeadlineSeconds=120))
    removed = changed(old, lambda obj: obj["spec"].pop("activeDeadlineSeconds"))
    assert messages(old, longer) == [
        "spec.activeDeadlineSeconds: Invalid value: 120: "
        "must be less than or equal to previous value"
    ]
    assert messages(old, removed) == [
        "spec.activeDeadlineSeconds: Invalid value: null: "
        "must not update from a positive integer to nil value"
    ]


def test_an_image_may_not_be_removed() -> None:
    def edit(obj: dict[str, Any]) -> None:
        obj["spec"]["containers"][0]["image"] = ""

    assert messages(pod(), changed(pod(), edit)) == ["spec.containers[0].image: Required value"]


def test_type_errors_are_left_to_validate() -> None:
    new = changed(deployment(), lambda obj: obj["spec"].update(selector="app=web"))
    assert messages(deployment(), new) == []


def test_other_kinds_may_change_freely() -> None:
    old = apply_defaults(
        {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": {"name": "web"},
            "spec": {"ports": [{"port": 80}]},
        }
    )
    new = changed(old, lambda obj: obj["spec"].update(type="NodePort"))
    assert messages(old, new) == []
