"""The store: versions, compare-and-swap, watches."""

import pytest

from kube_lab.api.errors import AlreadyExists, Conflict, NotFound
from kube_lab.api.selectors import parse
from kube_lab.store import Expired, Store


def make_store() -> Store:
    store = Store(clock=lambda: 0.0)
    store.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "default"}})
    return store


def pod(name: str, **labels: str) -> dict:
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "namespace": "default", "labels": labels},
        "spec": {"containers": [{"name": "c", "image": "nginx"}]},
    }


def test_create_stamps_server_fields():
    stored = make_store().create(pod("a"))
    meta = stored["metadata"]
    assert meta["uid"] and meta["resourceVersion"] == "2"
    assert meta["generation"] == 1
    assert meta["creationTimestamp"] == "2025-01-01T00:00:00Z"


def test_create_twice_is_already_exists():
    store = make_store()
    store.create(pod("a"))
    with pytest.raises(AlreadyExists, match='pods "a" already exists'):
        store.create(pod("a"))


def test_create_in_missing_namespace_is_not_found():
    obj = pod("a")
    obj["metadata"]["namespace"] = "nope"
    with pytest.raises(NotFound, match='namespaces "nope" not found'):
        make_store().create(obj)


def test_stale_update_is_a_conflict():
    store = make_store()
    store.create(pod("a"))
    first, second = store.get("Pod", "a", "default"), store.get("Pod", "a", "default")
    first["metadata"]["labels"] = {"x": "1"}
    store.update(first)
    second["metadata"]["labels"] = {"x": "2"}
    with pytest.raises(Conflict, match="the object has been modified"):
        store.update(second)
    assert store.get("Pod", "a", "default")["metadata"]["labels"] == {"x": "1"}


def test_generation_rises_with_spec_changes_only():
    store = make_store()
    store.create(pod("a"))
    obj = store.get("Pod", "a", "default")
    obj["metadata"]["labels"] = {"new": "label"}
    assert store.update(obj)["metadata"]["generation"] == 1
    obj = store.get("Pod", "a", "default")
    obj["spec"]["containers"][0]["image"] = "nginx:1.27"
    assert store.update(obj)["metadata"]["generation"] == 2
    obj = store.get("Pod", "a", "default")
    obj["status"] = {"phase": "Running"}
    assert store.update_status(obj)["metadata"]["generation"] == 2


def test_get_returns_a_copy():
    store = make_store()
    store.create(pod("a"))
    store.get("Pod", "a", "default")["metadata"]["labels"]["x"] = "y"
    assert "x" not in store.get("Pod", "a", "default")["metadata"]["labels"]


def test_list_filters_by_selector_and_sorts_by_name():
    store = make_store()
    for name, app in (("c", "web"), ("a", "web"), ("b", "db")):
        store.create(pod(name, app=app))
    names = [p["metadata"]["name"] for p in store.list("Pod", "default", parse("app=web"))]
    assert names == ["a", "c"]


def test_watch_delivers_added_modified_deleted():
    store = make_store()
    seen = []
    store.watch(lambda e: seen.append((e.type, e.object["metadata"]["name"])), kinds=["Pod"])
    store.create(pod("a"))
    obj = store.get("Pod", "a", "default")
    obj["metadata"]["labels"] = {"v": "2"}
    store.update(obj)
    store.delete("Pod", "a", "default")
    assert seen == [("ADDED", "a"), ("MODIFIED", "a"), ("DELETED", "a")]


def test_watch_replays_from_a_resource_version():
    store = make_store()
    store.create(pod("a"))
    version = store.resource_version
    store.create(pod("b"))
    seen = []
    store.watch(lambda e: seen.append(e.object["metadata"]["name"]), kinds=["Pod"], since=version)
    assert seen == ["b"]


def test_watch_from_compacted_history_is_expired(monkeypatch):
    monkeypatch.setattr("kube_lab.store.HISTORY", 3)
    store = make_store()
    for i in range(10):
        store.create(pod(f"p{i}"))
    with pytest.raises(Expired):
        store.watch(lambda e: None, since=1)


def test_bound_pod_is_deleted_gracefully():
    store = make_store()
    store.create(pod("a"))
    store.bind("default", "a", "node-1")
    assert store.delete("Pod", "a", "default")["metadata"]["deletionTimestamp"]
    assert store.peek("Pod", "a", "default") is not None
    store.delete("Pod", "a", "default", grace_seconds=0)
    assert store.peek("Pod", "a", "default") is None


def test_bind_sets_node_and_pod_scheduled():
    store = make_store()
    store.create(pod("a"))
    bound = store.bind("default", "a", "node-2")
    assert bound["spec"]["nodeName"] == "node-2"
    assert bound["status"]["conditions"][0]["type"] == "PodScheduled"
    with pytest.raises(Conflict):
        store.bind("default", "a", "node-3")


def test_missing_object_is_not_found_with_kubernetes_wording():
    with pytest.raises(NotFound, match=r'deployments\.apps "web" not found'):
        make_store().get("Deployment", "web", "default")


def test_node_watch_sees_only_pods_bound_to_its_node():
    store = make_store()
    seen = []
    store.watch(lambda e: seen.append(e.object["metadata"]["name"]), node_name="node-1")
    store.create(pod("a"))
    store.create(pod("b"))
    store.bind("default", "a", "node-1")
    store.bind("default", "b", "node-2")
    assert seen == ["a"]
