"""``kubectl label``, ``scale`` and ``set image``: small edits to live objects.

Each reads the object, changes one thing and writes it back (the store's
compare-and-swap makes this safe), then prints kubectl's one line: ``pod/web labeled``,
``deployment.apps/web scaled``, ``deployment.apps/web image updated``.
"""

from __future__ import annotations

import re

from kube_lab.api.errors import NotFound
from kube_lab.api.meta import Obj, deep_copy
from kube_lab.kubectl.context import Context
from kube_lab.kubectl.flags import Flag, ParsedArgs
from kube_lab.kubectl.formats import object_ref
from kube_lab.kubectl.output import Aggregate, KubectlError

LABEL_FLAGS = (
    Flag("overwrite", type=bool, default=False),
    Flag("selector", "l", default=""),
    Flag("all", type=bool, default=False),
)
SCALE_FLAGS = (Flag("replicas", type=int, default=-1), Flag("selector", "l", default=""))
SET_IMAGE_FLAGS = (Flag("selector", "l", default=""), Flag("all", type=bool, default=False))

_LABEL_VALUE = re.compile(r"(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?")
_LABEL_VALUE_ERROR = (
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' "
    "or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or "
    "'my_value',  or '12345', regex used for validation is "
    "'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"
)
_SCALABLE = ("Deployment", "ReplicaSet")


def _resources_and_pairs(args: list[str], pair_type: str) -> tuple[list[str], list[str]]:
    """``GetResourcesAndPairs``: resources first, then ``k=v`` / ``k-`` changes."""
    resources: list[str] = []
    pairs: list[str] = []
    for arg in args:
        is_pair = ("=" in arg and not arg.startswith("=")) or (arg.endswith("-") and arg != "-")
        if is_pair:
            pairs.append(arg)
        elif pairs:
            raise KubectlError(f"all resources must be specified before {pair_type} changes: {arg}")
        else:
            resources.append(arg)
    return resources, pairs


def _targets(
    ctx: Context, resources: list[str], flags: ParsedArgs
) -> tuple[list[Obj], list[Exception]]:
    if not resources:
        raise KubectlError(
            "one or more resources must be specified as <resource> <name> or <resource>/<name>"
        )
    requests = ctx.requests(resources)
    if any(r.name is None for r in requests) and not (flags["all"] or flags["selector"]):
        raise KubectlError("resource(s) were provided, but no name was specified")
    selection = ctx.select(requests, selector=flags["selector"])
    return selection.objects, selection.errors


def _parse_labels(pairs: list[str]) -> tuple[dict[str, str], list[str]]:
    """``parseLabels``: ``k=v`` to set (values validated), ``k-`` to remove."""
    new: dict[str, str] = {}
    remove: list[str] = []
    for pair in pairs:
        if "=" in pair:
            parts = pair.split("=")
            if len(parts) != 2:
                raise KubectlError(f"invalid label spec: {pair}")
            key, value = parts
            problems = []
            if len(value) > 63:
                problems.append("must be no more than 63 characters")
            if not _LABEL_VALUE.fullmatch(value):
                problems.append(_LABEL_VALUE_ERROR)
            if problems:
                raise KubectlError(f'invalid label value: "{pair}": {";".join(problems)}')
            new[key] = value
        else:
            remove.append(pair[:-1])
    if any(key in new for key in remove):
        raise KubectlError("can not both modify and remove a label in the same command")
    return new, remove


def label(ctx: Context, flags: ParsedArgs) -> None:
    resources, pairs = _resources_and_pairs(flags.args, "label")
    new, remove = _parse_labels(pairs)
    if not new and not remove:
        raise KubectlError("at least one label update is required")
    objects, errors = _targets(ctx, resources, flags)
    for obj in map(deep_copy, objects):
        labels = dict(obj["metadata"].get("labels") or {})
        for key in remove:
            if key not in labels:
                ctx.out(f'label "{key}" not found.\n')
        if not flags["overwrite"]:
            clashes = [
                KubectlError(f"'{k}' already has a value ({labels[k]}), and --overwrite is false")
                for k, v in new.items()
                if k in labels and labels[k] != v
            ]
            if clashes:
                errors.append(clashes[0] if len(clashes) == 1 else Aggregate(clashes))
                continue
        added = {k for k, v in new.items() if labels.get(k) != v}
        removed = {k for k in remove if k in labels}
        labels.update(new)
        for key in removed:
            del labels[key]
        if added or removed:
            obj["metadata"]["labels"] = labels
            ctx.update(obj)
        message = {(True, True): "modified", (True, False): "labeled", (False, True): "unlabeled"}
        ctx.out(f"{object_ref(obj)} {message.get((bool(added), bool(removed)), 'not labeled')}\n")
    ctx.cluster.run(0)
    if errors:
        raise Aggregate(errors)


def scale(ctx: Context, flags: ParsedArgs) -> None:
    replicas: int = flags["replicas"]
    if replicas < 0:
        raise KubectlError(
            "The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0"
        )
    if not flags.args:
        raise KubectlError("required resource not specified")
    selection = ctx.select(ctx.requests(flags.args), selector=flags["selector"])
    errors = selection.errors
    if not selection.objects and not errors:
        raise KubectlError("no objects passed to scale")
    for obj in map(deep_copy, selection.objects):
        if obj["kind"] not in _SCALABLE:
            errors.append(NotFound("the server could not find the requested resource"))
            continue
        obj["spec"]["replicas"] = replicas
        ctx.update(obj)
        ctx.out(f"{object_ref(obj)} scaled\n")
    ctx.cluster.run(0)
    if errors:
        raise Aggregate(errors)


def set_image(ctx: Context, flags: ParsedArgs) -> None:
    resources, pairs = _resources_and_pairs(flags.args, "image")
    if not pairs:
        raise KubectlError("at least one image update is required")
    images = dict(pair.split("=", 1) for pair in pairs)
    objects, errors = _targets(ctx, resources, flags)
    for obj in map(deep_copy, objects):
        spec = obj.get("spec") or {}
        pod_spec = spec if obj["kind"] == "Pod" else (spec.get("template") or {}).get("spec")
        if pod_spec is None:
            errors.append(
                KubectlError(
                    f"error: {object_ref(obj)} the object is not a pod or does not have a pod "
                    "template"
                )
            )
            continue
        changed = False
        for container_name, image in images.items():
            found = False
            for container in (pod_spec.get("initContainers") or []) + (
                pod_spec.get("containers") or []
            ):
                if container_name in ("*", container["name"]):
                    found = True
                    changed |= container.get("image") != image
                    container["image"] = image
            if not found:
                errors.append(
                    KubectlError(f'error: unable to find container named "{container_name}"')
                )
        if changed:
            ctx.update(obj)
            ctx.out(f"{object_ref(obj)} image updated\n")
    ctx.cluster.run(0)
    if errors:
        raise Aggregate(errors)
