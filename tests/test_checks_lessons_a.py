"""Every exercise of lessons 00, 06, 07 and 08 accepts its right answer, rejects wrong ones
with a hint at the idea, and tells a blank answer apart from a wrong one."""

from __future__ import annotations

import copy
import itertools
import re
from pathlib import Path

import pytest
import yaml

import kube_lab as kl
import kube_lab.checks
from kube_lab.checks import Question, lesson00, lesson06, lesson07, lesson08

WEB = """
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 3
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: nginx:1.27
"""

QUESTIONS = {
    f"{module.__name__.rsplit('.', 1)[-1]}.{name}": getattr(module, name)
    for module in (lesson00, lesson06, lesson07, lesson08)
    for name in module.__all__
    if isinstance(getattr(module, name), Question)
}


def right(result) -> None:
    assert result.status == "correct", str(result)


def wrong(result, *words: str) -> None:
    assert result.status == "incorrect", str(result)
    assert "hint()" in str(result)
    for word in words:
        assert word in str(result), str(result)


def web_cluster(replicas: int = 3) -> kl.Cluster:
    cluster = kl.Cluster(nodes=3, seed=0)
    cluster.apply(WEB.replace("replicas: 3", f"replicas: {replicas}"))
    cluster.run(30)
    return cluster


@pytest.mark.parametrize("name", QUESTIONS)
def test_blank_answer_is_not_attempted_and_help_is_there(name):
    question = QUESTIONS[name]
    assert question.check(...).status == "not attempted"
    assert question.hint().status == "hint" and question.hint().message
    assert question.solution().status == "solution" and question.solution().message


# -- lesson 00 -------------------------------------------------------------------------------


def test_lesson00_replicas():
    right(lesson00.q1.check(3))
    wrong(lesson00.q1.check(1), "replicas")
    wrong(lesson00.q1.check("3"), "number")


def test_lesson00_scale_to_five_looks_at_the_cluster():
    cluster = web_cluster()
    wrong(lesson00.q2.check(cluster), "3 replicas")
    cluster.kubectl("scale deployment web --replicas=5")
    wrong(lesson00.q2.check(cluster), "c.run")  # asked for, not there yet
    cluster.run(30)
    right(lesson00.q2.check(cluster))
    wrong(lesson00.q2.check(5), "cluster itself")
    wrong(lesson00.q2.check(kl.Cluster(nodes=1)), "no Deployment")


def test_lesson00_eviction_wait():
    right(lesson00.q3.check(300))
    wrong(lesson00.q3.check(50), "NotReady")
    wrong(lesson00.q3.check(355), "power cut")
    wrong(lesson00.q3.check(10), "TaintManagerEviction")


# -- lesson 06 -------------------------------------------------------------------------------

COMPONENTS = {
    "ScalingReplicaSet": "deployment-controller",
    "SuccessfulCreate": "replicaset-controller",
    "Scheduled": "default-scheduler",
    "Started": "kubelet",
}


def test_lesson06_who_wrote_which_event():
    right(lesson06.q1.check(COMPONENTS))
    right(lesson06.q1.check({**COMPONENTS, "Started": "kubelet, node-1", "Scheduled": "Scheduler"}))
    wrong(
        lesson06.q1.check({**COMPONENTS, "SuccessfulCreate": "kube-controller-manager"}),
        "many controllers",
    )
    wrong(lesson06.q1.check({**COMPONENTS, "Scheduled": "kube-apiserver"}), "only stores")
    wrong(lesson06.q1.check({**COMPONENTS, "Started": "default-scheduler"}), "Started")
    wrong(lesson06.q1.check({"Scheduled": "default-scheduler"}), "missing")
    wrong(lesson06.q1.check("kubelet"), "dict")


def test_lesson06_components_match_what_the_cluster_records():
    cluster = web_cluster()
    recorded = {e["reason"]: e["source"]["component"] for e in cluster.events()}
    assert {reason: recorded[reason] for reason in COMPONENTS} == COMPONENTS


def test_lesson06_selector():
    right(lesson06.q3.check({"app": "shop", "tier": "frontend", "track": "stable"}))
    right(
        lesson06.q3.check(
            {
                "matchLabels": {"app": "shop", "tier": "frontend"},
                "matchExpressions": [{"key": "track", "operator": "NotIn", "values": ["canary"]}],
            }
        )
    )
    wrong(lesson06.q3.check({"app": "shop", "tier": "frontend"}), "shop-frontend-canary")
    wrong(lesson06.q3.check({"tier": "frontend", "track": "stable"}), "blog-frontend-1")
    wrong(lesson06.q3.check({"app": "shop", "track": "canary"}), "misses")
    wrong(lesson06.q3.check("app=shop"), "dict")


def test_lesson06_shop_pods_are_the_ones_the_selector_check_knows():
    cluster = kl.Cluster(nodes=2, seed=0)
    cluster.apply(lesson06.shop_pods())
    cluster.run(10)
    listed = cluster.kubectl("get pods -l app=shop,tier=frontend,track=stable --no-headers")
    assert sorted(line.split()[0] for line in listed.splitlines() if line) == [
        "shop-frontend-1",
        "shop-frontend-2",
    ]


def test_lesson06_quarantine_looks_at_the_cluster():
    cluster = web_cluster()
    wrong(lesson06.q4.check(cluster), "app label")
    pod = sorted(p["metadata"]["name"] for p in cluster.list("pods"))[0]
    cluster.kubectl(f"label pod {pod} app=debug --overwrite")
    wrong(lesson06.q4.check(cluster), "let time pass")  # replacement not ready yet
    cluster.run(10)
    right(lesson06.q4.check(cluster))
    wrong(lesson06.q4.check("c"), "cluster itself")


def test_lesson06_deleting_the_pod_is_not_quarantining_it():
    cluster = web_cluster()
    pod = sorted(p["metadata"]["name"] for p in cluster.list("pods"))[0]
    cluster.kubectl(f"delete pod {pod}")
    cluster.run(40)
    wrong(lesson06.q4.check(cluster), "ReplicaSet")


def test_lesson06_reconcile_arithmetic():
    right(lesson06.q2.check(1))
    wrong(lesson06.q2.check(2), "Terminating")
    wrong(lesson06.q2.check(0), "active")
    wrong(lesson06.q2.check(3), "active")


# -- lesson 07 -------------------------------------------------------------------------------


def test_lesson07_backoff():
    right(lesson07.q1.check([10, 20, 40, 80, 160, 300]))
    right(lesson07.q1.check((10.0, 20, 40, 80, 160, 300)))
    wrong(lesson07.q1.check([10, 20, 40, 80, 160, 320]), "capped")
    wrong(lesson07.q1.check([0, 10, 20, 40, 80, 160]), "initial back-off")
    wrong(lesson07.q1.check([10, 20, 30, 40, 50, 60]), "twice")
    wrong(lesson07.q1.check([10, 20]), "six")
    wrong(lesson07.q1.check(10), "list")


def test_lesson07_backoff_matches_the_kubelet():
    """The answer is what a crash-looping container shows, give or take its start-up."""
    cluster = kl.Cluster(nodes=1, seed=0)
    cluster.apply(
        {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {"name": "crasher"},
            "spec": {
                "containers": [
                    {"name": "app", "image": "busybox:1.36", "command": ["sh", "-c", "exit 1"]}
                ]
            },
        }
    )
    starts = []
    for restart in range(1, 8):
        assert cluster.run_until(
            lambda n=restart: (
                cluster.get("pod", "crasher")["status"]["containerStatuses"][0]["restartCount"] >= n
            ),
            timeout=400,
        )
        starts.append(cluster.now)
    waits = [later - earlier for earlier, later in itertools.pairwise(starts)]
    for measured, expected in zip(waits, [10, 20, 40, 80, 160, 300], strict=True):
        assert expected <= measured <= expected + 2


def test_lesson07_failover_time():
    right(lesson07.q3.check(350))
    right(lesson07.q3.check(360))
    wrong(lesson07.q3.check(300), "heartbeats")
    wrong(lesson07.q3.check(50), "toleration")
    wrong(lesson07.q3.check(600), "add up")


def test_lesson07_fixing_the_worker_runs_it():
    broken = yaml.safe_load(lesson07.BROKEN_WORKER)
    wrong(lesson07.q2.check(broken), "restarted")
    fixed = copy.deepcopy(broken)
    container = fixed["spec"]["template"]["spec"]["containers"][0]
    container["command"] = ["sh", "-c", "echo working; sleep 3600"]
    right(lesson07.q2.check(fixed))
    no_command = copy.deepcopy(broken)
    del no_command["spec"]["template"]["spec"]["containers"][0]["command"]
    wrong(lesson07.q2.check(no_command), "busybox")
    assert "exit 1" in lesson07.BROKEN_WORKER  # the check did not change the learner's dict
    assert broken["spec"]["template"]["spec"]["containers"][0]["command"][-1].endswith("exit 1")


def test_lesson07_fixing_the_worker_takes_yaml_and_reports_refusals():
    fixed = lesson07.BROKEN_WORKER.replace("exit 1", "sleep 3600")
    right(lesson07.q2.check(fixed))
    wrong(lesson07.q2.check({"kind": "Pod"}), "Deployment")
    invalid = yaml.safe_load(fixed)
    del invalid["spec"]["template"]["spec"]["containers"][0]["image"]
    wrong(lesson07.q2.check(invalid), "refuses", "image")


def test_lesson07_healing_faster_cuts_a_node():
    web = yaml.safe_load(WEB)
    wrong(lesson07.q4.check(web), "300 s")
    fast = copy.deepcopy(web)
    fast["spec"]["template"]["spec"]["tolerations"] = [
        {
            "key": lesson07.UNREACHABLE,
            "operator": "Exists",
            "effect": "NoExecute",
            "tolerationSeconds": 30,
        }
    ]
    right(lesson07.q4.check(fast))
    slow = copy.deepcopy(fast)
    slow["spec"]["template"]["spec"]["tolerations"][0]["tolerationSeconds"] = 200
    wrong(lesson07.q4.check(slow), "200 s")
    forever = copy.deepcopy(fast)
    del forever["spec"]["template"]["spec"]["tolerations"][0]["tolerationSeconds"]
    wrong(lesson07.q4.check(forever), "for ever")


# -- lesson 08 -------------------------------------------------------------------------------

SHOP_SERVICE = {
    "apiVersion": "v1",
    "kind": "Service",
    "metadata": {"name": "shop"},
    "spec": {
        "selector": {"app": "shop", "tier": "frontend"},
        "ports": [{"port": 80, "targetPort": 8080}],
    },
}


def shop_service(**spec) -> dict:
    service = copy.deepcopy(SHOP_SERVICE)
    service["spec"].update(spec)
    return service


def test_lesson08_service_is_run_with_the_shop():
    right(lesson08.q3.check(SHOP_SERVICE))
    right(lesson08.q3.check(shop_service(ports=[{"port": 80, "targetPort": "http"}])))
    right(lesson08.q3.check(yaml.safe_dump(SHOP_SERVICE)))
    wrong(lesson08.q3.check(shop_service(ports=[{"port": 80}])), "targetPort")
    wrong(lesson08.q3.check(shop_service(selector={"app": "shop"})), "backend")
    wrong(lesson08.q3.check(shop_service(selector={"app": "shp"})), "matches none")
    wrong(lesson08.q3.check(shop_service(ports=[{"port": 8080}])), "port 80")
    wrong(lesson08.q3.check(shop_service(ports=[])), "refuses")
    no_selector = copy.deepcopy(SHOP_SERVICE)
    del no_selector["spec"]["selector"]
    wrong(lesson08.q3.check(no_selector), "selector")
    wrong(lesson08.q3.check({"kind": "Deployment"}), "Service")


def test_lesson08_spread():
    right(lesson08.q1.check(400))
    wrong(lesson08.q1.check(300), "ready endpoints")
    wrong(lesson08.q1.check(1200), "divide")


def test_lesson08_spread_matches_the_proxy():
    manifest = yaml.safe_load(WEB.replace("replicas: 3", "replicas: 4"))
    manifest["spec"]["template"]["spec"]["containers"][0]["readinessProbe"] = {
        "httpGet": {"path": "/", "port": 80},
        "periodSeconds": 5,
    }
    service = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "web"},
        "spec": {"selector": {"app": "web"}, "ports": [{"port": 80}]},
    }
    cluster = kl.Cluster(nodes=2, seed=3)
    cluster.apply([manifest, service])
    cluster.run(30)
    pods = sorted(p["metadata"]["name"] for p in cluster.list("pods"))
    cluster.fail_probe(pods[0], "readiness")
    cluster.run(20)
    traffic = cluster.send_traffic("web", 120_000)
    assert sorted(traffic) == pods[1:]
    assert all(abs(n - 40_000) < 1_000 for n in traffic.values())


def test_lesson08_readiness_delay():
    right(lesson08.q2.check(15))
    wrong(lesson08.q2.check(5), "failureThreshold")
    wrong(lesson08.q2.check(3), "seconds apart")
    wrong(lesson08.q2.check(30), "periodSeconds")
    wrong(lesson08.q2.check(7), "multiply")


def test_lesson08_odd_one_out():
    mystery = lesson08.mystery_cluster()
    traffic = mystery.send_traffic("web", 1000)
    pods = sorted(p["metadata"]["name"] for p in mystery.list("pods"))
    idle = [p for p in pods if p not in traffic]
    assert len(pods) == 4 and len(idle) == 1
    right(lesson08.q4.check(idle[0]))
    right(lesson08.q4.check(f"pod/{idle[0]}"))
    wrong(lesson08.q4.check(next(p for p in pods if p in traffic)), "ready")
    wrong(lesson08.q4.check("nginx"), "web-")
    wrong(lesson08.q4.check(3), "name")


# -- the solutions, in their lessons --------------------------------------------------------

LESSONS = Path(__file__).resolve().parent.parent / "lessons"
NOTEBOOKS = {
    "lesson00": "00-welcome.ipynb",
    "lesson06": "06-kubernetes-architecture.ipynb",
    "lesson07": "07-deployments-and-self-healing.ipynb",
    "lesson08": "08-services-and-load-balancing.ipynb",
}


@pytest.mark.parametrize("lesson", NOTEBOOKS)
def test_every_solution_is_right_where_the_lesson_asks(lesson, monkeypatch):
    """Run the lesson's code cells in order, each exercise answered by its solution."""
    nbformat = pytest.importorskip("nbformat")
    pytest.importorskip("matplotlib").use("Agg")
    path = LESSONS / NOTEBOOKS[lesson]
    if not path.exists():
        pytest.skip(f"{path.name} is not written yet")
    monkeypatch.setattr("matplotlib.pyplot.show", lambda *a, **k: None)
    namespace: dict = {}
    answered = []
    for cell in nbformat.read(path, as_version=4).cells:
        if cell.cell_type != "code":
            continue
        exercise = re.search(r"\b(q\d)\.check\(answer\)", cell.source)
        if exercise is None:
            exec(cell.source, namespace)
            continue
        setup = [line for line in cell.source.splitlines() if not line.startswith(("answer", "q"))]
        exec("\n".join(setup), namespace)
        question = namespace[exercise.group(1)]
        solution = question.solution().message.splitlines()
        if ".check(" in solution[-1]:
            exec("\n".join(solution[:-1]), namespace)
            result = eval(solution[-1], namespace)
        else:
            exec("\n".join(solution), namespace)
            result = question.check(namespace["answer"])
        assert result.correct, f"{lesson}.{question.name}: {result}"
        answered.append(question.name)
    module = getattr(kube_lab.checks, lesson)
    asked = sorted(n for n in module.__all__ if isinstance(getattr(module, n), Question))
    assert sorted(answered) == asked
