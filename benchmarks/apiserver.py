"""API server figures: ``get pods`` on a 1,000-pod cluster, and watch event latency.

Run: ``python benchmarks/apiserver.py``. Prints figures; asserts nothing. Target (issue 9):
a real ``kubectl get pods`` round trip under 100 ms. Printed next to the in-process
``Cluster.kubectl("get pods")`` it is measured against.
"""

from __future__ import annotations

import http.client
import json
import shutil
import ssl
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import kube_lab as kl
from kube_lab.apiserver import Server, serve

TABLE = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json"


def cluster_with(pods: int) -> kl.Cluster:
    cluster = kl.Cluster(nodes=20, node_pods=110, seed=0)
    cluster.apply(
        {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": {"name": "web"},
            "spec": {
                "replicas": pods,
                "selector": {"matchLabels": {"app": "web"}},
                "template": {
                    "metadata": {"labels": {"app": "web"}},
                    "spec": {"containers": [{"name": "web", "image": "nginx:1.27"}]},
                },
            },
        }
    )
    cluster.run(60)
    return cluster


def connection(server: Server) -> http.client.HTTPSConnection:
    context = ssl.create_default_context(cafile=server.certificate_path)
    return http.client.HTTPSConnection(server.host, server.port, context=context, timeout=30)


def requests_per_second(server: Server, path: str, accept: str, seconds: float = 3.0) -> float:
    """Sequential requests on one keep-alive connection, as an informer's relists."""
    conn = connection(server)
    headers = {"Authorization": f"Bearer {server.token}", "Accept": accept}
    count, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        conn.request("GET", path, headers=headers)
        conn.getresponse().read()
        count += 1
    conn.close()
    return count / (time.perf_counter() - start)


def kubectl_round_trip(server: Server, runs: int = 10) -> float:
    kubectl = shutil.which("kubectl", path=str(Path(sys.executable).parent))
    if kubectl is None:
        return float("nan")
    cache = tempfile.mkdtemp()
    command = [kubectl, "--kubeconfig", server.kubeconfig_path, "--cache-dir", cache, "get", "pods"]
    subprocess.run(command, capture_output=True, check=True)  # warms the discovery cache
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, capture_output=True, check=True)
        times.append(time.perf_counter() - start)
    shutil.rmtree(cache, ignore_errors=True)
    return statistics.median(times)


def watch_latency(server: Server, events: int = 50) -> float:
    """Median seconds from a write (under the lock) to its event arriving on a watch."""
    conn = connection(server)
    conn.request(
        "GET",
        "/api/v1/namespaces/default/configmaps?watch=1&resourceVersion="
        f"{server.cluster.store.resource_version}",
        headers={"Authorization": f"Bearer {server.token}"},
    )
    response = conn.getresponse()
    sent: dict[str, float] = {}
    latencies: list[float] = []

    def read() -> None:
        while len(latencies) < events:
            event = json.loads(response.readline())
            name = event["object"]["metadata"]["name"]
            latencies.append(time.perf_counter() - sent[name])

    reader = threading.Thread(target=read)
    reader.start()
    for i in range(events):
        name = f"bench-{i}"
        with server.lock:
            sent[name] = time.perf_counter()
            server.cluster.store.create(
                {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name}}
            )
        time.sleep(0.01)
    reader.join(timeout=30)
    conn.close()
    return statistics.median(latencies)


def main() -> None:
    start = time.perf_counter()
    cluster = cluster_with(1000)
    print(f"1,000-pod cluster built in {time.perf_counter() - start:.1f}s")
    server = serve(cluster)
    try:
        with server.lock:
            times = []
            for _ in range(5):
                t = time.perf_counter()
                cluster.kubectl("get pods")
                times.append(time.perf_counter() - t)
        print(f"in-process Cluster.kubectl('get pods'): {statistics.median(times) * 1000:.0f} ms")
        path = "/api/v1/namespaces/default/pods"
        rps = requests_per_second(server, path, TABLE)
        print(f"GET pods as Table (what kubectl asks for): {rps:.1f} requests/s")
        rps = requests_per_second(server, path, "application/json")
        print(f"GET pods as JSON (what informers ask for): {rps:.1f} requests/s")
        rtt = kubectl_round_trip(server)
        print(f"real kubectl get pods round trip: {rtt * 1000:.0f} ms (target: under 100 ms)")
        print(f"watch event latency: {watch_latency(server) * 1000:.2f} ms (median)")
    finally:
        server.stop()


if __name__ == "__main__":
    main()
