"""Reconciling two codings: a sheet a team works through in a meeting, and the agreed
review it gives back.

:func:`write_reconciliation` writes an .xlsx workbook with one row per pair of matched
extracts or per extract only one reviewer made (:mod:`theorygraph.agreement` matches
them): both codings side by side, and the team's decision in a drop-down. Pairs on
which the reviewers agree, and extracts from studies only one of them coded, come
with their decision filled in; every other row waits for the team.

:func:`merge_reconciliation` reads the decisions back and builds the agreed review:

- ``A`` or ``B``: that reviewer's extract; ``both``: both extracts (they were different
  evidence after all); ``neither``: no extract;
- ``edited``: the extract (A's, or B's where A made none) with the stance in
  ``agreed_stance`` and, when filled in, the rationale in ``agreed_rationale``.

The merged review is A's review (its theory, studies and the rest) with anything only
B's coding holds added, and the decided extracts in the order of the sheet; in a review
coded by two (extracts naming their coder), the extracts of no coder stay as they were,
and the decided ones name no coder (they are the team's now). A kept extract of B whose
id A's kept extracts already use gets ``-b`` after its id. Every bad cell is named by
sheet, row and column, and nothing is written until every row reads and the merged
review validates.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .agreement import Coding, Matching, load_codings
from .errors import Problem, TheoryGraphError, UsageError
from .evidence import STANCES
from .model import Extract, TheoryDocument

if TYPE_CHECKING:
    from .importers.cells import Table

__all__ = [
    "DECISIONS",
    "FORMAT",
    "Merged",
    "merge_reconciliation",
    "check_target",
    "reconciliation_workbook",
    "write_reconciliation",
]

#: the first cell of the about sheet's format row: what the workbook is
FORMAT = "theorygraph reconciliation 1"
SHEET = "reconcile"
ABOUT = "about"
#: the decisions a row may take, and what each keeps
DECISIONS = {
    "A": "keep A's extract",
    "B": "keep B's extract",
    "both": "keep both extracts (they are different evidence)",
    "neither": "keep no extract",
    "edited": "keep the extract (A's, else B's) with agreed_stance and agreed_rationale",
}
#: the column of each header, and its width
COLUMNS: tuple[tuple[str, int], ...] = (
    ("row", 7),
    ("status", 16),
    ("study", 12),
    ("cmoc", 10),
    ("link_from", 22),
    ("link_to", 22),
    ("a_stance", 11),
    ("b_stance", 11),
    ("decision", 11),
    ("agreed_stance", 14),
    ("agreed_rationale", 40),
    ("notes", 30),
    ("a_extract", 12),
    ("b_extract", 12),
    ("matched_by", 20),
    ("a_location", 16),
    ("b_location", 16),
    ("a_quote", 60),
    ("b_quote", 60),
    ("a_rationale", 40),
    ("b_rationale", 40),
    ("a_relevance", 12),
    ("b_relevance", 12),
    ("a_rigour", 10),
    ("b_rigour", 10),
    ("a_kind", 11),
    ("b_kind", 11),
)
HEADERS = [name for name, _ in COLUMNS]
#: the columns read back; the others are there to read
READ = ("row", "a_extract", "b_extract", "decision", "agreed_stance", "agreed_rationale")
#: fills of the status cell, so that the rows to discuss stand out
FILLS = {"disagree": "F8CBAD", "only A": "FFE699", "only B": "FFE699"}


# -- writing --------------------------------------------------------------------------------
def _prefilled(status: str, a: Extract | None) -> str | None:
    """The decision a row starts with: none where the team has to decide."""
    if status == "agree":
        return "A"
    if status == "not double-coded":
        return "A" if a is not None else "B"
    return None


def _cells(number: int, row: Any) -> dict[str, Any]:
    a, b = row.a, row.b
    cmoc, start, end = row.target

    def of(x: Extract | None, name: str) -> Any:
        if x is None:
            return None
        value = getattr(x, name)
        return getattr(value, "value", value)

    cells: dict[str, Any] = {
        "row": f"r-{number:03d}",
        "status": row.status,
        "study": row.study,
        "cmoc": cmoc,
        "link_from": start,
        "link_to": end,
        "decision": _prefilled(row.status, a),
        "a_extract": of(a, "id"),
        "b_extract": of(b, "id"),
        "matched_by": row.matched_by,
    }
    for side, x in (("a", a), ("b", b)):
        for name in ("stance", "location", "quote", "rationale", "relevance", "rigour", "kind"):
            cells[f"{side}_{name}"] = of(x, name)
    return cells


def _about_rows(matching: Matching) -> list[list[str | None]]:
    a, b = matching.a, matching.b
    rows: list[list[str | None]] = [
        ["format", FORMAT, "What this workbook is: theorygraph import reconciliation reads it."],
        ["a", a.name, "Reviewer A: the a_ columns."],
        ["a_source", a.source, "Where A's coding was read from (give it as --a)."],
        ["a_coder", a.coder, "A's coder, when both codings are in one review."],
        ["b", b.name, "Reviewer B: the b_ columns."],
        ["b_source", b.source, "Where B's coding was read from (give it as --b)."],
        ["b_coder", b.coder, "B's coder, when both codings are in one review."],
        ["studies", "; ".join(matching.studies), "The studies both reviewers coded."],
        [None, None, None],
        ["column", None, "What it holds"],
        [
            "status",
            None,
            "agree, disagree, only A, only B (the other reviewer made no "
            "matching extract) or not double-coded (a study only one reviewer coded).",
        ],
        [
            "decision",
            None,
            "What the team keeps: "
            + "; ".join(f"{k}: {v}" for k, v in DECISIONS.items())
            + ". Rows that agree, and rows "
            "of studies only one reviewer coded, start filled in; change them freely.",
        ],
        ["agreed_stance", None, "With decision 'edited': the agreed stance."],
        [
            "agreed_rationale",
            None,
            "With decision 'edited': the agreed rationale (empty keeps the extract's own).",
        ],
        ["notes", None, "The team's notes; not read back."],
        [
            "a_..., b_...",
            None,
            "Each reviewer's coding, to read: edits there are not read back (use 'edited').",
        ],
    ]
    return rows


def reconciliation_workbook(matching: Matching) -> Any:
    """The reconciliation sheet of ``matching`` as an openpyxl ``Workbook``."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    from .importers.columns import column_letter
    from .importers.xlsxwrite import put, unstorable

    book = Workbook()
    book.properties.creator = "theorygraph"
    book.properties.title = f"Reconciling {matching.a.name} and {matching.b.name}"
    ws = book.active
    ws.title = SHEET
    ws.append(HEADERS)
    header_fill = PatternFill("solid", fgColor="E8EEF4")
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = header_fill
    ws.freeze_panes = "B2"
    wrap = Alignment(wrap_text=True, vertical="top")
    wrapped = {i for i, (name, width) in enumerate(COLUMNS, 1) if width >= 30}
    for number, row in enumerate(matching.rows, start=1):
        cells = _cells(number, row)
        for index, name in enumerate(HEADERS, start=1):
            value = cells.get(name)
            why = unstorable(value) if isinstance(value, str) else None
            if why is not None:
                raise TheoryGraphError(f"row r-{number:03d}, {name}: {why}")
            put(ws, number + 1, index, value)
            if index in wrapped:
                ws.cell(row=number + 1, column=index).alignment = wrap
        fill = FILLS.get(row.status)
        if fill:
            ws.cell(row=number + 1, column=2).fill = PatternFill("solid", fgColor=fill)
    for index, (_, width) in enumerate(COLUMNS):
        ws.column_dimensions[column_letter(index)].width = width
    last = max(len(matching.rows) + 1, 2)
    for name, words in (("decision", list(DECISIONS)), ("agreed_stance", list(STANCES))):
        letter = column_letter(HEADERS.index(name))
        check = DataValidation(type="list", formula1='"' + ",".join(words) + '"', allow_blank=True)
        check.errorTitle = "Not in the list"
        check.error = f"{name}: one of {', '.join(words)}"
        check.showErrorMessage = True
        check.add(f"{letter}2:{letter}{last}")
        ws.add_data_validation(check)
    about = book.create_sheet(ABOUT)
    about.append(["key", "value", "about"])
    for cell in about[1]:
        cell.font = Font(bold=True)
    about.freeze_panes = "A2"
    for number, values in enumerate(_about_rows(matching), start=2):
        for index, value in enumerate(values, start=1):
            put(about, number, index, value)
    for letter, width in (("A", 18), ("B", 40), ("C", 90)):
        about.column_dimensions[letter].width = width
    return book


def write_reconciliation(matching: Matching, path: str | Path) -> Path:
    """Write the reconciliation sheet of ``matching`` to ``path`` (.xlsx), atomically."""
    from .files import write_bytes

    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise UsageError(f"{path}: a reconciliation workbook is written as .xlsx")
    out = io.BytesIO()
    reconciliation_workbook(matching).save(out)
    write_bytes(path, out.getvalue())
    return path


# -- reading back ---------------------------------------------------------------------------
def check_target(target: Path, a: str, b: str | None) -> None:
    """Refuse to write the agreed review over (or into) one of the codings it merges."""
    for side, source in (("A", a), ("B", b)):
        if source is None or "://" in source:
            continue
        here, there = target.resolve(), Path(source).resolve()
        if here == there or there in here.parents:
            raise UsageError(
                f"{target}: that is where {side}'s coding is ({source}); "
                "write the agreed review to a new folder"
            )


@dataclass
class Merged:
    """The agreed review; how many rows took each decision; how many extracts the sheet's
    rows put in it; and the extracts of B renamed (their id, their new id)."""

    document: TheoryDocument
    decisions: dict[str, int] = field(default_factory=dict)
    extracts: int = 0
    renamed: list[tuple[str, str]] = field(default_factory=list)


def _column(table: Table, name: str) -> int | None:
    return table.headers.index(name) if name in table.headers else None


def _about(tables: dict[str, Table], shown: str) -> dict[str, str | None]:
    about = tables.get(ABOUT)
    if about is None or SHEET not in tables:
        raise UsageError(
            f"{shown}: not a reconciliation workbook (it has no {SHEET!r} and {ABOUT!r} "
            "sheets); write one with theorygraph agreement A B --to workbook -o FILE.xlsx"
        )
    values = {cells[0]: (cells[1] if len(cells) > 1 else None) for _, cells in about.rows if cells}
    if values.get("format") != FORMAT:
        raise UsageError(
            f"{shown}: sheet {ABOUT!r} does not say {FORMAT!r} in its format row; "
            "write the workbook again with theorygraph agreement --to workbook"
        )
    return {k: v for k, v in values.items() if k is not None}


def _decide(
    table: Table,
    number: int,
    cells: list[str | None],
    extracts: tuple[dict[str, Extract], dict[str, Extract]],
    seen: dict[str, str],
    problems: list[Problem],
) -> tuple[str, Extract | None, Extract | None, str | None, str | None] | None:
    """One row's decision and extracts, or None (with its problems) when it is bad."""
    at = {name: _column(table, name) for name in READ}

    def cell(name: str) -> str | None:
        index = at[name]
        value = cells[index] if index is not None and index < len(cells) else None
        return value.strip() if value is not None and value.strip() else None

    def bad(name: str, message: str, allowed: str | None = None) -> None:
        problems.append(table.problem(message, number, at[name], allowed=allowed))

    before = len(problems)
    found: list[Extract | None] = []
    for side, name, pool in (("A", "a_extract", extracts[0]), ("B", "b_extract", extracts[1])):
        wanted = cell(name)
        x = pool.get(wanted) if wanted is not None else None
        if wanted is not None and x is None:
            bad(
                name,
                f"{side}'s coding has no extract {wanted!r}",
                allowed="the codings changed since the sheet was written: write it again "
                "with theorygraph agreement --to workbook",
            )
        elif wanted is not None:
            key = f"{side}:{wanted}"
            if key in seen:
                bad(name, f"extract {wanted!r} of {side} is on row {seen[key]} too")
            seen[key] = str(number)
        found.append(x)
    a, b = found
    if cell("a_extract") is None and cell("b_extract") is None:
        bad("a_extract", "the row names no extract of A or B")
    raw = cell("decision")
    words = {d.casefold(): d for d in DECISIONS}
    decision = words.get(raw.casefold()) if raw is not None else None
    allowed = "one of " + ", ".join(DECISIONS)
    if raw is None:
        bad("decision", "no decision yet", allowed=allowed)
    elif decision is None:
        bad("decision", f"{raw!r} is not a decision", allowed=allowed)
    elif decision in ("B", "both") and cell("b_extract") is None:
        bad("decision", f"{decision!r}, but B made no extract here", allowed="A, neither or edited")
    elif decision in ("A", "both") and cell("a_extract") is None:
        bad("decision", f"{decision!r}, but A made no extract here", allowed="B, neither or edited")
    stance = cell("agreed_stance")
    rationale = cell("agreed_rationale")
    if decision == "edited":
        if stance is None:
            bad("agreed_stance", "'edited' needs the agreed stance", allowed=", ".join(STANCES))
        elif stance.casefold() not in STANCES:
            bad("agreed_stance", f"{stance!r} is not a stance", allowed=", ".join(STANCES))
        else:
            stance = stance.casefold()
    elif decision is not None:
        for name, value in (("agreed_stance", stance), ("agreed_rationale", rationale)):
            if value is not None:
                bad(
                    name,
                    f"filled in, but the decision is {decision!r}",
                    allowed="choose 'edited' to use it, or clear it",
                )
    if len(problems) > before or decision is None:
        return None
    return decision, a, b, stance, rationale


def _codings_for(
    about: dict[str, str | None], a: str, b: str | None, review: str | None, neo4j: Any
) -> tuple[Coding, Coding, list[Extract]]:
    coders = (about.get("a_coder"), about.get("b_coder"))
    if coders[0] and coders[1]:
        if b is not None:
            raise UsageError(
                f"the sheet reconciles the coders {coders[0]!r} and {coders[1]!r} of one "
                "review: give it as --a, without --b"
            )
        return load_codings(a, None, coders=(coders[0], coders[1]), review=review, neo4j=neo4j)
    if b is None:
        raise UsageError(
            f"the sheet reconciles two codings ({about.get('a_source')} and "
            f"{about.get('b_source')}): give them as --a and --b"
        )
    return load_codings(a, b, review=review, neo4j=neo4j)


def merge_reconciliation(
    path: str | Path,
    a: str,
    b: str | None = None,
    *,
    review: str | None = None,
    neo4j: Any = None,
) -> Merged:
    """The agreed review from a filled-in reconciliation sheet at ``path`` and the codings
    it reconciles (``a`` and ``b``, or ``a`` alone when both are in one review).

    Raises :class:`~theorygraph.importers.result.ImportFailed` naming every bad cell, and
    every extract of the codings that no row holds, when the sheet cannot be merged.
    """
    from .importers.result import ImportFailed
    from .importers.xlsx import read_xlsx_sheets

    path = Path(path)
    shown = str(path)
    if not path.is_file():
        raise UsageError(f"{path}: no such file")
    _, tables = read_xlsx_sheets(path, shown, [SHEET, ABOUT])
    about = _about(tables, shown)
    first, second, left_out = _codings_for(about, a, b, review, neo4j)
    table = tables[SHEET]
    problems: list[Problem] = [p for p in table.problems if p.severity == "error"]
    missing = [name for name in READ if name not in table.headers]
    if missing:
        problems.append(
            table.problem(
                f"the header row has no column {', '.join(missing)}",
                allowed="write the sheet again with theorygraph agreement --to workbook",
            )
        )
        raise ImportFailed(problems, source=shown)
    pools = ({x.id: x for x in first.extracts}, {x.id: x for x in second.extracts})
    seen: dict[str, str] = {}
    decided = []
    for number, cells in table.rows:
        found = _decide(table, number, cells, pools, seen, problems)
        if found is not None:
            decided.append(found)
    for side, coding in (("A", first), ("B", second)):
        for x in coding.extracts:
            if f"{side}:{x.id}" not in seen:
                problems.append(
                    table.problem(
                        f"extract {x.id!r} of {side} ({coding.name}) is on no row",
                        allowed="it was coded after the sheet was written: write the sheet "
                        "again with theorygraph agreement --to workbook",
                    )
                )
    if problems:
        raise ImportFailed(problems, source=shown)
    data, counts, renamed = _merged(first, second, left_out, decided)
    document = _validated(data, shown)
    return Merged(document, counts, len(document.extracts) - len(left_out), renamed)


def _merged(
    first: Coding,
    second: Coding,
    left_out: Sequence[Extract],
    decided: list[tuple[str, Extract | None, Extract | None, str | None, str | None]],
) -> tuple[dict[str, Any], dict[str, int], list[tuple[str, str]]]:
    """The merged review as raw data (:func:`_validated` checks it), the rows of each
    decision, and the extracts of B renamed (old id, new id)."""
    # each kept extract, the side it comes from, and what the team changed in it
    kept: list[tuple[Extract, str, dict[str, str]]] = []
    counts: dict[str, int] = {d: 0 for d in DECISIONS}
    for decision, a, b, stance, rationale in decided:
        counts[decision] += 1
        if decision in ("A", "both") and a is not None:
            kept.append((a, "A", {}))
        if decision in ("B", "both") and b is not None:
            kept.append((b, "B", {}))
        if decision == "edited" and stance is not None:
            base, side = (a, "A") if a is not None else (b, "B")
            assert base is not None
            changes = {"stance": stance} | ({"rationale": rationale} if rationale else {})
            kept.append((base, side, changes))
    used = {x.id for x in left_out} | {x.id for x, side, _ in kept if side == "A"}
    renamed = []
    extracts = [x.model_dump(mode="json", by_alias=True, exclude_none=True) for x in left_out]
    for x, side, changes in kept:
        data = x.model_dump(mode="json", by_alias=True, exclude_none=True) | changes
        data.pop("coder", None)
        if side == "B" and first.document is not second.document and x.id in used:
            new = _free(x.id, used)
            renamed.append((x.id, new))
            data["id"] = new
        used.add(data["id"])
        extracts.append(data)
    return _base(first.document, second.document, extracts), counts, renamed


def _free(name: str, used: set[str]) -> str:
    """``name-b``, or ``name-b2``, ``name-b3``... : the first that no extract uses."""
    candidate, n = f"{name}-b", 1
    while candidate in used:
        n += 1
        candidate = f"{name}-b{n}"
    return candidate


def _base(a: TheoryDocument, b: TheoryDocument, extracts: list[Any]) -> dict[str, Any]:
    """A's review, with the items only B holds added, and ``extracts``: as raw data."""
    data = a.model_dump(mode="json", by_alias=True, exclude_defaults=True)
    if b is not a:
        for section in ("theories", "contexts", "mechanisms", "outcomes", "cmocs", "studies"):
            have = {item["id"] for item in data.get(section, [])}
            extra = [
                item.model_dump(mode="json", by_alias=True, exclude_defaults=True)
                for item in getattr(b, section)
                if item.id not in have
            ]
            if extra:
                data[section] = [*data.get(section, []), *extra]
    data["extracts"] = extracts
    return data


def _validated(data: dict[str, Any], shown: str) -> TheoryDocument:
    """The merged data as a review, or fail with every problem it has."""
    from pydantic import ValidationError

    from .importers.result import ImportFailed
    from .validate import check_document

    try:
        document = TheoryDocument.model_validate(data)
    except ValidationError as exc:
        problems: list[Problem] = [
            Problem(
                f"the merged review: {'.'.join(str(p) for p in e['loc'])}: {e['msg']}",
                file=shown,
            )
            for e in exc.errors()
        ]
        raise ImportFailed(problems, source=shown) from exc
    errors = [p for p in check_document(document) if p.severity == "error"]
    if errors:
        raise ImportFailed(errors, source=shown)
    return document
