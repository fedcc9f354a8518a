"""The Table every history experiment returns: printing, plotting data, comparing."""

from __future__ import annotations

import math

import numpy as np
import pytest

from kube_lab.table import Table


def table() -> Table:
    return Table(
        {
            "policy": ["best-fit", "worst-fit", "best-fit"],
            "t": [1, 2, 3],
            "y": [0.5, math.nan, 2.0],
        },
        title="demo",
        units={"t": "s"},
        notes="a note",
    )


def test_prints_aligned_text_with_title_units_and_notes() -> None:
    text = str(table())
    lines = text.splitlines()
    assert lines[0] == "demo"
    assert lines[1].split() == ["policy", "t", "(s)", "y"]
    assert "-" in lines[4].split()  # NaN prints as a dash
    assert lines[-1] == "a note"


def test_renders_html_for_notebooks() -> None:
    html = table()._repr_html_()
    assert html.startswith("<table") and "<caption>demo</caption>" in html
    assert "<th>t (s)</th>" in html and html.count("<tr>") == 4


def test_columns_are_numpy_arrays_ready_to_plot() -> None:
    t = table()
    assert t["t"].dtype.kind == "i" and t["y"].dtype.kind == "f"
    lines = t.series("t", "y", by="policy")
    assert list(lines) == ["best-fit", "worst-fit"]
    np.testing.assert_array_equal(lines["best-fit"][0], [1, 3])


def test_converts_to_columns_and_rows() -> None:
    t = table()
    assert t.to_dict()["policy"] == ["best-fit", "worst-fit", "best-fit"]
    assert t.rows()[1]["t"] == 2 and t[0]["policy"] == "best-fit" and len(t) == 3


def test_filters_sorts_selects_and_groups() -> None:
    t = table()
    assert len(t.where(policy="best-fit")) == 2
    assert len(t.where(lambda r: r["t"] > 1)) == 2
    assert t.sort("t", reverse=True)["t"].tolist() == [3, 2, 1]
    assert t.select("t").columns == ["t"]
    assert set(t.group_by("policy")) == {"best-fit", "worst-fit"}


def test_equal_tables_compare_equal_even_with_nan() -> None:
    assert table() == table()
    other = table()
    other._columns["t"][0] = 9
    assert table() != other


def test_refuses_ragged_columns_and_unknown_names() -> None:
    with pytest.raises(ValueError, match="equal lengths"):
        Table({"a": [1], "b": [1, 2]})
    with pytest.raises(KeyError, match="no column 'nope'"):
        table()["nope"]
    with pytest.raises(KeyError, match="no column"):
        table().where(nope=1)
