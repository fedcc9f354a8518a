"""The API server over raw HTTPS: auth, discovery, tables, errors, patches and watches."""

from __future__ import annotations

import http.client
import json
import ssl
from collections import deque
from collections.abc import Iterator
from typing import Any

import pytest

import kube_lab as kl
from kube_lab.apiserver import MAX_BODY, Server, serve
from kube_lab.apiserver.patch import apply_patch
from kube_lab.kubectl.printers import COLUMNS
from tests.conftest import deployment


@pytest.fixture
def served() -> Iterator[tuple[kl.Cluster, Server]]:
    cluster = kl.Cluster(nodes=2, seed=0)
    cluster.apply(deployment("web", replicas=2))
    cluster.run(30)
    server = serve(cluster)
    try:
        yield cluster, server
    finally:
        server.stop()


def request(
    server: Server,
    method: str,
    path: str,
    body: Any = None,
    *,
    token: str | None = "",
    headers: dict[str, str] | None = None,
    raw: bytes | None = None,
) -> tuple[int, Any, dict[str, str]]:
    context = ssl.create_default_context(cafile=server.certificate_path)
    connection = http.client.HTTPSConnection(server.host, server.port, context=context, timeout=10)
    sent = dict(headers or {})
    if token is not None:
        sent["Authorization"] = f"Bearer {token or server.token}"
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    if data is not None:
        sent.setdefault("Content-Type", "application/json")
    connection.request(method, path, body=data, headers=sent)
    response = connection.getresponse()
    text = response.read()
    connection.close()
    content_type = response.getheader("Content-Type") or ""
    decoded = json.loads(text) if "json" in content_type and text else text.decode()
    return response.status, decoded, dict(response.getheaders())


def test_requests_without_the_token_get_401(served: tuple[kl.Cluster, Server]) -> None:
    _, server = served
    code, status, _ = request(server, "GET", "/api/v1/pods", token=None)
    assert code == 401 and status["reason"] == "Unauthorized" and status["kind"] == "Status"
    assert request(server, "GET", "/version", token="wrong")[0] == 401


def test_only_loopback_unless_asked() -> None:
    with pytest.raises(ValueError, match="loopback only"):
        serve(kl.Cluster(nodes=0), host="0.0.0.0")


def test_kubeconfig_names_the_server_and_token(served: tuple[kl.Cluster, Server]) -> None:
    _, server = served
    with open(server.kubeconfig_path) as config:
        text = config.read()
    assert server.url in text and server.token in text and server.url.startswith("https://127.")


def test_version_and_discovery(served: tuple[kl.Cluster, Server]) -> None:
    _, server = served
    assert request(server, "GET", "/version")[1]["gitVersion"].startswith("v1.37")
    accept = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"
    code, apis, headers = request(server, "GET", "/apis", headers={"Accept": accept})
    assert code == 200 and headers["Content-Type"] == accept
    apps = next(g for g in apis["items"] if g["metadata"]["name"] == "apps")
    deploy = next(r for r in apps["versions"][0]["resources"] if r["resource"] == "deployments")
    assert deploy["shortNames"] == ["deploy"] and "all" in deploy["categories"]
    assert {s["subresource"] for s in deploy["subresources"]} == {"status", "scale"}
    legacy = request(server, "GET", "/api/v1")[1]
    pods = next(r for r in legacy["resources"] if r["name"] == "pods")
    assert pods["namespaced"] and pods["kind"] == "Pod" and pods["shortNames"] == ["po"]
    assert "apps/v1" in [
        g["preferredVersion"]["groupVersion"] for g in request(server, "GET", "/apis")[1]["groups"]
    ]


def test_list_get_and_label_selector(served: tuple[kl.Cluster, Server]) -> None:
    cluster, server = served
    code, pods, _ = request(
        server, "GET", "/api/v1/namespaces/default/pods?labelSelector=app%3Dweb"
    )
    assert code == 200 and pods["kind"] == "PodList" and len(pods["items"]) == 2
    assert request(server, "GET", "/api/v1/pods?labelSelector=app%3Dnone")[1]["items"] == []
    name = pods["items"][0]["metadata"]["name"]
    one = request(server, "GET", f"/api/v1/namespaces/default/pods/{name}")[1]
    assert one == cluster.get("pod", name)
    nodes = request(server, "GET", "/api/v1/nodes?fieldSelector=metadata.name%21%3Dnode-1")[1]
    assert [n["metadata"]["name"] for n in nodes["items"]] == ["node-2"]


def test_not_found_is_a_status(served: tuple[kl.Cluster, Server]) -> None:
    _, server = served
    code, status, _ = request(server, "GET", "/apis/apps/v1/namespaces/default/deployments/x")
    assert code == 404 and status["reason"] == "NotFound"
    assert status["message"] == 'deployments.apps "x" not found'
    assert request(server, "GET", "/apis/nope/v1/things")[0] == 404


def test_tables_have_the_in_process_columns(served: tuple[kl.Cluster, Server]) -> None:
    _, server = served
    accept = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json"
    code, table, _ = request(
        server, "GET", "/api/v1/namespaces/default/pods", headers={"Accept": accept}
    )
    assert code == 200 and table["kind"] == "Table"
    assert [c["name"] for c in table["columnDefinitions"]] == [c.header for c in COLUMNS["Pod"]]
    assert [c["priority"] for c in table["columnDefinitions"]][:5] == [0] * 5
    assert table["rows"][0]["cells"][1:3] == ["1/1", "Running"]
    assert table["rows"][0]["object"]["kind"] == "PartialObjectMetadata"


def test_huge_body_gets_413(served: tuple[kl.Cluster, Server]) -> None:
    _, server = served
    context = ssl.create_default_context(cafile=server.certificate_path)
    connection = http.client.HTTPSConnection(server.host, server.port, context=context, timeout=10)
    connection.putrequest("POST", "/api/v1/namespaces/default/configmaps")
    connection.putheader("Authorization", f"Bearer {server.token}")
    connection.putheader("Content-Type", "application/json")
    connection.putheader("Content-Length", str(MAX_BODY + 1))
    connection.endheaders()  # the server answers before reading (or being sent) the body
    response = connection.getresponse()
    status = json.loads(response.read())
    connection.close()
    assert response.status == 413 and status["reason"] == "RequestEntityTooLarge"


def test_malformed_json_gets_400(served: tuple[kl.Cluster, Server]) -> None:
    cluster, server = served
    before = cluster.store.resource_version
    code, status, _ = request(server, "POST", "/api/v1/namespaces/default/pods", raw=b"{nope")
    assert code == 400 and status["reason"] == "BadRequest" and status["kind"] == "Status"
    code, status, _ = request(server, "POST", "/api/v1/namespaces/default/pods", raw=b"[1, 2]")
    assert code == 400
    assert cluster.store.resource_version == before


def test_create_invalid_gets_422_with_causes(served: tuple[kl.Cluster, Server]) -> None:
    cluster, server = served
    bad = deployment("bad", replicas=-1)
    code, status, _ = request(server, "POST", "/apis/apps/v1/namespaces/default/deployments", bad)
    assert code == 422 and status["reason"] == "Invalid"
    assert status["details"]["causes"][0]["field"] == "spec.replicas"
    assert cluster.store.peek("Deployment", "bad", "default") is None


def test_create_conflict_and_protobuf(served: tuple[kl.Cluster, Server]) -> None:
    _, server = served
    path = "/apis/apps/v1/namespaces/default/deployments"
    code, created, _ = request(server, "POST", path, deployment("api", replicas=1))
    assert code == 201 and created["metadata"]["uid"]
    code, status, _ = request(server, "POST", path, deployment("api", replicas=1))
    assert code == 409 and status["reason"] == "AlreadyExists"
    code, status, _ = request(
        server,
        "POST",
        path,
        raw=b"k8s\x00",
        headers={"Content-Type": "application/vnd.kubernetes.protobuf"},
    )
    assert code == 415 and "apply -f" in status["message"]


def test_stale_resource_version_is_a_conflict(served: tuple[kl.Cluster, Server]) -> None:
    _cluster, server = served
    path = "/apis/apps/v1/namespaces/default/deployments/web"
    live = request(server, "GET", path)[1]
    live["metadata"]["resourceVersion"] = "1"
    code, status, _ = request(server, "PUT", path, live)
    assert code == 409 and status["reason"] == "Conflict"


def test_patches_and_scale(served: tuple[kl.Cluster, Server]) -> None:
    cluster, server = served
    path = "/apis/apps/v1/namespaces/default/deployments/web"
    merge = {"Content-Type": "application/merge-patch+json"}
    code, patched, _ = request(server, "PATCH", path, {"spec": {"replicas": 3}}, headers=merge)
    assert code == 200 and patched["spec"]["replicas"] == 3
    assert len(cluster.list("pods")) == 3  # the controllers reacted before the answer
    code, scale, _ = request(server, "GET", path + "/scale")
    assert scale["kind"] == "Scale" and scale["spec"]["replicas"] == 3
    assert scale["status"]["selector"] == "app=web"
    code, scale, _ = request(
        server, "PATCH", path + "/scale", {"spec": {"replicas": 1}}, headers=merge
    )
    assert code == 200 and cluster.get("deploy", "web")["spec"]["replicas"] == 1
    strategic = {"Content-Type": "application/strategic-merge-patch+json"}
    body = {
        "spec": {"template": {"spec": {"containers": [{"name": "web", "image": "nginx:1.28"}]}}}
    }
    code, patched, _ = request(server, "PATCH", path, body, headers=strategic)
    container = patched["spec"]["template"]["spec"]["containers"][0]
    assert code == 200 and container["image"] == "nginx:1.28" and container["resources"]
    json_patch = {"Content-Type": "application/json-patch+json"}
    ops = [{"op": "replace", "path": "/spec/replicas", "value": -1}]
    code, _status, _ = request(server, "PATCH", path, ops, headers=json_patch)
    assert code == 422 and cluster.get("deploy", "web")["spec"]["replicas"] == 1


def test_strategic_merge_directives() -> None:
    live = {
        "spec": {
            "containers": [
                {"name": "a", "image": "x", "env": [{"name": "K", "value": "1"}]},
                {"name": "b", "image": "y"},
            ],
            "finalizers": ["f1"],
        }
    }
    patch = {
        "spec": {
            "$setElementOrder/containers": [{"name": "b"}, {"name": "a"}],
            "containers": [
                {"name": "a", "env": [{"name": "L", "value": "2"}]},
                {"name": "b", "$patch": "delete"},
            ],
            "finalizers": ["f2"],
        }
    }
    out = apply_patch(live, patch, "application/strategic-merge-patch+json")
    assert out["spec"]["containers"] == [
        {
            "name": "a",
            "image": "x",
            "env": [{"name": "K", "value": "1"}, {"name": "L", "value": "2"}],
        }
    ]
    assert out["spec"]["finalizers"] == ["f1", "f2"]
    assert live["spec"]["containers"][1]["name"] == "b"  # the live object is untouched
    assert apply_patch({"a": {"b": 1}}, {"a": None}, "application/merge-patch+json") == {}


def test_watch_list_ends_initial_events_with_a_bookmark(
    served: tuple[kl.Cluster, Server],
) -> None:
    cluster, server = served
    context = ssl.create_default_context(cafile=server.certificate_path)
    connection = http.client.HTTPSConnection(server.host, server.port, context=context, timeout=10)
    connection.request(
        "GET",
        "/api/v1/namespaces/default/pods?watch=1&sendInitialEvents=true"
        "&allowWatchBookmarks=true&resourceVersionMatch=NotOlderThan&timeoutSeconds=5",
        headers={"Authorization": f"Bearer {server.token}"},
    )
    response = connection.getresponse()
    assert response.status == 200
    events = [json.loads(response.readline()) for _ in range(3)]
    assert [e["type"] for e in events] == ["ADDED", "ADDED", "BOOKMARK"]
    assert events[2]["object"]["metadata"]["annotations"] == {"k8s.io/initial-events-end": "true"}
    with server.lock:
        cluster.kubectl("scale deployment/web --replicas=3")
    seen = json.loads(response.readline())
    assert seen["type"] == "ADDED" and seen["object"]["metadata"]["labels"]["app"] == "web"
    connection.close()


def test_watch_from_a_too_old_version_is_expired(served: tuple[kl.Cluster, Server]) -> None:
    cluster, server = served
    with server.lock:
        cluster.store._history = deque(cluster.store._history, maxlen=5)  # a short memory
        cluster.kubectl("scale deployment/web --replicas=4")
        cluster.run(5)
    code, text, _ = request(server, "GET", "/api/v1/pods?watch=1&resourceVersion=2")
    event = text if isinstance(text, dict) else json.loads(text.splitlines()[0])
    assert code == 200 and event["type"] == "ERROR"
    assert event["object"]["code"] == 410 and event["object"]["reason"] == "Expired"


def test_server_run_is_serialised(served: tuple[kl.Cluster, Server]) -> None:
    cluster, server = served
    before = cluster.now
    server.run(10)
    assert cluster.now >= before + 10


def test_watch_with_a_selector_adds_and_deletes_as_labels_change(
    served: tuple[kl.Cluster, Server],
) -> None:
    cluster, server = served
    context = ssl.create_default_context(cafile=server.certificate_path)
    connection = http.client.HTTPSConnection(server.host, server.port, context=context, timeout=10)
    version = cluster.store.resource_version
    connection.request(
        "GET",
        f"/api/v1/namespaces/default/pods?watch=1&labelSelector=tier%3Dx&resourceVersion={version}",
        headers={"Authorization": f"Bearer {server.token}"},
    )
    response = connection.getresponse()
    pod = cluster.list("pods")[0]["metadata"]["name"]
    with server.lock:
        cluster.kubectl(f"label pod {pod} tier=x")
        cluster.kubectl(f"label pod {pod} tier-")
    events = [json.loads(response.readline()) for _ in range(2)]
    assert [e["type"] for e in events] == ["ADDED", "DELETED"]
    assert {e["object"]["metadata"]["name"] for e in events} == {pod}
    connection.close()


def test_lists_come_in_pages(served: tuple[kl.Cluster, Server]) -> None:
    cluster, server = served
    with server.lock:
        for i in range(5):
            cluster.store.create(
                {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": f"c{i}"}}
            )
    path = "/api/v1/namespaces/default/configmaps?limit=2"
    names, token = [], None
    while True:
        page = request(server, "GET", path + (f"&continue={token}" if token else ""))[1]
        names += [o["metadata"]["name"] for o in page["items"]]
        token = page["metadata"].get("continue")
        if not token:
            break
    assert names == [f"c{i}" for i in range(5)]
    assert request(server, "GET", path + "&continue=%%%")[0] == 400
