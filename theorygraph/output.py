"""Turning results into text: aligned tables, JSON, CSV, Markdown and HTML, in one place."""

from __future__ import annotations

import csv
import html
import io
import json
from collections.abc import Sequence
from typing import Any

from .choices import OUTPUT_FORMATS

__all__ = ["FORMATS", "html_table", "render_rows", "table", "to_json"]

FORMATS = OUTPUT_FORMATS


def to_json(data: Any) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (list, tuple)):
        return ", ".join(_cell(v) for v in value)
    return str(value)


def table(
    headers: Sequence[str],
    rows: Sequence[Sequence[Any]],
    numeric: set[int] | None = None,
    max_width: int = 60,
) -> str:
    """A plain aligned table; columns listed in ``numeric`` are right-aligned.

    >>> print(table(["id", "n"], [["a", 1], ["bb", 22]], numeric={1}))
    id   n
    --  --
    a    1
    bb  22
    """
    numeric = numeric or set()
    cells = [[_clip(_cell(v).replace("\n", " "), max_width) for v in row] for row in rows]
    widths = [len(h) for h in headers]
    for row in cells:
        for i, value in enumerate(row):
            widths[i] = max(widths[i], len(value))

    def line(values: Sequence[str]) -> str:
        parts = [
            v.rjust(widths[i]) if i in numeric else v.ljust(widths[i]) for i, v in enumerate(values)
        ]
        return "  ".join(parts).rstrip()

    out = [line(list(headers)), line(["-" * w for w in widths])]
    out += [line(row) for row in cells]
    return "\n".join(out)


def _clip(text: str, width: int) -> str:
    """Long text cut to ``width`` characters for the terminal (CSV and Markdown keep it)."""
    return text if len(text) <= width else text[: width - 3].rstrip() + "..."


def render_rows(
    fmt: str,
    headers: Sequence[str],
    rows: Sequence[Sequence[Any]],
    numeric: set[int] | None = None,
) -> str:
    """Rows as ``table``, ``csv`` or ``markdown`` (JSON is built from the result objects)."""
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(headers)
        writer.writerows([[_cell(v) for v in row] for row in rows])
        return buf.getvalue().rstrip("\n")
    if fmt == "markdown":

        def esc(value: Any) -> str:
            return _cell(value).replace("|", "\\|").replace("\n", " ")

        out = ["| " + " | ".join(headers) + " |"]
        out.append(
            "|"
            + "|".join("---:" if i in (numeric or set()) else "---" for i in range(len(headers)))
            + "|"
        )
        out += ["| " + " | ".join(esc(v) for v in row) + " |" for row in rows]
        return "\n".join(out)
    return table(headers, rows, numeric)


def html_table(
    headers: Sequence[str], rows: Sequence[Sequence[Any]], numeric: set[int] | None = None
) -> str:
    """Rows as an HTML table (for notebooks), every value escaped, the cells as CSV writes
    them; columns listed in ``numeric`` are right-aligned.

    >>> print(html_table(["label", "n"], [["<b>", 1]], numeric={1}))
    <table>
    <thead><tr><th>label</th><th style="text-align:right">n</th></tr></thead>
    <tbody>
    <tr><td>&lt;b&gt;</td><td style="text-align:right">1</td></tr>
    </tbody>
    </table>
    """
    numeric = numeric or set()
    right = ' style="text-align:right"'

    def cells(tag: str, values: Sequence[Any]) -> str:
        return "".join(
            f"<{tag}{right if i in numeric else ''}>{html.escape(_cell(v), quote=True)}</{tag}>"
            for i, v in enumerate(values)
        )

    return "\n".join(
        [
            "<table>",
            f"<thead><tr>{cells('th', headers)}</tr></thead>",
            "<tbody>",
            *(f"<tr>{cells('td', row)}</tr>" for row in rows),
            "</tbody>",
            "</table>",
        ]
    )
