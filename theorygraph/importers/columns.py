"""The extraction sheet's columns: the default layout and the header names it tolerates.

Headers match when they are equal after dropping case, spaces, underscores, hyphens and
punctuation, so ``Extract ID``, ``extract_id`` and ``EXTRACT-ID`` are one column. Each
field also accepts the names review teams commonly use (``C`` or ``Contexts`` for
``context``, ``Page`` for ``location``, ...). ``--columns quote=Excerpt`` maps any other.

>>> match_headers(["Paper", "Extract", "C", "M", "O", "Support?"], {"study": "Paper"})
... # doctest: +NORMALIZE_WHITESPACE
({'study': 0, 'quote': 1, 'context': 2, 'mechanism': 3, 'outcome': 4, 'stance': 5}, [])
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence

from ..errors import UsageError

__all__ = [
    "COLUMNS",
    "STUDY_COLUMNS",
    "column_letter",
    "header_key",
    "match_headers",
    "parse_column_map",
]

#: field -> the header names it accepts, the first being the one theorygraph writes
COLUMNS: dict[str, tuple[str, ...]] = {
    "extract_id": ("extract_id", "extract id", "id", "extract no", "extract number", "evidence id"),
    "study": (
        "study",
        "study id",
        "source",
        "paper",
        "reference",
        "citation",
        "citation key",
        "document",
        "article",
        "author year",
        "ref",
    ),
    "quote": (
        "quote",
        "quotation",
        "extract",
        "extract text",
        "text",
        "excerpt",
        "evidence",
        "data",
        "verbatim",
        "quote text",
    ),
    "location": ("location", "page", "pages", "page no", "page number", "p", "section", "loc"),
    "cmoc": ("cmoc", "cmocs", "cmo", "cmoc id", "cmoc no", "cmoc number", "configuration"),
    "context": ("context", "c", "contexts"),
    "mechanism": ("mechanism", "m", "mechanisms"),
    "outcome": ("outcome", "o", "outcomes"),
    "link": ("link", "link type", "links", "relationship", "arrow"),
    "stance": (
        "stance",
        "support",
        "supports",
        "direction",
        "evidence stance",
        "supports refutes refines",
        "supports refutes",
        "support?",
    ),
    "relevance": ("relevance", "relevant"),
    "rigour": ("rigour", "rigor", "quality", "trustworthiness"),
    "rationale": (
        "rationale",
        "reason",
        "justification",
        "comment",
        "comments",
        "note",
        "notes",
        "reviewer comment",
    ),
    "kind": ("kind", "type", "extract type", "quote or paraphrase", "quote paraphrase"),
    "title": ("title", "study title", "paper title"),
    "year": ("year", "publication year", "pub year", "py"),
    "design": ("design", "study design", "method", "methods"),
    "country": ("country", "countries"),
    "sector": ("sector", "setting"),
}

#: columns describing the study, used when no reference file is given
STUDY_COLUMNS = ("title", "year", "design", "country", "sector")


def header_key(header: object) -> str:
    """A header with case, spaces and punctuation dropped: ``'Extract ID' -> 'extractid'``."""
    return re.sub(r"[^0-9a-z]+", "", str(header).casefold())


_VARIANTS = {header_key(v): name for name, variants in COLUMNS.items() for v in variants}


def column_letter(index: int) -> str:
    """Spreadsheet letters of a 0-based column: 0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def parse_column_map(specs: Iterable[str]) -> dict[str, str]:
    """``["quote=Excerpt,study=Paper"]`` -> ``{"quote": "Excerpt", "study": "Paper"}``."""
    out: dict[str, str] = {}
    for spec in specs:
        for part in spec.split(","):
            if not part.strip():
                continue
            name, sep, header = part.partition("=")
            name = name.strip().lower().replace("-", "_")
            if not sep or not header.strip():
                raise UsageError(
                    f"--columns {part.strip()!r}: write FIELD=HEADER, "
                    "for example --columns quote=Excerpt,study=Paper"
                )
            if name not in COLUMNS:
                close = difflib.get_close_matches(name, list(COLUMNS), n=1)
                hint = f"did you mean {close[0]!r}? " if close else ""
                raise UsageError(
                    f"--columns: unknown field {name!r} ({hint}fields: {', '.join(COLUMNS)})"
                )
            out[name] = header.strip()
    return out


def match_headers(
    headers: Sequence[object], mapping: dict[str, str] | None = None
) -> tuple[dict[str, int], list[str]]:
    """Which column holds each field, and a message for each header that is unclear.

    ``mapping`` (from ``--columns``) names the header of a field explicitly; every other
    field is found by its usual names. Returns ``(field -> 0-based column, problems)``.
    """
    mapping = mapping or {}
    found: dict[str, int] = {}
    problems: list[str] = []
    keys = [header_key(h) if h is not None else "" for h in headers]
    mapped_columns: set[int] = set()
    for name, header in mapping.items():
        wanted = header_key(header)
        hits = [i for i, k in enumerate(keys) if k and k == wanted]
        if not hits:
            shown = ", ".join(repr(str(h)) for h in headers if h is not None)
            problems.append(
                f"--columns {name}={header}: no column is headed {header!r} (headers: {shown})"
            )
            continue
        found[name] = hits[0]
        mapped_columns.add(hits[0])
    for index, key in enumerate(keys):
        known = _VARIANTS.get(key)
        if known is None or known in mapping or index in mapped_columns:
            continue
        name = known
        if name in found:
            first = found[name]
            problems.append(
                f"columns {column_letter(first)} ({headers[first]}) and "
                f"{column_letter(index)} ({headers[index]}) both look like {name!r}; "
                f"pick one with --columns {name}=HEADER"
            )
            continue
        found[name] = index
    return dict(sorted(found.items(), key=lambda kv: kv[1])), problems


def unknown_headers(headers: Sequence[object], found: dict[str, int]) -> list[str]:
    """Headers of non-empty columns that map to no field (they are not imported)."""
    used = set(found.values())
    return [
        str(h) for i, h in enumerate(headers) if i not in used and h is not None and str(h).strip()
    ]


#: the columns of the extraction sheet theorygraph writes (``export --to spreadsheet``), in
#: order; an import of such a sheet reads them back
HEADERS = [
    "extract_id",
    "study",
    "quote",
    "location",
    "cmoc",
    "context",
    "mechanism",
    "outcome",
    "link",
    "stance",
    "relevance",
    "rigour",
    "rationale",
    "kind",
    "title",
    "year",
    "design",
    "country",
    "sector",
]
