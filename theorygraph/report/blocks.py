"""A report as blocks: headings, paragraphs, tables, quotes, a figure and references.

The sections of a report are built once, as these blocks (:mod:`.sections`), and each
writer (HTML, Markdown, DOCX) renders the same blocks, so the three formats say the same
thing with the same numbers. Text is always plain text: a writer escapes it for its
format. A citation is a :class:`Cite` of study ids, numbered only when the reference list
is known, in the order the report first cites each study.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

__all__ = [
    "Block",
    "Bullets",
    "Cite",
    "Figure",
    "Heading",
    "Inline",
    "Para",
    "Quote",
    "References",
    "Table",
    "Text",
    "cited_order",
]


@dataclass(frozen=True)
class Text:
    """A run of text, with its formatting: 'i' italic, 'b' bold, 'sup', 'sub', 'sc' small
    capitals, 'u' underlined."""

    text: str
    marks: tuple[str, ...] = ()


@dataclass(frozen=True)
class Cite:
    """A citation of one or more studies, by id: written as their numbers, '[1, 4]'."""

    studies: tuple[str, ...]


Inline = Text | Cite
#: a table cell: text, a number, or runs (text with citations)
Cell = str | int | list[Inline]


@dataclass
class Heading:
    level: int
    text: str
    #: the anchor a link or a test finds the section by
    anchor: str = ""


@dataclass
class Para:
    runs: list[Inline]
    #: 'note' for a remark on how something was worked out (set smaller in HTML)
    kind: str = "p"


@dataclass
class Quote:
    """An illustrative extract: its words and where they come from."""

    runs: list[Inline]
    source: list[Inline]


@dataclass
class Bullets:
    items: list[list[Inline]]


@dataclass
class Table:
    #: names the table (an HTML id; tests read tables back by it)
    id: str
    headers: list[str]
    rows: list[list[Cell]]
    #: columns that hold numbers (right-aligned)
    numeric: set[int] = field(default_factory=set)
    caption: str = ""


@dataclass
class Figure:
    """The theory figure: SVG for HTML and Markdown, PNG for DOCX; ``missing`` says why
    there is none."""

    caption: str
    svg: bytes | None = None
    png: bytes | None = None
    missing: str | None = None


@dataclass
class References:
    """The reference list: filled in from the bibliography once every citation is known."""

    style: str = ""


Block = Heading | Para | Quote | Bullets | Table | Figure | References


def _inlines(block: Block) -> Iterator[Inline]:
    if isinstance(block, Para):
        yield from block.runs
    elif isinstance(block, Quote):
        yield from block.runs
        yield from block.source
    elif isinstance(block, Bullets):
        for item in block.items:
            yield from item
    elif isinstance(block, Table):
        for row in block.rows:
            for cell in row:
                if isinstance(cell, list):
                    yield from cell


def cited_order(blocks: list[Block]) -> list[str]:
    """Every study the blocks cite, in the order they first cite it.

    >>> cited_order([Para([Cite(("s2", "s1"))]), Para([Text("x"), Cite(("s1", "s3"))])])
    ['s2', 's1', 's3']
    """
    seen: dict[str, None] = {}
    for block in blocks:
        for run in _inlines(block):
            if isinstance(run, Cite):
                seen.update(dict.fromkeys(run.studies))
    return list(seen)
