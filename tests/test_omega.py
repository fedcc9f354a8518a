"""Omega: monolithic, two-level and shared-state schedulers on one workload (§4)."""

from __future__ import annotations

import numpy as np
import pytest

from kube_lab import omega

# A small cell and short runs: the trends of the paper, in a fraction of a second each.
SMALL = {"machines": 1000, "hours": 2, "batch_tasks": 20, "service_tasks": 5}


def run(architecture: str, workload: str = "service", **options: object) -> dict:
    config = {**SMALL, **options}
    [row] = omega.simulate(architecture, **config).where(workload=workload).rows()  # type: ignore[arg-type]
    return row


def test_monolithic_busyness_grows_with_t_job_until_it_saturates() -> None:
    busy = [run("monolithic-single", t_job_service=t)["busyness"] for t in (0.01, 0.1, 1, 10)]
    assert busy == sorted(busy) and busy[0] < 0.1 and busy[-1] > 0.99


def test_multi_path_batch_waits_behind_slow_service_decisions() -> None:
    fast = run("monolithic-multi", "batch", t_job_service=0.1)["wait_time"]
    slow = run("monolithic-multi", "batch", t_job_service=10)["wait_time"]
    assert slow > 10 * fast


def test_shared_state_keeps_batch_wait_low_when_service_decisions_are_slow() -> None:
    shared = run("shared-state", "batch", t_job_service=10)
    assert (
        shared["wait_time"] < run("monolithic-multi", "batch", t_job_service=10)["wait_time"] / 10
    )
    assert shared["wait_time"] < run("shared-state", "batch", t_job_service=0.1)["wait_time"] * 2


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_shared_state_conflict_fraction_grows_with_t_job(seed: int) -> None:
    conflicts = [
        run("shared-state", t_job_service=t, seed=seed)["conflict_fraction"] for t in (0.1, 1, 10)
    ]
    assert conflicts == sorted(conflicts) and conflicts[-1] > conflicts[0]


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_shared_state_conflict_fraction_grows_with_load(seed: int) -> None:
    conflicts = [
        run("shared-state", t_job_service=5, load=load, seed=seed)["conflict_fraction"]
        for load in (0.5, 1, 2)
    ]
    assert conflicts == sorted(conflicts) and conflicts[-1] > conflicts[0]


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_fine_grained_conflict_detection_lowers_the_conflict_fraction(seed: int) -> None:
    fine = run("shared-state", t_job_service=5, conflicts="fine", seed=seed)["conflict_fraction"]
    coarse = run("shared-state", t_job_service=5, conflicts="coarse", seed=seed)[
        "conflict_fraction"
    ]
    assert fine < coarse


def test_two_level_batch_waits_while_the_service_framework_holds_offers() -> None:
    two_level = run("two-level", "batch", t_job_service=10)["wait_time"]
    assert two_level > 10 * run("shared-state", "batch", t_job_service=10)["wait_time"]


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_two_level_suffers_with_gang_scheduling_and_hoarding(seed: int) -> None:
    # A loaded cell with large batch jobs: offers are often smaller than a whole job.
    loaded = {"batch_tasks": 100, "t_job_service": 3, "seed": seed}
    plain = run("two-level", "batch", **loaded)
    gang = run("two-level", "batch", gang=True, **loaded)
    hoarding = run("two-level", "batch", gang=True, hoard=True, **loaded)
    shared = run("shared-state", "batch", gang=True, **loaded)
    assert gang["scheduled"] < plain["scheduled"]  # offers too small for the whole gang
    assert hoarding["scheduled"] < gang["scheduled"]  # hoarded resources sit idle
    assert hoarding["hoarded_cpu_hours"] > 0 and shared["hoarded_cpu_hours"] == 0
    assert shared["scheduled"] > 1.5 * gang["scheduled"]


def test_same_seed_same_table() -> None:
    config = {**SMALL, "hours": 1}
    assert omega.simulate("two-level", seed=4, **config) == omega.simulate(
        "two-level", seed=4, **config
    )  # type: ignore[arg-type]
    assert omega.simulate("two-level", seed=4, **config) != omega.simulate(
        "two-level", seed=5, **config
    )  # type: ignore[arg-type]


def test_sweep_has_a_row_per_architecture_t_job_and_workload() -> None:
    table = omega.sweep_decision_time(t_job_service=(0.1, 10), **{**SMALL, "hours": 0.5})  # type: ignore[arg-type]
    assert len(table) == len(omega.ARCHITECTURES) * 2 * 2
    lines = table.where(workload="batch").series("t_job_service", "wait_time", by="architecture")
    assert set(lines) == set(omega.ARCHITECTURES)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"hours": -1}, "hours must be positive"),
        ({"t_job_service": -0.1}, "t_job_service must not be negative"),
        ({"machines": 0}, "machines must be positive"),
        ({"machines": 10.5}, "machines must be a whole number"),
        ({"t_task": -1}, "t_task must not be negative"),
        ({"conflicts": "medium"}, "unknown conflict detection 'medium'"),
        ({"transactions": "eventual"}, "unknown transaction mode 'eventual'"),
        ({"batch_schedulers": 0}, "batch_schedulers must be at least 1"),
    ],
)
def test_impossible_parameters_are_clear_errors(kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        omega.simulate(**kwargs)


def test_unknown_architecture_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="unknown architecture 'federated'"):
        omega.simulate("federated")


def cell_with_claim(
    conflicts: str, transactions: str, other: int
) -> tuple[omega.CellState, omega.Commit]:
    cell = omega.CellState(machines=3, cpu=4000, memory=16384)
    claims = omega.Claims(
        machines=np.array([0, 1]),
        counts=np.array([2, 1]),
        cpu=1000,
        memory=1024,
        seen=cell.seq[[0, 1]].copy(),
    )
    cell.apply(np.array([0]), np.array([other]), 1000, 1024)  # another scheduler got there first
    return cell, cell.commit(claims, conflicts=conflicts, transactions=transactions)


def test_coarse_detection_fails_a_claim_on_any_changed_machine() -> None:
    _, commit = cell_with_claim("coarse", "incremental", other=1)
    assert commit.accepted.tolist() == [0, 1] and commit.conflicted == 2


def test_fine_detection_fails_only_claims_that_no_longer_fit() -> None:
    _, roomy = cell_with_claim("fine", "incremental", other=1)
    assert roomy.accepted.tolist() == [2, 1] and roomy.conflicted == 0
    _, tight = cell_with_claim("fine", "incremental", other=3)
    assert tight.accepted.tolist() == [1, 1] and tight.conflicted == 1


def test_all_or_nothing_rolls_back_the_whole_transaction() -> None:
    cell, commit = cell_with_claim("fine", "all-or-nothing", other=3)
    assert commit.accepted.tolist() == [0, 0] and commit.conflicted == 1
    assert cell.free_cpu.tolist() == [1000, 4000, 4000]


def test_every_parameter_names_its_source() -> None:
    assert all(row["source"] for row in omega.parameters())
