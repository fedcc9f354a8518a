"""``kubectl rollout status|history|undo|pause|resume|restart`` for Deployments.

``status`` watches the Deployment as kubectl does and prints a line for every change it
sees (``Waiting for deployment "web" rollout to finish: 1 of 3 updated replicas are
available...``) until ``deployment "web" successfully rolled out``; here the watching
lets the cluster's virtual clock run. ``history`` reads the ReplicaSets' revision and
``kubernetes.io/change-cause`` annotations; ``undo`` copies an older ReplicaSet's pod
template back into the Deployment, as ``DeploymentRollbacker`` does.
"""

from __future__ import annotations

import re
from typing import Any

from kube_lab.api.meta import Obj, deep_copy, get_condition, timestamp
from kube_lab.kubectl import deployments
from kube_lab.kubectl.context import Context
from kube_lab.kubectl.describe import Writer, pod_template
from kube_lab.kubectl.flags import Flag, ParsedArgs
from kube_lab.kubectl.formats import object_ref
from kube_lab.kubectl.output import Aggregate, KubectlError
from kube_lab.kubectl.tabwriter import align
from kube_lab.store import WatchEvent

RESTARTED_AT = "kubectl.kubernetes.io/restartedAt"
LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"
#: Kept from the Deployment, never copied from the ReplicaSet, by ``rollout undo``.
UNDO_KEEPS = frozenset(
    {
        LAST_APPLIED,
        deployments.REVISION,
        "deployment.kubernetes.io/revision-history",
        "deployment.kubernetes.io/desired-replicas",
        "deployment.kubernetes.io/max-replicas",
        "deprecated.deployment.rollback.to",
    }
)
#: Without ``--timeout``, kubectl waits for ever; kube_lab stops this long after the
#: Deployment's progress deadline should have ended the rollout.
WAIT_PAST_DEADLINE_SECONDS = 60

SELECTOR = Flag("selector", "l", default="")
STATUS_FLAGS = (
    SELECTOR,
    Flag("watch", "w", bool, True),
    Flag("timeout", default="0s"),
    Flag("revision", type=int, default=0),
)
HISTORY_FLAGS = (SELECTOR, Flag("revision", type=int, default=0))
UNDO_FLAGS = (SELECTOR, Flag("to-revision", type=int, default=0))
PATCH_FLAGS = (SELECTOR,)


def _deployments(
    ctx: Context, flags: ParsedArgs, *, unsupported: str
) -> tuple[list[Obj], list[Exception]]:
    """The Deployments the arguments name; other kinds are refused with ``unsupported``."""
    if not flags.args:
        raise KubectlError("required resource not specified")
    selection = ctx.select(ctx.requests(flags.args), selector=flags["selector"])
    for info, _ in selection.groups:
        if info.kind != "Deployment":
            raise KubectlError(unsupported.format(kind=f"{info.kind}.{info.group}".rstrip(".")))
    if not selection.objects and not selection.errors:
        ctx.err(f"No resources found in {ctx.namespace} namespace.\n")
    return selection.objects, selection.errors


# -- status -----------------------------------------------------------------------------


def rollout_status(deployment: Obj, wanted_revision: int = 0) -> tuple[str, bool]:
    """``DeploymentStatusViewer.Status``: the line to print and whether the rollout is done."""
    name = deployment["metadata"]["name"]
    if wanted_revision > 0 and deployments.revision(deployment) != wanted_revision:
        raise KubectlError(
            f"desired revision ({wanted_revision}) is different from the running revision "
            f"({deployments.revision(deployment)})"
        )
    status = deployment.get("status") or {}
    if deployment["metadata"].get("generation", 0) > status.get("observedGeneration", 0):
        return "Waiting for deployment spec update to be observed...\n", False
    progressing = get_condition(deployment, "Progressing")
    if progressing is not None and progressing.get("reason") == "ProgressDeadlineExceeded":
        raise KubectlError(f'deployment "{name}" exceeded its progress deadline')
    desired = deployment["spec"].get("replicas")
    updated = status.get("updatedReplicas", 0)
    total, available = status.get("replicas", 0), status.get("availableReplicas", 0)
    waiting = f'Waiting for deployment "{name}" rollout to finish: '
    if desired is not None and updated < desired:
        return f"{waiting}{updated} out of {desired} new replicas have been updated...\n", False
    if total > updated:
        return f"{waiting}{total - updated} old replicas are pending termination...\n", False
    if available < updated:
        return f"{waiting}{available} of {updated} updated replicas are available...\n", False
    return f'deployment "{name}" successfully rolled out\n', True


def status(ctx: Context, flags: ParsedArgs) -> None:
    timeout = parse_duration(flags["timeout"])
    found, errors = _deployments(
        ctx, flags, unsupported="no status viewer has been implemented for {kind}"
    )
    for deployment in found:
        _watch_rollout(
            ctx, deployment, watch=flags["watch"], timeout=timeout, revision=flags["revision"]
        )
    if errors:
        raise Aggregate(errors)


def _watch_rollout(
    ctx: Context, deployment: Obj, *, watch: bool, timeout: float, revision: int
) -> None:
    line, done = rollout_status(deployment, revision)
    ctx.out(line)
    if done or not watch:
        return
    meta = deployment["metadata"]
    outcome: dict[str, Any] = {"done": False, "error": None}

    def on_change(event: WatchEvent) -> None:
        obj_meta = event.object["metadata"]
        if outcome["done"] or (obj_meta["name"], obj_meta.get("namespace")) != (
            meta["name"],
            meta.get("namespace"),
        ):
            return
        if event.type == "DELETED":
            outcome.update(done=True, error=KubectlError("object has been deleted"))
            return
        try:
            text, finished = rollout_status(event.object, revision)
        except KubectlError as error:
            outcome.update(done=True, error=error)
            return
        ctx.out(text)
        outcome["done"] = finished

    subscription = ctx.store.watch(on_change, kinds=["Deployment"])
    try:
        deadline = (
            deployment["spec"].get("progressDeadlineSeconds", 600) + WAIT_PAST_DEADLINE_SECONDS
        )
        ctx.cluster.run_until(lambda: bool(outcome["done"]), timeout=timeout or deadline)
    finally:
        subscription.stop()
    if outcome["error"] is not None:
        raise outcome["error"]
    if not outcome["done"]:
        raise KubectlError("timed out waiting for the condition")


_DURATION_PART = re.compile(r"(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)")
_UNIT_SECONDS = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0}


def parse_duration(text: str) -> float:
    """Go's ``time.ParseDuration`` (``90s``, ``5m``, ``1h30m``, ``0``) in seconds."""
    if text in ("0", ""):
        return 0.0
    if not re.fullmatch(rf"(?:{_DURATION_PART.pattern})+", text):
        raise KubectlError(
            f'invalid argument "{text}" for "--timeout" flag: time: invalid duration "{text}"'
        )
    return sum(float(n) * _UNIT_SECONDS[u] for n, u in _DURATION_PART.findall(text))


# -- history and undo --------------------------------------------------------------------


def _history(ctx: Context, deployment: Obj) -> dict[int, dict[str, Any]]:
    """Revision -> pod template (with the ReplicaSet's change-cause), as ``ViewHistory``."""
    history = {}
    for rs in deployments.replica_sets(ctx, deployment):
        template = deep_copy(rs["spec"].get("template") or {})
        cause = (rs["metadata"].get("annotations") or {}).get(deployments.CHANGE_CAUSE)
        if cause:
            template.setdefault("metadata", {}).setdefault("annotations", {})[
                deployments.CHANGE_CAUSE
            ] = cause
        history[deployments.revision(rs)] = template
    return history


def history(ctx: Context, flags: ParsedArgs) -> None:
    wanted: int = flags["revision"]
    found, errors = _deployments(
        ctx, flags, unsupported="no history viewer has been implemented for {kind}"
    )
    for deployment in found:
        revisions = _history(ctx, deployment)
        if not revisions:
            ctx.out(f"{object_ref(deployment)} \nNo rollout history found.\n")
        elif wanted > 0:
            if wanted not in revisions:
                errors.append(KubectlError("unable to find the specified revision"))
                continue
            w = Writer()
            pod_template(w, revisions[wanted])
            ctx.out(f"{object_ref(deployment)} with revision #{wanted}\n{w.raw()}\n")
        else:
            rows = ["REVISION\tCHANGE-CAUSE"]
            for number in sorted(revisions):
                annotations = (revisions[number].get("metadata") or {}).get("annotations") or {}
                rows.append(f"{number}\t{annotations.get(deployments.CHANGE_CAUSE) or '<none>'}")
            table = align("\n".join(rows) + "\n", minwidth=0, padding=2)
            ctx.out(f"{object_ref(deployment)} \n{table}\n")
    if errors:
        raise Aggregate(errors)


def undo(ctx: Context, flags: ParsedArgs) -> None:
    to_revision: int = flags["to-revision"]
    found, errors = _deployments(
        ctx, flags, unsupported="no rollbacker has been implemented for {kind}"
    )
    for deployment in found:
        meta = deployment["metadata"]
        if LAST_APPLIED in (meta.get("annotations") or {}):
            ctx.err(
                f"Warning: resource deployments.apps/{meta['name']} was previously managed with "
                f"'kubectl apply'. Rolling back will not update the {LAST_APPLIED} annotation, "
                "which may cause unexpected behavior on future 'kubectl apply' operations. "
                "Consider using 'kubectl apply' with your previous configuration file instead.\n"
            )
        try:
            ctx.out(f"{object_ref(deployment)} {_roll_back(ctx, deployment, to_revision)}\n")
        except KubectlError as error:
            errors.append(error)
    ctx.cluster.run(0)
    if errors:
        raise Aggregate(errors)


def _roll_back(ctx: Context, deployment: Obj, to_revision: int) -> str:
    """``DeploymentRollbacker.Rollback``: ``rolled back`` or ``skipped rollback (...)``."""
    if to_revision < 0:
        raise KubectlError(f"unable to find specified revision {to_revision} in history")
    target = _revision_replica_set(ctx, deployment, to_revision)
    if deployment["spec"].get("paused"):
        raise KubectlError(
            "you cannot rollback a paused deployment; resume it first with 'kubectl rollout "
            "resume' and try again"
        )
    template = deployments.without_hash(target["spec"].get("template") or {})
    if template == deployments.without_hash(deployment["spec"].get("template") or {}):
        return f"skipped rollback (current template already matches revision {to_revision})"
    updated = deep_copy(deployment)
    kept = {
        k: v
        for k, v in (deployment["metadata"].get("annotations") or {}).items()
        if k in UNDO_KEEPS
    }
    copied = {
        k: v
        for k, v in (target["metadata"].get("annotations") or {}).items()
        if k not in UNDO_KEEPS
    }
    updated["metadata"]["annotations"] = {**kept, **copied}
    updated["spec"]["template"] = template
    ctx.update(updated)
    return "rolled back"


def _revision_replica_set(ctx: Context, deployment: Obj, to_revision: int) -> Obj:
    """The ReplicaSet of ``to_revision``, or of the revision before the latest (0)."""
    by_revision = {deployments.revision(rs): rs for rs in deployments.replica_sets(ctx, deployment)}
    if to_revision > 0:
        if to_revision not in by_revision:
            raise KubectlError(f"unable to find specified revision {to_revision} in history")
        return by_revision[to_revision]
    ordered = sorted(by_revision)
    if len(ordered) < 2:
        raise KubectlError(
            f'no rollout history found for deployment "{deployment["metadata"]["name"]}"'
        )
    return by_revision[ordered[-2]]


# -- pause, resume, restart ---------------------------------------------------------------


_GERUNDS = {"pause": "pausing", "resume": "resuming", "restart": "restarting"}


def _patch(ctx: Context, flags: ParsedArgs, *, command: str) -> None:
    found, errors = _deployments(ctx, flags, unsupported=f"{_GERUNDS[command]} is not supported")
    for deployment in found:
        name = deployment["metadata"]["name"]
        spec = deployment["spec"]
        updated = deep_copy(deployment)
        if command == "pause":
            problem = "is already paused" if spec.get("paused") else None
            updated["spec"]["paused"] = True
            done = "paused"
        elif command == "resume":
            problem = None if spec.get("paused") else "is not paused"
            updated["spec"]["paused"] = False
            done = "resumed"
        else:
            problem = (
                "can't restart paused deployment (run rollout resume first)"
                if spec.get("paused")
                else None
            )
            template_meta = updated["spec"].setdefault("template", {}).setdefault("metadata", {})
            template_meta.setdefault("annotations", {})[RESTARTED_AT] = timestamp(ctx.now)
            done = "restarted"
        if problem:
            errors.append(KubectlError(f'error: deployments.apps "{name}" {problem}'))
            continue
        if updated == deployment:
            errors.append(
                KubectlError(
                    f"failed to create patch for {name}: if restart has already been triggered "
                    "within the past second, please wait before attempting to trigger another"
                )
            )
            continue
        ctx.update(updated)
        ctx.out(f"{object_ref(deployment)} {done}\n")
    ctx.cluster.run(0)
    if errors:
        raise Aggregate(errors)


def pause(ctx: Context, flags: ParsedArgs) -> None:
    _patch(ctx, flags, command="pause")


def resume(ctx: Context, flags: ParsedArgs) -> None:
    _patch(ctx, flags, command="resume")


def restart(ctx: Context, flags: ParsedArgs) -> None:
    _patch(ctx, flags, command="restart")
