"""``kubectl cordon``, ``uncordon`` and ``drain``.

Cordoning sets ``spec.unschedulable`` so the scheduler places no new pods there. Draining
cordons, then evicts every pod on the node, but refuses (unless told otherwise) the pods
whose loss kubectl thinks you did not mean: pods no controller will recreate
(``--force``), pods with ``emptyDir`` data (``--delete-emptydir-data``) and DaemonSet pods
(``--ignore-daemonsets``, which skips them). Messages are ``pkg/drain``'s.
"""

from __future__ import annotations

from dataclasses import dataclass

from kube_lab.api.meta import Obj, controller_of, deep_copy
from kube_lab.kubectl import deletion
from kube_lab.kubectl.context import Context, Request
from kube_lab.kubectl.flags import Flag, ParsedArgs
from kube_lab.kubectl.formats import object_ref
from kube_lab.kubectl.output import Aggregate, KubectlError, usage_error
from kube_lab.store import WatchEvent

MIRROR_POD = "kubernetes.io/config.mirror"
DAEMONSET_FATAL = "DaemonSet-managed Pods (use --ignore-daemonsets to ignore)"
DAEMONSET_WARNING = "ignoring DaemonSet-managed Pods"
LOCAL_STORAGE_FATAL = "Pods with local storage (use --delete-emptydir-data to override)"
LOCAL_STORAGE_WARNING = "deleting Pods with local storage"
UNMANAGED_FATAL = "Pods that declare no controller (use --force to override)"
UNMANAGED_WARNING = "deleting Pods that declare no controller"

CORDON_FLAGS = (Flag("selector", "l", default=""),)
DRAIN_FLAGS = (
    *CORDON_FLAGS,
    Flag("ignore-daemonsets", type=bool, default=False),
    Flag("delete-emptydir-data", type=bool, default=False),
    Flag("force", type=bool, default=False),
    Flag("grace-period", type=int, default=-1),
    Flag("pod-selector", default=""),
)


def _nodes(ctx: Context, flags: ParsedArgs, *, command: str) -> tuple[list[Obj], list[Exception]]:
    if not flags.args and not flags["selector"]:
        raise usage_error(f"USAGE: {command} NODE [flags]", command=command)
    requests = [Request(ctx.kind("nodes"), name) for name in flags.args] or [
        Request(ctx.kind("nodes"), None)
    ]
    selection = ctx.select(requests, selector=flags["selector"])
    return selection.objects, selection.errors


def _set_cordon(ctx: Context, nodes: list[Obj], *, desired: bool) -> None:
    """``RunCordonOrUncordon``: ``node/x cordoned`` or ``node/x already cordoned``."""
    verb = "cordoned" if desired else "uncordoned"
    for node in map(deep_copy, nodes):
        spec = node.setdefault("spec", {})
        if bool(spec.get("unschedulable")) == desired:
            ctx.out(f"{object_ref(node)} already {verb}\n")
            continue
        if desired:
            spec["unschedulable"] = True
        else:
            spec.pop("unschedulable")
        ctx.update(node)
        ctx.out(f"{object_ref(node)} {verb}\n")
    ctx.cluster.run(0)


def cordon(ctx: Context, flags: ParsedArgs) -> None:
    nodes, errors = _nodes(ctx, flags, command="cordon")
    _set_cordon(ctx, nodes, desired=True)
    if errors:
        raise Aggregate(errors)


def uncordon(ctx: Context, flags: ParsedArgs) -> None:
    nodes, errors = _nodes(ctx, flags, command="uncordon")
    _set_cordon(ctx, nodes, desired=False)
    if errors:
        raise Aggregate(errors)


@dataclass(frozen=True)
class _Verdict:
    delete: bool
    problem: str = ""  # why not, or what to warn about
    fatal: bool = False


def _verdict(pod: Obj, flags: ParsedArgs) -> _Verdict:
    """``filterPods``: the filters in ``pkg/drain`` order; the first refusal wins."""
    finished = (pod.get("status") or {}).get("phase") in ("Succeeded", "Failed")
    controller = controller_of(pod)
    verdict = _Verdict(True)
    if controller is not None and controller.get("kind") == "DaemonSet" and not finished:
        if not flags["ignore-daemonsets"]:
            return _Verdict(False, DAEMONSET_FATAL, fatal=True)
        return _Verdict(False, DAEMONSET_WARNING)
    if MIRROR_POD in (pod["metadata"].get("annotations") or {}):
        return _Verdict(False)
    volumes = (pod.get("spec") or {}).get("volumes") or []
    if any("emptyDir" in v for v in volumes) and not finished:
        if not flags["delete-emptydir-data"]:
            return _Verdict(False, LOCAL_STORAGE_FATAL, fatal=True)
        verdict = _Verdict(True, LOCAL_STORAGE_WARNING)
    if controller is None and not finished:
        if not flags["force"]:
            return _Verdict(False, UNMANAGED_FATAL, fatal=True)
        return _Verdict(True, UNMANAGED_WARNING)
    # a later filter that passes drops an earlier warning, as pkg/drain does
    return _Verdict(True) if finished or controller is not None else verdict


def _grouped(pods: list[tuple[Obj, _Verdict]]) -> dict[str, list[str]]:
    groups: dict[str, list[str]] = {}
    for pod, verdict in pods:
        meta = pod["metadata"]
        groups.setdefault(verdict.problem, []).append(f"{meta.get('namespace')}/{meta['name']}")
    return groups


def drain(ctx: Context, flags: ParsedArgs) -> None:
    nodes, errors = _nodes(ctx, flags, command="drain")
    _set_cordon(ctx, nodes, desired=True)
    pod_selector = ctx.label_selector(flags["pod-selector"])
    failed: list[Exception] = []
    remaining = []
    for node in nodes:
        name = node["metadata"]["name"]
        try:
            _drain_node(ctx, flags, name=name, pods=ctx.store.list("Pod", None, pod_selector))
        except (Aggregate, KubectlError) as error:
            ctx.err(
                f'error: unable to drain node "{name}" due to error: {error}, '
                "continuing command...\n"
            )
            failed.append(error)
            remaining.append(name)
            continue
        ctx.out(f"{object_ref(node)} drained\n")
    if remaining:
        ctx.err("There are pending nodes to be drained:\n" + "".join(f" {n}\n" for n in remaining))
    if failed or errors:
        raise Aggregate(errors + failed)


def _drain_node(ctx: Context, flags: ParsedArgs, *, name: str, pods: list[Obj]) -> None:
    """``deleteOrEvictPodsSimple``: refuse, warn, then evict the node's pods."""
    verdicts = [
        (p, _verdict(p, flags)) for p in pods if (p.get("spec") or {}).get("nodeName") == name
    ]
    refusals = _grouped([(p, v) for p, v in verdicts if v.fatal])
    if refusals:
        raise Aggregate(
            [
                KubectlError(f"cannot delete {why}: {', '.join(who)}")
                for why, who in refusals.items()
            ]
        )
    warnings = _grouped([(p, v) for p, v in verdicts if v.problem and not v.fatal])
    if warnings:
        ctx.err(
            "Warning: "
            + "; ".join(f"{why}: {', '.join(who)}" for why, who in warnings.items())
            + "\n"
        )
    _evict(ctx, [p for p, v in verdicts if v.delete], grace_period=flags["grace-period"])


def _evict(ctx: Context, pods: list[Obj], *, grace_period: int) -> None:
    """Evict ``pods`` and wait, printing ``pod/x evicted`` in the order they go."""
    evicted: list[Obj] = []
    uids = {p["metadata"].get("uid") for p in pods}

    def on_delete(event: WatchEvent) -> None:
        if event.type == "DELETED" and event.object["metadata"].get("uid") in uids:
            evicted.append(event.object)

    longest = 0
    subscription = ctx.store.watch(on_delete, kinds=["Pod"])
    try:
        for pod in pods:
            meta = pod["metadata"]
            ctx.out(f"evicting pod {meta.get('namespace')}/{meta['name']}\n")
            longest = max(longest, deletion.delete(ctx, pod, grace_period=grace_period))
        left = deletion.wait_until_gone(ctx, pods, longest_grace=longest)
    finally:
        subscription.stop()
    ctx.out("".join(f"{object_ref(pod)} evicted\n" for pod in evicted))
    if left:
        raise Aggregate(
            [
                KubectlError(
                    f'error when waiting for pod "{p["metadata"]["name"]}" in namespace '
                    f'"{p["metadata"].get("namespace")}" to terminate: global timeout reached'
                )
                for p in left
            ]
        )
