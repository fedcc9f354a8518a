"""Go's ``text/tabwriter``: how kubectl lines up columns.

kubectl writes tab-separated cells and lets a tabwriter pad them: ``get`` tables with
``minwidth=6, padding=3`` and ``describe`` with ``minwidth=0, padding=2``. The alignment
rule is Go's, and it is subtler than "pad every column to its widest cell": a column is
aligned only over a *block* of consecutive lines that all have a cell in it, and the last
cell of a line is never padded. That is why ``describe node`` lines ``Non-terminated
Pods:`` up with its pod table while ``Conditions:`` starts afresh. Re-implemented from the
Go algorithm (cells are tab-terminated text; widths count characters).
"""

from __future__ import annotations


def align(text: str, *, minwidth: int, padding: int) -> str:
    """Pad the tab-separated cells of ``text`` with spaces as a Go tabwriter would."""
    lines = [line.split("\t") for line in text.split("\n")]
    out: list[str] = []
    _format(lines, out, widths=[], line0=0, line1=len(lines), minwidth=minwidth, padding=padding)
    return "\n".join(out)


def _format(
    lines: list[list[str]],
    out: list[str],
    *,
    widths: list[int],
    line0: int,
    line1: int,
    minwidth: int,
    padding: int,
) -> None:
    """Lay out ``lines[line0:line1]``, opening a column block wherever one begins."""
    column = len(widths)
    this = line0
    while this < line1:
        if column >= len(lines[this]) - 1:
            this += 1
            continue
        # a block of lines with a (tab-terminated) cell in this column starts here
        _write(lines, out, widths=widths, line0=line0, line1=this)
        line0 = this
        width = minwidth
        while this < line1 and column < len(lines[this]) - 1:
            width = max(width, len(lines[this][column]) + padding)
            this += 1
        _format(
            lines,
            out,
            widths=[*widths, width],
            line0=line0,
            line1=this,
            minwidth=minwidth,
            padding=padding,
        )
        line0 = this
    _write(lines, out, widths=widths, line0=line0, line1=line1)


def _write(
    lines: list[list[str]], out: list[str], *, widths: list[int], line0: int, line1: int
) -> None:
    for cells in lines[line0:line1]:
        padded = [
            cell.ljust(widths[j]) if j < len(widths) else cell for j, cell in enumerate(cells)
        ]
        out.append("".join(padded))
