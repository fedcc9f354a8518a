"""What a kubectl run hands back: its text, which lines were stderr, and its exit code.

A learner reads kubectl's stdout and stderr interleaved in a terminal, so the text keeps
them in the order they were written. :class:`KubectlOutput` *is* that text (a ``str``);
``exit_code`` (0 or 1, as kubectl exits), ``stdout`` and ``stderr`` tell a program what
happened. Errors are worded as kubectl's ``CheckErr`` words them: ``Error from server
(NotFound): ...`` for API errors, ``error: ...`` for client-side ones.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from kube_lab.api.errors import ManifestError, StatusError


class KubectlOutput(str):
    """kubectl's output; ``exit_code`` is 0 on success, 1 when kubectl would fail."""

    exit_code: int
    stdout: str
    stderr: str

    def __new__(cls, chunks: list[tuple[str, str]], exit_code: int) -> KubectlOutput:
        self = super().__new__(cls, "".join(text for _, text in chunks))
        self.exit_code = exit_code
        self.stdout = "".join(text for stream, text in chunks if stream == "out")
        self.stderr = "".join(text for stream, text in chunks if stream == "err")
        return self

    def __repr__(self) -> str:
        return str(self)

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(str(self))


class KubectlError(Exception):
    """A client-side failure; ``str()`` is the Go error's text (``error: `` is added on print)."""


class Aggregate(Exception):
    """Errors met along the way and reported together (Go's ``utilerrors.NewAggregate``):
    one error reads as itself, several as ``[a, b]``."""

    def __init__(self, errors: Sequence[Exception]) -> None:
        text = str(errors[0]) if len(errors) == 1 else f"[{', '.join(map(str, errors))}]"
        super().__init__(text)
        self.errors = list(errors)


def flag_error(message: str, *, command: str) -> KubectlError:
    """A flag pflag refuses, with cobra's hint: ``See 'kubectl get --help' for usage.``"""
    return KubectlError(f"{message}\nSee 'kubectl {command} --help' for usage.")


def usage_error(message: str, *, command: str) -> KubectlError:
    """``cmdutil.UsageErrorf``: the message and ``See 'kubectl get -h' for help and examples``."""
    return KubectlError(f"{message}\nSee 'kubectl {command} -h' for help and examples")


def error_message(error: Exception) -> str:
    """An error as ``cmdutil.CheckErr`` prints it (without the trailing newline).

    An aggregate of one is that one error; a larger aggregate prints one line per error,
    API errors worded, others bare (``MultipleErrors``).
    """
    if isinstance(error, Aggregate) and len(error.errors) == 1:
        error = error.errors[0]
    if isinstance(error, Aggregate):
        return "\n".join(_status_message(e) or str(e) for e in error.errors)
    status = _status_message(error)
    if status:
        return status
    text = str(error)
    return text if text.startswith("error: ") else f"error: {text}"


def _status_message(error: Exception) -> str:
    """``StandardErrorMessage`` for API errors; empty for anything else."""
    if isinstance(error, ManifestError):
        return _manifest_error(error)
    if isinstance(error, StatusError):
        return f"Error from server ({error.reason}): {error.message}"
    return ""


_INVALID = re.compile(r'(?:.*?)(?P<kind>[A-Z]\w*)(?:\.[\w.]+)? "(?P<name>[^"]*)" is invalid: ')


def _manifest_error(error: ManifestError) -> str:
    """kubectl words an ``Invalid`` status from its details: ``The Deployment "web" is
    invalid: <cause>``, or one ``* <cause>`` line per cause when there are several."""
    lines = []
    for line in error.message.splitlines():
        match = _INVALID.match(line)
        if not match:
            lines.append(line if line.startswith("error: ") else f"error: {line}")
            continue
        prefix = f'The {match["kind"]} "{match["name"]}" is invalid: '
        causes = [str(e) for e in error.errors if line.find(str(e)) >= 0]
        if len(causes) > 1:
            lines.append(prefix + "\n" + "\n".join(f"* {c}" for c in causes))
        else:
            lines.append(prefix + line[match.end() :])
    return "\n".join(lines)
