"""Self-checks for lesson exercises: ``q1.check(answer)``, ``q1.hint()``, ``q1.solution()``.

In the style of Kaggle's learntools: every exercise is a :class:`Question`. ``check`` tells
a right answer from a wrong one *and* from one not attempted yet; a wrong answer gets a hint
that points at the idea, never just "wrong". ``solution`` shows a worked answer, on
purpose only (a learner has to ask for it). Results print as plain text, so notebook
outputs stay deterministic for nbval, and as a coloured box in JupyterLab.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass
from numbers import Real
from typing import Any

#: What an exercise cell holds before the learner fills it in.
BLANK: Any = ...


class Wrong(Exception):
    """Raised by a checker: the answer is wrong, and the message says which idea to revisit."""


_COLOURS = {
    "correct": "#1b7f3b",
    "incorrect": "#b3261e",
    "not attempted": "#5f6368",
    "hint": "#1a5fb4",
    "solution": "#7d4e00",
}
_TITLES = {
    "correct": "Correct",
    "incorrect": "Not yet",
    "not attempted": "Not attempted",
    "hint": "Hint",
    "solution": "Solution",
}


@dataclass(frozen=True)
class Result:
    """The outcome of a check, shown as text (and as a coloured box in JupyterLab)."""

    status: str  # "correct", "incorrect", "not attempted", "hint", "solution"
    message: str

    @property
    def correct(self) -> bool:
        return self.status == "correct"

    def __str__(self) -> str:
        return f"{_TITLES[self.status]}: {self.message}"

    def __repr__(self) -> str:
        return str(self)

    def _repr_html_(self) -> str:
        colour = _COLOURS[self.status]
        body = html.escape(self.message).replace("\n", "<br>")
        return (
            f'<div style="border-left: 4px solid {colour}; padding: 0.3em 0.8em;">'
            f'<b style="color: {colour}">{_TITLES[self.status]}</b>: {body}</div>'
        )


class Question:
    """One exercise: a checker, a hint and a solution."""

    def __init__(
        self,
        *,
        name: str,
        checker: Callable[[Any], str | None],
        hint: str,
        solution: str,
    ) -> None:
        self.name = name
        self._checker = checker
        self._hint = hint
        self._solution = solution

    def check(self, answer: Any = BLANK) -> Result:
        """Right, wrong (with a hint at the idea) or not attempted yet."""
        if answer is BLANK or answer is None:
            return Result(
                "not attempted",
                f"replace the ... in the cell with your answer, then run {self.name}.check(...) "
                "again.",
            )
        try:
            praise = self._checker(answer)
        except Wrong as wrong:
            return Result("incorrect", f"{wrong} (Need a nudge? Run {self.name}.hint().)")
        return Result("correct", praise or "well done.")

    def hint(self) -> Result:
        return Result("hint", self._hint)

    def solution(self) -> Result:
        return Result("solution", self._solution)

    def __repr__(self) -> str:
        return f"<Question {self.name}: .check(answer), .hint(), .solution()>"


def number(answer: Any, what: str) -> float:
    """The answer as a number, or :class:`Wrong` saying a number (``what``) was expected."""
    if isinstance(answer, bool) or not isinstance(answer, Real):
        raise Wrong(f"answer with a number ({what}), not {type(answer).__name__} {answer!r}")
    return float(answer)


def normalise(text: str) -> str:
    """``"Best_Fit"``, ``"best fit"`` and ``"best-fit"`` all become ``"best-fit"``."""
    return "-".join(text.strip().lower().replace("_", " ").replace("-", " ").split())
