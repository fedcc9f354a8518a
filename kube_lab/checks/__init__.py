"""Self-checks for the lessons' exercises (one module per lesson, built on :mod:`.core`)."""

from kube_lab.checks.core import BLANK, Question, Result, Wrong

__all__ = ["BLANK", "Question", "Result", "Wrong"]
