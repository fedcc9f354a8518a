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

import os
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from kube_lab.api.defaults import apply_defaults
from kube_lab.api.errors import FieldError, ManifestError, invalid_message
from kube_lab.api.kinds import by_kind, supported_api_versions
from kube_lab.api.meta import Obj
from kube_lab.api.validation import validate

ManifestSource = str | os.PathLike[str] | Mapping[str, Any] | Sequence[Mapping[str, Any]]

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
        Document(raw.value, raw.source, raw.index, raw.line, counts[raw.source]) for raw in raws
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
    came from when that is known; its ``errors`` hold every field error.
    """
    prepared: list[Obj] = []
    messages: list[str] = []
    field_errors: list[FieldError] = []
    for document in load_documents(source):
        obj = apply_defaults(document.obj)
        errors = validate(obj)
        if errors:
            messages.append(rejection(document, problems=errors, obj=obj))
            field_errors.extend(errors)
        else:
            prepared.append(obj)
    if messages:
        raise ManifestError("\n".join(messages), field_errors)
    return prepared


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
    if problems:
        target = obj if obj is not None else document.obj
        meta = target.get("metadata")
        name = meta.get("name") if isinstance(meta, dict) else None
        kind = by_kind(target["kind"]).qualified_kind
        message = invalid_message(kind, name if isinstance(name, str) else "", list(problems))
    where = _where(document)
    return f"error when creating {where}: {message}" if where else message


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
                raws.append(_Raw(value, source, position, line, _item_lines(node)))
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
    return [
        _Raw(item, raw.source, raw.index, lines[i] if i < len(lines) else raw.line)
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
    if supported_api_versions().get(kind) == version:
        return ""
    meta = obj.get("metadata")
    meta = meta if isinstance(meta, dict) else {}
    origin = f" from {where}" if where else ""
    supported = ", ".join(f"{k} ({v})" for k, v in supported_api_versions().items())
    return (
        f'resource mapping not found for name: "{_text(meta, "name")}" '
        f'namespace: "{_text(meta, "namespace")}"{origin}: '
        f'no matches for kind "{kind}" in version "{version}"; kube_lab supports: {supported}'
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
