"""A report as one offline HTML file: no script, nothing fetched, every text escaped.

The page carries its own style and its figure (SVG, as a data URI), and a Content
Security Policy that lets it load nothing from anywhere and run no script, so that it
opens the same years later, anywhere, and a hostile label in a review stays text.
"""

from __future__ import annotations

import base64
import html
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

__all__ = ["write_html"]

#: nothing from the network, no script: style and the figure are in the file
POLICY = (
    "default-src 'none'; img-src data:; style-src 'unsafe-inline'; base-uri 'none'; "
    "form-action 'none'"
)

STYLE = """
body { font: 16px/1.5 Georgia, 'Times New Roman', serif; color: #1a1a1a; margin: 0; }
main { max-width: 52rem; margin: 2rem auto; padding: 0 1.25rem; }
h1 { font-size: 1.7rem; line-height: 1.25; }
h2 { font-size: 1.35rem; border-bottom: 1px solid #ccc; margin-top: 2.2rem; }
h3 { font-size: 1.08rem; margin-top: 1.5rem; }
.note { font-size: 0.9rem; color: #444; }
blockquote { margin: 0.6rem 0 1rem; padding: 0.2rem 1rem; border-left: 3px solid #999; }
blockquote p { margin: 0.3rem 0; }
blockquote .source { font-size: 0.9rem; color: #444; }
table { border-collapse: collapse; margin: 0.8rem 0 1.2rem; font-size: 0.92rem; }
caption { text-align: left; font-style: italic; padding-bottom: 0.3rem; }
th, td { border: 1px solid #bbb; padding: 0.25rem 0.5rem; vertical-align: top; text-align: left; }
td.n, th.n { text-align: right; }
figure { margin: 1rem 0; }
figure img { width: 100%; height: auto; }
@media screen and (min-width: 60rem) {
  /* a theory is wide: the figure takes the window's width, not the text's */
  figure { width: 94vw; margin-left: calc(50% - 47vw); }
}
ol.references { padding-left: 0; list-style: none; }
ol.references li { margin: 0.3rem 0 0.3rem 3rem; text-indent: -3rem; }
a { color: #0b57a4; }
@media print {
  main { max-width: none; margin: 0; }
  a { color: inherit; text-decoration: none; }
  figure { break-inside: avoid; }
}
"""

_TAGS = {"i": "i", "b": "b", "sup": "sup", "sub": "sub", "u": "u"}


def _e(text: Any) -> str:
    return html.escape(str(text), quote=True)


def _runs(runs: list[Inline], bib: Bibliography) -> str:
    out = []
    for run in runs:
        if isinstance(run, Cite):
            numbers = bib.numbers(run.studies)
            linked = ", ".join(f'<a href="#ref-{n}">{n}</a>' for n in numbers)
            out.append(f'<span class="cite">[{linked}]</span>')
            continue
        out.append(_text(run))
    return "".join(out)


def _text(run: Text) -> str:
    text = _e(run.text)
    for mark in reversed(run.marks):
        if mark == "sc":
            text = f'<span style="font-variant:small-caps">{text}</span>'
        elif mark in _TAGS:
            text = f"<{_TAGS[mark]}>{text}</{_TAGS[mark]}>"
    return text


def _cell(value: Any, bib: Bibliography) -> str:
    return _runs(value, bib) if isinstance(value, list) else _e(value)


def _block(block: Block, bib: Bibliography) -> str:
    if isinstance(block, Heading):
        anchor = f' id="{_e(block.anchor)}"' if block.anchor else ""
        return f"<h{block.level}{anchor}>{_e(block.text)}</h{block.level}>"
    if isinstance(block, Para):
        kind = ' class="note"' if block.kind == "note" else ""
        return f"<p{kind}>{_runs(block.runs, bib)}</p>"
    if isinstance(block, Quote):
        return (
            f"<blockquote><p>\u201c{_runs(block.runs, bib)}\u201d</p>"
            f'<p class="source">{_runs(block.source, bib)}</p></blockquote>'
        )
    if isinstance(block, Bullets):
        items = "".join(f"<li>{_runs(item, bib)}</li>" for item in block.items)
        return f"<ul>{items}</ul>"
    if isinstance(block, Table):
        return _table(block, bib)
    if isinstance(block, Figure):
        return _figure(block)
    if isinstance(block, References):
        return _references(bib)
    raise TypeError(f"not a block: {block!r}")  # pragma: no cover


def _table(table: Table, bib: Bibliography) -> str:
    def cls(i: int) -> str:
        return ' class="n"' if i in table.numeric else ""

    head = "".join(f"<th{cls(i)}>{_e(h)}</th>" for i, h in enumerate(table.headers))
    body = "".join(
        "<tr>" + "".join(f"<td{cls(i)}>{_cell(v, bib)}</td>" for i, v in enumerate(row)) + "</tr>"
        for row in table.rows
    )
    caption = f"<caption>{_e(table.caption)}</caption>" if table.caption else ""
    return (
        f'<table id="{_e(table.id)}">{caption}<thead><tr>{head}</tr></thead>'
        f"<tbody>{body}</tbody></table>"
    )


def _figure(figure: Figure) -> str:
    if figure.svg is None:
        return f'<p class="note">{_e(figure.missing or "No figure.")}</p>'
    data = base64.b64encode(figure.svg).decode("ascii")
    return (
        f'<figure><img src="data:image/svg+xml;base64,{data}" alt="{_e(figure.caption)}">'
        f"<figcaption>{_e(figure.caption)}</figcaption></figure>"
    )


def _references(bib: Bibliography) -> str:
    items = "".join(
        f'<li id="ref-{e.number}" data-study="{_e(e.study)}">[{e.number}] '
        f"{''.join(_text(r) for r in e.runs)}</li>"
        for e in bib.entries
    )
    return (
        f'<p class="note">Formatted in {_e(bib.title)} by citeproc-py.</p>'
        f'<ol class="references">{items}</ol>'
    )


def write_html(blocks: list[Block], bib: Bibliography, title: str) -> str:
    """The report as one HTML page."""
    body = "\n".join(_block(b, bib) for b in blocks)
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{POLICY}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="generator" content="theorygraph report">\n'
        f"<title>{_e(title)}</title>\n<style>{STYLE}</style>\n</head>\n"
        f"<body>\n<main>\n{body}\n</main>\n</body>\n</html>\n"
    )
