"""Kubernetes' own schemas for every built-in kind of one Kubernetes version.

``kubernetes-v1.37.json`` beside this module is derived data: the struct types of every
generally available kind of Kubernetes 1.37, with each field's JSON type, the Go type
the API server decodes it into, and the required fields. :mod:`.build` makes it from the
JSON schemas that the ``kubernetes-validate`` package bundles (themselves generated from
the API server's OpenAPI document); nothing here is a hand-written field list.

The file is read on first use, not on ``import kube_lab``: :func:`schema_for` and
:func:`kinds` load it once, then answer from memory. The strict decoder in
:mod:`kube_lab.api.validation.decoding` walks these types the way the API server's JSON
decoder walks its Go structs.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

#: The Kubernetes version whose built-in kinds kube_lab accepts, field for field.
KUBERNETES_VERSION = "1.37"
SCHEMA_FILE = Path(__file__).resolve().parent / f"kubernetes-v{KUBERNETES_VERSION}.json"

#: Scalar shapes: the Go type named in ``cannot unmarshal ... of type <go>`` messages.
SCALARS = {
    "string": "string",
    "bool": "bool",
    "int32": "int32",
    "int64": "int64",
    "float64": "float64",
    "quantity": "resource.Quantity",
    "intstr": "int32",  # intstr.IntOrString decodes a non-string into its int32 half
    "time": "string",  # metav1.Time decodes a JSON string first
    "bytes": "[]uint8",  # []byte, base64 in JSON
    "any": "interface {}",
}


class Type:
    """One schema type: a struct, a list (``[]``), a map (``{}``) or a scalar.

    ``shape`` is ``struct``, ``[]``, ``{}`` or one of :data:`SCALARS`; ``go`` is the Go type
    as ``reflect.Type.String()`` prints it (``v1.PodSpec``, ``[]v1.Container``,
    ``map[string]string``, ``v1.PullPolicy``); ``name`` is a struct's bare name
    (``PodSpec``), as decoding errors name the struct that holds a field.
    """

    __slots__ = ("definition", "fields", "go", "item", "name", "required", "shape")

    def __init__(self, shape: str, go: str, *, definition: str = "") -> None:
        self.shape = shape
        self.go = go
        self.definition = definition
        self.name = go.rsplit(".", 1)[-1]
        self.fields: dict[str, Type] = {}
        self.required: tuple[str, ...] = ()
        self.item: Type | None = None

    def __repr__(self) -> str:
        return f"Type({self.go})"


@cache
def _document() -> dict[str, Any]:
    document: dict[str, Any] = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    return document


@cache
def _structs() -> dict[str, Type]:
    """Every struct type, its fields resolved (types may refer to themselves)."""
    raw: dict[str, Any] = _document()["types"]
    structs = {
        name: Type("any" if spec.get("any") else "struct", spec["go"], definition=name)
        for name, spec in raw.items()
    }
    for name, spec in raw.items():
        struct = structs[name]
        struct.fields = {
            field: _type(value, structs) for field, value in spec.get("fields", {}).items()
        }
        struct.required = tuple(spec.get("required", ()))
    return structs


_SCALAR_TYPES: dict[str, Type] = {}


def _type(value: Any, structs: dict[str, Type]) -> Type:
    if isinstance(value, list):
        item = _type(value[1], structs)
        if value[0] == "[]":
            kind = Type("[]", f"[]{item.go}")
        else:
            kind = Type("{}", value[2] if len(value) > 2 else f"map[string]{item.go}")
        kind.item = item
        return kind
    if value.startswith("#"):
        return structs[value[1:]]
    shape, _, go = value.partition("=")
    key = value
    if key not in _SCALAR_TYPES:
        _SCALAR_TYPES[key] = Type(shape, go or SCALARS[shape])
    return _SCALAR_TYPES[key]


@cache
def kinds() -> dict[tuple[str, str], Type]:
    """``{(apiVersion, kind): Type}`` for every resource kind of the version."""
    structs = _structs()
    found: dict[tuple[str, str], Type] = {}
    for key, definition in _document()["kinds"].items():
        api_version, _, kind = key.rpartition("/")
        found[(api_version, kind)] = structs[definition]
    return found


def schema_for(api_version: str, kind: str) -> Type | None:
    """The schema of ``kind`` in ``api_version`` (``"apps/v1"``, ``"Deployment"``), if any."""
    return kinds().get((api_version, kind))


def struct(definition: str) -> Type:
    """A struct type by its OpenAPI name (``io.k8s.api.core.v1.PodTemplateSpec``)."""
    return _structs()[definition]


__all__ = ["KUBERNETES_VERSION", "Type", "kinds", "schema_for", "struct"]
