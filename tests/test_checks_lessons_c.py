"""Every exercise of lessons 01-05 confirms a right answer, hints at a wrong one and tells a
blank one apart."""

from __future__ import annotations

import pytest

import kube_lab as kl
from kube_lab.checks import lesson01, lesson02, lesson03, lesson04, lesson05

#: question, right answers, wrong answers (each with a word its hint must contain)
CASES = [
    (
        lesson01.q1,
        [11, 11.0],
        [(5, "fewer"), (16, "subtract"), (-11, "positive"), ("11", "number")],
    ),
    (
        lesson01.q2,
        [{"java", "openssl"}, "openssl, java", ["Java", "OpenSSL"]],
        [
            ({"java"}, "1 of the 2"),
            ({"java", "openssl", "python"}, "neither app"),
            ({"java", "glibc"}, "neither"),
            (42, "library names"),
        ],
    ),
    (
        lesson01.q3,
        [17, 17.0],
        [(13, "interference"), (20, "smallest"), (8, "at least 12"), (16.5, "whole")],
    ),
    (
        lesson02.q1,
        [92],
        [(76, "overhead"), (78.28, "round each vm up"), (79, "not the total"), (50, "then add")],
    ),
    (
        lesson02.q3,
        [(5, 73), [5, 73], {"servers": 5, "interference": 73}],
        [
            ((7, 0), "without overcommit"),
            ((6, 73), "servers is off"),
            ((5, 7), "interference column"),
            (5, "two numbers"),
            ({"servers": 5}, "keys"),
        ],
    ),
    (
        lesson02.q2,
        [151.9, 152, 151.5],
        [(96.9, "noticed"), (101.9, "deploy_s"), (99.2, "default boot"), (10, "vm_boot_s")],
    ),
    (
        lesson03.q1,
        [{"kernel"}, "kernel", ["Kernel"]],
        [
            ({"kernel", "hostname"}, "uts namespace"),
            ({"processes"}, "pid namespace"),
            (set(), "one thing is shared"),
            ({"cpu"}, "choose from"),
            (1, "set of names"),
        ],
    ),
    (
        lesson03.q2,
        [64, "64Mi", "64 MiB", 64 * 2**20, "64"],
        [("no limit", "host"), ("64M", "power of two"), (128, "memory limit"), ("lots", "number")],
    ),
    (
        lesson03.q3,
        [105.57, 105.6, 106],
        [(375.57, "default wait"), (30, "one part"), (80, "pulled"), (1, "recover_s")],
    ),
    (
        lesson03.q4,
        ["ace", {"a", "c", "e"}, "e, c, a", ["A", "C", "E"]],
        [
            ("ac", "1 more"),
            ("abce", "image is yours"),
            ("acef", "kernel"),
            ("acdz", "no z"),
            (3, "set of names"),
        ],
    ),
    (
        lesson04.q1,
        [
            {
                ("production", "batch"): True,
                ("monitoring", "production"): False,
                ("batch", "best-effort"): True,
                ("batch", "production"): False,
            }
        ],
        [
            (
                {
                    ("production", "batch"): True,
                    ("monitoring", "production"): True,
                    ("batch", "best-effort"): True,
                    ("batch", "production"): False,
                },
                "cascade",
            ),
            (
                {
                    ("production", "batch"): False,
                    ("monitoring", "production"): False,
                    ("batch", "best-effort"): True,
                    ("batch", "production"): False,
                },
                "lower bands",
            ),
            (
                {
                    ("production", "batch"): True,
                    ("monitoring", "production"): False,
                    ("batch", "best-effort"): True,
                    ("batch", "production"): True,
                },
                "goes down",
            ),
            (
                {
                    ("production", "batch"): True,
                    ("monitoring", "production"): ...,
                    ("batch", "best-effort"): True,
                    ("batch", "production"): False,
                },
                "replace the ...",
            ),
            ({("production", "batch"): True}, "missing"),
            (
                {("production", "batch"): "yes", **dict.fromkeys(lesson04.PAIRS[1:], False)},
                "true or false",
            ),
            ([True, False], "dict"),
        ],
    ),
    (lesson04.q2, [4, 4.0], [(5, "memory quota"), (3, "divide"), (4.5, "whole")]),
    (
        lesson04.q3,
        ["hybrid", "Hybrid"],
        [
            ("worst-fit", "spreads"),
            ("E-PVM", "spreads"),
            ("best_fit", "hybrid adds"),
            ("random", "policies are"),
            (1, "policy name"),
        ],
    ),
    (
        lesson04.q4,
        ["relaxed randomization", "relaxed_randomization", "Relaxed randomisation"],
        [
            ("score caching", "reuses"),
            ("equivalence classes", "identical requirements"),
            ("sharding", "three techniques"),
            (None, "not attempted"),
        ],
    ),
    (
        lesson05.q2,
        [0.2, 0.2000000001],
        [(0.1, "t_job alone"), (0.105, "per task"), (100.1, "units"), ("fast", "number")],
    ),
    (
        lesson05.q3,
        ["shared-state", "Omega", "shared state"],
        [
            ("monolithic-single", "saturated"),
            ("multi-path", "head-of-line"),
            ("Mesos", "offer"),
            ("kubernetes", "architectures are"),
            (3, "architecture"),
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
        if answer is None:
            assert result.status == "not attempted"
            continue
        assert result.status == "incorrect", (answer, str(result))
        assert word.lower() in str(result).lower(), (answer, str(result))
        assert f"{question.name}.hint()" in str(result)


ALL = [q for q, _, _ in CASES] + [lesson05.q1, lesson05.q4]


@pytest.mark.parametrize(
    "question", ALL, ids=[f"{q._checker.__module__[-8:]}.{q.name}" for q in ALL]
)
def test_blank_answers_are_not_attempted(question):
    assert question.check(...).status == "not attempted"
    assert question.check().status == "not attempted"


@pytest.mark.parametrize(
    "question", ALL, ids=[f"{q._checker.__module__[-8:]}.{q.name}" for q in ALL]
)
def test_hint_and_solution_are_there_on_request(question):
    assert question.hint().status == "hint" and question.hint().message
    assert question.solution().status == "solution" and question.solution().message


# -- lesson 05, q1: a retry after a Conflict, checked on a cluster ----------------------------


def _two_writers() -> kl.Cluster:
    """The lesson's cell: batch writes owner=batch, service's stale write is refused."""
    c = kl.Cluster(nodes=1, seed=0)
    batch = c.store.get("Node", "node-1")
    service = c.store.get("Node", "node-1")
    batch["metadata"]["labels"]["owner"] = "batch"
    c.store.update(batch)
    service["metadata"]["labels"]["owner"] = "service"
    with pytest.raises(kl.Conflict):
        c.store.update(service)
    return c


def test_a_retry_with_a_fresh_read_is_confirmed():
    c = _two_writers()
    node = c.store.get("Node", "node-1")
    node["metadata"]["labels"]["owner"] = "service"
    c.store.update(node)
    assert lesson05.q1.check(c).correct


def test_no_retry_gets_a_hint_to_read_again():
    result = lesson05.q1.check(_two_writers())
    assert result.status == "incorrect"
    assert "read the node again" in str(result).lower()


def test_a_cluster_before_the_two_writers_is_told_to_run_them():
    result = lesson05.q1.check(kl.Cluster(nodes=1, seed=0))
    assert result.status == "incorrect" and "two-writer cell" in str(result)


def test_something_else_than_a_cluster_is_told_to_pass_the_cluster():
    result = lesson05.q1.check("c")
    assert result.status == "incorrect" and "q1.check(c)" in str(result)


def test_the_wrong_owner_is_named():
    c = _two_writers()
    node = c.store.get("Node", "node-1")
    node["metadata"]["labels"]["owner"] = "mapreduce"
    c.store.update(node)
    result = lesson05.q1.check(c)
    assert result.status == "incorrect" and "owner=mapreduce" in str(result)


# -- lesson 05, q4: the coarse conflict fraction, computed by the model -----------------------


def test_the_coarse_conflict_fraction_is_confirmed_and_the_fine_one_is_not():
    from kube_lab import omega

    def fraction(mode: str) -> float:
        t = omega.simulate(
            "shared-state",
            t_job_service=lesson05.SLOW_T_JOB,
            conflicts=mode,
            hours=lesson05.HOURS,
            seed=lesson05.SEED,
        )
        return float(t.where(workload="service")["conflict_fraction"][0])

    coarse, fine = fraction("coarse"), fraction("fine")
    assert coarse > fine
    assert lesson05.q4.check(coarse).correct
    assert lesson05.q4.check(round(coarse, 2)).correct
    wrong = lesson05.q4.check(fine)
    assert wrong.status == "incorrect" and "conflicts=" in str(wrong)
    assert "percentage" in str(lesson05.q4.check(100 * coarse))
    assert "omega.simulate" in str(lesson05.q4.check(0.9))
    assert "number" in str(lesson05.q4.check("high"))
