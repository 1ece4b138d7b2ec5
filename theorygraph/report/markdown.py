"""A report as Markdown, with the theory figure as an SVG file beside it.

Every text is escaped so that it shows as written: Markdown's marks are taken literally
and '<' and '&' are written as entities, so no label turns into markup or HTML.
"""

from __future__ import annotations

import re
from typing import Any

from .blocks import (
    Block,
    Bullets,
    Cite,
    Figure,
    Heading,
    Inline,
    Para,
    Quote,
    References,
    Table,
    Text,
)
from .citations import Bibliography

__all__ = ["escape", "write_markdown"]

_SPECIAL = re.compile(r"([\\`*_\[\]|~])")
#: what would start a heading, a list or a quote at the start of a line
_LEADING = re.compile(r"^(\d+)(?=[.)])|^(?=[#+>-])")
_MARKS = {"i": "*", "b": "**"}


def escape(text: str, *, leading: bool = True) -> str:
    r"""``text`` as Markdown that shows it as written, on one line; with ``leading``, what
    would start a heading, a list or a quote at the start of a line is escaped too.

    >>> escape("<b>*x*</b> & [y](z) -> w")
    '&lt;b>\\*x\\*&lt;/b> &amp; \\[y\\](z) -> w'
    >>> escape("- not a list; 1. nor this")
    '\\- not a list; 1. nor this'
    >>> escape("1. not a list either"), escape("1.0", leading=False)
    ('1\\. not a list either', '1.0')
    """
    text = re.sub(r"\s+", " ", str(text)).replace("&", "&amp;").replace("<", "&lt;")
    text = _SPECIAL.sub(r"\\\1", text)
    if not leading:
        return text
    return _LEADING.sub(lambda m: (m[1] or "") + "\\", text, count=1)


def _text(run: Text) -> str:
    text = escape(run.text)
    if not text.strip():
        return text
    lead = text[: len(text) - len(text.lstrip())]
    tail = text[len(text.rstrip()) :]
    core = text.strip()
    for mark in run.marks:
        if mark in _MARKS:
            core = f"{_MARKS[mark]}{core}{_MARKS[mark]}"
        elif mark in ("sup", "sub"):
            core = f"<{mark}>{core}</{mark}>"
    return lead + core + tail


def _runs(runs: list[Inline], bib: Bibliography) -> str:
    out = []
    for run in runs:
        if isinstance(run, Cite):
            out.append("\\[" + ", ".join(str(n) for n in bib.numbers(run.studies)) + "\\]")
        else:
            out.append(_text(run))
    return "".join(out)


def _cell(value: Any, bib: Bibliography) -> str:
    return _runs(value, bib) if isinstance(value, list) else escape(str(value), leading=False)


def _table(table: Table, bib: Bibliography) -> str:
    lines = []
    if table.caption:
        lines += [f"*{escape(table.caption)}*", ""]
    lines.append("| " + " | ".join(escape(h) for h in table.headers) + " |")
    lines.append(
        "|"
        + "|".join("---:" if i in table.numeric else "---" for i in range(len(table.headers)))
        + "|"
    )
    lines += ["| " + " | ".join(_cell(v, bib) for v in row) + " |" for row in table.rows]
    return "\n".join(lines)


def _block(block: Block, bib: Bibliography, figure_name: str | None) -> str:
    if isinstance(block, Heading):
        return f"{'#' * block.level} {escape(block.text)}"
    if isinstance(block, Para):
        text = _runs(block.runs, bib)
        return f"*{text}*" if block.kind == "note" and "*" not in text else text
    if isinstance(block, Quote):
        return f"> \u201c{_runs(block.runs, bib)}\u201d\n>\n> {_runs(block.source, bib)}"
    if isinstance(block, Bullets):
        return "\n".join(f"- {_runs(item, bib)}" for item in block.items)
    if isinstance(block, Table):
        return _table(block, bib)
    if isinstance(block, Figure):
        if block.svg is None or figure_name is None:
            return escape(block.missing or "No figure.")
        return f"![{escape(block.caption)}]({figure_name})\n\n*{escape(block.caption)}*"
    if isinstance(block, References):
        entries = [f"{e.number}. {''.join(_text(r) for r in e.runs)}" for e in bib.entries]
        return f"*Formatted in {escape(bib.title)} by citeproc-py.*\n\n" + "\n".join(entries)
    raise TypeError(f"not a block: {block!r}")  # pragma: no cover


def write_markdown(blocks: list[Block], bib: Bibliography, figure_name: str | None) -> str:
    """The report as Markdown; ``figure_name`` is the figure's file beside it."""
    return "\n\n".join(_block(b, bib, figure_name) for b in blocks) + "\n"
