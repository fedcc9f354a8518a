"""DefaultPreemption's verdict when no node fits (the PostFilter), without evicting anything.

kube-scheduler runs preemption whenever filtering fails: for each node rejected only as
``Unschedulable`` (out of room, not out of reach) it imagines removing every pod of lower
priority and filters again. The outcome is the sentence after the diagnosis::

    0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available:
    3 No preemption victims found for incoming pod.

Nodes rejected as unresolvable (a taint, a selector, a pod bigger than the node) count as
``Preemption is not helpful for scheduling``; a pod with ``preemptionPolicy: Never`` gets
``preemption: not eligible due to preemptionPolicy=Never.``

kube-lab computes this verdict faithfully but does not evict: when some node *would* fit
after removing lower-priority pods, it says so in its own words instead of preempting.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from kube_lab.scheduler.framework import Code, Diagnosis, Status, fit_error_message
from kube_lab.scheduler.plugins.node_resources_fit import fits, status_of
from kube_lab.scheduler.podinfo import AssignedPod, PodInfo

NAME = "DefaultPreemption"
ERR_NOT_ELIGIBLE_NEVER = "not eligible due to preemptionPolicy=Never."
ERR_NO_VICTIMS = "No preemption victims found for incoming pod"
ERR_NOT_HELPFUL = "Preemption is not helpful for scheduling"

NO_VICTIMS = Status(Code.UNSCHEDULABLE_AND_UNRESOLVABLE, (ERR_NO_VICTIMS,), NAME)


def select_victims_status(
    pod: PodInfo,
    *,
    allocatable: Mapping[str, int],
    requested: Mapping[str, int],
    pods: Iterable[AssignedPod],
) -> Status:
    """``SelectVictimsOnNode`` as a dry run: would the pod fit without lower-priority pods?

    Success means the node is a preemption candidate. Only resources are re-checked: a node
    reaches preemption only if every static filter passed it.
    """
    on_node = list(pods)
    victims = [p for p in on_node if p.priority < pod.template.priority]
    if not victims:
        return NO_VICTIMS
    remaining = dict(requested)
    for victim in victims:
        remaining["cpu"] = remaining.get("cpu", 0) - victim.requests.milli_cpu
        remaining["memory"] = remaining.get("memory", 0) - victim.requests.memory
        for name, amount in victim.requests.scalar:
            remaining[name] = remaining.get(name, 0) - amount
    return status_of(
        fits(
            pod.template.requests,
            allocatable=allocatable,
            requested=remaining,
            pod_count=len(on_node) - len(victims),
        )
    )


def post_filter_message(
    pod: PodInfo,
    diagnosis: Diagnosis,
    *,
    num_all_nodes: int,
    victims_status: Callable[[str], Status],
) -> str:
    """The ``preemption: ...`` sentence for a pod no node fits."""
    if pod.template.preemption_policy == "Never":
        return f"preemption: {ERR_NOT_ELIGIBLE_NEVER}"
    verdict = Diagnosis()
    candidates = 0
    for node_name in diagnosis.resolvable_nodes:
        status = victims_status(node_name)
        if status.is_success:
            candidates += 1
        else:
            verdict.add(status, node_name)
    if candidates:
        return (
            f"preemption: {candidates} node(s) would fit after evicting lower-priority pods, "
            "but kube-lab does not preempt."
        )
    absent = num_all_nodes - len(diagnosis.resolvable_nodes)
    if absent:
        verdict.reason_counts[ERR_NOT_HELPFUL] = absent
    return f"preemption: {fit_error_message(num_all_nodes, verdict.reason_counts)}"
