"""``kubectl apply -f``, ``create -f`` and ``delete``.

``-f`` takes files or directories (their ``.yaml``, ``.yml`` and ``.json`` files, in name
order), and may be repeated. The cluster does the applying and prints nothing; kubectl
prints one line per object (``deployment.apps/web configured``). ``delete`` prints
``deployment.apps "web" deleted from default namespace`` as each object goes, then waits
until they are all gone (pods take their grace period).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from kube_lab.api import kinds
from kube_lab.api.errors import NotFound, StatusError
from kube_lab.api.meta import Obj
from kube_lab.kubectl import deletion
from kube_lab.kubectl.context import Context, Request
from kube_lab.kubectl.flags import Flag, ParsedArgs
from kube_lab.kubectl.formats import kind_string
from kube_lab.kubectl.output import Aggregate, KubectlError

MANIFEST_SUFFIXES = (".json", ".yaml", ".yml")

FILENAME = Flag("filename", "f", repeated=True)
APPLY_FLAGS = (FILENAME,)
DELETE_FLAGS = (
    FILENAME,
    Flag("selector", "l", default=""),
    Flag("all", type=bool, default=False),
    Flag("grace-period", type=int, default=-1),
    Flag("now", type=bool, default=False),
    Flag("force", type=bool, default=False),
    Flag("wait", type=bool, default=True),
    Flag("ignore-not-found", type=bool, default=False),
    Flag("cascade", default="background", bare="background"),
)
#: ``--cascade`` values and the propagation policy each asks the API server for.
CASCADE = {"background": "Background", "foreground": "Foreground", "orphan": "Orphan"}
#: The boolean spellings kubectl still takes, with a warning.
_CASCADE_BOOLEANS = {"true": "background", "false": "orphan"}


def manifest_paths(filenames: list[str]) -> list[Path]:
    """The files ``-f`` names, directories expanded; ``the path "x" does not exist``."""
    paths: list[Path] = []
    for name in filenames:
        path = Path(name)
        if not path.exists():
            raise KubectlError(f'the path "{name}" does not exist')
        if path.is_dir():
            paths.extend(sorted(p for p in path.iterdir() if p.suffix in MANIFEST_SUFFIXES))
        else:
            paths.append(path)
    return paths


def _write(ctx: Context, flags: ParsedArgs, *, verb: str) -> None:
    if not flags["filename"]:
        raise KubectlError("must specify one of -f and -k")
    write = ctx.cluster.apply if verb == "apply" else ctx.cluster.create
    printed = False
    for path in manifest_paths(flags["filename"]):
        results = write(path)
        for result in results:
            ctx.out(f"{result}\n")
            printed = True
    ctx.cluster.run(0)
    if not printed:
        raise KubectlError(f"no objects passed to {verb}")


def apply(ctx: Context, flags: ParsedArgs) -> None:
    _write(ctx, flags, verb="apply")


def create(ctx: Context, flags: ParsedArgs) -> None:
    _write(ctx, flags, verb="create")


def _file_requests(ctx: Context, paths: list[Path]) -> list[tuple[Request, str]]:
    """What the manifests in ``paths`` name: (kind and name, namespace)."""
    requests = []
    for path in paths:
        try:
            docs = list(yaml.safe_load_all(path.read_text()))
        except yaml.YAMLError as error:
            raise KubectlError(f"error parsing {path}: {error}") from None
        for item in (i for doc in docs for i in _items(doc)):
            info = _kind_of(item, path)
            meta = item.get("metadata") or {}
            namespace = (meta.get("namespace") or ctx.namespace) if info.namespaced else ""
            requests.append((Request(info, meta.get("name", "")), namespace))
    return requests


def _items(doc: Any) -> list[dict[str, Any]]:
    """The objects of one YAML document: itself, or the items of a ``kind: List``."""
    if not doc:
        return []
    return list(doc.get("items") or []) if doc.get("kind") == "List" else [doc]


def _kind_of(item: dict[str, Any], path: Path) -> kinds.KindInfo:
    try:
        return kinds.by_kind(str(item.get("kind")))
    except KeyError:
        name = (item.get("metadata") or {}).get("name", "")
        raise KubectlError(
            f'resource mapping not found for name: "{name}" namespace: "" from "{path}": '
            f'no matches for kind "{item.get("kind")}" in version "{item.get("apiVersion")}"\n'
            "ensure CRDs are installed first"
        ) from None


def delete(ctx: Context, flags: ParsedArgs) -> None:
    grace: int = flags["grace-period"]
    if flags["now"]:
        if grace != -1:
            raise KubectlError("--now and --grace-period cannot be specified together")
        grace = 1
    if grace == 0 and not flags["force"]:
        grace = 1  # kubectl turns --grace-period=0 into 1 unless --force
    if flags["force"]:
        if grace > 0:
            raise KubectlError(
                "--force and --grace-period greater than 0 cannot be specified together"
            )
        grace = 0
        ctx.err(
            "Warning: Immediate deletion does not wait for confirmation that the running resource "
            "has been terminated. The resource may continue to run on the cluster indefinitely.\n"
        )
    if flags["all"] and flags["selector"]:
        raise KubectlError("cannot set --all and --selector at the same time")
    propagation = _propagation(ctx, flags["cascade"])
    ignore_not_found = flags["ignore-not-found"] or (
        "ignore-not-found" not in flags.given and (flags["all"] or bool(flags["selector"]))
    )

    targets, errors = _delete_targets(ctx, flags)
    if ignore_not_found:
        errors = [e for e in errors if not isinstance(e, NotFound)]
    warn_cluster_scope = "namespace" in flags.given and not ctx.all_namespaces
    deleted: list[Obj] = []
    longest = 0
    for obj in targets:
        info = kinds.by_kind(obj["kind"])
        if warn_cluster_scope and not info.namespaced:
            ctx.err(
                "Warning: deleting cluster-scoped resources, not scoped to the provided namespace\n"
            )
            warn_cluster_scope = False
        try:
            grace_given = deletion.delete(ctx, obj, grace_period=grace, propagation=propagation)
            longest = max(longest, grace_given)
        except StatusError as error:
            errors.append(error)
            continue
        operation = "force deleted" if grace == 0 else "deleted"
        if info.namespaced:
            operation += f" from {obj['metadata'].get('namespace')} namespace"
        ctx.out(f'{kind_string(obj["kind"])} "{obj["metadata"]["name"]}" {operation}\n')
        deleted.append(obj)
    ctx.cluster.run(0)
    if not targets and not errors:
        ctx.out("No resources found\n")
    if deleted and flags["wait"]:
        for obj in deletion.wait_until_gone(ctx, deleted, longest_grace=longest):
            errors.append(
                KubectlError(
                    f"timed out waiting for the condition on {kinds.by_kind(obj['kind']).plural}/"
                    f"{obj['metadata']['name']}"
                )
            )
    if errors:
        raise Aggregate(errors)


def _propagation(ctx: Context, cascade: str) -> str:
    """``--cascade`` as a propagation policy (``GetCascadingStrategy`` in kubectl)."""
    value = cascade.lower()
    if value in _CASCADE_BOOLEANS:
        replacement = _CASCADE_BOOLEANS[value]
        ctx.err(
            f"warning: --cascade={cascade} is deprecated (boolean value) and can be replaced "
            f"with --cascade={replacement}.\n"
        )
        value = replacement
    if value not in CASCADE:
        raise KubectlError(
            f'invalid cascade value ({cascade}). Must be "background", "foreground", or "orphan"'
        )
    return CASCADE[value]


def _delete_targets(ctx: Context, flags: ParsedArgs) -> tuple[list[Obj], list[Exception]]:
    if flags["filename"]:
        if flags.args:
            raise KubectlError(
                "when paths, URLs, or stdin is provided as input, you may not specify a "
                "resource by arguments as well"
            )
        objects: list[Obj] = []
        errors: list[Exception] = []
        for request, namespace in _file_requests(ctx, manifest_paths(flags["filename"])):
            try:
                objects.append(ctx.store.get(request.info.kind, request.name or "", namespace))
            except StatusError as error:
                errors.append(error)
        return objects, errors
    if not flags.args:
        raise KubectlError(
            "You must provide one or more resources by argument or filename.\n"
            "Example resource specifications include:\n"
            "   '-f rsrc.yaml'\n"
            "   '--filename=rsrc.json'\n"
            "   '<resource> <name>'\n"
            "   '<resource>'"
        )
    requests = ctx.requests(flags.args)
    if any(r.name is None for r in requests) and not (flags["all"] or flags["selector"]):
        raise KubectlError("resource(s) were provided, but no name was specified")
    selection = ctx.select(requests, selector=flags["selector"])
    return selection.objects, selection.errors
