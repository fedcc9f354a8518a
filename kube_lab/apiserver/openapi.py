"""A minimal ``/openapi/v3``: what kubectl reads before ``apply`` and ``create``.

kubectl validates with server-side field validation (``fieldValidation=Strict``) when the
OpenAPI document of a group version shows that query parameter on the kind's PATCH
operation; kube_lab's create path then refuses unknown fields itself. The documents carry
no schemas, so ``kubectl explain`` finds nothing, and kubectl computes its apply patches
from its own compiled-in types (the PATCH operations list no strategic-merge body, which
is what tells kubectl not to look here for patch strategies).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from kube_lab.apiserver import discovery
from kube_lab.kubelet.kubelet import KUBELET_VERSION

_PARAMETERS = [
    {"name": name, "in": "query", "schema": {"type": "string"}, "uniqueItems": True}
    for name in ("dryRun", "fieldManager", "fieldValidation", "force")
]
_BODIES = ("application/json-patch+json", "application/merge-patch+json")


def _prefix(group: str, version: str) -> str:
    return f"api/{version}" if not group else f"apis/{group}/{version}"


def document(group: str, version: str) -> dict[str, Any] | None:
    infos = discovery.group_versions().get(group, {}).get(version)
    if infos is None:
        return None
    paths: dict[str, Any] = {}
    for info in infos:
        scope = "namespaces/{namespace}/" if info.namespaced else ""
        path = f"/{_prefix(group, version)}/{scope}{info.plural}/{{name}}"
        gvk = {"group": info.group, "version": info.version, "kind": info.kind}
        paths[path] = {
            "patch": {
                "operationId": f"patch{info.kind}",
                "x-kubernetes-action": "patch",
                "x-kubernetes-group-version-kind": gvk,
                "parameters": _PARAMETERS,
                "requestBody": {"content": {body: {"schema": {}} for body in _BODIES}},
                "responses": {"200": {"description": "OK"}},
            }
        }
    return {
        "openapi": "3.0.0",
        "info": {"title": "Kubernetes (kube-lab)", "version": KUBELET_VERSION},
        "paths": paths,
        "components": {"schemas": {}},
    }


def _hash(group: str, version: str) -> str:
    text = json.dumps(document(group, version), sort_keys=True)
    return hashlib.sha512(text.encode()).hexdigest()[:32].upper()


def root() -> dict[str, Any]:
    paths = {}
    for group, versions in discovery.group_versions().items():
        for version in versions:
            prefix = _prefix(group, version)
            paths[prefix] = {
                "serverRelativeURL": f"/openapi/v3/{prefix}?hash={_hash(group, version)}"
            }
    return {"paths": paths}


def lookup(path: str) -> dict[str, Any] | None:
    """The document served at ``/openapi/v3/...`` (``path`` without that prefix)."""
    parts = [p for p in path.split("/") if p]
    if len(parts) == 2 and parts[0] == "api":
        return document("", parts[1])
    if len(parts) == 3 and parts[0] == "apis":
        return document(parts[1], parts[2])
    return None
