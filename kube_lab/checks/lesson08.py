"""Self-checks for lesson 08 (Services and load balancing): a Service for the shop, how
traffic spreads, how fast readiness reacts, and a pod that gets no traffic.

``from kube_lab.checks.lesson08 import q1, q2, q3, q4``. :data:`SHOP` is the app q3's Service
must front; :func:`mystery_cluster` builds q4's cluster, with one pod quietly not ready.
"""

from __future__ import annotations

import copy
from typing import Any

import yaml

import kube_lab as kl
from kube_lab.checks.core import Question, Wrong, number

__all__ = ["SHOP", "mystery_cluster", "q1", "q2", "q3", "q4"]

#: q3's app: a frontend listening on port 8080 (named http), and a backend beside it.
SHOP = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: shop-frontend
spec:
  replicas: 3
  selector:
    matchLabels: {app: shop, tier: frontend}
  template:
    metadata:
      labels: {app: shop, tier: frontend}
    spec:
      containers:
      - name: frontend
        image: nginx:1.27
        ports:
        - name: http
          containerPort: 8080
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: shop-backend
spec:
  replicas: 2
  selector:
    matchLabels: {app: shop, tier: backend}
  template:
    metadata:
      labels: {app: shop, tier: backend}
    spec:
      containers:
      - name: backend
        image: nginx:1.27
        ports:
        - name: http
          containerPort: 8080
"""

_MYSTERY: dict[str, str] = {}


# -- q3: a Service ---------------------------------------------------------------------------


def _service(answer: Any) -> str:
    if isinstance(answer, str):
        try:
            answer = yaml.safe_load(answer)
        except yaml.YAMLError as error:
            raise Wrong(f"that YAML does not parse: {error}") from None
    if not isinstance(answer, dict):
        raise Wrong("answer with the Service manifest: a dict (or its YAML text)")
    if answer.get("kind") != "Service":
        raise Wrong(f"the manifest should be a Service, not {answer.get('kind')!r}")
    service = copy.deepcopy(answer)
    name = str((service.get("metadata") or {}).get("name") or "")
    cluster = kl.Cluster(nodes=3, seed=0)
    cluster.apply(SHOP)
    try:
        cluster.apply(service)
    except kl.ManifestError as error:
        raise Wrong(f"the API server refuses this Service: {error}") from None
    cluster.run(30)
    frontends = {
        p["metadata"]["name"]
        for p in cluster.list("pods")
        if p["metadata"]["labels"].get("tier") == "frontend"
    }
    selector = cluster.get("svc", name)["spec"].get("selector") or {}
    if not selector:
        raise Wrong(
            "a Service without a selector gets no endpoints from Kubernetes: give it the "
            "labels of the pods it should send traffic to"
        )
    served = set(cluster.send_traffic(name, 600))
    if not served:
        raise Wrong(
            f"the selector {selector} matches none of the shop's pods: compare it with the "
            "labels in the pod template (kubectl get pods --show-labels)"
        )
    if served - frontends:
        raise Wrong(
            f"the selector {selector} also sends traffic to the backend pods: add the label "
            "that only the frontend pods carry"
        )
    if served != frontends:
        raise Wrong("some frontend pods get no traffic: is the selector too narrow?")
    ports = cluster.get("svc", name)["spec"]["ports"]
    if not any(p["port"] == 80 for p in ports):
        raise Wrong(
            "clients should reach the shop on port 80: that is the Service's `port` (what "
            "clients call), which may differ from the pods' port"
        )
    slices = [
        s
        for s in cluster.list("endpointslices")
        if (s["metadata"].get("labels") or {}).get("kubernetes.io/service-name") == name
    ]
    target_ports = {p.get("port") for s in slices for p in s.get("ports") or []}
    if 8080 not in target_ports:
        raise Wrong(
            f"traffic would reach the pods on port {sorted(target_ports)[0]}, but they listen "
            "on 8080: set targetPort (to 8080, or to the port's name, http)"
        )
    return (
        "port 80 on the Service's cluster IP, forwarded to 8080 on exactly the three frontend "
        "pods, whatever their IPs are today."
    )


# -- q1: the spread --------------------------------------------------------------------------


def _spread(answer: Any) -> str:
    value = number(answer, "requests per pod")
    if 390 <= value <= 410:
        return (
            "1200 over the 3 ready pods: about 400 each, give or take a few dozen. The pod "
            "that is not ready gets none."
        )
    if 290 <= value <= 310:
        raise Wrong(
            "that spreads the requests over all four pods; kube-proxy only sends traffic to "
            "ready endpoints"
        )
    raise Wrong(
        "each request picks one ready endpoint uniformly at random: divide the requests by "
        "the number of ready pods"
    )


# -- q2: readiness timing --------------------------------------------------------------------


def _readiness_delay(answer: Any) -> str:
    value = number(answer, "seconds")
    if value == 15:
        return (
            "3 failures in a row, 5 s apart: up to 15 s during which some requests still reach "
            "the broken pod. A shorter period reacts faster, and probes more often."
        )
    if value == 5:
        raise Wrong(
            "one failed probe is not enough: the kubelet waits for failureThreshold failures "
            "in a row"
        )
    if value == 3:
        raise Wrong("3 is how many probes must fail; how many seconds apart do they run?")
    if value in (10, 30, 1):
        raise Wrong(
            "this probe sets its own periodSeconds (5); the defaults (10 s, threshold 3) apply "
            "only to fields it leaves out"
        )
    raise Wrong("multiply: probes every periodSeconds, failureThreshold of them must fail")


# -- q4: the pod that gets no traffic --------------------------------------------------------


def mystery_cluster() -> kl.Cluster:
    """Four web pods behind a Service; one of them quietly fails its readiness probe."""
    cluster = kl.Cluster(nodes=2, seed=8)
    cluster.apply(
        """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 4
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: nginx:1.27
        readinessProbe:
          httpGet: {path: /ready, port: 80}
          periodSeconds: 5
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: {app: web}
  ports:
  - port: 80
"""
    )
    cluster.run(30)
    names = sorted(p["metadata"]["name"] for p in cluster.list("pods"))
    _MYSTERY["web"] = names[2]
    cluster.fail_probe(names[2], "readiness")
    cluster.run(30)
    return cluster


def _odd_one_out(answer: Any) -> str:
    if "web" not in _MYSTERY:
        raise Wrong("build the cluster first: mystery = mystery_cluster()")
    if not isinstance(answer, str):
        raise Wrong('answer with the pod\'s name, a str like "web-..."')
    name = answer.strip()
    if name.startswith("pod/"):
        name = name[len("pod/") :]
    if name == _MYSTERY["web"]:
        return (
            f"{name} is Running but not ready (READY 0/1), so it is missing from the "
            "endpoints and gets no traffic. It was not restarted: readiness only steers."
        )
    if not name.startswith("web-"):
        raise Wrong("the pods of this cluster are called web-...: list them with kubectl get pods")
    raise Wrong(
        f"{name} is ready and takes its share: look at the READY column of the pods, or "
        "compare the pods with the Service's endpoints"
    )


q1 = Question(
    name="q1",
    checker=_spread,
    hint="Which pods are endpoints? Only the ready ones; each request picks one of them.",
    solution="answer = 400   # 1200 requests / 3 ready pods",
)

q2 = Question(
    name="q2",
    checker=_readiness_delay,
    hint="periodSeconds is the time between probes; failureThreshold is how many must fail.",
    solution="answer = 15   # 3 failures x 5 s",
)

q3 = Question(
    name="q3",
    checker=_service,
    hint=(
        "A Service needs a selector (the frontend pods' labels) and a port: `port` is what "
        "clients call (80), `targetPort` is where the pods listen (8080)."
    ),
    solution=(
        "answer = {\n"
        '    "apiVersion": "v1", "kind": "Service",\n'
        '    "metadata": {"name": "shop"},\n'
        '    "spec": {"selector": {"app": "shop", "tier": "frontend"},\n'
        '             "ports": [{"port": 80, "targetPort": 8080}]},\n'
        "}"
    ),
)

q4 = Question(
    name="q4",
    checker=_odd_one_out,
    hint=(
        'mystery.kubectl("get pods") shows READY per pod; mystery.kubectl("get endpoints '
        'web") and mystery.send_traffic("web", 1000) show who serves.'
    ),
    solution=(
        "traffic = mystery.send_traffic('web', 1000)\n"
        "pods = sorted(p['metadata']['name'] for p in mystery.list('pods'))\n"
        "answer = [p for p in pods if p not in traffic][0]"
    ),
)
