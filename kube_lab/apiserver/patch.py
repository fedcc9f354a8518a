"""The PATCH bodies kubectl sends: JSON merge, strategic merge and JSON patch.

* ``application/merge-patch+json`` (RFC 7386): maps merge, ``null`` deletes, lists replace.
* ``application/strategic-merge-patch+json``: as a merge patch, except that lists of named
  items (containers, ports, env, volumes, conditions ...) merge by their key, and the
  directives client-side ``kubectl apply`` writes are honoured: ``$patch: delete|replace``,
  ``$retainKeys``, ``$setElementOrder/<list>`` and ``$deleteFromPrimitiveList/<list>``.
* ``application/json-patch+json`` (RFC 6902): add, remove, replace, move, copy, test.
"""

from __future__ import annotations

from typing import Any

from kube_lab.api.errors import BadRequest, StatusError, UnsupportedMediaType
from kube_lab.api.meta import deep_copy

MERGE = "application/merge-patch+json"
STRATEGIC = "application/strategic-merge-patch+json"
JSON_PATCH = "application/json-patch+json"
APPLY = "application/apply-patch+yaml"

#: The merge key of each list that a strategic merge patch merges item by item, by field
#: name (Kubernetes' ``patchMergeKey`` tags). Lists not named here are replaced whole.
MERGE_KEYS: dict[str, str] = {
    "containers": "name",
    "initContainers": "name",
    "ephemeralContainers": "name",
    "env": "name",
    "volumes": "name",
    "volumeMounts": "mountPath",
    "volumeDevices": "devicePath",
    "imagePullSecrets": "name",
    "hostAliases": "ip",
    "conditions": "type",
    "ownerReferences": "uid",
    "topologySpreadConstraints": "topologyKey",
    "resourceClaims": "name",
    "taints": "key",
    "addresses": "type",
}

#: Lists of scalars that a strategic merge patch merges as sets.
MERGED_SCALARS = frozenset({"finalizers"})


class TestFailed(StatusError):
    """A JSON patch ``test`` operation that did not hold."""

    reason, code = "Invalid", 422


def apply_patch(live: dict[str, Any], patch: Any, content_type: str) -> dict[str, Any]:
    """``live`` patched (a new object; ``live`` is not changed)."""
    kind = content_type.split(";")[0].strip()
    if kind == JSON_PATCH:
        if not isinstance(patch, list):
            raise BadRequest("json: cannot unmarshal object into Go value of type jsonpatch.Patch")
        result = json_patch(deep_copy(live), patch)
    elif kind in (MERGE, STRATEGIC):
        if not isinstance(patch, dict):
            raise BadRequest("couldn't get patch body: the patch must be a JSON object")
        result = (
            merge_patch(deep_copy(live), patch)
            if kind == MERGE
            else strategic_merge(deep_copy(live), patch, "")
        )
    else:
        raise UnsupportedMediaType(
            f"the body of the request was in an unknown format - accepted media types "
            f'include: {JSON_PATCH}, {MERGE}, {STRATEGIC} (got "{kind}")'
        )
    if not isinstance(result, dict):
        raise BadRequest("the patch did not produce an object")
    return result


def merge_patch(target: Any, patch: Any) -> Any:
    if not isinstance(patch, dict):
        return deep_copy(patch)
    if not isinstance(target, dict):
        target = {}
    for key, value in patch.items():
        if value is None:
            target.pop(key, None)
        else:
            target[key] = merge_patch(target.get(key), value)
    return target


def _port_key(items: list[Any]) -> str | None:
    """Container ports merge by ``containerPort``, Service ports by ``port``."""
    sample = next((i for i in items if isinstance(i, dict)), {})
    if "containerPort" in sample:
        return "containerPort"
    if "port" in sample:
        return "port"
    return None


def _merge_key(field: str, items: list[Any]) -> str | None:
    if field == "ports":
        return _port_key(items)
    return MERGE_KEYS.get(field)


def strategic_merge(target: Any, patch: Any, field: str) -> Any:
    """``patch`` merged into ``target`` (changed in place); ``field`` names ``target``."""
    if not isinstance(patch, dict):
        return deep_copy(patch)
    if not isinstance(target, dict):
        target = {}
    directive = patch.get("$patch")
    if directive == "replace":
        return {k: deep_copy(v) for k, v in patch.items() if k != "$patch"}
    if directive == "delete":
        return None
    retain = patch.get("$retainKeys")
    for key, value in patch.items():
        if key in ("$patch", "$retainKeys") or key.startswith("$setElementOrder/"):
            continue
        if key.startswith("$deleteFromPrimitiveList/"):
            name = key.split("/", 1)[1]
            if isinstance(target.get(name), list) and isinstance(value, list):
                target[name] = [v for v in target[name] if v not in value]
            continue
        if value is None:
            target.pop(key, None)
        elif isinstance(value, list):
            target[key] = _merge_list(target.get(key), value, key)
        else:
            merged = strategic_merge(target.get(key), value, key)
            if merged is None:
                target.pop(key, None)
            else:
                target[key] = merged
    if isinstance(retain, list):
        for key in list(target):
            if key not in retain:
                del target[key]
    for key in list(patch):
        if key.startswith("$setElementOrder/"):
            name = key.split("/", 1)[1]
            _reorder(target, name, patch[key])
    return target


def _reorder(target: dict[str, Any], name: str, order: Any) -> None:
    items = target.get(name)
    if not isinstance(items, list) or not isinstance(order, list):
        return
    key = _merge_key(name, items)
    if key is None:
        return
    wanted = [o.get(key) for o in order if isinstance(o, dict)]
    rank = {value: i for i, value in enumerate(wanted)}
    items.sort(key=lambda i: rank.get(i.get(key) if isinstance(i, dict) else None, len(rank)))


def _merge_list(target: Any, patch: list[Any], field: str) -> list[Any]:
    if field in MERGED_SCALARS and isinstance(target, list):
        return list(dict.fromkeys([*target, *patch]))
    key = _merge_key(field, patch)
    if key is None or not isinstance(target, list):
        replace = [deep_copy(i) for i in patch if not _is_directive(i)]
        return replace
    if any(isinstance(i, dict) and i.get("$patch") == "replace" for i in patch):
        return [deep_copy(i) for i in patch if not _is_directive(i)]
    merged = [deep_copy(i) for i in target]
    index = {i.get(key): n for n, i in enumerate(merged) if isinstance(i, dict)}
    removed: set[Any] = set()
    for item in patch:
        if not isinstance(item, dict):
            continue
        name = item.get(key)
        if item.get("$patch") == "delete":
            removed.add(name)
            continue
        if name in index:
            merged[index[name]] = strategic_merge(merged[index[name]], item, field)
        else:
            index[name] = len(merged)
            merged.append(strategic_merge({}, item, field))
    return [i for i in merged if not (isinstance(i, dict) and i.get(key) in removed)]


def _is_directive(item: Any) -> bool:
    return isinstance(item, dict) and "$patch" in item and len(item) == 1


# -- JSON patch -----------------------------------------------------------------------------


def _pointer(path: str) -> list[str]:
    if path == "":
        return []
    if not path.startswith("/"):
        raise BadRequest(f'the JSON pointer "{path}" must start with "/"')
    return [p.replace("~1", "/").replace("~0", "~") for p in path[1:].split("/")]


def _parent(doc: Any, parts: list[str]) -> tuple[Any, str]:
    node = doc
    for part in parts[:-1]:
        node = _child(node, part)
    return node, parts[-1]


def _child(node: Any, part: str) -> Any:
    try:
        if isinstance(node, list):
            return node[int(part)]
        return node[part]
    except (KeyError, IndexError, ValueError, TypeError):
        raise BadRequest(f'the server rejected our request: path "{part}" not found') from None


def json_patch(doc: Any, operations: list[Any]) -> Any:
    for op in operations:
        if not isinstance(op, dict) or "op" not in op or "path" not in op:
            raise BadRequest("invalid JSON patch operation: needs op and path")
        parts = _pointer(str(op["path"]))
        name = op["op"]
        if name in ("add", "replace"):
            doc = _set(doc, parts, deep_copy(op.get("value")), insert=name == "add")
        elif name == "remove":
            _remove(doc, parts)
        elif name in ("move", "copy"):
            source = _pointer(str(op.get("from", "")))
            value = _get(doc, source)
            if name == "move":
                _remove(doc, source)
            doc = _set(doc, parts, deep_copy(value), insert=True)
        elif name == "test":
            if _get(doc, parts) != op.get("value"):
                raise TestFailed("testing value failed")
        else:
            raise BadRequest(f'unexpected JSON patch operation "{name}"')
    return doc


def _get(doc: Any, parts: list[str]) -> Any:
    node = doc
    for part in parts:
        node = _child(node, part)
    return node


def _set(doc: Any, parts: list[str], value: Any, *, insert: bool) -> Any:
    if not parts:
        return value
    parent, last = _parent(doc, parts)
    if isinstance(parent, list):
        if last == "-":
            parent.append(value)
            return doc
        try:
            index = int(last)
        except ValueError:
            raise BadRequest(f'invalid array index "{last}"') from None
        if insert:
            parent.insert(index, value)
        else:
            _child(parent, last)
            parent[index] = value
    elif isinstance(parent, dict):
        if not insert and last not in parent:
            raise BadRequest(f'the server rejected our request: path "{last}" not found')
        parent[last] = value
    else:
        raise BadRequest(f'cannot set "{last}" on a scalar')
    return doc


def _remove(doc: Any, parts: list[str]) -> None:
    if not parts:
        raise BadRequest("cannot remove the whole document")
    parent, last = _parent(doc, parts)
    _child(parent, last)
    if isinstance(parent, list):
        del parent[int(last)]
    else:
        del parent[last]
