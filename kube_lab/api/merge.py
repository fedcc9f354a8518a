"""Client-side ``kubectl apply``: the three-way merge of last-applied, live and new.

``kubectl apply`` remembers what you applied last in the annotation
``kubectl.kubernetes.io/last-applied-configuration``. On the next apply it sets every
field your new manifest names, removes the fields you named last time but no longer do,
and leaves alone everything else: fields the server filled in, and fields someone else
changed (``kubectl scale`` changing ``spec.replicas`` survives an apply that does not
mention replicas). Lists are replaced whole, except lists of named items (containers,
ports, env), which merge by name as a strategic merge patch does.
"""

from __future__ import annotations

import json
from typing import Any

from kube_lab.api.meta import Obj, deep_copy

LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"


def last_applied(live: Obj) -> Obj:
    text = (live.get("metadata", {}).get("annotations") or {}).get(LAST_APPLIED)
    return json.loads(text) if text else {}


def with_last_applied(manifest: Obj) -> Obj:
    """The manifest carrying its own JSON as the last-applied annotation, as kubectl sends."""
    out = deep_copy(manifest)
    recorded = deep_copy(manifest)
    (recorded.get("metadata", {}).get("annotations") or {}).pop(LAST_APPLIED, None)
    if not (recorded.get("metadata", {}).get("annotations")):
        recorded.get("metadata", {}).pop("annotations", None)
    text = json.dumps(recorded, sort_keys=True, separators=(",", ":"))
    out.setdefault("metadata", {}).setdefault("annotations", {})[LAST_APPLIED] = text
    return out


def three_way_merge(*, live: Obj, previous: Obj, new: Obj) -> Obj:
    """The object the server should hold after applying ``new`` over ``live``."""
    merged: Obj = _merge(deep_copy(live), previous, new)
    return merged


def _merge(live: Any, previous: Any, new: Any) -> Any:
    if isinstance(new, dict) and isinstance(live, dict):
        previous = previous if isinstance(previous, dict) else {}
        for key in previous:
            if key not in new:
                live.pop(key, None)
        for key, value in new.items():
            live[key] = _merge(live.get(key), previous.get(key), value)
        return live
    if isinstance(new, list) and isinstance(live, list) and _named(new) and _named(live):
        previous_by = (
            {i["name"]: i for i in previous}
            if isinstance(previous, list) and _named(previous)
            else {}
        )
        live_by = {i["name"]: i for i in live}
        return [_merge(live_by.get(i["name"], {}), previous_by.get(i["name"], {}), i) for i in new]
    return deep_copy(new)


def _named(items: list[Any]) -> bool:
    return all(isinstance(i, dict) and "name" in i for i in items)
