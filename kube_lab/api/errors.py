"""Errors shaped like the API server's ``metav1.Status``.

Every failure a learner can cause has a reason and an HTTP code, as on a real cluster:
``NotFound`` (404), ``AlreadyExists`` and ``Conflict`` (409), ``Invalid`` (422),
``BadRequest`` (400). ``kubectl`` prints them as ``Error from server (NotFound): ...``; the
API server issue serialises them as ``Status`` objects.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

#: ``FieldError.type`` of a field that strict decoding does not know (HTTP 400, no validation).
UNKNOWN_FIELD = "unknown field"
#: ``FieldError.type`` of a value the API server's JSON decoder cannot decode (HTTP 400).
UNDECODABLE = "cannot decode"
#: ``FieldError.type`` of an undecodable ``metadata`` that kubectl itself refuses to send.
CLIENT_UNDECODABLE = "unable to decode"
DECODING = (UNKNOWN_FIELD, UNDECODABLE, CLIENT_UNDECODABLE)


@dataclass(frozen=True)
class FieldError:
    """One invalid field, as ``field.Error`` in Kubernetes' validation package.

    Decoding problems (``type`` in :data:`DECODING`) print as the decoder words them:
    ``unknown field "spec.replica"``, or ``detail`` (``json: cannot unmarshal ...``).
    ``line`` is where the field is in the YAML it came from, when known.
    """

    path: str  # spec.template.spec.containers[0].image
    type: str  # "Required value", "Invalid value", "Unsupported value", "Duplicate value" ...
    detail: str = ""
    value: Any = None
    has_value: bool = False
    line: int | None = field(default=None, compare=False)

    def __str__(self) -> str:
        if self.type == UNKNOWN_FIELD:
            return f'unknown field "{self.path}"'
        if self.type in DECODING:
            return self.detail
        text = f"{self.path}: {self.type}"
        if self.has_value:
            text += f": {_render_value(self.value)}"
        if self.detail:
            text += f": {self.detail}"
        return text


def _render_value(value: Any) -> str:
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    return str(value)


def required(path: str, detail: str = "") -> FieldError:
    return FieldError(path, "Required value", detail)


def invalid(path: str, value: Any, detail: str) -> FieldError:
    return FieldError(path, "Invalid value", detail, value, has_value=True)


def unsupported(path: str, value: Any, supported: list[str]) -> FieldError:
    detail = "supported values: " + ", ".join(f'"{s}"' for s in supported)
    return FieldError(path, "Unsupported value", detail, value, has_value=True)


def duplicate(path: str, value: Any) -> FieldError:
    return FieldError(path, "Duplicate value", "", value, has_value=True)


def forbidden(path: str, detail: str) -> FieldError:
    return FieldError(path, "Forbidden", detail)


def unknown_field(path: str) -> FieldError:
    """A field strict decoding rejects; ``path`` as the decoder spells it."""
    return FieldError(path, UNKNOWN_FIELD)


def undecodable(path: str, message: str, *, client: bool = False) -> FieldError:
    """A value the decoder cannot decode at ``path``; ``message`` is the decoder's."""
    return FieldError(path, CLIENT_UNDECODABLE if client else UNDECODABLE, message)


def is_decoding(errors: list[FieldError]) -> bool:
    """Whether ``errors`` came from decoding (reported instead of validation errors)."""
    return bool(errors) and all(error.type in DECODING for error in errors)


class StatusError(Exception):
    """An error the API server would answer with a ``Status`` of this reason and code."""

    reason = "InternalError"
    code = 500

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def status(self) -> dict[str, Any]:
        """The ``metav1.Status`` object for this error."""
        return {
            "kind": "Status",
            "apiVersion": "v1",
            "metadata": {},
            "status": "Failure",
            "message": self.message,
            "reason": self.reason,
            "code": self.code,
        }


class NotFound(StatusError):
    reason, code = "NotFound", 404


class AlreadyExists(StatusError):
    reason, code = "AlreadyExists", 409


class Conflict(StatusError):
    reason, code = "Conflict", 409


class BadRequest(StatusError):
    reason, code = "BadRequest", 400


class Unauthorized(StatusError):
    reason, code = "Unauthorized", 401


class Forbidden(StatusError):
    reason, code = "Forbidden", 403


class MethodNotAllowed(StatusError):
    reason, code = "MethodNotAllowed", 405


class TooLarge(StatusError):
    reason, code = "RequestEntityTooLarge", 413


class UnsupportedMediaType(StatusError):
    reason, code = "UnsupportedMediaType", 415


class ManifestError(StatusError):
    """A manifest that was refused. Nothing of the batch it came in was applied.

    ``message`` reads like the API server's (``Deployment.apps "web" is invalid:
    spec.replicas: Invalid value: -1: must be greater than or equal to 0``), prefixed with
    the source and document number when the manifest came from a file or a YAML stream.
    ``errors`` holds the individual field errors for programs and self-checks.
    """

    reason, code = "Invalid", 422

    def __init__(self, message: str, errors: list[FieldError] | None = None) -> None:
        super().__init__(message)
        self.errors = list(errors or [])


def decoding_message(kind: str, api_version: str, errors: list[FieldError]) -> str:
    """The API server's 400 for a body it cannot decode into ``kind``::

        Deployment in version "v1" cannot be handled as a Deployment: strict decoding
        error: unknown field "spec.replica"

    One undecodable value is reported alone; otherwise every unknown field, in order.
    """
    version = api_version.rpartition("/")[2]
    undecodable_values = [e for e in errors if e.type != UNKNOWN_FIELD]
    if undecodable_values:
        body = str(undecodable_values[0])
    else:
        body = "strict decoding error: " + ", ".join(str(e) for e in errors)
    return f'{kind} in version "{version}" cannot be handled as a {kind}: {body}'


def invalid_message(qualified_kind: str, name: str, errors: list[FieldError]) -> str:
    """The API server's wording: one error plain, several as ``[a, b]``."""
    rendered = [str(e) for e in errors]
    body = rendered[0] if len(rendered) == 1 else "[" + ", ".join(rendered) + "]"
    return f'{qualified_kind} "{name}" is invalid: {body}'
