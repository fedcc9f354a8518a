"""Reading manifests as ``kubectl`` does, and preparing them as the API server does.

Learners hand kube_lab real Kubernetes YAML: a file, a directory, a multi-document string,
a dict or a list of dicts, or a ``kind: List``. :func:`load_documents` turns any of these
into :class:`Document` objects and refuses, with kubectl's words, what kubectl itself
would refuse before contacting a server: YAML that does not parse, documents without
``apiVersion`` or ``kind``, kinds kube_lab does not simulate.

:func:`prepare` then defaults and validates every document and either returns them all
or raises one :class:`~kube_lab.api.errors.ManifestError` naming every bad document, so
that a batch with one bad document changes nothing.
"""

from __future__ import annotations

import difflib
import os
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from kube_lab.api.defaults import apply_defaults
from kube_lab.api.errors import (
    CLIENT_UNDECODABLE,
    FieldError,
    ManifestError,
    decoding_message,
    invalid_message,
    is_decoding,
)
from kube_lab.api.kinds import REFUSED, by_kind, supported_api_versions
from kube_lab.api.meta import Obj
from kube_lab.api.schemas import KUBERNETES_VERSION
from kube_lab.api.simulation import notices
from kube_lab.api.validation import validate

ManifestSource = str | os.PathLike[str] | Mapping[str, Any] | Sequence[Mapping[str, Any]]

#: A map key in a field path (``metadata.labels[app]``), spelled as YAML paths spell it.
_MAP_KEY = re.compile(r"\[([^\]0-9][^\]]*)\]")

#: How kubectl names a manifest it read from standard input (``kubectl apply -f -``).
_STDIN = '"STDIN"'

#: What ``kubectl apply -f <directory>`` picks up.
MANIFEST_SUFFIXES = (".yaml", ".yml", ".json")

#: PyYAML's wording -> libyaml's (which go-yaml, and so kubectl, prints), by parser context.
_LIBYAML_WORDING = (
    (None, "mapping values are not allowed here", "mapping values are not allowed in this context"),
    ("while parsing a block mapping", "expected <block end>", "did not find expected key"),
    (
        "while parsing a block collection",
        "expected <block end>",
        "did not find expected '-' indicator",
    ),
    ("while parsing a flow sequence", "expected ','", "did not find expected ',' or ']'"),
    ("while parsing a flow mapping", "expected ','", "did not find expected ',' or '}'"),
    (
        None,
        "found character .* that cannot start any token",
        "found character that cannot start any token",
    ),
)


@dataclass(frozen=True)
class Document:
    """One object of a manifest and where it came from."""

    obj: dict[str, Any]
    source: str | None = None  # the file it was read from
    index: int = 0  # 0-based position of its document in the YAML stream
    line: int | None = None  # 1-based line where it starts (YAML input only)
    total: int = 1  # how many objects were read from the same source
    #: The line of every field (``spec.template.spec.containers[0].image``; map keys after a
    #: dot, ``metadata.labels.app``), for YAML input.
    lines: Mapping[str, int] = field(default_factory=dict, compare=False, repr=False)

    def line_of(self, path: str) -> int | None:
        """The line of ``path`` or, if it is not in the YAML (a required field left out),
        of its nearest ancestor that is."""
        path = _MAP_KEY.sub(r".\1", path)
        while path:
            if path in self.lines:
                return self.lines[path]
            cut = max(path.rfind("."), path.rfind("["))
            path = path[:cut] if cut > 0 else ""
        return self.line


class ManifestLoadError(ManifestError):
    """A manifest kubectl refuses before sending it: unreadable, untyped or unknown kind."""

    reason, code = "BadRequest", 400


@dataclass(frozen=True)
class _Raw:
    """A parsed document before it is checked; ``value`` may be anything YAML allows."""

    value: Any
    source: str | None
    index: int
    line: int | None
    item_lines: tuple[int, ...] = ()  # where the items of a ``kind: List`` start
    lines: Mapping[str, int] = field(default_factory=dict)  # of every field
    item_fields: tuple[Mapping[str, int], ...] = ()  # of every field of each List item


class _Loader(yaml.SafeLoader):
    """YAML as Kubernetes reads it: timestamps stay strings (JSON has no dates)."""

    def construct_timestamp_as_text(self, node: yaml.Node) -> str:
        return str(node.value)


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _Loader.construct_timestamp_as_text)


def load_documents(source: ManifestSource) -> list[Document]:
    """Every object in ``source``; :class:`ManifestLoadError` naming each unusable one.

    ``source`` is YAML text (``---`` separates documents), a path to a file or directory
    (a ``str`` counts as a path when it names an existing file or ends in ``.yaml``,
    ``.yml`` or ``.json``), a dict, or a list of dicts. Empty documents are skipped and
    the items of a ``kind: List`` become documents of their own.
    """
    raws = [item for raw in _read(source) for item in _expand_list(raw)]
    counts = Counter(raw.source for raw in raws)
    documents = [
        Document(raw.value, raw.source, raw.index, raw.line, counts[raw.source], raw.lines)
        for raw in raws
    ]
    problems = [problem for problem in map(_problem, documents) if problem]
    if problems:
        raise ManifestLoadError("\n".join(problems))
    return documents


def prepare(source: ManifestSource) -> list[Obj]:
    """Load, default and validate every object; all of them, or one error naming each failure.

    Nothing is applied here: the caller applies the returned objects only if this returns.
    The :class:`ManifestError` message has one line per bad document, as the API server
    words it (``Deployment.apps "web" is invalid: ...``), prefixed with where the document
    came from when that is known; its ``errors`` hold every field error, with its line.
    """
    checked = check(source)
    if checked.failures:
        errors = [error for _, error in checked.errors]
        raise ManifestError("\n".join(checked.failures), errors)
    return checked.objects


@dataclass(frozen=True)
class Checked:
    """What :func:`check` found: the objects that are valid (defaulted), a line per bad
    document, every field error with the document it is in, and the notices of
    :mod:`kube_lab.api.simulation` for the valid ones."""

    objects: list[Obj]
    failures: list[str]
    errors: list[tuple[Document, FieldError]]
    notices: list[str]


def check(source: ManifestSource) -> Checked:
    """:func:`prepare` without raising for invalid documents (unreadable ones still raise
    :class:`ManifestLoadError`): what ``kube-lab validate`` reports."""
    objects: list[Obj] = []
    failures: list[str] = []
    errors: list[tuple[Document, FieldError]] = []
    told: list[str] = []
    for document in load_documents(source):
        obj = apply_defaults(document.obj)
        problems = located(document, validate(obj))
        if problems:
            failures.append(rejection(document, problems=problems, obj=obj))
            errors.extend((document, problem) for problem in problems)
        else:
            objects.append(obj)
            told.extend(notices(document.obj))
    return Checked(objects, failures, errors, told)


def rejection(
    document: Document,
    message: str = "",
    *,
    problems: Sequence[FieldError] = (),
    obj: Obj | None = None,
) -> str:
    """One line of a refused batch: ``message``, or the API server's ``<Kind> "<name>" is
    invalid: ...`` for ``problems`` found in ``obj`` (default: the document's object),
    prefixed with where the document came from (``error when creating "web.yaml" ...``).
    """
    where = _where(document)
    if problems:
        target = obj if obj is not None else document.obj
        meta = target.get("metadata")
        name = meta.get("name") if isinstance(meta, dict) else None
        if problems[0].type == CLIENT_UNDECODABLE:
            # kubectl decodes metadata itself and never sends what it cannot read.
            return f"unable to decode {where or _STDIN}: {problems[0]}"
        if is_decoding(list(problems)):
            kind = str(target["kind"])
            message = decoding_message(kind, str(target.get("apiVersion")), list(problems))
        else:
            kind = by_kind(target["kind"]).qualified_kind
            message = invalid_message(kind, name if isinstance(name, str) else "", list(problems))
    return f"error when creating {where}: {message}" if where else message


def located(document: Document, problems: Sequence[FieldError]) -> list[FieldError]:
    """``problems`` with the YAML line of each field (see :meth:`Document.line_of`)."""
    if not document.lines:
        return list(problems)
    return [replace(problem, line=document.line_of(problem.path)) for problem in problems]


# --- reading ------------------------------------------------------------------------------


def _read(source: ManifestSource) -> list[_Raw]:
    if isinstance(source, os.PathLike):
        return _read_path(Path(source))
    if isinstance(source, str):
        return _read_path(Path(source)) if _is_path(source) else _parse(source, None)
    if isinstance(source, Mapping):
        return [_Raw(_jsonable(dict(source)), None, 0, None)]
    if isinstance(source, Sequence):
        return [_Raw(_jsonable(item), None, i, None) for i, item in enumerate(source)]
    raise TypeError(f"cannot read a manifest from {type(source).__name__}")


def _is_path(text: str) -> bool:
    return "\n" not in text and (text.endswith(MANIFEST_SUFFIXES) or os.path.exists(text))


def _read_path(path: Path) -> list[_Raw]:
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.suffix in MANIFEST_SUFFIXES and p.is_file())
        return [raw for file in files for raw in _read_path(file)]
    if not path.exists():
        raise ManifestLoadError(f'the path "{path}" does not exist')
    return _parse(path.read_text(encoding="utf-8"), str(path))


def _parse(text: str, source: str | None) -> list[_Raw]:
    loader = _Loader(text)
    raws: list[_Raw] = []
    try:
        position = 0
        while loader.check_node():
            node = loader.get_node()
            value = _jsonable(loader.construct_document(node)) if node is not None else None
            if node is not None and value is not None:
                line = node.start_mark.line + 1
                lines, items = _field_lines(node)
                raws.append(_Raw(value, source, position, line, _item_lines(node), lines, items))
            position += 1
    except yaml.YAMLError as error:
        raise ManifestLoadError(_yaml_message(error, source)) from None
    finally:
        loader.dispose()
    return raws


def _item_lines(node: yaml.Node) -> tuple[int, ...]:
    if not isinstance(node, yaml.MappingNode):
        return ()
    for key_node, value_node in node.value:
        if key_node.value == "items" and isinstance(value_node, yaml.SequenceNode):
            return tuple(item.start_mark.line + 1 for item in value_node.value)
    return ()


def _field_lines(node: yaml.Node) -> tuple[dict[str, int], tuple[dict[str, int], ...]]:
    """The line of every field under ``node``, and of every field of each ``items`` entry
    (for a ``kind: List``)."""
    lines: dict[str, int] = {}
    _collect_lines(node, "", lines)
    items: tuple[dict[str, int], ...] = ()
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if key_node.value == "items" and isinstance(value_node, yaml.SequenceNode):
                items = tuple(_lines_of(item) for item in value_node.value)
    return lines, items


def _lines_of(node: yaml.Node) -> dict[str, int]:
    lines: dict[str, int] = {}
    _collect_lines(node, "", lines)
    return lines


def _collect_lines(node: yaml.Node, path: str, lines: dict[str, int]) -> None:
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = str(key_node.value)
            child_path = f"{path}.{key}" if path else key
            lines.setdefault(child_path, key_node.start_mark.line + 1)
            _collect_lines(value_node, child_path, lines)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            child_path = f"{path}[{i}]"
            lines.setdefault(child_path, item.start_mark.line + 1)
            _collect_lines(item, child_path, lines)


def _jsonable(value: Any) -> Any:
    """What YAML -> JSON conversion makes of ``value``: every mapping key a string."""
    if isinstance(value, Mapping):
        return {_json_key(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(item) for item in value]
    return value


def _json_key(key: Any) -> str:
    if isinstance(key, bool):
        return "true" if key else "false"
    return "null" if key is None else str(key)


def _yaml_message(error: yaml.YAMLError, source: str | None) -> str:
    problem = getattr(error, "problem", None) or str(error)
    context = getattr(error, "context", None) or ""
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    for wanted_context, pattern, wording in _LIBYAML_WORDING:
        if (wanted_context is None or context.startswith(wanted_context)) and re.match(
            pattern, problem
        ):
            problem = wording
            break
    where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
    body = f"error converting YAML to JSON: yaml: {where}{problem}"
    return f"error parsing {source}: {body}" if source else body


def _expand_list(raw: _Raw) -> list[_Raw]:
    """The items of a ``kind: List``, each a document of its own; anything else as is."""
    value = raw.value
    if not (
        isinstance(value, dict)
        and value.get("kind") == "List"
        and isinstance(value.get("items"), list)
    ):
        return [raw]
    lines = raw.item_lines
    fields = raw.item_fields
    return [
        _Raw(
            item,
            raw.source,
            raw.index,
            lines[i] if i < len(lines) else raw.line,
            lines=fields[i] if i < len(fields) else {},
        )
        for i, item in enumerate(value["items"])
    ]


# --- checking -----------------------------------------------------------------------------


def _problem(document: Document) -> str:
    """kubectl's complaint about a document, or ``""`` when kube_lab can handle it."""
    where = _where(document)
    obj: Any = document.obj
    if not isinstance(obj, dict):
        return _validating(where, "invalid object to validate")
    unset = [f"{field} not set" for field in ("apiVersion", "kind") if not _text(obj, field)]
    if unset:
        return _validating(where, unset[0] if len(unset) == 1 else f"[{', '.join(unset)}]")
    kind, version = obj["kind"], obj["apiVersion"]
    served = supported_api_versions()
    if served.get(kind) == version:
        return ""
    reason = REFUSED.get(f"{version}/{kind}")
    if reason and kind not in served:
        prefix = f"error when creating {where}: " if where else ""
        return f"{prefix}kube_lab does not serve {kind} ({version}): {reason}"
    meta = obj.get("metadata")
    meta = meta if isinstance(meta, dict) else {}
    origin = f" from {where}" if where else ""
    if kind in served:
        hint = f"kube_lab serves {kind} as {served[kind]}"
    else:
        hint = f"kube_lab serves the built-in kinds of Kubernetes {KUBERNETES_VERSION}"
        close = difflib.get_close_matches(kind, list(served), n=1)
        if close:
            hint += f" (did you mean {close[0]}?)"
    return (
        f'resource mapping not found for name: "{_text(meta, "name")}" '
        f'namespace: "{_text(meta, "namespace")}"{origin}: '
        f'no matches for kind "{kind}" in version "{version}"; {hint}'
    )


def _text(obj: Mapping[str, Any], field: str) -> str:
    value = obj.get(field)
    return value if isinstance(value, str) else ""


def _validating(where: str, detail: str) -> str:
    prefix = f"error validating {where}: " if where else ""
    return f"{prefix}error validating data: {detail}"


def _where(document: Document) -> str:
    """``"web.yaml" (document 2, line 14)``, ``"web.yaml"``, ``document 2 (line 14)`` or ``""``.

    The document number (1-based) and line are given only when the source held several.
    """
    source, line = document.source, document.line
    if document.total <= 1:
        return f'"{source}"' if source else ""
    position = f"document {document.index + 1}"
    if source:
        return f'"{source}" ({position}, line {line})' if line else f'"{source}" ({position})'
    return f"{position} (line {line})" if line else position
