"""Cluster.apply: kubectl apply semantics, all or nothing."""

import pytest
import yaml
from conftest import deployment

import kube_lab as kl


def test_apply_reports_created_configured_unchanged():
    cluster = kl.Cluster(nodes=1)
    assert str(cluster.apply(deployment())) == "deployment.apps/web created"
    assert str(cluster.apply(deployment())) == "deployment.apps/web unchanged"
    assert str(cluster.apply(deployment(image="nginx:1.28"))) == "deployment.apps/web configured"


def test_apply_accepts_multi_document_yaml_text_and_paths(tmp_path):
    namespace = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "shop"}}
    shop = deployment("cart")
    shop["metadata"]["namespace"] = "shop"
    text = yaml.safe_dump_all([namespace, shop])
    path = tmp_path / "shop.yaml"
    path.write_text(text)
    cluster = kl.Cluster(nodes=1)
    assert [str(r) for r in cluster.apply(path)] == [
        "namespace/shop created",
        "deployment.apps/cart created",
    ]
    assert cluster.get("deploy", "cart", "shop")["metadata"]["namespace"] == "shop"


def test_one_bad_document_applies_nothing():
    good = deployment("good")
    bad = deployment("bad")
    del bad["spec"]["template"]["spec"]["containers"][0]["image"]
    cluster = kl.Cluster(nodes=1)
    before = cluster.store.resource_version
    with pytest.raises(kl.ManifestError, match=r"containers\[0\]\.image: Required value"):
        cluster.apply([good, bad])
    assert cluster.store.resource_version == before
    assert cluster.list("deploy") == []


def test_apply_into_a_missing_namespace_is_refused():
    manifest = deployment()
    manifest["metadata"]["namespace"] = "nowhere"
    cluster = kl.Cluster(nodes=1)
    with pytest.raises(kl.ManifestError, match='namespaces "nowhere" not found'):
        cluster.apply(manifest)


def test_create_refuses_an_existing_object():
    cluster = kl.Cluster(nodes=1)
    cluster.create(deployment())
    with pytest.raises(kl.ManifestError, match=r'deployments\.apps "web" already exists'):
        cluster.create(deployment())


def test_apply_keeps_a_field_changed_by_someone_else():
    """kubectl scale, then an apply that does not mention replicas: the scale survives."""
    manifest = deployment()
    del manifest["spec"]["replicas"]
    cluster = kl.Cluster(nodes=2)
    cluster.apply(manifest)
    scaled = cluster.get("deploy", "web")
    scaled["spec"]["replicas"] = 4
    cluster.store.update(scaled)
    manifest["metadata"]["labels"]["tier"] = "front"
    assert str(cluster.apply(manifest)) == "deployment.apps/web configured"
    assert cluster.get("deploy", "web")["spec"]["replicas"] == 4


def test_apply_removes_a_field_dropped_from_the_manifest():
    manifest = deployment()
    manifest["metadata"]["labels"]["tier"] = "front"
    cluster = kl.Cluster(nodes=1)
    cluster.apply(manifest)
    del manifest["metadata"]["labels"]["tier"]
    cluster.apply(manifest)
    assert "tier" not in cluster.get("deploy", "web")["metadata"]["labels"]


def test_defaults_are_filled_in_as_the_api_server_does():
    cluster = kl.Cluster(nodes=1)
    cluster.apply(deployment())
    spec = cluster.get("deploy", "web")["spec"]
    assert spec["strategy"] == {
        "type": "RollingUpdate",
        "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"},
    }
    assert spec["revisionHistoryLimit"] == 10
    assert spec["template"]["spec"]["restartPolicy"] == "Always"
