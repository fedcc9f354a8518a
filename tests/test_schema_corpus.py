"""Real manifests in, typos out: a corpus of documentation-style manifests.

``manifests/valid/`` holds manifests in the style of the Kubernetes documentation's
examples; every one applies to a fresh cluster. ``manifests/invalid/`` holds broken
variants, each with the exact message a real API server (or kubectl) answers in a sibling
``.expected`` file (``{file}`` stands for the manifest's path); every one is refused with
that message, names the YAML line of each field it blames, and leaves the cluster as it was.
"""

from pathlib import Path

import pytest

import kube_lab as kl
from kube_lab.api.manifest import check

HERE = Path(__file__).resolve().parent / "manifests"
VALID = sorted((HERE / "valid").iterdir())
INVALID = sorted((HERE / "invalid").glob("*.yaml"))


def test_the_corpus_is_large_enough() -> None:
    assert len(VALID) >= 30
    assert len(INVALID) >= 30


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.name)
def test_documentation_manifests_apply(path: Path) -> None:
    cluster = kl.Cluster(nodes=2)
    results = cluster.apply(path)
    assert results and all(r.action == "created" for r in results)
    for result in results:
        assert cluster.get(result.kind, result.name, result.namespace or "default")


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.name)
def test_broken_manifests_are_refused_with_the_api_servers_words(path: Path) -> None:
    cluster = kl.Cluster(nodes=1)
    before = cluster.store.resource_version
    expected = path.with_suffix(".expected").read_text(encoding="utf-8").rstrip("\n")
    with pytest.raises(kl.StatusError) as raised:
        cluster.apply(path)
    assert raised.value.message == expected.replace("{file}", str(path))
    assert cluster.store.resource_version == before
    for error in getattr(raised.value, "errors", []):
        assert error.line is not None, error


def test_kube_lab_validate_agrees_with_apply() -> None:
    for path in VALID:
        assert not check(path).failures, path
    for path in INVALID:
        try:
            checked = check(path)
        except kl.StatusError:
            continue  # refused while loading, as by apply
        assert checked.failures, path
