"""Borg: priority and preemption, quota, feasibility and scoring (Verma et al. 2015)."""

from __future__ import annotations

import numpy as np
import pytest

from kube_lab import borg
from kube_lab.borg.priority import rank


def busy_cell(policy: str = "hybrid", **options: object) -> borg.Cell:
    """A small example cell with its workload, then prod work arriving online."""
    cell = borg.Cell.example(40, seed=1, policy=policy, **options)
    cell.submit(borg.example_workload(machines=40, fill=0.8, seed=1))
    cell.schedule()
    cell.submit(
        [
            borg.Job("late-web", 150, 2, 8, "production", user="ads"),
            borg.Job("late-mon", 40, 1, 2, "monitoring", user="sre"),
            borg.Job("late-batch", 40, 1, 4, "batch", user="etl"),
        ]
    )
    cell.schedule()
    return cell


def test_preemption_only_ever_evicts_lower_priority_tasks() -> None:
    cell = busy_cell()
    evictions = cell.evictions()
    assert len(evictions) > 0
    for row in evictions:
        assert rank(row["victim_priority"]) < rank(row["preemptor_priority"])
        assert borg.may_preempt(row["preemptor_priority"], row["victim_priority"])


def test_prod_tasks_do_not_preempt_each_other() -> None:
    cell = borg.Cell(2, cpu=4, memory=16)
    cell.submit(borg.Job("web", 8, 1, 2, "production"))
    cell.schedule()
    cell.submit(borg.Job("monitor", 1, 1, 2, "monitoring"))
    cell.schedule()
    assert len(cell.evictions()) == 0
    [row] = cell.pending().rows()
    assert row["reason"] == "priority" and "prod may not preempt prod" in row["message"]


def test_evicted_tasks_are_rescheduled_when_room_remains() -> None:
    cell = borg.Cell(4, cpu=8, memory=32, policy="best-fit")
    cell.submit(borg.Job("batch", 8, 2, 4, "batch"))
    cell.schedule()
    cell.submit(borg.Job("web", 4, 2, 4, "production"))
    result = cell.schedule()
    assert result.evicted == 0 or result.pending == 0
    assert cell.pending_tasks == 0


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_best_fit_packs_into_fewer_machines_than_worst_fit(seed: int) -> None:
    table = borg.compaction(machines=60, trials=3, policies=("best-fit", "worst-fit"), seed=seed)
    best, worst = table["machines"].tolist()
    assert best < worst


@pytest.mark.parametrize("policy", borg.POLICIES)
def test_caching_and_equivalence_classes_place_every_task_where_plain_does(policy: str) -> None:
    plain = busy_cell(policy, score_caching=False, equivalence_classes=False)
    for caching, classes in [(True, False), (False, True), (True, True)]:
        fast = busy_cell(policy, score_caching=caching, equivalence_classes=classes)
        np.testing.assert_array_equal(fast.assignments(), plain.assignments())
        assert fast.evictions() == plain.evictions()
        assert fast.evaluations <= plain.evaluations
    assert busy_cell(policy).evaluations < plain.evaluations / 10


def test_scalability_table_compares_each_technique_with_plain() -> None:
    table = borg.scalability(machines=50, fill=0.5, seed=0)
    assert len(table) == 8
    exact = table.where(relaxed_randomization=False)
    assert all(exact["same_as_plain"])
    plain, everything = table.where(techniques="none")[0], table[-1]
    assert everything["evaluations"] < plain["evaluations"] / 10
    assert not any(table["extrapolated"])


def test_scalability_extrapolates_a_configuration_over_budget() -> None:
    table = borg.scalability(
        machines=50, techniques=[(False, False, False)], budget_s=0, sample_tasks=20, seed=0
    )
    [row] = table.rows()
    assert row["extrapolated"] and row["placed"] is None


def test_experiments_replay_with_the_same_seed() -> None:
    assert borg.compaction(machines=40, trials=2, seed=5) == borg.compaction(
        machines=40, trials=2, seed=5
    )


def test_quota_is_checked_at_admission_and_reported() -> None:
    cell = borg.Cell(10, cpu=8, memory=32)
    cell.set_quota("ads", "production", cpu=10, memory=40)
    assert cell.submit(borg.Job("web", 4, 2, 4, "production", user="ads")) == []
    assert cell.submit(borg.Job("web-2", 4, 2, 4, "production", user="ads")) == ["web-2"]
    assert cell.submit(borg.Job("etl", 1, 1, 1, "batch", user="ads")) == ["etl"]
    assert cell.submit(borg.Job("test", 100, 0.1, 0.1, "best-effort", user="ads")) == []
    reasons = {row["job"]: row for row in cell.pending()}
    assert reasons["web-2"]["reason"] == "quota"
    assert "quota there is 10 cores" in reasons["web-2"]["message"]
    assert reasons["etl"]["message"] == "quota: ads has no quota at batch"


def test_prod_quota_is_limited_to_what_the_cell_has() -> None:
    cell = borg.Cell(2, cpu=8, memory=32)
    with pytest.raises(ValueError, match="would exceed what the cell has"):
        cell.set_quota("ads", "production", cpu=17, memory=1)
    cell.set_quota("ads", "batch", cpu=1000, memory=1000)


def test_pending_jobs_say_why_they_wait() -> None:
    cell = borg.Cell(3, cpu=4, memory=16)
    cell.submit(
        [
            borg.Job("web", 3, 4, 8, "production"),
            borg.Job("huge", 1, 64, 1, "batch"),
            borg.Job("etl", 2, 2, 2, "batch"),
            borg.Job("pinned", 1, 1, 1, "batch", platform="gpu"),
        ]
    )
    cell.schedule()
    reasons = {row["job"]: (row["reason"], row["message"]) for row in cell.pending()}
    assert reasons["huge"] == ("resources", "0/3 machines are big enough for 64 cores and 1 GiB")
    assert reasons["etl"][0] == "priority" and "higher-priority tasks" in reasons["etl"][1]
    assert reasons["pinned"] == ("resources", "0/3 machines are of platform gpu")


def test_a_workload_that_does_not_fit_any_policy_raises_with_the_pending_jobs() -> None:
    jobs = [borg.Job("big", 500, 8, 16, "production")]
    with pytest.raises(borg.Unschedulable, match="does not fit the full cell") as error:
        borg.compaction(jobs, machines=20, trials=1)
    assert error.value.pending[0]["job"] == "big"


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: borg.Job("x", 1, 1, 1, "urgent"), "unknown priority band 'urgent'"),
        (lambda: borg.Job("x", 0, 1, 1), "tasks must be a whole number"),
        (lambda: borg.Job("x", 1, -1, 1), "cpu must be positive"),
        (lambda: borg.Cell(0), "at least 1 machine"),
        (lambda: borg.Cell(2, cpu=-4), "must be positive"),
        (lambda: borg.Cell(2, policy="first-fit"), "unknown policy 'first-fit'"),
        (lambda: borg.Cell(2, enough=0), "enough must be at least 1"),
        (lambda: borg.compaction(trials=0), "trials must be a whole number"),
    ],
)
def test_impossible_input_is_a_clear_error(make: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        make()  # type: ignore[operator]


def test_every_scheduler_parameter_names_its_source() -> None:
    assert all(row["source"] for row in borg.parameters())
