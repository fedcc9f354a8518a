"""Self-checks for lesson 07 (Deployments and self-healing): back-off, fixing a crash loop,
the timing of a node failure, and healing faster with a shorter toleration.

``from kube_lab.checks.lesson07 import q1, q2, q3, q4``. Checks that take a manifest run it
on a fresh seeded cluster, the way a teacher would try it, and say what they saw.
"""

from __future__ import annotations

import copy
from typing import Any

import yaml

import kube_lab as kl
from kube_lab.api.pods import is_ready
from kube_lab.checks.core import Question, Wrong, number

__all__ = ["BROKEN_WORKER", "q1", "q2", "q3", "q4"]

UNREACHABLE = "node.kubernetes.io/unreachable"

#: The crash-looping Deployment of q2, as the lesson shows it.
BROKEN_WORKER = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: worker
spec:
  replicas: 2
  selector:
    matchLabels: {app: worker}
  template:
    metadata:
      labels: {app: worker}
    spec:
      containers:
      - name: worker
        image: busybox:1.36
        command: ["sh", "-c", "echo working; sleep 2; exit 1"]
"""


def _restarts(pod: dict[str, Any]) -> int:
    statuses = (pod.get("status") or {}).get("containerStatuses") or []
    return sum(int(s.get("restartCount", 0)) for s in statuses)


def _deployment(answer: Any) -> dict[str, Any]:
    """The learner's Deployment manifest (a dict, or YAML text), copied."""
    if isinstance(answer, str):
        try:
            answer = yaml.safe_load(answer)
        except yaml.YAMLError as error:
            raise Wrong(f"that YAML does not parse: {error}") from None
    if not isinstance(answer, dict):
        raise Wrong("answer with the manifest: a dict (or its YAML text)")
    if answer.get("kind") != "Deployment":
        raise Wrong(f"the manifest should be a Deployment, not {answer.get('kind')!r}")
    return copy.deepcopy(answer)


def _start(manifest: dict[str, Any]) -> tuple[kl.Cluster, dict[str, str]]:
    cluster = kl.Cluster(nodes=3, seed=0)
    try:
        cluster.apply(manifest)
    except kl.ManifestError as error:
        raise Wrong(f"the API server refuses this manifest: {error}") from None
    labels = (manifest.get("spec") or {}).get("selector", {}).get("matchLabels") or {}
    return cluster, dict(labels)


def _pods(cluster: kl.Cluster, labels: dict[str, str]) -> list[dict[str, Any]]:
    return [
        p
        for p in cluster.list("pods")
        if all((p["metadata"].get("labels") or {}).get(k) == v for k, v in labels.items())
        and not p["metadata"].get("deletionTimestamp")
    ]


# -- q1: the back-off ------------------------------------------------------------------------

_BACKOFF = [10, 20, 40, 80, 160, 300]


def _backoff(answer: Any) -> str:
    if not isinstance(answer, (list, tuple)) or not answer:
        raise Wrong("answer with a list of six numbers, in seconds, like [10, ...]")
    waits = [number(a, "seconds") for a in answer]
    if len(waits) != 6:
        raise Wrong(f"give six waits (restarts 2 to 7), not {len(waits)}")
    if waits == _BACKOFF:
        return "10 s, doubling each time, capped at 300 s (5 minutes)."
    if waits[0] != 10:
        raise Wrong("the first wait is the kubelet's initial back-off: look at restart 2 above")
    if waits[:5] == _BACKOFF[:5] and waits[5] > 300:
        raise Wrong("the doubling stops: the back-off is capped at five minutes")
    raise Wrong("each wait is twice the one before, until it reaches the cap")


# -- q3: node failure timing -----------------------------------------------------------------


def _failover_time(answer: Any) -> str:
    value = number(answer, "seconds after the power cut")
    if 330 <= value <= 370:
        return (
            "about 50 s of silence before NotReady, then 300 s of toleration: some 6 minutes "
            "without that replica."
        )
    if 290 <= value < 330:
        raise Wrong(
            "300 s is the pods' toleration, counted from when the node was marked unreachable; "
            "the control plane first waits for the node's heartbeats to stop for a while"
        )
    if 40 <= value <= 60:
        raise Wrong(
            "by then the node is NotReady, but its pods are only evicted once their "
            "toleration of the unreachable taint runs out"
        )
    raise Wrong(
        "add up two waits: the node monitor's grace period (heartbeats missing) and the pods' "
        "tolerationSeconds for node.kubernetes.io/unreachable"
    )


# -- q2: fix a crash loop --------------------------------------------------------------------


def _fixed_worker(answer: Any) -> str:
    manifest = _deployment(answer)
    cluster, labels = _start(manifest)
    cluster.run(120)
    pods = _pods(cluster, labels)
    if not pods:
        raise Wrong("after two minutes there is no pod of this Deployment: is replicas 0?")
    crashing = [p for p in pods if _restarts(p) > 0]
    if crashing:
        name, count = crashing[0]["metadata"]["name"], _restarts(crashing[0])
        raise Wrong(
            f"after two minutes {name} has restarted {count} times: its "
            "container still ends. A Deployment's containers should run until stopped; what "
            "does the command do after its echo? (busybox with no command ends at once, too)"
        )
    if not all(is_ready(p) for p in pods):
        raise Wrong("the pods do not crash, but not all are ready after two minutes")
    return (
        f"{len(pods)} pods running for two minutes, no restarts. The back-off was the "
        "kubelet's patience; the cause was the command."
    )


# -- q4: heal faster -------------------------------------------------------------------------


def _toleration(manifest: dict[str, Any]) -> dict[str, Any] | None:
    spec = (manifest.get("spec") or {}).get("template", {}).get("spec") or {}
    for toleration in spec.get("tolerations") or []:
        if toleration.get("key") == UNREACHABLE and toleration.get("effect") in (None, "NoExecute"):
            return dict(toleration)
    return None


def _heals_fast(answer: Any) -> str:
    manifest = _deployment(answer)
    cluster, labels = _start(manifest)
    cluster.run(30)
    pods = sorted(_pods(cluster, labels), key=lambda p: p["metadata"]["name"])
    if not pods or not all(is_ready(p) for p in pods):
        raise Wrong("the Deployment's pods are not all running after 30 s; try it in the lesson")
    wanted = len(pods)
    victim = pods[0]["spec"]["nodeName"]
    cluster.fail_node(victim)
    start = cluster.now

    def healed() -> bool:
        elsewhere = [
            p for p in _pods(cluster, labels) if p["spec"].get("nodeName") != victim and is_ready(p)
        ]
        return len(elsewhere) >= wanted

    healed_in_time = cluster.run_until(healed, timeout=120)
    if healed_in_time:
        took = cluster.now - start
        return (
            f"with {victim} down, the lost pod was replaced {took:.0f} s after the power cut "
            "(instead of about 350 s). A shorter toleration heals faster, and also evicts "
            "pods sooner on a node that only blinked."
        )
    toleration = _toleration(manifest)
    if toleration is None:
        raise Wrong(
            "with no toleration of your own, the API server adds the default: tolerate "
            f"{UNREACHABLE} for 300 s. Add a toleration for that key, effect NoExecute, with a "
            "shorter tolerationSeconds, in the pod template's spec"
        )
    seconds = toleration.get("tolerationSeconds")
    if seconds is None:
        raise Wrong(
            "a toleration without tolerationSeconds tolerates the taint for ever: the pods "
            "are never evicted"
        )
    raise Wrong(
        f"after {victim} failed, the pod was not replaced within 120 s (it tolerates the "
        f"taint for {seconds} s, and the node takes about 50 s to be declared NotReady)"
    )


q1 = Question(
    name="q1",
    checker=_backoff,
    hint=(
        "Read the waits off the table of restarts above: the first restart comes at once, "
        "then the kubelet waits longer and longer."
    ),
    solution="answer = [10, 20, 40, 80, 160, 300]   # 10 s doubling, capped at 5 minutes",
)

q2 = Question(
    name="q2",
    checker=_fixed_worker,
    hint=(
        "The container's command ends with `exit 1`. A worker should keep going: replace the "
        "end of the command with something that runs on, like `sleep 3600`."
    ),
    solution=(
        "fixed = yaml.safe_load(BROKEN_WORKER)\n"
        'fixed["spec"]["template"]["spec"]["containers"][0]["command"] = '
        '["sh", "-c", "echo working; sleep 3600"]\n'
        "q2.check(fixed)"
    ),
)

q3 = Question(
    name="q3",
    checker=_failover_time,
    hint=(
        "Two timers run one after the other: the node monitor's grace period (50 s without "
        "a heartbeat) and the pods' toleration of node.kubernetes.io/unreachable."
    ),
    solution="answer = 350   # ~50 s until NotReady + 300 s toleration (give or take 10 s)",
)

q4 = Question(
    name="q4",
    checker=_heals_fast,
    hint=(
        "Add to the pod template's spec: tolerations: [{key: node.kubernetes.io/unreachable, "
        "operator: Exists, effect: NoExecute, tolerationSeconds: 30}]."
    ),
    solution=(
        "fast = yaml.safe_load(WEB)\n"
        'fast["spec"]["template"]["spec"]["tolerations"] = [\n'
        '    {"key": "node.kubernetes.io/unreachable", "operator": "Exists",\n'
        '     "effect": "NoExecute", "tolerationSeconds": 30},\n'
        "]\n"
        "q4.check(fast)"
    ),
)
