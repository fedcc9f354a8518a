"""``kubectl get``: tables, ``-o wide|name|yaml|json``, ``-l``, ``-A``, ``--show-labels``.

The flow is ``GetOptions.Run``: the builder fetches what the arguments name; tables are
printed one per run of objects of the same kind, a blank line between them, names
prefixed ``pod/`` when several kinds were asked for; ``No resources found in default
namespace.`` goes to stderr when nothing was printed. ``-o yaml|json`` print one named
object as itself and anything else as a ``kind: List``.
"""

from __future__ import annotations

from typing import Any

from kube_lab.api.meta import Obj
from kube_lab.kubectl.context import Context
from kube_lab.kubectl.flags import Flag, ParsedArgs
from kube_lab.kubectl.formats import object_ref
from kube_lab.kubectl.output import Aggregate, KubectlError, usage_error
from kube_lab.kubectl.printers import TableOptions, table
from kube_lab.kubectl.serialize import to_json, to_yaml

OUTPUT_FORMATS = ("json", "name", "wide", "yaml")

FLAGS = (
    Flag("output", "o", default=""),
    Flag("selector", "l", default=""),
    Flag("all-namespaces", "A", bool, False),
    Flag("show-labels", type=bool, default=False),
    Flag("no-headers", type=bool, default=False),
    Flag("sort-by", default=""),
)


def check_output(output: str) -> None:
    if output and output not in OUTPUT_FORMATS:
        raise KubectlError(
            f'unable to match a printer suitable for the output format "{output}", '
            f"allowed formats are: {','.join(OUTPUT_FORMATS)}"
        )


def print_objects(ctx: Context, objects: list[Obj], *, output: str, single: bool) -> None:
    """The generic printers: ``-o name`` lines, or one YAML/JSON document."""
    if output == "name":
        ctx.out("".join(f"{object_ref(obj)}\n" for obj in objects))
        return
    document: Any = objects[0] if single and len(objects) == 1 else _list(objects)
    ctx.out(to_yaml(document) if output == "yaml" else to_json(document))


def _list(objects: list[Obj]) -> Obj:
    return {
        "apiVersion": "v1",
        "items": objects,
        "kind": "List",
        "metadata": {"resourceVersion": ""},
    }


def get(ctx: Context, flags: ParsedArgs) -> None:
    output: str = flags["output"]
    check_output(output)
    if not flags.args:
        ctx.err(
            'You must specify the type of resource to get. Use "kubectl api-resources" '
            "for a complete list of supported resources.\n\n"
        )
        raise usage_error(
            'Required resource not specified.\nUse "kubectl explain <resource>" for a '
            "detailed description of that resource (e.g. kubectl explain pods).",
            command="get",
        )
    selection = ctx.select(ctx.requests(flags.args), selector=flags["selector"])
    groups = [(info, _sorted(objs, flags["sort-by"])) for info, objs in selection.groups]

    if output in ("name", "yaml", "json"):
        if selection.single_item and selection.errors:
            raise Aggregate(selection.errors)
        print_objects(
            ctx,
            [o for _, objs in groups for o in objs],
            output=output,
            single=selection.single_item,
        )
    else:
        with_kind = len({info.kind for info, _ in groups}) > 1
        tables = []
        merged: list[tuple[str, bool, list[Obj]]] = []
        for info, objs in groups:
            if merged and merged[-1][0] == info.kind:
                merged[-1][2].extend(objs)
            else:
                merged.append((info.kind, info.namespaced, list(objs)))
        for kind, namespaced, objs in merged:
            options = TableOptions(
                wide=output == "wide",
                with_namespace=ctx.all_namespaces and namespaced,
                with_kind=with_kind,
                show_labels=flags["show-labels"],
                no_headers=flags["no-headers"],
            )
            text = table(objs, kind=kind, now=ctx.now, options=options)
            if text:
                tables.append(text)
        ctx.out("\n".join(tables))
        if not tables and not selection.errors:
            if not ctx.all_namespaces and all(info.namespaced for info, _ in groups):
                ctx.err(f"No resources found in {ctx.namespace} namespace.\n")
            else:
                ctx.err("No resources found\n")
    if selection.errors:
        raise Aggregate(selection.errors)


def _sorted(objects: list[Obj], path: str) -> list[Obj]:
    """``--sort-by=.lastTimestamp``: a field path (``{.a.b}`` or ``.a.b``); unset first."""
    if not path:
        return objects
    keys = path.strip("{}").lstrip(".").split(".")

    def key(obj: Obj) -> tuple[int, Any]:
        value: Any = obj
        for k in keys:
            value = value.get(k) if isinstance(value, dict) else None
        if value is None:
            return (0, "")
        return (1, value) if isinstance(value, int | float) else (2, str(value))

    return sorted(objects, key=key)
