"""The isolation demo: the same commands on the host and in a container, side by side."""

from __future__ import annotations

import pytest

import kube_lab as kl

pytestmark = pytest.mark.skipif(
    not kl.docker_available(),
    reason="no Docker engine answers (start one: bash scripts/docker-engine.sh start)",
)


def test_compare_shows_the_container_its_own_world_and_limits():
    from kube_lab import isolation

    report = isolation.compare(memory="64Mi", cpu="500m")
    rows = {row.aspect: row for row in report}
    assert rows["hostname"].container == "container"
    assert rows["hostname"].host != "container"
    assert rows["memory limit (cgroup)"].container == "64Mi"
    assert rows["CPU limit (cgroup)"].container == "0.5 CPU"
    assert int(rows["processes it can see"].container) < int(rows["processes it can see"].host)
    assert rows["PID 1 (the first process)"].container == "sleep 3600"
    assert rows["filesystem root (ls /)"].container == "bin dev etc proc sys tmp"
    assert rows["network interfaces"].container == "eth0 lo"
    text = str(report)
    assert text.splitlines()[0].split() == ["host", "(this", "machine)", "container"]
    assert "<table>" in report._repr_html_()


def test_side_by_side_runs_your_commands_on_both_sides():
    from kube_lab import isolation

    (row,) = isolation.side_by_side("cat /proc/sys/kernel/hostname", memory=None, cpu=None)
    assert row.container == "container\n"
    assert row.host == isolation.run_on_host("cat /proc/sys/kernel/hostname")
