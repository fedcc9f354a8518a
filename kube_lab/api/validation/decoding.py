"""Strict decoding: what the API server's JSON decoder makes of a manifest, and refuses.

Before any rule of :mod:`kube_lab.api.validation` runs, a real API server decodes the request
body into Go structs, and that step alone refuses three kinds of mistakes, each with a 400:

* an unknown field (``replica:`` for ``replicas:``), refused because ``kubectl`` asks for
  strict field validation: ``strict decoding error: unknown field "spec.replica"``, every
  unknown field listed;
* a value of the wrong JSON type: ``json: cannot unmarshal string into Go struct field
  DeploymentSpec.spec.replicas of type int32`` (the first one only);
* a value a custom decoder rejects: a quantity that does not parse (``500mb``), bytes that
  are not base64 (``illegal base64 data at input byte 4``), an int-or-string that is
  neither.

:func:`decode` walks an object against its :mod:`kube_lab.api.schemas` type exactly as
``sigs.k8s.io/json`` walks the structs: keys in the order kubectl sends them (sorted, as
Go marshals a map), a type error remembered and decoding continued, a custom decoder's
error ending it, and unknown fields reported only when nothing else went wrong. Before
that, kubectl decodes ``metadata`` itself and refuses to send an object whose metadata
does not decode (``unable to decode "web.yaml": ...``). What decodes comes back as the Go
structs see it (``null`` fields gone, ``null`` items their zero value), for the semantic
rules to read.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from kube_lab.api.errors import FieldError, undecodable, unknown_field
from kube_lab.api.quantity import QUANTITY_ERROR, QuantityError, parse_quantity
from kube_lab.api.schemas import Type

_INT_RANGES = {"int32": 2**31, "int64": 2**63}
_BASE64 = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
_NEWLINES = (10, 13)
_PAD = 61  # "="


class _Abort(Exception):
    """A custom decoder failed: decoding stops and this is the one error reported."""

    def __init__(self, error: FieldError) -> None:
        super().__init__(error.detail)
        self.error = error


def decode(obj: Mapping[str, Any], schema: Type) -> tuple[list[FieldError], dict[str, Any]]:
    """``(errors, decoded)``: the decoding errors of ``obj`` as a ``schema`` (``[]`` if it
    decodes), and ``obj`` as the Go structs hold it (meaningful only without errors)."""
    metadata = schema.fields.get("metadata")
    if metadata is not None and obj.get("metadata") is not None:
        client = _Decoder(strict=False)
        try:
            client.value(obj["metadata"], metadata, "metadata", "metadataOnlyObject", "metadata")
        except _Abort as stop:
            return [_client(stop.error)], {}
        if client.saved is not None:
            return [_client(client.saved)], {}
    decoder = _Decoder(strict=True)
    try:
        decoded = decoder.value(dict(obj), schema, "", schema.name, "")
    except _Abort as stop:
        return [stop.error], {}
    if decoder.saved is not None:
        return [decoder.saved], {}
    if decoder.unknown:
        return decoder.unknown, {}
    return [], decoded if isinstance(decoded, dict) else {}


def _client(error: FieldError) -> FieldError:
    return undecodable(error.path, error.detail, client=True)


class _Decoder:
    """One pass over a document; ``saved`` is the first type error, ``unknown`` the fields
    strict decoding does not know."""

    def __init__(self, *, strict: bool) -> None:
        self.strict = strict
        self.saved: FieldError | None = None
        self.unknown: list[FieldError] = []

    def value(self, value: Any, kind: Type, path: str, struct: str, context: str) -> Any:
        """Decode ``value`` at ``path`` (``spec.containers[0]``); ``struct`` and ``context``
        are what Go's decoder reports a type error with (``Container``,
        ``spec.containers.image``)."""
        if value is None:
            return None
        shape = kind.shape
        if shape == "struct":
            if not isinstance(value, dict):
                return self._mismatch(value, kind, path, struct, context)
            found: dict[str, Any] = {}
            fields = kind.fields
            for key in sorted(value):
                member = fields.get(key)
                field_path = f"{path}.{key}" if path else key
                if member is None:
                    if self.strict:
                        self.unknown.append(unknown_field(field_path))
                    continue
                field_context = f"{context}.{key}" if context else key
                decoded = self.value(value[key], member, field_path, kind.name, field_context)
                if decoded is not None:
                    found[key] = decoded
            # visited in the order kubectl sends them, kept in the order they were written
            return {key: found[key] for key in value if key in found}
        if shape == "[]":
            if not isinstance(value, list):
                return self._mismatch(value, kind, path, struct, context)
            item = kind.item
            assert item is not None
            return [
                _zero(item)
                if element is None
                else self.value(element, item, f"{path}[{i}]", struct, context)
                for i, element in enumerate(value)
            ]
        if shape == "{}":
            if not isinstance(value, dict):
                return self._mismatch(value, kind, path, struct, context)
            item = kind.item
            assert item is not None
            return {
                key: _zero(item)
                if element is None
                else self.value(element, item, f"{path}.{key}", struct, context)
                for key, element in sorted(value.items())
            }
        return self._scalar(value, kind, path, struct, context)

    def _scalar(self, value: Any, kind: Type, path: str, struct: str, context: str) -> Any:
        shape = kind.shape
        if shape == "string":
            return (
                value
                if isinstance(value, str)
                else self._mismatch(value, kind, path, struct, context)
            )
        if shape == "bool":
            return (
                value
                if isinstance(value, bool)
                else self._mismatch(value, kind, path, struct, context)
            )
        if shape in _INT_RANGES:
            number = _integer(value, _INT_RANGES[shape])
            if number is None:
                return self._mismatch(value, kind, path, struct, context)
            return number
        if shape == "float64":
            if isinstance(value, int | float) and not isinstance(value, bool):
                return value
            return self._mismatch(value, kind, path, struct, context)
        if shape == "quantity":
            return _quantity(value, path)
        if shape == "intstr":
            if isinstance(value, str):
                return value
            number = _integer(value, _INT_RANGES["int32"])
            if number is None:
                raise _Abort(_type_error(value, kind, path, struct, context))
            return number
        if shape == "time":
            if isinstance(value, str):
                return value
            raise _Abort(_type_error(value, kind, path, struct, context))
        if shape == "bytes":
            return self._bytes(value, kind, path, struct, context)
        return value  # any

    def _bytes(self, value: Any, kind: Type, path: str, struct: str, context: str) -> Any:
        if isinstance(value, str):
            offset = base64_error(value)
            if offset is not None:
                self._save(undecodable(path, f"illegal base64 data at input byte {offset}"))
            return value
        return self._mismatch(value, kind, path, struct, context)

    def _mismatch(self, value: Any, kind: Type, path: str, struct: str, context: str) -> None:
        self._save(_type_error(value, kind, path, struct, context))
        return None

    def _save(self, error: FieldError) -> None:
        if self.saved is None:
            self.saved = error


def _type_error(value: Any, kind: Type, path: str, struct: str, context: str) -> FieldError:
    what = _json_kind(value)
    if what == "number" and kind.shape in ("int32", "int64", "intstr"):
        what = f"number {go_number(value)}"
    where = f"Go struct field {struct}.{context}" if context else "Go value"
    return undecodable(path, f"json: cannot unmarshal {what} into {where} of type {kind.go}")


def _json_kind(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, str):
        return "string"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, dict):
        return "object"
    if isinstance(value, list):
        return "array"
    return "value"


def _integer(value: Any, limit: int) -> int | None:
    """``value`` as a Go integer of that range; a whole float counts (kubectl's YAML-to-JSON
    conversion writes ``3.0`` as ``3``)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, float):
        if not value.is_integer():
            return None
        value = int(value)
    if isinstance(value, int) and -limit <= value < limit:
        return value
    return None


def go_number(value: int | float) -> str:
    """A number as Go's ``json.Marshal`` writes it (``8.5``, ``1e-7``, ``3``)."""
    if isinstance(value, int):
        return str(value)
    if value.is_integer() and abs(value) < 1e21:
        return str(int(value))
    if 1e-6 <= abs(value) < 1e21:
        return format(Decimal(repr(value)), "f")
    mantissa, _, exponent = repr(value).partition("e")
    sign, digits = (exponent[0], exponent[1:]) if exponent[0] in "+-" else ("+", exponent)
    return f"{mantissa}e{sign}{int(digits)}"


def _quantity(value: Any, path: str) -> Any:
    """``resource.Quantity.UnmarshalJSON``: a string or number that parses, else it fails."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise _Abort(undecodable(path, QUANTITY_ERROR))
    text = value.strip() if isinstance(value, str) else go_number(value)
    try:
        parse_quantity(text)
    except QuantityError as error:
        raise _Abort(undecodable(path, str(error))) from None
    return text if isinstance(value, str) else value


def base64_error(text: str) -> int | None:
    """Where Go's ``base64.StdEncoding`` finds ``text`` corrupt (its byte offset), or None."""
    src = text.encode()
    size = len(src)
    at = 0
    while at < size:
        j = 0
        while j < 4:
            if at == size:
                return None if j == 0 else at - j
            byte = src[at]
            at += 1
            if byte in _BASE64:
                j += 1
                continue
            if byte in _NEWLINES:
                continue
            if byte != _PAD or j < 2:
                return at - 1
            if j == 2:
                at = _skip_newlines(src, at)
                if at == size:
                    return size
                if src[at] != _PAD:
                    return at - 1
                at += 1
            at = _skip_newlines(src, at)
            return at if at < size else None
    return None


def _skip_newlines(src: bytes, at: int) -> int:
    while at < len(src) and src[at] in _NEWLINES:
        at += 1
    return at


def _zero(kind: Type) -> Any:
    """What Go decodes a ``null`` list item or map value into: its type's zero value."""
    shape = kind.shape
    if shape in ("struct", "{}"):
        return {}
    if shape == "[]":
        return []
    if shape in ("int32", "int64", "float64"):
        return 0
    if shape == "bool":
        return False
    if shape == "quantity":
        return "0"
    if shape == "any":
        return None
    return ""


__all__ = ["base64_error", "decode", "go_number"]
