"""Without a Docker engine: quick answers, a clear error, and no Docker SDK at import."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest

import kube_lab as kl


@pytest.mark.parametrize("host", ["unix:///nonexistent/docker.sock", "tcp://127.0.0.1:9"])
def test_docker_available_answers_false_within_a_second(monkeypatch, host):
    monkeypatch.setenv("DOCKER_HOST", host)
    started = time.perf_counter()
    assert kl.docker_available() is False
    assert time.perf_counter() - started < 1.0


def test_docker_cluster_without_an_engine_says_how_to_start_one(monkeypatch):
    monkeypatch.setenv("DOCKER_HOST", "unix:///nonexistent/docker.sock")
    with pytest.raises(kl.RuntimeUnavailable, match=r"scripts/docker-engine\.sh start"):
        kl.Cluster(nodes=1, runtime="docker")


def test_unknown_runtime_is_refused_with_the_choices():
    with pytest.raises(ValueError, match="simulated, docker"):
        kl.Cluster(nodes=1, runtime="containerd")


def test_simulated_cluster_closes_and_works_as_a_context_manager():
    with kl.Cluster(nodes=1) as cluster:
        cluster.run(1)
    cluster.close()


def test_import_kube_lab_loads_no_docker_sdk():
    code = (
        "import sys, kube_lab as kl; kl.docker_available; kl.RuntimeUnavailable; "
        "assert 'docker' not in sys.modules, 'docker SDK imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
