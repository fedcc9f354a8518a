"""Each scheduler plugin on its own: the pure helpers, with no cluster."""

from __future__ import annotations

from kube_lab.scheduler.framework import (
    Code,
    CycleState,
    default_normalize_score,
    fit_error_message,
    go_round,
    num_feasible_nodes_to_find,
)
from kube_lab.scheduler.nodeinfo import NodeInfo, node_tree_order, zones_in_arrival_order
from kube_lab.scheduler.plugins import node_affinity, node_name, node_unschedulable
from kube_lab.scheduler.plugins import node_resources_fit as fit
from kube_lab.scheduler.plugins import taint_toleration as tt
from kube_lab.scheduler.plugins.balanced_allocation import balanced_resource_score
from kube_lab.scheduler.plugins.least_allocated import least_allocated_score
from kube_lab.scheduler.plugins.pod_topology_spread import normalize, score_for_count
from kube_lab.scheduler.podinfo import (
    DEFAULT_MEMORY_REQUEST,
    DEFAULT_MILLI_CPU_REQUEST,
    Requests,
    TemplateCache,
    pod_requests,
)

Gi = 2**30
NODE = {"cpu": 4000, "memory": 8 * Gi, "pods": 110}


def _pod(**spec: object) -> dict[str, object]:
    return {"kind": "Pod", "metadata": {"name": "p", "namespace": "default"}, "spec": spec}


def _node(
    name: str = "node-1", *, labels: dict[str, str] | None = None, **spec: object
) -> NodeInfo:
    return NodeInfo.of(
        {
            "kind": "Node",
            "metadata": {"name": name, "labels": labels or {}},
            "spec": spec,
            "status": {"allocatable": {"cpu": "4", "memory": "8Gi", "pods": "110"}},
        }
    )


def test_node_resources_fit_names_every_resource_that_is_short():
    short = fit.fits(
        Requests(milli_cpu=2500, memory=7 * Gi),
        allocatable=NODE,
        requested={"cpu": 2000, "memory": 2 * Gi},
        pod_count=3,
    )
    assert [s.reason for s in short] == ["Insufficient cpu", "Insufficient memory"]
    assert fit.status_of(short).code is Code.UNSCHEDULABLE


def test_node_resources_fit_says_too_many_pods_on_a_full_node():
    short = fit.fits(Requests(), allocatable=NODE, requested={}, pod_count=110)
    assert [s.reason for s in short] == [fit.ERR_REASON_TOO_MANY_PODS] == ["Too many pods"]


def test_a_pod_bigger_than_the_node_is_unresolvable():
    short = fit.fits(Requests(milli_cpu=5000), allocatable=NODE, requested={}, pod_count=0)
    assert fit.status_of(short).code is Code.UNSCHEDULABLE_AND_UNRESOLVABLE


def test_a_pod_without_requests_fits_an_overcommitted_node():
    assert fit.fits(Requests(), allocatable=NODE, requested={"cpu": 9000}, pod_count=1) == []


def test_extended_resources_are_checked_like_cpu():
    short = fit.fits(
        Requests(scalar=(("nvidia.com/gpu", 1),)), allocatable=NODE, requested={}, pod_count=0
    )
    assert [s.reason for s in short] == ["Insufficient nvidia.com/gpu"]


def test_node_name_rejects_every_other_node():
    assert node_name.fits(None, "node-1") and node_name.fits("node-1", "node-1")
    assert not node_name.fits("node-2", "node-1")
    assert node_name.ERR_REASON == "node(s) didn't match the requested node name"


def test_cordoned_node_rejects_pods_that_do_not_tolerate_it():
    assert node_unschedulable.fits(False, [])
    assert not node_unschedulable.fits(True, [])
    toleration = {"key": "node.kubernetes.io/unschedulable", "operator": "Exists"}
    assert node_unschedulable.fits(True, [toleration])
    assert node_unschedulable.ERR_REASON_UNSCHEDULABLE == "node(s) were unschedulable"


def test_untolerated_taint_reason_names_the_first_taint_as_kube_scheduler():
    taints = [
        {"key": "soft", "value": "x", "effect": "PreferNoSchedule"},
        {"key": "dedicated", "value": "gpu", "effect": "NoSchedule"},
    ]
    taint = tt.fits(taints, [])
    assert taint is not None
    assert tt.error_reason(taint) == "node(s) had untolerated taint {dedicated: gpu}"


def test_tolerations_match_by_effect_key_and_value():
    taint = {"key": "dedicated", "value": "gpu", "effect": "NoSchedule"}
    assert tt.tolerates({"key": "dedicated", "operator": "Equal", "value": "gpu"}, taint)
    assert tt.tolerates({"key": "dedicated", "operator": "Exists", "effect": "NoSchedule"}, taint)
    assert tt.tolerates({"operator": "Exists"}, taint)
    assert not tt.tolerates({"key": "dedicated", "value": "cpu"}, taint)
    assert not tt.tolerates(
        {"key": "dedicated", "operator": "Exists", "effect": "NoExecute"}, taint
    )


def test_prefer_no_schedule_taints_only_lower_the_score():
    taints = [
        {"key": "a", "effect": "PreferNoSchedule"},
        {"key": "b", "effect": "PreferNoSchedule"},
    ]
    assert tt.fits(taints, []) is None
    assert tt.count_intolerable_prefer_no_schedule(taints, []) == 2
    assert (
        tt.count_intolerable_prefer_no_schedule(taints, [{"key": "a", "operator": "Exists"}]) == 1
    )
    # Reverse-normalised: the node with the most such taints scores 0, none scores 100.
    assert default_normalize_score([2, 1, 0], reverse=True) == [0, 50, 100]


def test_node_affinity_operators():
    labels = {"zone": "a", "gen": "3"}
    match = node_affinity.match_expression
    assert match({"operator": "In", "values": ["a", "b"]}, labels.get("zone"))
    assert match({"operator": "NotIn", "values": ["b"]}, labels.get("zone"))
    assert match({"operator": "NotIn", "values": ["b"]}, None)
    assert match({"operator": "Exists"}, "a") and not match({"operator": "Exists"}, None)
    assert match({"operator": "DoesNotExist"}, None)
    assert match({"operator": "Gt", "values": ["2"]}, labels["gen"])
    assert not match({"operator": "Lt", "values": ["3"]}, labels["gen"])
    assert not match({"operator": "Gt", "values": ["2"]}, "three")


def test_node_affinity_terms_are_ored_and_an_empty_term_matches_nothing():
    term_a = {"matchExpressions": [{"key": "zone", "operator": "In", "values": ["a"]}]}
    term_b = {"matchExpressions": [{"key": "zone", "operator": "In", "values": ["b"]}]}
    required = node_affinity.RequiredNodeAffinity({}, (term_a, term_b))
    assert required.matches({"zone": "b"}, "n")
    assert not required.matches({"zone": "c"}, "n")
    assert not node_affinity.RequiredNodeAffinity({}, ({},)).matches({"zone": "a"}, "n")
    by_name = {"matchFields": [{"key": "metadata.name", "operator": "In", "values": ["n"]}]}
    assert node_affinity.RequiredNodeAffinity({}, (by_name,)).matches({}, "n")


def test_node_selector_mismatch_gives_kube_schedulers_reason():
    pod = TemplateCache().pod_info(_pod(nodeSelector={"disk": "ssd"}))
    status = node_affinity.NodeAffinity().filter(
        CycleState(), pod, node=_node(labels={"disk": "hdd"})
    )
    assert status.reasons == ("node(s) didn't match Pod's node affinity/selector",)
    assert status.code is Code.UNSCHEDULABLE_AND_UNRESOLVABLE


def test_preferred_affinity_sums_the_weights_of_matching_terms():
    preferred = [
        {"weight": 10, "preference": {"matchExpressions": [{"key": "a", "operator": "Exists"}]}},
        {"weight": 5, "preference": {"matchExpressions": [{"key": "b", "operator": "Exists"}]}},
    ]
    assert node_affinity.preferred_score(preferred, {"a": "1", "b": "1"}, node_name="n") == 15
    assert node_affinity.preferred_score(preferred, {"b": "1"}, node_name="n") == 5


def test_least_allocated_prefers_the_emptier_node():
    half = least_allocated_score((2000, 4 * Gi), (4000, 8 * Gi))
    quarter = least_allocated_score((1000, 2 * Gi), (4000, 8 * Gi))
    assert (half, quarter) == (50, 75)
    assert least_allocated_score((5000, 4 * Gi), (4000, 8 * Gi)) == 25  # over-committed cpu: 0


def test_balanced_allocation_prefers_even_cpu_and_memory():
    even = balanced_resource_score((2000, 4 * Gi), (4000, 8 * Gi))
    lopsided = balanced_resource_score((3200, 1 * Gi), (4000, 8 * Gi))
    assert even == 100 and lopsided < even
    assert lopsided == int((1 - abs((0.8 - 0.125) / 2)) * 100)


def test_scoring_counts_unset_requests_as_100m_and_200mi():
    spec = {"containers": [{"name": "a"}, {"name": "b", "resources": {"requests": {"cpu": "0"}}}]}
    assert pod_requests(spec) == {"cpu": 0}
    assert pod_requests(spec, non_zero=True) == {
        "cpu": DEFAULT_MILLI_CPU_REQUEST,
        "memory": 2 * DEFAULT_MEMORY_REQUEST,
    }


def test_pod_requests_take_the_largest_init_container_and_add_overhead():
    spec = {
        "containers": [{"resources": {"requests": {"cpu": "200m"}}}],
        "initContainers": [
            {"resources": {"requests": {"cpu": "500m"}}},
            {"restartPolicy": "Always", "resources": {"requests": {"cpu": "100m"}}},
        ],
        "overhead": {"cpu": "10m"},
    }
    # Sidecar 100m adds to the 200m of the containers; the 500m init step outgrows both.
    assert pod_requests(spec) == {"cpu": 510}


def test_spreading_score_counts_matching_pods_and_normalises_fewest_to_100():
    assert score_for_count(0, 3, weight=1.0) == 2.0
    assert normalize([10, 12, 14]) == [100, 85, 71]
    assert normalize([0, 0]) == [100, 100]
    assert go_round(2.5) == 3 and go_round(2.4999) == 2


def test_fit_error_message_sorts_counted_reasons():
    message = fit_error_message(
        3,
        {"Insufficient cpu": 2, "node(s) were unschedulable": 1},
        post_filter_msg="preemption: ...",
    )
    assert message == (
        "0/3 nodes are available: 1 node(s) were unschedulable, 2 Insufficient cpu. preemption: ..."
    )


def test_adaptive_percentage_of_nodes_to_score():
    assert num_feasible_nodes_to_find(0, 50) == 50
    assert num_feasible_nodes_to_find(0, 150) == 100
    assert num_feasible_nodes_to_find(0, 1000) == 420
    assert num_feasible_nodes_to_find(0, 5000) == 500
    assert num_feasible_nodes_to_find(0, 10000) == 500  # 5% floor
    assert num_feasible_nodes_to_find(30, 1000) == 300


def test_nodes_are_visited_round_robin_over_zones():
    nodes = [
        {"metadata": {"name": n, "labels": {"topology.kubernetes.io/zone": z}}}
        for n, z in [("a1", "a"), ("a2", "a"), ("a3", "a"), ("b1", "b"), ("c1", "c"), ("b2", "b")]
    ]
    assert node_tree_order(zones_in_arrival_order(nodes)) == ["a1", "b1", "c1", "a2", "b2", "a3"]
