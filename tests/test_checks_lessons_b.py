"""Every exercise of lessons 09-11 confirms a right answer, hints at a wrong one and tells a
blank one apart."""

from __future__ import annotations

import pytest

from kube_lab.checks import lesson09, lesson10, lesson11

FIXED = lesson11.BROKEN.replace("app: shop", "app: web")

#: question, right answers, wrong answers (each with a word its hint must contain)
CASES = [
    (lesson09.q1, [75, "75%", 75.0], [(0.75, "percent"), (150, "millicores"), (50, "request")]),
    (lesson09.q2, [8], [(7, "rounds up"), (7.2, "round"), (3, "upside down"), (9, "ceil")]),
    (lesson09.q3, [4], [(5, "tolerance"), (3, "compare")]),
    (lesson09.q4, [7], [(12, "policy"), (10, "maxReplicas"), (6, "two"), (5, "+4")]),
    (lesson09.q5, [315, 300, 330], [(15, "stabilization"), (60, "window"), (900, "later")]),
    (lesson09.q6, [12, 20], [(6, "50 %"), (10, "millicores"), ("many", "number")]),
    (
        lesson10.q1,
        [{"maxSurge": 1, "maxUnavailable": 0}, {"maxSurge": "25%", "maxUnavailable": "10%"}],
        [
            ({"maxSurge": 1}, "defaults to 25 %"),
            ({"maxSurge": 2, "maxUnavailable": 1}, "5 of 6"),
            ({"maxSurge": 0, "maxUnavailable": 0}, "may not be 0"),
            ({"maxSurge": "0%", "maxUnavailable": "10%"}, "treats maxUnavailable as 1"),
            ({"surge": 1}, "only maxSurge and maxUnavailable"),
            ((1, 0), "dict"),
        ],
    ),
    (
        lesson10.q2,
        ["rollout undo deployment/shop", "kubectl rollout undo deploy shop --to-revision=2"],
        [
            ("set image deployment/shop shop=nginx:1.28", "command"),
            ("rollout undo deployment/shop --to-revision=1", "older release"),
            ("rollout pause deployment/shop", "pausing"),
            ("rollout undo deployment/web", "refused"),
            ("get pods", "previous revision"),
            ("", "string"),
        ],
    ),
    (
        lesson10.q4,
        [(18, 2), [18, 2], {"stable": 18, "canary": 2}],
        [
            ((9, 1), "20 pods in total"),
            ((20, 2), "22 pods"),
            ((17, 3), "ratio"),
            ((20, 0), "no canary"),
            ((18.5, 1.5), "whole"),
            (18, "two numbers"),
        ],
    ),
    (lesson10.q3, [12], [(6, "full size"), (7, "surge"), (18, "count"), ("12", "number")]),
    (
        lesson11.q1,
        [FIXED, lesson11.BROKEN.replace("app: web", "app: shop")],
        [
            (lesson11.BROKEN, "does not match"),
            (FIXED.replace("replicas: 3", "replicas: 0"), "replicas: 0"),
            (FIXED.replace("name: web\nspec", "name: api\nspec", 1), "named web"),
            ("spec: [", "refuses"),
            (42, "YAML"),
        ],
    ),
    (
        lesson11.q2,
        ["bcf", {"b", "c", "f"}, ["F", "c", "b"]],
        [
            ("bc", "1 more"),
            ({"a", "b", "c", "f"}, "a happens"),
            ("bdz", "no statement z"),
            (3, "letters"),
        ],
    ),
    (
        lesson11.q3,
        ["kubectl get events", "get ev -A", "kubectl events --all-namespaces"],
        [
            ("kubectl describe pod web", "describe"),
            ("kubectl logs web", "container printed"),
            ("kubectl get pods", "get what"),
            ("kubectl top pods", "which verb"),
            ("'", "split"),
        ],
    ),
]


IDS = [f"{q._checker.__module__.rsplit('.', 1)[-1]}.{q.name}" for q, _, _ in CASES]


@pytest.mark.parametrize(("question", "rights", "wrongs"), CASES, ids=IDS)
def test_right_answers_are_confirmed(question, rights, wrongs):
    for answer in rights:
        result = question.check(answer)
        assert result.correct, (answer, str(result))


@pytest.mark.parametrize(("question", "rights", "wrongs"), CASES, ids=IDS)
def test_wrong_answers_get_a_hint_at_the_idea(question, rights, wrongs):
    for answer, word in wrongs:
        result = question.check(answer)
        assert result.status == "incorrect", (answer, str(result))
        assert word.lower() in str(result).lower(), (answer, str(result))
        assert f"{question.name}.hint()" in str(result)


@pytest.mark.parametrize(("question", "rights", "wrongs"), CASES, ids=IDS)
def test_blank_answers_are_not_attempted(question, rights, wrongs):
    assert question.check(...).status == "not attempted"
    assert question.check().status == "not attempted"


@pytest.mark.parametrize(("question", "rights", "wrongs"), CASES, ids=IDS)
def test_hint_and_solution_are_there_on_request(question, rights, wrongs):
    assert question.hint().status == "hint" and question.hint().message
    assert question.solution().status == "solution" and question.solution().message


def test_the_solutions_themselves_pass_their_checks():
    """What solution() tells a learner is an answer its check accepts."""
    assert lesson09.q5.check(315).correct
    assert lesson10.q2.check("rollout undo deployment/shop --to-revision=2").correct


def test_broken_release_is_stuck_with_old_pods_serving():
    cluster = lesson10.broken_release()
    status = cluster.get("deployment", "shop")["status"]
    assert status["availableReplicas"] >= lesson10.REPLICAS - 1
    assert status["updatedReplicas"] < lesson10.REPLICAS
    history = str(cluster.kubectl("rollout history deployment/shop"))
    assert "3" in history.split()


def test_statements_mirror_what_the_simulation_page_says():
    differs = {k for k, (_, d, _) in lesson11.STATEMENTS.items() if d}
    assert differs == {"b", "c", "f"}
