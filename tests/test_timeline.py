"""The timeline records, per simulated second, what the charts need."""

from conftest import deployment, hpa, service

import kube_lab as kl


def test_rollout_shows_versions_changing_second_by_second():
    cluster = kl.Cluster(nodes=3)
    cluster.apply([deployment(replicas=3), service()])
    cluster.run(30)
    cluster.apply(deployment(replicas=3, image="nginx:1.28"))
    cluster.run(60)
    timeline = cluster.timeline
    times = timeline.series("time")
    assert times[:3] == [0, 1, 2] and len(times) == 91
    old, new = timeline.series("version/nginx:1.27"), timeline.series("version/nginx:1.28")
    assert old[29] == 3 and new[29] == 0
    assert old[-1] == 0 and new[-1] == 3
    assert timeline.series("endpoints/default/web")[-1] == 3
    assert [a.label for a in timeline.actions] == [
        "deployment.apps/web created",
        "service/web created",
        "deployment.apps/web configured",
    ]


def test_load_and_failures_are_counted_per_second():
    cluster = kl.Cluster(nodes=2)
    cluster.apply([deployment(replicas=2), service(), hpa()])
    cluster.run(20)
    cluster.set_load("web", rps=50)
    cluster.run(40)
    served = cluster.timeline.series("served/default/web")
    assert served[-1] == 50 and cluster.timeline.series("failed/default/web")[-1] == 0
    assert cluster.timeline.series("wanted/default/web")[-1] >= 2
    assert cluster.timeline.series("target/default/web")[-1] == 50
    status = cluster.get("hpa", "web")["status"]["currentMetrics"][0]["resource"]["current"]
    assert cluster.timeline.series("cpu/default/web")[-1] == status["averageUtilization"] > 0


def test_node_failure_is_an_action_on_the_timeline():
    cluster = kl.Cluster(nodes=2)
    cluster.run(5)
    cluster.fail_node("node-1")
    assert cluster.timeline.actions[-1].label == "node node-1 failed"
    assert cluster.timeline.actions[-1].time == 5


def test_kubectl_commands_that_change_the_cluster_are_actions():
    cluster = kl.Cluster(nodes=1)
    cluster.apply(deployment(replicas=1))
    cluster.kubectl("get pods")
    cluster.kubectl("scale deployment web --replicas=2")
    assert cluster.timeline.actions[-1].label == "kubectl scale deployment web --replicas=2"
    assert [a.label for a in cluster.timeline.actions].count("kubectl get pods") == 0
