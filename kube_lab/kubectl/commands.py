"""``Kubectl(cluster).run("get pods -o wide")``: kubectl's command line, verb by verb.

The line is split as a shell would (``shlex``); a leading ``kubectl`` is optional. The
verb (``get``, ``rollout status`` ...) picks the flags it accepts; kubectl's persistent
``-n/--namespace`` is accepted anywhere. What the verb prints and the error it fails with
are collected in order and returned as a :class:`KubectlOutput`: the text a terminal
would show, with ``exit_code`` 1 when kubectl would have failed.
"""

from __future__ import annotations

import shlex
from collections.abc import Callable
from dataclasses import dataclass

from kube_lab.api.errors import StatusError
from kube_lab.kubectl import (
    autoscale,
    describe,
    edits,
    get,
    logs,
    manifests,
    nodes,
    rollout,
    top,
)
from kube_lab.kubectl.context import DEFAULT_NAMESPACE, ClusterLike, Context
from kube_lab.kubectl.flags import GLOBAL_FLAGS, Flag, ParsedArgs, parse
from kube_lab.kubectl.output import (
    Aggregate,
    KubectlError,
    KubectlOutput,
    error_message,
    usage_error,
)


@dataclass(frozen=True)
class Verb:
    name: str  # "get", "rollout status", "top pods" (an alias)
    flags: tuple[Flag, ...]
    run: Callable[[Context, ParsedArgs], None]
    command: str = ""  # the command's own name, which cobra's hints use: "top pod"

    @property
    def path(self) -> str:
        return self.command or self.name


VERBS = {
    verb.name: verb
    for verb in (
        Verb("get", get.FLAGS, get.get),
        Verb("describe", describe.FLAGS, describe.describe_command),
        Verb("apply", manifests.APPLY_FLAGS, manifests.apply),
        Verb("create", manifests.APPLY_FLAGS, manifests.create),
        Verb("delete", manifests.DELETE_FLAGS, manifests.delete),
        Verb("scale", edits.SCALE_FLAGS, edits.scale),
        Verb("label", edits.LABEL_FLAGS, edits.label),
        Verb("set image", edits.SET_IMAGE_FLAGS, edits.set_image),
        Verb("rollout status", rollout.STATUS_FLAGS, rollout.status),
        Verb("rollout history", rollout.HISTORY_FLAGS, rollout.history),
        Verb("rollout undo", rollout.UNDO_FLAGS, rollout.undo),
        Verb("rollout pause", rollout.PATCH_FLAGS, rollout.pause),
        Verb("rollout resume", rollout.PATCH_FLAGS, rollout.resume),
        Verb("rollout restart", rollout.PATCH_FLAGS, rollout.restart),
        Verb("cordon", nodes.CORDON_FLAGS, nodes.cordon),
        Verb("uncordon", nodes.CORDON_FLAGS, nodes.uncordon),
        Verb("drain", nodes.DRAIN_FLAGS, nodes.drain),
        Verb("logs", logs.FLAGS, logs.logs),
        Verb("autoscale", autoscale.FLAGS, autoscale.autoscale),
        *(
            Verb(f"top {alias}", top.POD_FLAGS, top.top_pod, "top pod")
            for alias in ("pod", "pods", "po")
        ),
        *(
            Verb(f"top {alias}", top.NODE_FLAGS, top.top_node, "top node")
            for alias in ("node", "nodes", "no")
        ),
    )
}
GROUPS = {name.split()[0] for name in VERBS if " " in name}


class Kubectl:
    """kubectl pointed at one cluster. ``run`` never raises for what kubectl would print."""

    def __init__(self, cluster: ClusterLike) -> None:
        self.cluster = cluster

    def run(self, command_line: str) -> KubectlOutput:
        ctx = Context(self.cluster)
        try:
            self._run(ctx, command_line)
        except (KubectlError, StatusError, Aggregate) as error:
            message = error_message(error)
            ctx.err(message if message.endswith("\n") else message + "\n")
            return KubectlOutput(ctx.chunks, exit_code=1)
        return KubectlOutput(ctx.chunks, exit_code=0)

    def _run(self, ctx: Context, command_line: str) -> None:
        try:
            tokens = shlex.split(command_line)
        except ValueError as error:
            raise KubectlError(str(error)) from None
        if tokens and tokens[0] == "kubectl":
            tokens = tokens[1:]
        verb, rest = _find_verb(tokens)
        flags = parse(rest, verb.flags + GLOBAL_FLAGS, command=verb.path)
        ctx.namespace = flags["namespace"] or DEFAULT_NAMESPACE
        ctx.all_namespaces = bool(flags.values.get("all-namespaces"))
        verb.run(ctx, flags)


def _find_verb(tokens: list[str]) -> tuple[Verb, list[str]]:
    """The verb named by the first words that are not global flags; the rest are its own."""
    words: list[int] = []
    i = 0
    while i < len(tokens) and len(words) < 2:
        token = tokens[i]
        if token in ("-n", "--namespace"):
            i += 2
            continue
        if not token.startswith("-"):
            words.append(i)
            if token not in GROUPS:
                break
        i += 1
    if not words:
        raise KubectlError("kube_lab's kubectl needs a command, such as: get, describe, apply")
    first = tokens[words[0]]
    if first in GROUPS:
        if len(words) < 2:
            raise usage_error(f"{first} needs a subcommand", command=first)
        name = f"{first} {tokens[words[1]]}"
        if name not in VERBS:
            raise usage_error(f'unknown command "{tokens[words[1]]}"', command=first)
    else:
        name = first
        if name not in VERBS:
            raise KubectlError(f'unknown command "{name}" for "kubectl"')
    rest = [t for j, t in enumerate(tokens) if j not in words]
    return VERBS[name], rest
