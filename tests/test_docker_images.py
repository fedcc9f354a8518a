"""kube-lab's own images: references, the busybox they are made of, and real builds."""

from __future__ import annotations

import sys
import tarfile
import time
from pathlib import Path

import pytest
from conftest import pod

import kube_lab as kl
from kube_lab import images
from kube_lab.cli import main
from kube_lab.kubelet import docker as docker_runtime

needs_engine = pytest.mark.skipif(
    not kl.docker_available(),
    reason="no Docker engine answers (start one: bash scripts/docker-engine.sh start)",
)


@pytest.mark.parametrize(
    ("reference", "expected"),
    [
        ("kube-lab/web:2", images.ImageRef("web", "2")),
        ("kube-lab/worker", images.ImageRef("worker", "latest")),
        ("kube-lab/pause:3.10", images.ImageRef("pause", "3.10")),
        ("nginx:1.27", None),
        ("docker.io/kube-lab/web:1", None),
        ("kube-lab/redis:7", None),
        ("kube-lab/web@sha256:abc", None),
    ],
)
def test_parse_tells_kube_lab_images_from_others(reference, expected):
    assert images.parse(reference) == expected
    if expected is not None:
        assert expected.name == reference if ":" in reference else reference + ":latest"


def test_only_a_static_elf_can_go_on_scratch(tmp_path):
    script = tmp_path / "script"
    script.write_text("#!/bin/sh\n")
    assert not images.is_static_elf(script)
    assert not images.is_static_elf(Path(sys.executable).resolve())  # needs ld.so
    assert not images.is_static_elf(tmp_path / "missing")
    if Path("/bin/busybox").exists():
        assert images.is_static_elf(Path("/bin/busybox"))


def test_no_static_busybox_is_a_clear_build_error(monkeypatch, tmp_path):
    monkeypatch.setenv("KUBE_LAB_BUSYBOX", str(tmp_path / "none"))
    with pytest.raises(images.BuildError, match="apt-get install busybox-static"):
        images.find_busybox()


def test_build_context_has_the_folder_busybox_and_executable_scripts(tmp_path):
    fake = tmp_path / "busybox"
    fake.write_bytes(b"\x7fELF")
    with tarfile.open(fileobj=images.context_tar("web", fake)) as tar:
        members = {m.name: m for m in tar.getmembers()}
    assert {"Dockerfile", "busybox", "serve", "www/cgi-bin/index.cgi"} <= set(members)
    assert members["serve"].mode == 0o755 and members["Dockerfile"].mode == 0o644
    assert all(m.mtime == 0 for m in members.values())


@needs_engine
def test_images_build_makes_any_version_and_clean_removes_nothing_alive(capsys):
    client = docker_runtime.connect()
    try:
        assert main(["images", "build", "kube-lab/web:7"]) == 0
        assert "kube-lab/web:7: built in" in capsys.readouterr().out
        labels = client.api.inspect_image("kube-lab/web:7")["Config"]["Labels"]
        assert labels == {images.IMAGE_LABEL: "web", "kube-lab.version": "7"}
        assert main(["images", "build", "nginx:1.27"]) == 1
        assert "not a kube-lab image" in capsys.readouterr().err
        assert main(["clean"]) == 0
        assert capsys.readouterr().out.endswith("networks\n")
    finally:
        client.api.remove_image("kube-lab/web:7", force=True)
        client.close()


@needs_engine
def test_worker_burns_cpu_on_demand_and_web_answers_with_its_version():
    with kl.Cluster(nodes=1, runtime="docker") as cluster:
        ports = {"ports": [{"containerPort": 80}]}
        cluster.apply(
            [
                pod("worker", image="kube-lab/worker:1", container=ports),
                pod("web", image="kube-lab/web:3", container=ports),
            ]
        )
        assert cluster.run_until(
            lambda: all(p["status"].get("phase") == "Running" for p in cluster.list("pods")),
            timeout=30,
        )
        runtime = cluster.runtime
        started = time.perf_counter()
        burned = runtime.http_get(namespace="default", pod="worker", port=80, path="/?burn=0.5")
        assert burned is not None and time.perf_counter() - started >= 0.5
        assert burned.body == "Hello from worker (version 1), burned 0.5 s of CPU\n"
        web = runtime.http_get(namespace="default", pod="web", port=80)
        assert web is not None and web.headers["x-version"] == "3" and web.pod == "web"


def test_image_contexts_are_package_files():
    for kind in images.KINDS:
        assert (Path(images.__file__).parent / kind / "Dockerfile").is_file()
