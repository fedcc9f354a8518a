"""``kubectl rollout``: status lines while watching, history, undo, pause/resume/restart."""

from __future__ import annotations

from test_kubectl_support import FakeCluster, deployment, replica_set

from kube_lab.api.meta import Obj


def rolled_out_twice() -> FakeCluster:
    """``web`` at revision 2 (nginx:1.27); revision 1 (nginx:1.26) scaled to zero."""
    cluster = FakeCluster()
    status = {
        "replicas": 3,
        "updatedReplicas": 3,
        "readyReplicas": 3,
        "availableReplicas": 3,
        "observedGeneration": 1,
    }
    web = cluster.add(deployment(status=status), at=0)
    cluster.add(replica_set("web-5d8f7b9c6", web, revision=1, replicas=0, image="nginx:1.26"), at=0)
    cluster.add(
        replica_set(
            "web-7c9f8d6b5",
            web,
            revision=2,
            replicas=3,
            ready=3,
            cause="kubectl set image deployment/web nginx=nginx:1.27",
        ),
        at=30,
    )
    cluster.time = 100
    return cluster


def set_status(cluster: FakeCluster, *, total: int, updated: int, available: int) -> None:
    web = cluster.store.get("Deployment", "web", "default")
    web["status"] = {
        "observedGeneration": web["metadata"]["generation"],
        "replicas": total,
        "updatedReplicas": updated,
        "readyReplicas": available,
        "availableReplicas": available,
    }
    cluster.store.update(web, status=True)


def live(cluster: FakeCluster) -> Obj:
    return cluster.store.get("Deployment", "web", "default")


def test_rollout_status_prints_each_step_it_sees_until_rolled_out() -> None:
    cluster = rolled_out_twice()
    assert (
        cluster.kubectl("set image deployment/web nginx=nginx:1.28")
        == "deployment.apps/web image updated\n"
    )
    cluster.at(101, lambda: set_status(cluster, total=4, updated=1, available=3))
    cluster.at(105, lambda: set_status(cluster, total=4, updated=3, available=3))
    cluster.at(109, lambda: set_status(cluster, total=4, updated=3, available=2))
    cluster.at(112, lambda: set_status(cluster, total=3, updated=3, available=3))
    out = cluster.kubectl("rollout status deployment/web")
    waiting = 'Waiting for deployment "web" rollout to finish:'
    assert out == (
        "Waiting for deployment spec update to be observed...\n"
        f"{waiting} 1 out of 3 new replicas have been updated...\n"
        f"{waiting} 1 old replicas are pending termination...\n"
        f"{waiting} 1 old replicas are pending termination...\n"
        'deployment "web" successfully rolled out\n'
    )
    assert cluster.now == 112  # it watched exactly until the rollout finished
    assert out.exit_code == 0


def test_rollout_status_without_watch_prints_once() -> None:
    cluster = rolled_out_twice()
    set_status(cluster, total=3, updated=3, available=2)
    assert cluster.kubectl("rollout status deploy web --watch=false") == (
        'Waiting for deployment "web" rollout to finish: 2 of 3 updated replicas are available...\n'
    )


def test_rollout_status_gives_up_at_the_timeout() -> None:
    cluster = rolled_out_twice()
    set_status(cluster, total=3, updated=3, available=2)
    out = cluster.kubectl("rollout status deploy/web --timeout=30s")
    assert out == (
        'Waiting for deployment "web" rollout to finish: 2 of 3 updated replicas are available...\n'
        "error: timed out waiting for the condition\n"
    )
    assert out.exit_code == 1
    assert cluster.now == 130


def test_rollout_history_lists_revisions_and_change_causes() -> None:
    assert rolled_out_twice().kubectl("rollout history deployment/web") == (
        "deployment.apps/web \n"
        "REVISION  CHANGE-CAUSE\n"
        "1         <none>\n"
        "2         kubectl set image deployment/web nginx=nginx:1.27\n"
        "\n"
    )


def test_rollout_history_of_one_revision_prints_its_pod_template_with_raw_tabs() -> None:
    assert rolled_out_twice().kubectl("rollout history deploy/web --revision=1") == (
        "deployment.apps/web with revision #1\n"
        "Pod Template:\n"
        "  Labels:\tapp=web\n"
        "\tpod-template-hash=5d8f7b9c6\n"
        "  Containers:\n"
        "   nginx:\n"
        "    Image:\tnginx:1.26\n"
        "    Port:\t80/TCP\n"
        "    Host Port:\t0/TCP\n"
        "    Environment:\t<none>\n"
        "    Mounts:\t<none>\n"
        "  Volumes:\t<none>\n"
        "  Node-Selectors:\t<none>\n"
        "  Tolerations:\t<none>\n"
        "\n"
    )


def test_rollout_undo_restores_the_previous_revisions_template() -> None:
    cluster = rolled_out_twice()
    assert cluster.kubectl("rollout undo deployment/web") == "deployment.apps/web rolled back\n"
    template = live(cluster)["spec"]["template"]
    assert template["spec"]["containers"][0]["image"] == "nginx:1.26"
    assert "pod-template-hash" not in template["metadata"]["labels"]


def test_rollout_undo_to_the_current_revision_is_skipped() -> None:
    assert rolled_out_twice().kubectl("rollout undo deploy/web --to-revision=2") == (
        "deployment.apps/web skipped rollback (current template already matches revision 2)\n"
    )


def test_rollout_undo_to_a_missing_revision_fails() -> None:
    out = rolled_out_twice().kubectl("rollout undo deploy/web --to-revision=7")
    assert out == "error: unable to find specified revision 7 in history\n"
    assert out.exit_code == 1


def test_rollout_pause_resume_and_their_refusals() -> None:
    cluster = rolled_out_twice()
    assert cluster.kubectl("rollout pause deployment/web") == "deployment.apps/web paused\n"
    assert live(cluster)["spec"]["paused"] is True
    assert (
        cluster.kubectl("rollout pause deployment/web")
        == 'error: deployments.apps "web" is already paused\n'
    )
    assert cluster.kubectl("rollout restart deployment/web") == (
        'error: deployments.apps "web" can\'t restart paused deployment '
        "(run rollout resume first)\n"
    )
    assert cluster.kubectl("rollout undo deployment/web") == (
        "error: you cannot rollback a paused deployment; resume it first with 'kubectl rollout "
        "resume' and try again\n"
    )
    assert cluster.kubectl("rollout resume deployment/web") == "deployment.apps/web resumed\n"
    assert (
        cluster.kubectl("rollout resume deployment/web")
        == 'error: deployments.apps "web" is not paused\n'
    )


def test_rollout_restart_stamps_the_pod_template() -> None:
    cluster = rolled_out_twice()
    assert cluster.kubectl("rollout restart deployment/web") == "deployment.apps/web restarted\n"
    annotations = live(cluster)["spec"]["template"]["metadata"]["annotations"]
    assert annotations == {"kubectl.kubernetes.io/restartedAt": "2025-01-01T00:01:40Z"}
    assert cluster.kubectl("rollout restart deployment/web") == (
        "error: failed to create patch for web: if restart has already been triggered within the "
        "past second, please wait before attempting to trigger another\n"
    )


def test_rollout_of_a_missing_deployment_is_not_found() -> None:
    assert FakeCluster().kubectl("rollout status deployment/api") == (
        'Error from server (NotFound): deployments.apps "api" not found\n'
    )


def test_rollout_needs_a_resource() -> None:
    assert FakeCluster().kubectl("rollout history") == "error: required resource not specified\n"
