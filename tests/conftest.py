"""Shared manifests and helpers for the tests."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from kube_lab.api import pods as podutil


def deployment(
    name: str = "web",
    *,
    replicas: int = 3,
    image: str = "nginx:1.27",
    strategy: dict[str, Any] | None = None,
    cpu: str = "100m",
    **spec: Any,
) -> dict[str, Any]:
    """A Deployment manifest as the Kubernetes docs write one."""
    manifest: dict[str, Any] = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name, "labels": {"app": name}},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": {"app": name}},
            "template": {
                "metadata": {"labels": {"app": name}},
                "spec": {
                    "containers": [
                        {
                            "name": name,
                            "image": image,
                            "resources": {"requests": {"cpu": cpu, "memory": "64Mi"}},
                        }
                    ]
                },
            },
            **spec,
        },
    }
    if strategy is not None:
        manifest["spec"]["strategy"] = strategy
    return copy.deepcopy(manifest)


def pod(name: str, *, image: str = "nginx:1.27", **spec: Any) -> dict[str, Any]:
    container: dict[str, Any] = {"name": "main", "image": image}
    container.update(spec.pop("container", {}))
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name},
        "spec": {"containers": [container], **spec},
    }


def running(cluster: Any, namespace: str = "default") -> list[dict[str, Any]]:
    return [
        p
        for p in cluster.list("pods", namespace)
        if podutil.phase(p) == "Running" and podutil.is_active(p)
    ]


@pytest.fixture
def make_deployment():
    return deployment


def service(name: str = "web", *, selector: dict[str, str] | None = None, **spec: Any) -> dict:
    """A ClusterIP Service in front of pods labelled ``app: <name>``."""
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": name},
        "spec": {
            "selector": selector if selector is not None else {"app": name},
            "ports": [{"port": 80, "targetPort": 80}],
            **spec,
        },
    }


def hpa(name: str = "web", *, target: str = "web", low: int = 2, high: int = 10, cpu: int = 50):
    """An autoscaling/v2 HorizontalPodAutoscaler on CPU utilization."""
    return {
        "apiVersion": "autoscaling/v2",
        "kind": "HorizontalPodAutoscaler",
        "metadata": {"name": name},
        "spec": {
            "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": target},
            "minReplicas": low,
            "maxReplicas": high,
            "metrics": [
                {
                    "type": "Resource",
                    "resource": {
                        "name": "cpu",
                        "target": {"type": "Utilization", "averageUtilization": cpu},
                    },
                }
            ],
        },
    }


def condition(obj: dict, cond_type: str) -> dict:
    return next(c for c in obj["status"]["conditions"] if c["type"] == cond_type)
