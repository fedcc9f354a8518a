"""The official Python client (``kubernetes``) against a served cluster."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

import kube_lab as kl
from kube_lab.apiserver import Server, serve
from tests.conftest import deployment

client = pytest.importorskip("kubernetes.client")
config = pytest.importorskip("kubernetes.config")
watch = pytest.importorskip("kubernetes.watch")


@pytest.fixture
def api() -> Iterator[tuple[Server, Any]]:
    cluster = kl.Cluster(nodes=2, seed=0)
    server = serve(cluster, speed=5)
    try:
        yield server, config.new_client_from_config(config_file=server.kubeconfig_path)
    finally:
        server.stop()


def test_create_list_patch_scale_delete(api: tuple[Server, Any]) -> None:
    server, api_client = api
    apps = client.AppsV1Api(api_client)
    core = client.CoreV1Api(api_client)
    created = apps.create_namespaced_deployment("default", deployment("web", replicas=2))
    assert created.metadata.name == "web" and created.spec.replicas == 2
    pods = core.list_namespaced_pod("default", label_selector="app=web")
    assert len(pods.items) == 2
    with server.lock:
        assert len(server.cluster.list("pods")) == 2  # one truth
    patched = apps.patch_namespaced_deployment("web", "default", {"spec": {"replicas": 3}})
    assert patched.spec.replicas == 3
    scale = apps.patch_namespaced_deployment_scale("web", "default", {"spec": {"replicas": 1}})
    assert scale.spec.replicas == 1
    with pytest.raises(client.ApiException) as refused:
        apps.create_namespaced_deployment("default", deployment("web"))
    assert refused.value.status == 409
    apps.delete_namespaced_deployment("web", "default")
    with server.lock:
        assert server.cluster.store.peek("Deployment", "web", "default") is None


def test_watch_sees_pods_start(api: tuple[Server, Any]) -> None:
    server, api_client = api
    core = client.CoreV1Api(api_client)
    with server.lock:
        server.cluster.apply(deployment("web", replicas=1))
    seen = []
    stream = watch.Watch()
    for event in stream.stream(core.list_namespaced_pod, "default", timeout_seconds=20):
        seen.append((event["type"], event["object"].status.phase))
        if event["object"].status.phase == "Running":
            stream.stop()
    assert seen[0][0] == "ADDED" and seen[-1] == ("MODIFIED", "Running")
