"""kubectl against a real :class:`kube_lab.Cluster`: metrics, autoscalers, leases, logs."""

from __future__ import annotations

from conftest import deployment, pod, service

import kube_lab as kl


def test_top_autoscale_and_leases_on_a_running_cluster() -> None:
    cluster = kl.Cluster(nodes=1)
    cluster.apply([deployment(replicas=2), service()])
    # metrics-server scrapes every 15 s: nothing to show before its first round
    assert cluster.kubectl("top pods") == "error: metrics not available yet\n"
    cluster.run(20)
    lines = cluster.kubectl("top pods").splitlines()
    assert lines[0] == "NAME                   CPU(cores)   MEMORY(bytes)   "
    assert len(lines) == 3 and all(line.startswith("web-") for line in lines[1:])
    out = cluster.kubectl("autoscale deployment web --cpu=50% --min=2 --max=10")
    assert out == "horizontalpodautoscaler.autoscaling/web autoscaled\n"
    assert cluster.kubectl("get hpa") == (
        "NAME   REFERENCE        TARGETS              MINPODS   MAXPODS   REPLICAS   AGE\n"
        "web    Deployment/web   cpu: <unknown>/50%   2         10        0          0s\n"
    )
    cluster.run(30)
    assert "resource cpu on pods  (as a percentage of request):  " in cluster.kubectl(
        "describe hpa web"
    )
    assert cluster.kubectl("get leases -n kube-node-lease") == (
        "NAME     HOLDER   AGE\nnode-1   node-1   50s\n"
    )
    assert (
        "Unschedulable:      false\n"
        "Lease:\n"
        "  HolderIdentity:  node-1\n"
        "  AcquireTime:     <unset>\n"
        "  RenewTime:       Wed, 01 Jan 2025 00:00:50 +0000\n"
        "Conditions:\n"
    ) in cluster.kubectl("describe node node-1")


def test_logs_on_a_running_cluster() -> None:
    cluster = kl.Cluster(nodes=1)
    duo = pod("duo")
    duo["spec"]["containers"].append({"name": "side", "image": "busybox:1.36"})
    cluster.apply(duo)
    assert cluster.kubectl("logs duo") == (
        'Defaulted container "main" out of: main, side\n'
        'Error from server (BadRequest): container "main" in pod "duo" is waiting to start: '
        "ContainerCreating\n"
    )
    cluster.run(20)
    assert cluster.kubectl("logs duo -c side").exit_code == 0
