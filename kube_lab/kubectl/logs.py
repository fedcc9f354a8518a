"""``kubectl logs POD [-c CONTAINER] [--tail=N]`` and ``kubectl logs deploy/web``.

Three parties, as on a real cluster. kubectl picks the pod (for a Deployment or
ReplicaSet, the best of its pods, ``podutils.ByLogging``, saying ``Found 3 pods, using
pod/...`` when there are several) and the container (``-c``, the
``kubectl.kubernetes.io/default-container`` annotation, or the first one, saying
``Defaulted container "a" out of: a, b``). The API server sends nothing for a pod not yet
on a node. The kubelet refuses a container that has not run (``container "web" in pod
"web-1" is waiting to start: ContainerCreating``, a 400 kubectl prints as ``Error from
server (BadRequest): ...``) and otherwise serves what the container printed.
"""

from __future__ import annotations

from typing import Any

from kube_lab.api.errors import BadRequest, NotFound
from kube_lab.api.meta import Obj, get_condition, parse_timestamp
from kube_lab.api.selectors import from_label_selector
from kube_lab.kubectl.context import Context
from kube_lab.kubectl.flags import Flag, ParsedArgs
from kube_lab.kubectl.output import KubectlError, usage_error

DEFAULT_CONTAINER = "kubectl.kubernetes.io/default-container"
#: ``--pod-running-timeout``: how long ``logs deploy/web`` waits for a first pod.
POD_RUNNING_TIMEOUT = 20.0
USAGE = (
    "expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.\n"
    "POD or TYPE/NAME is a required argument for the logs command"
)
#: Kinds whose pods ``logs TYPE/NAME`` finds through a selector (``SelectorsForObject``).
SELECTOR_TAIL = 10  # lines per container with -l, unless --tail says otherwise
WITH_PODS = ("Deployment", "ReplicaSet", "ReplicationController", "StatefulSet", "DaemonSet")

FLAGS = (
    Flag("container", "c", default=""),
    Flag("tail", type=int, default=-1),
    Flag("selector", "l", default=""),
    Flag("all-containers", type=bool, default=False),
    Flag("prefix", type=bool, default=False),
    Flag("pod-running-timeout", default="20s"),
)


def logs(ctx: Context, flags: ParsedArgs) -> None:
    """``LogsOptions.Complete``, ``Validate`` and ``RunLogs``."""
    args = flags.args
    container: str = flags["container"]
    selector: str = flags["selector"]
    if len(args) > 2 or (not args and not selector):
        raise usage_error(USAGE, command="logs")
    if len(args) == 1 and selector:
        raise usage_error("only a selector (-l) or a POD name is allowed", command="logs")
    if len(args) == 2:
        container = args[1]
        if "container" in flags.given:
            raise KubectlError("only one of -c or an inline [CONTAINER] arg is allowed")
    if flags["all-containers"] and container:
        raise KubectlError(
            f"--all-containers=true should not be specified with container name {container}"
        )
    tail: int = flags["tail"]
    if selector and "tail" not in flags.given:
        tail = SELECTOR_TAIL
    if tail < -1:
        raise KubectlError("--tail must be greater than or equal to -1")
    if args:
        pods = [_pod(ctx, args[0])]
    else:
        pods = ctx.store.list("Pod", ctx.namespace, ctx.label_selector(selector))
        if not pods:
            ctx.err(f"No resources found in {ctx.namespace} namespace.\n")
    requests: list[tuple[Obj, str]] = []
    for pod in pods:  # every request is prepared before the first is read
        if flags["all-containers"]:
            requests += [(pod, c["name"]) for c in _all_containers(pod)]
        else:
            requests.append((pod, _container(ctx, pod, container)))
    for pod, name in requests:
        text = _tail(_read(ctx, pod, name), tail)
        if flags["prefix"]:
            prefix = f"[pod/{pod['metadata']['name']}/{name}] "
            text = "".join(prefix + line for line in text.splitlines(keepends=True))
        ctx.out(text)


def _pod(ctx: Context, arg: str) -> Obj:
    """The pod a ``POD`` or ``TYPE/NAME`` argument stands for."""
    if "/" in arg:
        kind, _, name = arg.partition("/")
        info = ctx.kind(kind)
    else:
        info, name = ctx.kind("pods"), arg
    obj = ctx.store.peek(info.kind, name, ctx.namespace if info.namespaced else "")
    if obj is None:
        raise KubectlError(
            f'error from server (NotFound): {info.resource} "{name}" not found in namespace '
            f'"{ctx.namespace}"'
        )
    if info.kind == "Pod":
        return obj
    if info.kind not in WITH_PODS:
        raise KubectlError(
            f"cannot get the logs from {_go_type(info.kind)}: selector for {_go_type(info.kind)} "
            "not implemented"
        )
    return _first_pod(ctx, obj)


def _go_type(kind: str) -> str:
    """How Go's ``%T`` names an object of ``kind`` (``*v1.Service``)."""
    return f"*v1.{kind}"


def _first_pod(ctx: Context, owner: Obj) -> Obj:
    """``GetFirstPod``: the pods the selector matches, best first; waits for one."""
    namespace = owner["metadata"].get("namespace", "")
    selector = from_label_selector((owner.get("spec") or {}).get("selector"))

    def candidates() -> list[Obj]:
        return ctx.store.list("Pod", namespace, selector)

    if not candidates() and not ctx.cluster.run_until(
        lambda: bool(candidates()), POD_RUNNING_TIMEOUT
    ):
        raise KubectlError("timed out waiting for the condition")
    pods = sorted(candidates(), key=_logging_order)
    if len(pods) > 1:
        ctx.err(f"Found {len(pods)} pods, using pod/{pods[0]['metadata']['name']}\n")
    return pods[0]


def _logging_order(pod: Obj) -> tuple[Any, ...]:
    """``podutils.ByLogging``: assigned, Running (then Unknown, then Pending), ready,
    ready longest, most restarted, oldest."""
    spec, status = pod.get("spec") or {}, pod.get("status") or {}
    phase_rank = {"Unknown": 1, "Pending": 2}.get(status.get("phase") or "", 0)
    ready = get_condition(pod, "Ready") or {}
    is_ready = ready.get("status") == "True"
    since = ready.get("lastTransitionTime")
    ready_since = parse_timestamp(since) if is_ready and since else float("inf")
    restarts = max(
        (s.get("restartCount", 0) for s in status.get("containerStatuses") or []), default=0
    )
    created = pod["metadata"].get("creationTimestamp")
    return (
        not spec.get("nodeName"),
        phase_rank,
        not is_ready,
        ready_since,
        -restarts,
        parse_timestamp(created) if created else float("inf"),
    )


def _all_containers(pod: Obj) -> list[dict[str, Any]]:
    spec = pod.get("spec") or {}
    return [*(spec.get("initContainers") or []), *(spec.get("containers") or [])]


def _container(ctx: Context, pod: Obj, wanted: str) -> str:
    """``-c``, else the default-container annotation, else the first container."""
    spec, meta = pod.get("spec") or {}, pod["metadata"]
    containers = spec.get("containers") or []
    known = {c["name"] for c in _all_containers(pod)} | {
        c["name"] for c in spec.get("ephemeralContainers") or []
    }
    if not wanted:
        default = (meta.get("annotations") or {}).get(DEFAULT_CONTAINER, "")
        if default and default not in known:
            ctx.err(f'Default container name "{default}" not found in pod {meta["name"]}\n')
        elif default:
            wanted = default
    if not wanted:
        wanted = containers[0]["name"]
        if len(containers) > 1 or spec.get("initContainers") or spec.get("ephemeralContainers"):
            ctx.err(f'Defaulted container "{wanted}" out of: {_all_container_names(spec)}\n')
    if wanted not in known:
        raise KubectlError(f"container {wanted} is not valid for pod {meta['name']}")
    return wanted


def _all_container_names(spec: dict[str, Any]) -> str:
    """``podcmd.AllContainerNames``: containers, then ``(ephem)`` and ``(init)`` ones."""
    names = [c["name"] for c in spec.get("containers") or []]
    names += [f"{c['name']} (ephem)" for c in spec.get("ephemeralContainers") or []]
    names += [f"{c['name']} (init)" for c in spec.get("initContainers") or []]
    return ", ".join(names)


def _read(ctx: Context, pod: Obj, container: str) -> str:
    """The API server's ``LogLocation`` and the kubelet's ``validateContainerLogStatus``."""
    meta, status = pod["metadata"], pod.get("status") or {}
    if not (pod.get("spec") or {}).get("nodeName"):
        return ""  # no node to ask: the API server streams nothing
    statuses = [
        *(status.get("containerStatuses") or []),
        *(status.get("initContainerStatuses") or []),
        *(status.get("ephemeralContainerStatuses") or []),
    ]
    found = next((s for s in statuses if s.get("name") == container), None)
    name = meta["name"]
    if found is None:
        raise BadRequest(f'container "{container}" in pod "{name}" is not available')
    state = found.get("state") or {}
    last = (found.get("lastState") or {}).get("terminated")
    # A real kubelet finds the container to read by the IDs in these states; kube_lab's
    # keeps the latest container's ID on the status itself.
    ran = any(x.get("containerID") for x in (found, state.get("terminated") or {}, last or {}))
    if "running" in state:
        pass
    elif "terminated" in state or last is not None:
        if not ran:
            raise BadRequest(f'container "{container}" in pod "{name}" is terminated')
    elif "waiting" in state:
        reason = (state["waiting"] or {}).get("reason", "")
        detail = {
            "ErrImagePull": "image can't be pulled",
            "ImagePullBackOff": "trying and failing to pull image",
        }.get(reason, reason)
        raise BadRequest(f'container "{container}" in pod "{name}" is waiting to start: {detail}')
    else:
        raise BadRequest(
            f'container "{container}" in pod "{name}" is waiting to start - no logs yet'
        )
    try:
        return ctx.cluster.logs(name, namespace=meta.get("namespace", ""), container=container)
    except NotFound as error:
        raise BadRequest(f'pod "{name}" cannot be found - no logs available') from error


def _tail(text: str, lines: int) -> str:
    """``--tail=N``: the last N lines (all with -1)."""
    if lines < 0:
        return text
    if lines == 0:
        return ""
    kept = text.splitlines(keepends=True)[-lines:]
    return "".join(kept)
