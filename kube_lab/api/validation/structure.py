"""Structural checks: does each known field hold the JSON type Kubernetes decodes it into?

On a real cluster a manifest with ``replicas: "three"`` never reaches validation: decoding
the JSON into Go structs fails first (``cannot unmarshal string into Go value of type
int32``). kube_lab's semantic rules read plain dicts, so they rely on this module having
checked the types of every field they read. It is deliberately one table of types in one
place: a later schema validator built from Kubernetes' OpenAPI documents replaces it
wholesale (and will also reject unknown fields, which this table ignores).

``null`` is accepted everywhere, as Go's JSON decoder leaves the field at its zero value.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from kube_lab.api.errors import FieldError, invalid
from kube_lab.api.validation.values import child, index, key, shown


@dataclass(frozen=True)
class Type:
    """A JSON shape and the Go type the API server would decode it into."""

    go: str
    accepts: tuple[type, ...]
    bits: int = 0  # integer width; 0 for non-integers
    fields: Mapping[str, Type] = field(default_factory=dict)  # object members
    items: Type | None = None  # array elements
    values: Type | None = None  # map values


STRING = Type("string", (str,))
BOOL = Type("bool", (bool,))
INT32 = Type("int32", (int,), bits=32)
INT64 = Type("int64", (int,), bits=64)
# intstr.IntOrString decodes a non-string into its int32 half, so errors name int32.
INT_OR_STRING = Type("int32", (int, str), bits=32)
# A quantity is parsed later (its message quotes the quantity pattern), so any JSON goes.
QUANTITY = Type("resource.Quantity", (object,))


def array(item: Type) -> Type:
    return Type(f"[]{item.go}", (list,), items=item)


def mapping(value: Type, go: str) -> Type:
    return Type(go, (dict,), values=value)


def struct(go: str, **fields: Type) -> Type:
    return Type(go, (dict,), fields=fields)


STRINGS = array(STRING)
STRING_MAP = mapping(STRING, "map[string]string")
RESOURCE_LIST = mapping(QUANTITY, "v1.ResourceList")

OBJECT_META = struct(
    "v1.ObjectMeta",
    name=STRING,
    generateName=STRING,
    namespace=STRING,
    uid=STRING,
    resourceVersion=STRING,
    generation=INT64,
    labels=STRING_MAP,
    annotations=STRING_MAP,
    finalizers=STRINGS,
)
LABEL_SELECTOR = struct(
    "v1.LabelSelector",
    matchLabels=STRING_MAP,
    matchExpressions=array(
        struct("v1.LabelSelectorRequirement", key=STRING, operator=STRING, values=STRINGS)
    ),
)
PROBE = struct(
    "v1.Probe",
    exec=struct("v1.ExecAction", command=STRINGS),
    httpGet=struct("v1.HTTPGetAction", path=STRING, port=INT_OR_STRING, host=STRING, scheme=STRING),
    tcpSocket=struct("v1.TCPSocketAction", port=INT_OR_STRING, host=STRING),
    grpc=struct("v1.GRPCAction", port=INT32, service=STRING),
    initialDelaySeconds=INT32,
    timeoutSeconds=INT32,
    periodSeconds=INT32,
    successThreshold=INT32,
    failureThreshold=INT32,
    terminationGracePeriodSeconds=INT64,
)
CONTAINER = struct(
    "v1.Container",
    name=STRING,
    image=STRING,
    imagePullPolicy=STRING,
    command=STRINGS,
    args=STRINGS,
    workingDir=STRING,
    ports=array(
        struct(
            "v1.ContainerPort",
            name=STRING,
            containerPort=INT32,
            hostPort=INT32,
            hostIP=STRING,
            protocol=STRING,
        )
    ),
    env=array(struct("v1.EnvVar", name=STRING, value=STRING)),
    resources=struct("v1.ResourceRequirements", limits=RESOURCE_LIST, requests=RESOURCE_LIST),
    livenessProbe=PROBE,
    readinessProbe=PROBE,
    startupProbe=PROBE,
    terminationMessagePath=STRING,
    terminationMessagePolicy=STRING,
    stdin=BOOL,
    tty=BOOL,
)
TOLERATION = struct(
    "v1.Toleration",
    key=STRING,
    operator=STRING,
    value=STRING,
    effect=STRING,
    tolerationSeconds=INT64,
)
POD_SPEC = struct(
    "v1.PodSpec",
    containers=array(CONTAINER),
    restartPolicy=STRING,
    terminationGracePeriodSeconds=INT64,
    activeDeadlineSeconds=INT64,
    dnsPolicy=STRING,
    nodeSelector=STRING_MAP,
    serviceAccountName=STRING,
    nodeName=STRING,
    hostNetwork=BOOL,
    hostname=STRING,
    subdomain=STRING,
    schedulerName=STRING,
    tolerations=array(TOLERATION),
    priorityClassName=STRING,
    priority=INT32,
    preemptionPolicy=STRING,
    enableServiceLinks=BOOL,
    securityContext=struct("v1.PodSecurityContext"),
)
POD_TEMPLATE = struct("v1.PodTemplateSpec", metadata=OBJECT_META, spec=POD_SPEC)
REPLICA_SET_SPEC = struct(
    "v1.ReplicaSetSpec",
    replicas=INT32,
    minReadySeconds=INT32,
    selector=LABEL_SELECTOR,
    template=POD_TEMPLATE,
)
DEPLOYMENT_SPEC = struct(
    "v1.DeploymentSpec",
    replicas=INT32,
    selector=LABEL_SELECTOR,
    template=POD_TEMPLATE,
    strategy=struct(
        "v1.DeploymentStrategy",
        type=STRING,
        rollingUpdate=struct(
            "v1.RollingUpdateDeployment", maxUnavailable=INT_OR_STRING, maxSurge=INT_OR_STRING
        ),
    ),
    minReadySeconds=INT32,
    revisionHistoryLimit=INT32,
    paused=BOOL,
    progressDeadlineSeconds=INT32,
)
SERVICE_SPEC = struct(
    "v1.ServiceSpec",
    ports=array(
        struct(
            "v1.ServicePort",
            name=STRING,
            protocol=STRING,
            appProtocol=STRING,
            port=INT32,
            targetPort=INT_OR_STRING,
            nodePort=INT32,
        )
    ),
    selector=STRING_MAP,
    clusterIP=STRING,
    clusterIPs=STRINGS,
    type=STRING,
    externalIPs=STRINGS,
    sessionAffinity=STRING,
    externalName=STRING,
    externalTrafficPolicy=STRING,
    internalTrafficPolicy=STRING,
    ipFamilyPolicy=STRING,
    ipFamilies=STRINGS,
    allocateLoadBalancerNodePorts=BOOL,
)
NODE_SPEC = struct(
    "v1.NodeSpec",
    podCIDR=STRING,
    podCIDRs=STRINGS,
    providerID=STRING,
    unschedulable=BOOL,
    taints=array(struct("v1.Taint", key=STRING, value=STRING, effect=STRING, timeAdded=STRING)),
)
NODE_STATUS = struct("v1.NodeStatus", capacity=RESOURCE_LIST, allocatable=RESOURCE_LIST)


def _top(go: str, **fields: Type) -> Type:
    return struct(go, apiVersion=STRING, kind=STRING, metadata=OBJECT_META, **fields)


#: What kube_lab checks of each kind it simulates.
SCHEMAS: Mapping[str, Type] = {
    "Namespace": _top("v1.Namespace", spec=struct("v1.NamespaceSpec", finalizers=STRINGS)),
    "Node": _top("v1.Node", spec=NODE_SPEC, status=NODE_STATUS),
    "Pod": _top("v1.Pod", spec=POD_SPEC),
    "Service": _top("v1.Service", spec=SERVICE_SPEC),
    "Event": _top(
        "v1.Event",
        involvedObject=struct(
            "v1.ObjectReference",
            kind=STRING,
            namespace=STRING,
            name=STRING,
            uid=STRING,
            apiVersion=STRING,
            fieldPath=STRING,
        ),
        reason=STRING,
        message=STRING,
        type=STRING,
        count=INT32,
        source=struct("v1.EventSource", component=STRING, host=STRING),
    ),
    "ReplicaSet": _top("v1.ReplicaSet", spec=REPLICA_SET_SPEC),
    "Deployment": _top("v1.Deployment", spec=DEPLOYMENT_SPEC),
}

_JSON_KINDS: tuple[tuple[type, str], ...] = (
    (bool, "bool"),  # before int: a bool is an int in Python
    (str, "string"),
    (int, "number"),
    (float, "number"),
    (dict, "object"),
    (list, "array"),
)


def decoded(obj: Mapping[str, Any]) -> dict[str, Any]:
    """``obj`` as the Go structs see it once decoded: ``null`` list items and map values are
    their type's zero value, ``null`` fields are absent, map keys are strings.

    The semantic rules read this view, so they never meet a ``None`` where a value is due.
    Call it on objects that :func:`check` found well typed.
    """
    schema = SCHEMAS.get(str(obj.get("kind")))
    return _decode(dict(obj), schema) if schema else dict(obj)


def _decode(value: Any, expected: Type) -> Any:
    if isinstance(value, dict):
        fields = {str(name): item for name, item in value.items()}
        if expected.values is not None:
            return {name: _zero_or_decode(item, expected.values) for name, item in fields.items()}
        return {
            name: _decode(item, expected.fields[name]) if name in expected.fields else item
            for name, item in fields.items()
            if item is not None or name not in expected.fields
        }
    if isinstance(value, list) and expected.items is not None:
        return [_zero_or_decode(item, expected.items) for item in value]
    return value


def _zero_or_decode(value: Any, expected: Type) -> Any:
    return _zero(expected) if value is None else _decode(value, expected)


def _zero(expected: Type) -> Any:
    """The zero value Go gives a ``null`` of this type."""
    if expected is QUANTITY:
        return "0"
    if expected.accepts == (dict,):
        return {}
    if expected.accepts == (list,):
        return []
    if expected.bits:
        return 0
    return False if expected.accepts == (bool,) else ""


def check(obj: Mapping[str, Any]) -> list[FieldError]:
    """Type errors in ``obj``, one per badly typed field; ``[]`` for unknown kinds."""
    schema = SCHEMAS.get(str(obj.get("kind")))
    return check_value(obj, schema, "") if schema else []


def check_value(value: Any, expected: Type, path: str) -> list[FieldError]:
    """Type errors in ``value`` (at ``path``) against ``expected`` and everything below it."""
    if value is None:
        return []
    mismatch = _mismatch(value, expected)
    if mismatch:
        detail = f"cannot unmarshal {mismatch} into Go value of type {expected.go}"
        return [invalid(path, shown(value), detail)]
    errors: list[FieldError] = []
    if isinstance(value, dict):
        for name, member in expected.fields.items():
            errors.extend(check_value(value.get(name), member, child(path, name)))
        if expected.values is not None:
            for name, item in value.items():
                errors.extend(check_value(item, expected.values, key(path, name)))
    if isinstance(value, list) and expected.items is not None:
        for i, item in enumerate(value):
            errors.extend(check_value(item, expected.items, index(path, i)))
    return errors


def _mismatch(value: Any, expected: Type) -> str:
    """What Go's decoder would call ``value`` if it cannot decode it; ``""`` if it can."""
    kind = next((name for python, name in _JSON_KINDS if isinstance(value, python)), "value")
    if isinstance(value, bool):
        return "" if bool in expected.accepts or object in expected.accepts else kind
    if expected.bits and isinstance(value, int | float) and int in expected.accepts:
        limit = 2 ** (expected.bits - 1)
        whole = isinstance(value, int) and -limit <= value < limit
        return "" if whole else f"number {value}"
    return "" if isinstance(value, expected.accepts) else kind
