"""Hypothesis-generated requests: never a 500, never a traceback, the store stays sound.

Nodes are left out of the writes: a Node written without ``spec`` (valid, as on a real
cluster) makes the node lifecycle controller fail, which is the controller's business.
"""

from __future__ import annotations

import http.client
import json
import os
import ssl
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kube_lab as kl
from kube_lab.apiserver import Server, serve
from tests.conftest import deployment

PATHS = [
    "/api/v1/namespaces/default/pods",
    "/api/v1/namespaces/default/pods/web",
    "/api/v1/namespaces/default/services",
    "/api/v1/namespaces/default/configmaps",
    "/apis/apps/v1/namespaces/default/deployments",
    "/apis/apps/v1/namespaces/default/deployments/web",
    "/apis/apps/v1/namespaces/default/deployments/web/scale",
    "/apis/apps/v1/namespaces/default/deployments/web/status",
    "/apis/autoscaling/v2/namespaces/default/horizontalpodautoscalers",
    "/api/v1/namespaces/nope/pods/x/eviction",
    "/apis/x/v9/things",
]
CONTENT_TYPES = [
    "application/json",
    "application/merge-patch+json",
    "application/strategic-merge-patch+json",
    "application/json-patch+json",
    "application/apply-patch+yaml",
    "application/vnd.kubernetes.protobuf",
    "text/plain",
]
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
OBJECTS = st.fixed_dictionaries(
    {},
    optional={
        "apiVersion": st.sampled_from(["v1", "apps/v1", "x"]),
        "kind": st.sampled_from(["Pod", "Deployment", "ConfigMap", "Nope"]),
        "metadata": st.fixed_dictionaries(
            {}, optional={"name": st.sampled_from(["web", "a", ""]), "labels": JSON}
        ),
        "spec": JSON,
        "data": JSON,
    },
)


@pytest.fixture(scope="module")
def served() -> Iterator[tuple[kl.Cluster, Server]]:
    cluster = kl.Cluster(nodes=2, seed=0)
    cluster.apply(deployment("web", replicas=1))
    cluster.run(30)
    server = serve(cluster)
    yield cluster, server
    server.stop()


@settings(
    max_examples=int(os.environ.get("KUBE_LAB_FUZZ_EXAMPLES", "150")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    method=st.sampled_from(["GET", "POST", "PUT", "PATCH", "DELETE"]),
    path=st.sampled_from(PATHS),
    query=st.sampled_from(
        [
            "",
            "?labelSelector=a%20in%20(",
            "?fieldSelector=x",
            "?watch=1&timeoutSeconds=0",
            "?resourceVersion=zz&watch=1",
        ]
    ),
    content_type=st.sampled_from(CONTENT_TYPES),
    body=st.one_of(OBJECTS, JSON, st.binary(max_size=40)),
)
def test_no_request_gets_a_500(
    served: tuple[kl.Cluster, Server],
    method: str,
    path: str,
    query: str,
    content_type: str,
    body: object,
) -> None:
    cluster, server = served
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    context = ssl.create_default_context(cafile=server.certificate_path)
    connection = http.client.HTTPSConnection(server.host, server.port, context=context, timeout=10)
    headers = {"Authorization": f"Bearer {server.token}", "Content-Type": content_type}
    connection.request(method, path + query, body=raw if method != "GET" else None, headers=headers)
    response = connection.getresponse()
    text = response.read()
    connection.close()
    assert response.status < 500, text
    if response.status >= 400:
        status = json.loads(text)
        assert status["kind"] == "Status" and status["code"] == response.status
    with server.lock:  # the store still answers and the cluster still runs
        cluster.run(1)
        for pod in cluster.store.list("Pod"):
            assert pod["metadata"]["uid"] and pod["kind"] == "Pod"
        cluster.kubectl("get all -A")
