"""Server-side printing: ``kubectl get`` asks for a ``meta.k8s.io/v1`` ``Table``.

The columns are :data:`kube_lab.kubectl.printers.COLUMNS`, the ones ``Cluster.kubectl()``
prints, so the real kubectl and the in-process one show the same table. Priority-1 columns
(``-o wide``) carry ``priority: 1``; kubectl hides them unless asked, adds NAMESPACE for
``-A`` and LABELS for ``--show-labels`` from each row's object metadata.
"""

from __future__ import annotations

from typing import Any

from kube_lab.api.meta import Obj
from kube_lab.kubectl import pods
from kube_lab.kubectl.printers import AGE, COLUMNS, NAME, Column

TABLE_ACCEPT = "as=Table"


def wants_table(accept: str) -> bool:
    return any(
        TABLE_ACCEPT in part.replace(" ", "") and "g=meta.k8s.io" in part.replace(" ", "")
        for part in accept.split(",")
    )


def _columns(kind: str) -> tuple[Column, ...]:
    return COLUMNS.get(kind, (NAME, AGE))


def _definition(column: Column) -> dict[str, Any]:
    return {
        "name": column.header,  # kubectl upper-cases it anyway
        "type": "string",
        "format": "name" if column is NAME else "",
        "description": "",
        "priority": 1 if column.wide else 0,
    }


def _row_object(obj: Obj, include: str) -> Obj | None:
    if include == "None":
        return None
    if include == "Object":
        return obj
    return {
        "kind": "PartialObjectMetadata",
        "apiVersion": "meta.k8s.io/v1",
        "metadata": obj.get("metadata", {}),
    }


def table(
    objects: list[Obj],
    *,
    kind: str,
    now: float,
    resource_version: str,
    include_object: str = "Metadata",
) -> dict[str, Any]:
    """The ``Table`` of ``objects`` (all of one ``kind``), ages measured at ``now``."""
    columns = _columns(kind)
    summarized = {"READY": "ready", "STATUS": "status", "RESTARTS": "restarts"}
    rows = []
    for obj in objects:
        if kind == "Pod":  # one summary per pod, not one per column (a third of the time)
            summary = pods.summarize(obj, now)
            cells = [
                str(getattr(summary, summarized[c.header]))
                if c.header in summarized
                else c.cell(obj, now)
                for c in columns
            ]
        else:
            cells = [c.cell(obj, now) for c in columns]
        row: dict[str, Any] = {"cells": cells}
        row_object = _row_object(obj, include_object)
        if row_object is not None:
            row["object"] = row_object
        rows.append(row)
    return {
        "kind": "Table",
        "apiVersion": "meta.k8s.io/v1",
        "metadata": {"resourceVersion": resource_version},
        "columnDefinitions": [_definition(c) for c in columns],
        "rows": rows,
    }
