"""Deployment eras: bare metal, virtual machines and containers on one workload."""

from __future__ import annotations

import pytest

from kube_lab import eras

METRICS = [
    "era",
    "servers",
    "cpu_utilization",
    "memory_utilization",
    "conflicts",
    "interference",
    "slowdown_pct",
    "deploy_s",
    "recover_s",
    "cost_per_month",
]


def by_era(table: eras.Table) -> dict[str, dict]:
    return {row["era"]: row for row in table}


def test_compare_returns_the_same_metrics_for_every_era() -> None:
    table = eras.compare(seed=0)
    assert table.columns == METRICS
    assert table["era"].tolist() == list(eras.ERAS)


def test_same_seed_same_table_other_seed_other_load() -> None:
    assert eras.compare(seed=3) == eras.compare(seed=3)
    assert eras.compare(seed=3) != eras.compare(seed=4)


def test_one_app_per_server_wastes_most_of_each_server() -> None:
    rows = by_era(eras.compare(seed=0))
    dedicated = rows["bare-metal-dedicated"]
    assert dedicated["servers"] == len(eras.example_workload())
    assert all(
        dedicated["servers"] > r["servers"] for e, r in rows.items() if e != dedicated["era"]
    )
    assert dedicated["cpu_utilization"] < min(r["cpu_utilization"] for r in rows.values()) + 1e-12


def test_shared_bare_metal_has_library_conflicts_and_noisy_neighbours() -> None:
    rows = by_era(eras.compare(eras.example_workload(copies=2), seed=0))
    assert rows["bare-metal-shared"]["conflicts"] > 0
    assert rows["bare-metal-shared"]["interference"] > 0
    for isolated in ("bare-metal-dedicated", "virtual-machines", "containers"):
        assert rows[isolated]["conflicts"] == 0
        assert rows[isolated]["interference"] == 0


def test_guest_operating_systems_cost_servers_that_containers_save() -> None:
    rows = by_era(eras.compare(eras.example_workload(copies=3), seed=0))
    assert rows["virtual-machines"]["servers"] > rows["containers"]["servers"]
    assert rows["virtual-machines"]["cost_per_month"] > rows["containers"]["cost_per_month"]


def test_containers_deploy_in_seconds_vms_in_tens_of_seconds_bare_metal_in_hours() -> None:
    rows = by_era(eras.compare(seed=0))
    assert rows["containers"]["deploy_s"] < rows["virtual-machines"]["deploy_s"] < 120
    assert rows["bare-metal-shared"]["deploy_s"] > 3600 - 1


def test_parameters_can_be_changed_by_name() -> None:
    fast = by_era(eras.compare(vm_boot_s=1, seed=0))
    assert fast["virtual-machines"]["deploy_s"] == pytest.approx(1 + 5)
    assert by_era(eras.compare(pod_eviction_s=0, seed=0))["containers"]["recover_s"] < 80


def test_every_parameter_names_its_source() -> None:
    table = eras.parameters()
    assert len(table) > 15
    assert all(row["source"] for row in table)


def test_gke_reservation_follows_the_documented_tiers() -> None:
    cores, gib = eras.gke_reserved(4, 16)
    assert cores == pytest.approx(0.06 + 0.01 + 2 * 0.005)
    assert gib == pytest.approx(0.25 * 4 + 0.2 * 4 + 0.1 * 8 + 100 / 1024)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"vm_boot_s": -1}, "vm_boot_s must not be negative"),
        ({"server_cpu": 0}, "server_cpu must be positive"),
        ({"boot_time": 3}, "unknown parameter boot_time"),
        ({"eras": ["mainframe"]}, "unknown era 'mainframe'"),
        ({"days": 0}, "days must be a whole number of at least 1"),
    ],
)
def test_impossible_parameters_are_clear_errors(kwargs: dict, message: str) -> None:
    with pytest.raises((ValueError, TypeError), match=message):
        eras.compare(seed=0, **kwargs)


def test_an_app_bigger_than_a_server_is_a_clear_error() -> None:
    big = [eras.App("giant", cpu=64, memory=8)]
    with pytest.raises(ValueError, match="giant needs 64 cores"):
        eras.compare(big, seed=0)


def test_bad_apps_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown load profile 'bursty'"):
        eras.App("x", 1, 1, load="bursty")
    with pytest.raises(ValueError, match="cpu must be positive"):
        eras.App("x", -1, 1)
    with pytest.raises(ValueError, match="unique"):
        eras.compare([eras.App("a", 1, 1), eras.App("a", 1, 1)])
