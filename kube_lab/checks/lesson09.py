"""Self-checks for lesson 09, autoscaling: the HorizontalPodAutoscaler's arithmetic.

Each question is one step of the algorithm in :mod:`kube_lab.controllers.horizontal`:
utilization, the replica formula, the tolerance, the scale-up policy, the scale-down
stabilization window, and the capacity a load needs. The numbers are those of the lesson's
story; the checkers compute the right answer the controller's way rather than storing it,
and a wrong answer gets the idea it missed.
"""

from __future__ import annotations

import math
from typing import Any

from kube_lab.checks.core import Question, Wrong
from kube_lab.controllers.horizontal import TOLERANCE


def _number(answer: Any, what: str) -> float:
    """A number from ``75``, ``75.0`` or ``"75%"``; anything else is a hint."""
    if isinstance(answer, bool):
        raise Wrong(f"give {what} as a number")
    if isinstance(answer, str):
        text = answer.strip().rstrip("%").strip()
        try:
            return float(text)
        except ValueError:
            raise Wrong(f"give {what} as a number, like 42") from None
    if isinstance(answer, int | float):
        return float(answer)
    raise Wrong(f"give {what} as a number, like 42")


def _whole(answer: Any, what: str) -> int:
    value = _number(answer, what)
    if value != int(value):
        raise Wrong(f"{what} is a whole number of pods: which way does the HPA round?")
    return int(value)


# -- q1: utilization ----------------------------------------------------------------------

#: ``kubectl top pods`` in the exercise, and the pods' CPU request.
TOP = (150, 130, 170)
REQUEST = 200


def _check_utilization(answer: Any) -> str:
    value = _number(answer, "the utilization in percent")
    right = sum(TOP) * 100 / (len(TOP) * REQUEST)  # 75
    if math.isclose(value, right):
        return (
            f"{sum(TOP)}m used out of {len(TOP)} x {REQUEST}m = {len(TOP) * REQUEST}m requested: "
            f"{right:g} %. The HPA compares this average with its target."
        )
    if math.isclose(value, right / 100):
        raise Wrong("that is the fraction; the HPA speaks in percent of the request")
    if math.isclose(value, sum(TOP) / len(TOP)):
        raise Wrong(
            "that is the average usage in millicores; utilization divides usage by the CPU request"
        )
    if math.isclose(value, sum(TOP) * 100 / REQUEST):
        raise Wrong(
            "you divided the total usage by one pod's request; divide by the requests of "
            "all the pods"
        )
    raise Wrong("utilization = total CPU used / total CPU requested by the pods, in percent")


q1 = Question(
    name="q1",
    checker=_check_utilization,
    hint=(
        "Add up the CPU column of kubectl top (millicores), add up what the pods request "
        "(each asks for 200m), divide, and multiply by 100."
    ),
    solution="(150 + 130 + 170) / (3 x 200) = 450 / 600 = 75 %, so answer = 75",
)


# -- q2: the formula ----------------------------------------------------------------------

FORMULA = {"current": 4, "utilization": 90, "target": 50}


def _check_desired(answer: Any) -> str:
    current, used, target = FORMULA["current"], FORMULA["utilization"], FORMULA["target"]
    exact = current * used / target  # 7.2
    value = _number(answer, "the number of replicas")
    if value == math.ceil(exact):
        return (
            f"{current} x {used} / {target} = {exact:g}, rounded up: {math.ceil(exact)}. "
            "Rounding up means the HPA never leaves the pods above their target for want "
            "of a fraction of a pod."
        )
    if math.isclose(value, exact):
        raise Wrong("pods come in whole numbers: which way does the HPA round?")
    if value == math.floor(exact):
        raise Wrong(f"{math.floor(exact)} pods would still run above the target; the HPA rounds up")
    if math.isclose(value, current * target / used) or value == math.ceil(current * target / used):
        raise Wrong(
            "the ratio is upside down: busier pods should give more replicas, so the "
            "current utilization goes on top"
        )
    _whole(answer, "the number of replicas")
    raise Wrong("desired = ceil(current replicas x current utilization / target)")


q2 = Question(
    name="q2",
    checker=_check_desired,
    hint="desired = ceil(current replicas x current utilization / target utilization)",
    solution="ceil(4 x 90 / 50) = ceil(7.2) = 8, so answer = 8",
)


# -- q3: the tolerance ----------------------------------------------------------------------

CALM = {"current": 4, "utilization": 54, "target": 50}


def _check_tolerance(answer: Any) -> str:
    current, used, target = CALM["current"], CALM["utilization"], CALM["target"]
    ratio = used / target  # 1.08
    right = current if abs(ratio - 1) <= TOLERANCE else math.ceil(current * ratio)
    value = _whole(answer, "the number of replicas")
    if value == right:
        return (
            f"{used} / {target} = {ratio:g}, within 10 % of 1, so the HPA leaves "
            f"{current} replicas alone. Without the tolerance, every wobble of the load "
            "would add or remove a pod."
        )
    if value == math.ceil(current * ratio):
        raise Wrong(
            f"the formula says {value}, but the ratio {ratio:g} is close to 1: is it "
            "outside the HPA's tolerance?"
        )
    raise Wrong("first compare current / target with 1: how far off is it?")


q3 = Question(
    name="q3",
    checker=_check_tolerance,
    hint=(
        "Before using the formula, the HPA checks the ratio current / target: when it is "
        "within 0.1 of 1.0 (the 10 % tolerance), nothing changes."
    ),
    solution="54 / 50 = 1.08, within the 10 % tolerance: the HPA keeps 4, so answer = 4",
)


# -- q4: the scale-up policy -----------------------------------------------------------------

RUSH = {"current": 3, "formula": 12, "max": 10}


def _check_scale_up(answer: Any) -> str:
    current, formula, high = RUSH["current"], RUSH["formula"], RUSH["max"]
    by_pods, by_percent = current + 4, current * 2
    right = min(formula, max(by_pods, by_percent), high)  # 7
    value = _whole(answer, "the number of replicas")
    if value == right:
        return (
            f"+4 pods gives {by_pods}, +100 % gives {by_percent}; the HPA takes the larger, "
            f"{right}, for this 15 s period. It gets to {high} on the next sync."
        )
    if value == formula:
        raise Wrong(
            "that is what the formula asks for; the scale-up policy limits how fast the "
            "HPA may grow in one period"
        )
    if value == high:
        raise Wrong(
            "maxReplicas caps the end result, but a scale-up policy limits each 15 s step first"
        )
    if value == by_percent:
        raise Wrong("there are two scale-up policies: +100 % and +4 pods. Which one wins?")
    raise Wrong("the default scale-up policy: at most +4 pods or +100 %, whichever is more")


q4 = Question(
    name="q4",
    checker=_check_scale_up,
    hint=(
        "Per 15 s period the default policy lets the HPA add 4 pods or double the count, "
        "whichever gives more pods; maxReplicas then caps the result."
    ),
    solution="max(3 + 4, 3 x 2) = 7 (below the formula's 12 and maxReplicas 10): answer = 7",
)


# -- q5: the stabilization window ---------------------------------------------------------

WINDOW = 300
SYNC = 15


def _check_window(answer: Any) -> str:
    value = _number(answer, "a number of seconds")
    if WINDOW <= value <= WINDOW + 2 * SYNC:
        return (
            "about five minutes: scaling down takes the highest recommendation of the last "
            f"{WINDOW} s, so the first sync after the last high recommendation has aged out "
            f"of the window ({WINDOW + SYNC} s here) shrinks the Deployment."
        )
    if value < WINDOW:
        raise Wrong(
            "the HPA saw the lower load on its next sync, but it does not scale down at "
            "once: look for the scale-down stabilization window"
        )
    raise Wrong(
        "later than the HPA really waits: the default scale-down window is a few minutes, "
        "and the HPA checks every 15 s"
    )


q5 = Question(
    name="q5",
    checker=_check_window,
    hint=(
        "Scaling down uses the highest recommendation of the last 300 s "
        "(behavior.scaleDown.stabilizationWindowSeconds); the HPA syncs every 15 s."
    ),
    solution=(
        "The last high recommendation was made at the sync when the load dropped; it stays in "
        "the 300 s window until the sync 315 s later, which scales down: answer = 315 "
        "(anything from 300 to 330 is accepted)"
    ),
)


# -- q6: capacity for a load ------------------------------------------------------------------

LOAD = {"rps": 120, "cpu_per_request": 10, "request": 200, "target": 50}


def _check_capacity(answer: Any) -> str:
    work = LOAD["rps"] * LOAD["cpu_per_request"]  # 1200m
    per_pod = LOAD["request"] * LOAD["target"] / 100  # 100m at the target
    least = math.ceil(work / per_pod)  # 12
    value = _whole(answer, "maxReplicas")
    if value == least:
        return (
            f"{work}m of work at {per_pod:g}m per pod (half of a 200m request) needs {least} "
            "pods. Try it in the next cell."
        )
    if value > least:
        return (
            f"that works: any maxReplicas from {least} up lets the HPA reach its target "
            f"({least} pods do it); a higher cap only matters if the load grows."
        )
    if value == math.ceil(work / LOAD["request"]):
        raise Wrong("that many pods would run at 100 % of their request; the target is 50 %")
    raise Wrong(
        "work the load out in millicores (requests per second x CPU per request), then "
        "how much one pod may do at the target"
    )


q6 = Question(
    name="q6",
    checker=_check_capacity,
    hint=(
        "120 requests per second x 10m each = 1200m of CPU. At the 50 % target a pod that "
        "requests 200m may use 100m. How many pods is that?"
    ),
    solution="1200m / (50 % of 200m) = 1200 / 100 = 12 pods: answer = 12",
)

__all__ = ["q1", "q2", "q3", "q4", "q5", "q6"]
