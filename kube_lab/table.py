"""A small table of results: what every history experiment returns.

The eras, Borg and Omega experiments all answer with a :class:`Table`: named columns of equal
length, a title, units and notes (where the numbers come from). It prints as aligned text
(``print(table)``), renders as HTML in a notebook (``_repr_html_``), and hands its data to a
plotting library without pandas::

    t = kube_lab.omega.sweep_decision_time(seed=0)
    for label, (x, y) in t.series("t_job_service", "busyness", by="architecture").items():
        plt.plot(x, y, label=label)

``t["busyness"]`` is a numpy array, ``t.to_dict()`` a dict of lists (``pandas.DataFrame(
t.to_dict())`` works where pandas is installed), ``t.rows()`` a list of dicts. Tables compare
equal when their columns hold the same values (NaN equals NaN), which is how the tests check
that a seed replays the same experiment.

It lives in the eras room because eras depends on nothing else; Borg and Omega import it from
here. Nothing in it is specific to one experiment.
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

import numpy as np

Value = Any
Row = dict[str, Value]


def _plain(value: Value) -> Value:
    """numpy scalars to Python scalars, so columns compare and print alike."""
    if isinstance(value, np.generic):
        return value.item()
    return value


def format_value(value: Value) -> str:
    """How a cell prints: integers as they are, floats to a readable precision."""
    value = _plain(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}" if abs(value) >= 10_000 else str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "-"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        magnitude = abs(value)
        if magnitude >= 10_000:
            return f"{value:,.0f}"
        if magnitude >= 100:
            return f"{value:.1f}"
        if magnitude >= 1 or value == 0:
            return f"{value:.2f}"
        return f"{value:.3g}"
    return str(value)


def _same(a: Value, b: Value) -> bool:
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    return bool(a == b)


class Table:
    """Named columns of equal length, with a title, units and notes.

    Build one from columns (``Table({"policy": [...], "machines": [...]})``) or from rows
    (:meth:`from_rows`). Columns keep their order. ``units`` maps a column to its unit
    (printed in the header); ``notes`` says where the numbers come from and what they
    simplify (printed under the table).
    """

    def __init__(
        self,
        columns: Mapping[str, Sequence[Value]],
        *,
        title: str = "",
        units: Mapping[str, str] | None = None,
        notes: str = "",
    ) -> None:
        lengths = {len(values) for values in columns.values()}
        if len(lengths) > 1:
            raise ValueError(f"columns must have equal lengths, got {sorted(lengths)}")
        self._columns: dict[str, list[Value]] = {
            name: [_plain(v) for v in values] for name, values in columns.items()
        }
        self.title = title
        self.units: dict[str, str] = dict(units or {})
        self.notes = notes

    @classmethod
    def from_rows(
        cls,
        rows: Sequence[Mapping[str, Value]],
        *,
        columns: Sequence[str] | None = None,
        title: str = "",
        units: Mapping[str, str] | None = None,
        notes: str = "",
    ) -> Table:
        """A table from a list of dicts; ``columns`` fixes the order (default: first seen)."""
        names: list[str] = list(columns) if columns is not None else []
        if columns is None:
            for row in rows:
                names.extend(k for k in row if k not in names)
        data = {name: [row.get(name) for row in rows] for name in names}
        return cls(data, title=title, units=units, notes=notes)

    # -- reading ---------------------------------------------------------------------------

    @property
    def columns(self) -> list[str]:
        return list(self._columns)

    def __len__(self) -> int:
        return len(next(iter(self._columns.values()), []))

    def __getitem__(self, key: str | int) -> Any:
        """``t["col"]``: the column as a numpy array; ``t[i]``: row ``i`` as a dict."""
        if isinstance(key, int):
            return self.rows()[key]
        if key not in self._columns:
            raise KeyError(f"no column {key!r}; columns are: {', '.join(self._columns)}")
        values = self._columns[key]
        if values and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
            return np.asarray(
                values, dtype=float if any(isinstance(v, float) for v in values) else int
            )
        return np.asarray(values, dtype=object)

    def column(self, name: str) -> list[Value]:
        """The column as a plain list (no numpy conversion)."""
        if name not in self._columns:
            raise KeyError(f"no column {name!r}; columns are: {', '.join(self._columns)}")
        return list(self._columns[name])

    def rows(self) -> list[Row]:
        names = self.columns
        columns = self._columns.values()
        return [dict(zip(names, values, strict=True)) for values in zip(*columns, strict=True)]

    def __iter__(self) -> Iterator[Row]:
        return iter(self.rows())

    def to_dict(self) -> dict[str, list[Value]]:
        """Columns as lists: ready for ``pandas.DataFrame(...)`` or a CSV writer."""
        return {name: list(values) for name, values in self._columns.items()}

    def to_pandas(self) -> Any:
        """A ``pandas.DataFrame`` (pandas is not a kube-lab dependency: install it first)."""
        try:
            import pandas  # type: ignore[import-not-found, import-untyped, unused-ignore]
        except ImportError as error:  # pragma: no cover - depends on the environment
            raise ImportError("to_pandas() needs pandas: pip install pandas") from error
        return pandas.DataFrame(self.to_dict())

    # -- deriving --------------------------------------------------------------------------

    def _derive(self, rows: Sequence[Row], title: str | None = None) -> Table:
        return Table.from_rows(
            rows,
            columns=self.columns,
            title=self.title if title is None else title,
            units=self.units,
            notes=self.notes,
        )

    def where(self, predicate: Callable[[Row], bool] | None = None, **equals: Value) -> Table:
        """Rows that match: ``t.where(architecture="two-level")`` or ``t.where(lambda r: ...)``."""
        for name in equals:
            if name not in self._columns:
                raise KeyError(f"no column {name!r}; columns are: {', '.join(self._columns)}")
        kept = [
            row
            for row in self.rows()
            if all(_same(row[k], v) for k, v in equals.items())
            and (predicate is None or predicate(row))
        ]
        return self._derive(kept)

    def select(self, *names: str) -> Table:
        """Only the named columns, in that order."""
        for name in names:
            self[name]
        return Table(
            {n: self._columns[n] for n in names},
            title=self.title,
            units={n: u for n, u in self.units.items() if n in names},
            notes=self.notes,
        )

    def sort(self, *by: str, reverse: bool = False) -> Table:
        """Rows sorted by the named columns (stable)."""
        return self._derive(
            sorted(self.rows(), key=lambda r: tuple(r[n] for n in by), reverse=reverse)
        )

    def group_by(self, name: str) -> dict[Value, Table]:
        """One table per distinct value of a column, in order of first appearance."""
        groups: dict[Value, list[Row]] = {}
        for row in self.rows():
            groups.setdefault(row[name], []).append(row)
        return {key: self._derive(rows) for key, rows in groups.items()}

    def series(self, x: str, y: str, *, by: str | None = None) -> dict[Value, tuple[Any, Any]]:
        """``{label: (x array, y array)}``, one line per value of ``by``, ready to plot."""
        groups = self.group_by(by) if by is not None else {y: self}
        return {label: (t[x], t[y]) for label, t in groups.items()}

    # -- comparing and printing ------------------------------------------------------------

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Table):
            return NotImplemented
        if self.columns != other.columns or len(self) != len(other):
            return False
        return all(
            _same(a, b)
            for name in self._columns
            for a, b in zip(self._columns[name], other._columns[name], strict=True)
        )

    __hash__ = None  # type: ignore[assignment]

    def _header(self) -> list[str]:
        return [f"{n} ({self.units[n]})" if n in self.units else n for n in self.columns]

    def __str__(self) -> str:
        header = self._header()
        cells = [[format_value(v) for v in row.values()] for row in self.rows()]
        widths = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(header)]
        numeric = [
            all(isinstance(v, (int, float)) for v in values if v is not None)
            for values in self._columns.values()
        ]

        def line(values: Sequence[str]) -> str:
            parts = [
                v.rjust(w) if num else v.ljust(w)
                for v, w, num in zip(values, widths, numeric, strict=True)
            ]
            return "  ".join(parts).rstrip()

        out = [self.title] if self.title else []
        out.append(line(header))
        out.append("  ".join("-" * w for w in widths))
        out.extend(line(r) for r in cells)
        if self.notes:
            out.append("")
            out.append(self.notes)
        return "\n".join(out)

    def __repr__(self) -> str:
        return str(self)

    def _repr_html_(self) -> str:
        esc = html.escape
        parts = ['<table class="kube-lab-table">']
        if self.title:
            parts.append(f"<caption>{esc(self.title)}</caption>")
        parts.append("<thead><tr>" + "".join(f"<th>{esc(h)}</th>" for h in self._header()))
        parts.append("</tr></thead><tbody>")
        for row in self.rows():
            tds = []
            for value in row.values():
                align = ' style="text-align:right"' if isinstance(value, (int, float)) else ""
                tds.append(f"<td{align}>{esc(format_value(value))}</td>")
            parts.append("<tr>" + "".join(tds) + "</tr>")
        parts.append("</tbody></table>")
        if self.notes:
            parts.append(f'<p style="font-size:smaller">{esc(self.notes)}</p>')
        return "".join(parts)
