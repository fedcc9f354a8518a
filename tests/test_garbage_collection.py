"""Deleting owners: background, orphan and foreground propagation, and finalizers.

As ``kubectl delete --cascade=...`` asks the API server and the garbage collector does it
(https://kubernetes.io/docs/concepts/architecture/garbage-collection/).
"""

from __future__ import annotations

import pytest

import kube_lab as kl
from kube_lab.api.errors import BadRequest
from kube_lab.api.meta import deep_copy
from tests.conftest import deployment


@pytest.fixture
def cluster() -> kl.Cluster:
    c = kl.Cluster(nodes=2, seed=0)
    c.apply(deployment("web", replicas=2))
    c.run(30)
    return c


def counts(c: kl.Cluster) -> tuple[int, int, int]:
    return len(c.list("deploy")), len(c.list("rs")), len(c.list("pods"))


def test_background_deletes_the_owner_at_once_and_the_dependents_after(cluster):
    cluster.store.delete("Deployment", "web", "default")
    assert counts(cluster)[0] == 0
    cluster.run(40)
    assert counts(cluster) == (0, 0, 0)


def test_orphan_releases_the_dependents_which_stay(cluster):
    cluster.store.delete("Deployment", "web", "default", propagation="Orphan")
    cluster.run(40)
    assert counts(cluster) == (0, 1, 2)
    assert "ownerReferences" not in cluster.list("rs")[0]["metadata"]
    # the pods still belong to their ReplicaSet
    assert {p["metadata"]["ownerReferences"][0]["kind"] for p in cluster.list("pods")} == {
        "ReplicaSet"
    }


def test_foreground_keeps_the_owner_until_its_pods_are_gone(cluster):
    cluster.store.delete("Deployment", "web", "default", propagation="Foreground")
    cluster.run(0)
    owner = cluster.get("deploy", "web")
    assert owner["metadata"]["finalizers"] == ["foregroundDeletion"]
    assert owner["metadata"]["deletionTimestamp"] == "2025-01-01T00:00:30Z"
    (rs,) = cluster.list("rs")
    assert rs["metadata"]["finalizers"] == ["foregroundDeletion"]  # in the foreground too
    assert all(p["metadata"].get("deletionTimestamp") for p in cluster.list("pods"))
    gone_at = cluster.run_until(lambda: not cluster.list("deploy"), timeout=60)
    assert gone_at is not None and counts(cluster) == (0, 0, 0)


def test_foreground_without_dependents_deletes_at_once():
    c = kl.Cluster(nodes=1, seed=0)
    c.apply({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cfg"}})
    c.store.delete("ConfigMap", "cfg", "default", propagation="Foreground")
    assert c.list("configmaps") == []


def test_an_object_with_a_finalizer_waits_for_it_to_be_removed():
    c = kl.Cluster(nodes=1, seed=0)
    c.apply(
        {
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": {"name": "cfg", "finalizers": ["example.com/keep"]},
        }
    )
    c.store.delete("ConfigMap", "cfg", "default")
    marked = c.get("configmap", "cfg")
    assert marked["metadata"]["deletionTimestamp"]
    released = deep_copy(marked)
    released["metadata"]["finalizers"] = []
    c.store.update(released)
    assert c.list("configmaps") == []


def test_an_unknown_propagation_policy_is_refused(cluster):
    with pytest.raises(BadRequest, match='Unsupported value: "Sideways"'):
        cluster.store.delete("Deployment", "web", "default", propagation="Sideways")
    assert counts(cluster) == (1, 1, 2)


def test_kubectl_cascade_flag(cluster):
    assert cluster.kubectl("delete deploy web --cascade=sideways") == (
        'error: invalid cascade value (sideways). Must be "background", "foreground", or "orphan"\n'
    )
    out = cluster.kubectl("delete deploy web --cascade=false")
    assert out.stderr == (
        "warning: --cascade=false is deprecated (boolean value) and can be replaced with "
        "--cascade=orphan.\n"
    )
    assert counts(cluster) == (0, 1, 2)
    assert cluster.kubectl("delete rs --all --cascade=foreground").exit_code == 0
    assert counts(cluster) == (0, 0, 0)  # kubectl waited for the pods, then for the owner
