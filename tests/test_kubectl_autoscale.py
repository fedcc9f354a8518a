"""``kubectl autoscale``, and the autoscaler as ``get hpa`` and ``describe hpa`` show it."""

from __future__ import annotations

from typing import Any

from test_kubectl_support import FakeCluster, deployment, event, pod

from kube_lab.api.defaults import HPA_BEHAVIOR
from kube_lab.api.meta import set_condition

DEPRECATED = (
    "Flag --cpu-percent has been deprecated, Use --cpu with percentage or resource quantity "
    "format (e.g., '70%' for utilization or '500m' for milliCPU).\n"
)


def cluster_with_deployment() -> FakeCluster:
    cluster = FakeCluster()
    cluster.add(deployment(), at=0)
    return cluster


def spec(cluster: FakeCluster, name: str = "web") -> dict[str, Any]:
    """The autoscaler's spec without ``behavior``, which the API server defaults in full."""
    stored = dict(cluster.store.get("HorizontalPodAutoscaler", name, "default")["spec"])
    assert stored.pop("behavior") == HPA_BEHAVIOR
    return stored


def test_autoscale_creates_a_v2_autoscaler_on_cpu_utilization() -> None:
    cluster = cluster_with_deployment()
    out = cluster.kubectl("autoscale deployment web --cpu=50% --min=2 --max=10")
    assert out == "horizontalpodautoscaler.autoscaling/web autoscaled\n"
    assert spec(cluster) == {
        "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"},
        "minReplicas": 2,
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
    }


def test_cpu_percent_still_works_but_pflag_says_it_is_deprecated() -> None:
    cluster = cluster_with_deployment()
    out = cluster.kubectl("autoscale deploy/web --cpu-percent=50 --max=5")
    assert out.stderr == DEPRECATED
    assert out.stdout == "horizontalpodautoscaler.autoscaling/web autoscaled\n"
    assert spec(cluster)["minReplicas"] == 1  # not sent by kubectl: the API server defaults it
    assert spec(cluster)["metrics"][0]["resource"]["target"]["averageUtilization"] == 50


def test_cpu_and_memory_quantities_target_average_values_bare_numbers_get_units() -> None:
    cluster = cluster_with_deployment()
    out = cluster.kubectl("autoscale deployment web --max=4 --cpu=250 --memory=1Gi --name=big")
    assert out == "horizontalpodautoscaler.autoscaling/big autoscaled\n"
    metrics = spec(cluster, "big")["metrics"]
    assert [m["resource"]["name"] for m in metrics] == ["cpu", "memory"]
    assert [m["resource"]["target"] for m in metrics] == [
        {"type": "AverageValue", "averageValue": "250m"},
        {"type": "AverageValue", "averageValue": "1Gi"},
    ]
    cluster.kubectl("autoscale deployment web --max=4 --memory=200 --name=small")
    target = spec(cluster, "small")["metrics"][0]["resource"]["target"]
    assert target == {"type": "AverageValue", "averageValue": "200Mi"}


def test_autoscale_refuses_what_kubectl_refuses() -> None:
    cluster = cluster_with_deployment()
    cluster.add(pod("lonely"))
    for command, error in (
        ("autoscale deployment web", 'error: required flag(s) "max" not set\n'),
        (
            "autoscale deployment web --max=0",
            "error: --max=MAXPODS is required and must be at least 1, max: 0\n",
        ),
        (
            "autoscale deployment web --min=3 --max=2",
            "error: --max=MAXPODS must be larger or equal to --min=MINPODS, max: 2, min: 3\n",
        ),
        (
            "autoscale deployment web --max=2 --cpu=lots",
            "error: invalid resource cpu value: lots\n",
        ),
        ("autoscale deployment web --max=2 --cpu=-5%", "error: invalid percentage value: -5\n"),
        (
            "autoscale deployment web --max=2 --cpu=50% --cpu-percent=50",
            DEPRECATED + "error: --cpu-percent and --cpu are mutually exclusive\n",
        ),
        (
            "autoscale deployment --max=2",
            "error: resource(s) were provided, but no name was specified\n",
        ),
        (
            "autoscale deployment api --max=2",
            'Error from server (NotFound): deployments.apps "api" not found\n',
        ),
        (
            "autoscale pod lonely --max=2",
            "error: cannot autoscale a Pod: could not find scale subresource for /v1, "
            "Resource=pods in discovery information\n",
        ),
    ):
        out = cluster.kubectl(command)
        assert (out, out.exit_code) == (error, 1), command
    assert cluster.store.list("HorizontalPodAutoscaler") == []


def test_an_existing_autoscaler_fails_as_kubectl_words_its_v1_fallback() -> None:
    cluster = cluster_with_deployment()
    cluster.kubectl("autoscale deployment web --cpu=50% --max=10")
    # a utilization fits autoscaling/v1, whose create fails the same way
    assert cluster.kubectl("autoscale deployment web --cpu=80% --max=3") == (
        'Error from server (AlreadyExists): horizontalpodautoscalers.autoscaling "web" '
        "already exists\n"
    )
    # kubectl's v1 check parses the unset --cpu
    assert cluster.kubectl("autoscale deployment web --cpu-percent=80 --max=3") == (
        DEPRECATED + "error: failed to create autoscaling/v2 HPA and the configuration is "
        "incompatible with autoscaling/v1: empty input\n"
    )
    # an average value does not fit v1, and Go formats the missing cause with %w
    assert cluster.kubectl("autoscale deployment web --cpu=200m --max=3") == (
        "error: failed to create autoscaling/v2 HPA and the configuration is incompatible "
        "with autoscaling/v1: %!w(<nil>)\n"
    )
    assert spec(cluster)["maxReplicas"] == 10


# -- get and describe ----------------------------------------------------------------------


def autoscaled(*, measured: bool) -> FakeCluster:
    """``web`` autoscaled at 20s; when ``measured``, the controller's status at 95s."""
    cluster = cluster_with_deployment()
    cluster.time = 20
    cluster.kubectl("autoscale deployment web --cpu=50% --min=2 --max=10")
    hpa = cluster.store.get("HorizontalPodAutoscaler", "web", "default")
    if measured:
        current = {"averageUtilization": 45, "averageValue": "45m"}
        hpa["status"] = {
            "currentReplicas": 3,
            "desiredReplicas": 3,
            "currentMetrics": [
                {"type": "Resource", "resource": {"name": "cpu", "current": current}}
            ],
        }
        for kind, status, reason, message in (
            ("AbleToScale", "True", "ReadyForNewScale", "recommended size matches current size"),
            (
                "ScalingActive",
                "True",
                "ValidMetricFound",
                "the HPA was able to successfully calculate a replica count from cpu resource "
                "utilization (percentage of request)",
            ),
            (
                "ScalingLimited",
                "False",
                "DesiredWithinRange",
                "the desired count is within the acceptable range",
            ),
        ):
            condition = {"type": kind, "status": status, "reason": reason, "message": message}
            set_condition(hpa, condition, 35)
        hpa = cluster.store.update_status(hpa)
        cluster.add(
            event(
                hpa,
                reason="SuccessfulRescale",
                message="New size: 3; reason: cpu resource utilization (percentage of request) "
                "above target",
                component="horizontal-pod-autoscaler",
                at=35,
            )
        )
    cluster.time = 95
    return cluster


def test_get_hpa_shows_unknown_until_the_controller_measured_then_current_over_target() -> None:
    assert autoscaled(measured=False).kubectl("get hpa") == (
        "NAME   REFERENCE        TARGETS              MINPODS   MAXPODS   REPLICAS   AGE\n"
        "web    Deployment/web   cpu: <unknown>/50%   2         10        0          75s\n"
    )
    assert autoscaled(measured=True).kubectl("get hpa") == (
        "NAME   REFERENCE        TARGETS        MINPODS   MAXPODS   REPLICAS   AGE\n"
        "web    Deployment/web   cpu: 45%/50%   2         10        3          75s\n"
    )


def test_describe_hpa_before_the_first_measurement() -> None:
    assert autoscaled(measured=False).kubectl("describe hpa web") == (
        "Name:                                                  web\n"
        "Namespace:                                             default\n"
        "Labels:                                                <none>\n"
        "Annotations:                                           <none>\n"
        "CreationTimestamp:                                     Wed, 01 Jan 2025 00:00:20 +0000\n"
        "Reference:                                             Deployment/web\n"
        "Metrics:                                               ( current / target )\n"
        "  resource cpu on pods  (as a percentage of request):  <unknown> / 50%\n"
        "Min replicas:                                          2\n"
        "Max replicas:                                          10\n"
        "Behavior:\n"
        "  Scale Up:\n"
        "    Stabilization Window: 0 seconds\n"
        "    Select Policy: Max\n"
        "    Policies:\n"
        "      - Type: Pods     Value: 4    Period: 15 seconds\n"
        "      - Type: Percent  Value: 100  Period: 15 seconds\n"
        "  Scale Down:\n"
        "    Select Policy: Max\n"
        "    Policies:\n"
        "      - Type: Percent  Value: 100  Period: 15 seconds\n"
        "Deployment pods:       0 current / 0 desired\n"
        "Events:                <none>\n"
    )


def test_describe_hpa_shows_metrics_replicas_conditions_and_events() -> None:
    assert autoscaled(measured=True).kubectl("describe hpa web") == (
        "Name:                                                  web\n"
        "Namespace:                                             default\n"
        "Labels:                                                <none>\n"
        "Annotations:                                           <none>\n"
        "CreationTimestamp:                                     Wed, 01 Jan 2025 00:00:20 +0000\n"
        "Reference:                                             Deployment/web\n"
        "Metrics:                                               ( current / target )\n"
        "  resource cpu on pods  (as a percentage of request):  45% (45m) / 50%\n"
        "Min replicas:                                          2\n"
        "Max replicas:                                          10\n"
        "Behavior:\n"
        "  Scale Up:\n"
        "    Stabilization Window: 0 seconds\n"
        "    Select Policy: Max\n"
        "    Policies:\n"
        "      - Type: Pods     Value: 4    Period: 15 seconds\n"
        "      - Type: Percent  Value: 100  Period: 15 seconds\n"
        "  Scale Down:\n"
        "    Select Policy: Max\n"
        "    Policies:\n"
        "      - Type: Percent  Value: 100  Period: 15 seconds\n"
        "Deployment pods:       3 current / 3 desired\n"
        "Conditions:\n"
        "  Type            Status  Reason              Message\n"
        "  ----            ------  ------              -------\n"
        "  AbleToScale     True    ReadyForNewScale    recommended size matches current size\n"
        "  ScalingActive   True    ValidMetricFound    the HPA was able to successfully calculate a replica count from cpu resource utilization (percentage of request)\n"  # noqa: E501
        "  ScalingLimited  False   DesiredWithinRange  the desired count is within the acceptable range\n"  # noqa: E501
        "Events:\n"
        "  Type    Reason             Age   From                       Message\n"
        "  ----    ------             ----  ----                       -------\n"
        "  Normal  SuccessfulRescale  60s   horizontal-pod-autoscaler  New size: 3; reason: cpu resource utilization (percentage of request) above target\n"  # noqa: E501
    )


def test_describe_hpa_prints_a_behavior_when_one_is_set() -> None:
    cluster = autoscaled(measured=False)
    hpa = cluster.store.get("HorizontalPodAutoscaler", "web", "default")
    hpa["spec"]["behavior"] = {
        "scaleDown": {
            "stabilizationWindowSeconds": 300,
            "policies": [{"type": "Percent", "value": 100, "periodSeconds": 15}],
        },
        "scaleUp": {
            "stabilizationWindowSeconds": 0,
            "selectPolicy": "Max",
            "policies": [
                {"type": "Pods", "value": 4, "periodSeconds": 15},
                {"type": "Percent", "value": 100, "periodSeconds": 15},
            ],
        },
    }
    cluster.store.update(hpa)
    text = cluster.kubectl("describe hpa web")
    assert (
        "Max replicas:                                          10\n"
        "Behavior:\n"
        "  Scale Up:\n"
        "    Stabilization Window: 0 seconds\n"
        "    Select Policy: Max\n"
        "    Policies:\n"
        "      - Type: Pods     Value: 4    Period: 15 seconds\n"
        "      - Type: Percent  Value: 100  Period: 15 seconds\n"
        "  Scale Down:\n"
        "    Stabilization Window: 300 seconds\n"
        "    Select Policy: Max\n"
        "    Policies:\n"
        "      - Type: Percent  Value: 100  Period: 15 seconds\n"
        # a new tabwriter block: the policy line above and the lines below align together
        "Deployment pods:       0 current / 0 desired\n"
        "Events:                <none>\n"
    ) in text
