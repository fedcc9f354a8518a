"""``kubectl logs``: choosing the pod and container, and the kubelet's refusals."""

from __future__ import annotations

from test_kubectl_support import FakeCluster, container_status, deployment, pod

from kube_lab.api.meta import Obj, timestamp

LINES = "".join(f"line {i}\n" for i in range(1, 13))


def ready_since(obj: Obj, when: float) -> Obj:
    for condition in obj["status"]["conditions"]:
        if condition["type"] == "Ready":
            condition["lastTransitionTime"] = timestamp(when)
    return obj


def cluster_with_pods() -> FakeCluster:
    cluster = FakeCluster()
    cluster.add(deployment(), at=0)
    cluster.add(pod("web-a", node="node-1", statuses=[container_status()]), at=10)
    cluster.printed[("default", "web-a", "nginx")] = LINES
    two = pod("multi", node="node-1", labels={"app": "multi"})
    two["spec"]["containers"].append({"name": "envoy", "image": "envoy:1.30"})
    two["status"]["containerStatuses"] = [container_status(), container_status("envoy")]
    cluster.add(two, at=10)
    cluster.printed[("default", "multi", "nginx")] = "nginx says hi\n"
    cluster.printed[("default", "multi", "envoy")] = "envoy says hi\n"
    cluster.time = 100
    return cluster


def test_logs_prints_what_the_container_printed_and_tail_keeps_the_last_lines() -> None:
    cluster = cluster_with_pods()
    assert cluster.kubectl("logs web-a") == LINES
    assert cluster.kubectl("logs web-a --tail=2") == "line 11\nline 12\n"
    assert cluster.kubectl("logs web-a --tail=0") == ""
    assert cluster.kubectl("logs pod/web-a -c nginx --tail 1") == "line 12\n"
    assert cluster.kubectl("logs web-a nginx --tail=1 --prefix") == "[pod/web-a/nginx] line 12\n"


def test_logs_of_a_pod_with_several_containers_defaults_to_the_first_and_says_so() -> None:
    cluster = cluster_with_pods()
    out = cluster.kubectl("logs multi")
    assert out.stderr == 'Defaulted container "nginx" out of: nginx, envoy\n'
    assert out.stdout == "nginx says hi\n"
    assert cluster.kubectl("logs multi -c envoy") == "envoy says hi\n"
    assert cluster.kubectl("logs multi --all-containers") == "nginx says hi\nenvoy says hi\n"


def test_the_default_container_annotation_picks_the_container() -> None:
    cluster = cluster_with_pods()
    live = cluster.store.get("Pod", "multi", "default")
    live["metadata"]["annotations"] = {"kubectl.kubernetes.io/default-container": "envoy"}
    cluster.store.update(live)
    assert cluster.kubectl("logs multi") == "envoy says hi\n"
    live = cluster.store.get("Pod", "multi", "default")
    live["metadata"]["annotations"] = {"kubectl.kubernetes.io/default-container": "sidecar"}
    cluster.store.update(live)
    assert cluster.kubectl("logs multi").stderr == (
        'Default container name "sidecar" not found in pod multi\n'
        'Defaulted container "nginx" out of: nginx, envoy\n'
    )


def test_logs_refusals_in_kubectl_api_server_and_kubelet_words() -> None:
    cluster = cluster_with_pods()
    waiting = [
        ("web-c", {"waiting": {"reason": "ContainerCreating"}}),
        ("web-p", {"waiting": {"reason": "ImagePullBackOff", "message": "Back-off pulling"}}),
        ("web-e", {"waiting": {"reason": "ErrImagePull"}}),
    ]
    for name, state in waiting:
        status = container_status(state=state, ready=False)
        del status["containerID"]
        cluster.add(pod(name, node="node-1", phase="Pending", statuses=[status]))
    for command, error in (
        ("logs web-a -c envoy", "error: container envoy is not valid for pod web-a\n"),
        (
            "logs ghost",
            'error: error from server (NotFound): pods "ghost" not found in namespace "default"\n',
        ),
        (
            "logs deploy/ghost",
            'error: error from server (NotFound): deployments.apps "ghost" not found in '
            'namespace "default"\n',
        ),
        (
            "logs web-c",
            'Error from server (BadRequest): container "nginx" in pod "web-c" is waiting to '
            "start: ContainerCreating\n",
        ),
        (
            "logs web-p",
            'Error from server (BadRequest): container "nginx" in pod "web-p" is waiting to '
            "start: trying and failing to pull image\n",
        ),
        (
            "logs web-e",
            'Error from server (BadRequest): container "nginx" in pod "web-e" is waiting to '
            "start: image can't be pulled\n",
        ),
        (
            "logs",
            "error: expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.\n"
            "POD or TYPE/NAME is a required argument for the logs command\n"
            "See 'kubectl logs -h' for help and examples\n",
        ),
        (
            "logs web-a -c nginx nginx",
            "error: only one of -c or an inline [CONTAINER] arg is allowed\n",
        ),
        ("logs web-a --tail=-2", "error: --tail must be greater than or equal to -1\n"),
    ):
        out = cluster.kubectl(command)
        assert (out, out.exit_code) == (error, 1), command


def test_a_crashed_container_still_has_the_logs_of_its_last_run() -> None:
    cluster = cluster_with_pods()
    crashed = container_status(
        state={"waiting": {"reason": "CrashLoopBackOff"}}, ready=False, restarts=3, last_finished=90
    )
    cluster.add(pod("web-x", node="node-1", statuses=[crashed]))
    cluster.printed[("default", "web-x", "nginx")] = "panic: no database\n"
    assert cluster.kubectl("logs web-x") == "panic: no database\n"


def test_a_pod_not_on_a_node_has_no_logs_yet_and_that_is_no_error() -> None:
    cluster = cluster_with_pods()
    cluster.add(pod("web-pending", phase="Pending"))
    out = cluster.kubectl("logs web-pending")
    assert (out, out.exit_code) == ("", 0)


def test_logs_of_a_deployment_use_its_best_pod_and_say_how_many_there_were() -> None:
    cluster = cluster_with_pods()
    for name, since in (("web-a", 50), ("web-b", 20)):
        live = cluster.store.peek("Pod", name, "default")
        if live is None:
            live = cluster.add(pod(name, node="node-1", statuses=[container_status()]))
        cluster.store.update(ready_since(dict(live), since))
    cluster.printed[("default", "web-b", "nginx")] = "b was ready first\n"
    out = cluster.kubectl("logs deploy/web")
    assert out.stderr == "Found 2 pods, using pod/web-b\n"  # ready the longest
    assert out.stdout == "b was ready first\n"


def test_logs_with_a_selector_shows_the_last_ten_lines_of_each_pod() -> None:
    cluster = cluster_with_pods()
    assert cluster.kubectl("logs -l app=web") == "".join(f"line {i}\n" for i in range(3, 13))
    assert cluster.kubectl("logs -l app=web --tail=-1") == LINES
    out = cluster.kubectl("logs -l app=none")
    assert (out.stderr, out.exit_code) == ("No resources found in default namespace.\n", 0)
    assert cluster.kubectl("logs web-a -l app=web") == (
        "error: only a selector (-l) or a POD name is allowed\n"
        "See 'kubectl logs -h' for help and examples\n"
    )
