"""Reading the whole review back from its workbook (``theorygraph import workbook``).

Every sheet of :data:`~theorygraph.importers.workbook.SHEETS` is read with the extraction
sheet's reader (:func:`~theorygraph.importers.xlsx.read_xlsx_sheets`), each cell with the
reader of its column (:func:`~theorygraph.importers.workbook.read_cell`), and the items are
then checked exactly as theory files are (:func:`~theorygraph.validate.check_items`): each
against its model, then the rules between them. Every problem names its cell (``extracts
row 7, column F (stance)``), because each item remembers the row it came from and the
column of each of its fields (:class:`CellOrigin`). Nothing is returned when any cell is
bad: :class:`~theorygraph.importers.result.ImportFailed` lists every problem at once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import Problem, UsageError
from ..model import ATTRIBUTE_PATTERN, ATTRIBUTE_RULE
from ..origin import Origin
from ..validate import Loaded, check_items
from ..words import suggest
from .cells import Table
from .columns import column_letter, header_key
from .result import ImportFailed, ImportResult
from .values import BadValue
from .workbook import (
    ABOUT,
    ATTRIBUTE_PREFIX,
    SHEETS,
    Column,
    Sheet,
    attribute_column,
    read_cell,
)
from .workbook_about import required
from .xlsx import read_xlsx_sheets

__all__ = ["CellOrigin", "read_workbook"]

_ATTRIBUTE = re.compile(re.escape(ATTRIBUTE_PREFIX), re.IGNORECASE)
_NAME = re.compile(ATTRIBUTE_PATTERN)
_ORDER = {sheet.name: index for index, sheet in enumerate(SHEETS)}
#: the sheets that belong to a CMOC's rows, and the CMOC field each fills
_PARTS = {"qualifiers": "qualifiers", "hand-offs": "hand_offs"}


@dataclass
class CellOrigin(Origin):
    """An item read from a row of a sheet: a problem with one of its fields names the
    field's cell; ``parts`` are the rows of its qualifiers and hand-offs, by position."""

    table: Table | None = None
    row: int = 0
    columns: dict[str, int] = field(default_factory=dict)
    parts: dict[tuple[str | int, ...], CellOrigin] = field(default_factory=dict)

    def problem(
        self,
        message: str,
        sub: tuple[str | int, ...] = (),
        *,
        allowed: str | None = None,
        severity: str = "error",
        code: str = "invalid",
    ) -> Problem:
        part = self.parts.get(sub[:2])
        if part is not None:
            return part.problem(message, sub[2:], allowed=allowed, severity=severity, code=code)
        assert self.table is not None
        return self.table.problem(
            message,
            self.row,
            self._column(sub),
            allowed=allowed,
            severity=severity,
            code=code,
        )

    def _column(self, sub: tuple[str | int, ...]) -> int | None:
        # ("link", "from") is the column of link.from; ("contexts", 2) that of contexts
        names = [str(step) for step in sub if isinstance(step, str)]
        for end in range(len(names), 0, -1):
            found = self.columns.get(".".join(names[:end]))
            if found is not None:
                return found
        # a field written over several columns (a link): the first of them
        parts = [i for key, i in self.columns.items() if names and key.startswith(names[0] + ".")]
        return min(parts) if parts else None

    def place(self) -> str:
        assert self.table is not None
        return self.table.where(self.row)


def load_workbook(path: str | Path) -> Loaded:
    """A review's workbook read as a theory source: its document, or every problem."""
    try:
        result = read_workbook(path)
    except ImportFailed as exc:
        return Loaded(None, list(exc.problems), [str(path)])
    return Loaded(result.document, list(result.problems), [str(path)])


def read_workbook(path: str | Path, *, display: str = "") -> ImportResult:
    """Read a review from a workbook written by
    :func:`~theorygraph.importers.workbook_write.write_workbook` (and perhaps edited since).

    Raises :class:`~theorygraph.importers.result.ImportFailed` listing every problem when
    any cell is bad, a sheet or a required column is missing, or the items do not make a
    valid review; warns about sheets and columns it does not read.
    """
    path = Path(path)
    shown = display or str(path)
    if not path.is_file():
        raise UsageError(f"{shown}: no such file")
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        raise UsageError(
            f"{shown}: a review's workbook is an .xlsx file (theorygraph export --to workbook "
            "writes one); for an extraction sheet use theorygraph import spreadsheet"
        )
    wanted = [sheet.name for sheet in SHEETS]
    found, tables = read_xlsx_sheets(path, shown, wanted)
    missing = [name for name in wanted if name not in tables]
    if missing:
        raise ImportFailed(
            [
                Problem(
                    f"the workbook has no sheet {name!r}",
                    file=shown,
                    allowed=f"a review's workbook has the sheets {', '.join(wanted)}; "
                    f"this one has {', '.join(found) or 'none'}",
                    code="sheets",
                )
                for name in missing
            ],
            source=shown,
        )
    reading = _Reading(shown, tables)
    others = [name for name in found if name not in tables and name != ABOUT]
    if others:
        reading.problems.append(
            Problem(
                f"sheets not imported: {', '.join(others)}",
                file=shown,
                allowed="a review's workbook reads only its own sheets: " + ", ".join(wanted),
                severity="warning",
                code="sheets",
            )
        )
    return reading.run()


@dataclass
class _Row:
    """One row's values by column key, and whether a cell of it was bad."""

    number: int
    values: dict[str, Any]
    bad: bool


class _Reading:
    def __init__(self, shown: str, tables: dict[str, Table]) -> None:
        self.shown = shown
        self.tables = tables
        self.problems: list[Problem] = []
        self.layouts: dict[str, dict[str, int]] = {}
        self.columns: dict[str, dict[str, Column]] = {}

    def run(self) -> ImportResult:
        for sheet in SHEETS:
            table = self.tables[sheet.name]
            self.problems += table.problems
            self._header(sheet, table)
        self._stop_on_errors()
        rows = {sheet.name: self._rows(sheet) for sheet in SHEETS}
        review = self._review(rows["review"])
        items: dict[str, list[tuple[Any, Origin]]] = {}
        failed: list[tuple[str, Any]] = []
        parts = self._parts(rows)
        for sheet in SHEETS:
            if sheet.name in ("review", *_PARTS):
                continue
            pairs = items.setdefault(sheet.name, [])
            for row in rows[sheet.name]:
                raw = self._raw(row)
                origin = self._origin(sheet.name, row, (sheet.name, len(pairs)))
                bad = row.bad
                if sheet.name == "cmocs":
                    bad |= self._attach(raw, origin, parts.get(raw.get("id"), {}))
                if bad:
                    failed.append((sheet.name, raw))
                else:
                    pairs.append((raw, origin))
        checked: list[Problem] = []
        document = check_items(review, items, checked, failed=failed)
        self.problems += [
            p for p in checked if p.severity == "error" or p.code == "hidden-character"
        ]
        self._stop_on_errors()
        assert document is not None  # no errors, and the review row was read
        return ImportResult(
            document=document,
            incoming=document,
            problems=self.problems,
            rows=sum(len(t.rows) for t in self.tables.values()),
        )

    def _stop_on_errors(self) -> None:
        errors = [p for p in self.problems if p.severity == "error"]
        if errors:
            warnings = [p for p in self.problems if p.severity != "error"]
            raise ImportFailed(sorted(errors, key=_position) + warnings, source=self.shown)

    # -- the header row ------------------------------------------------------------------------
    def _header(self, sheet: Sheet, table: Table) -> None:
        known = {header_key(c.name): c for c in sheet.columns if c.kind != "attribute"}
        takes_attributes = any(c.kind == "attribute" for c in sheet.columns)
        layout: dict[str, int] = {}
        columns: dict[str, Column] = {}
        unknown: list[str] = []
        for index, header in enumerate(table.headers):
            if header is None:
                continue
            col = known.get(header_key(header))
            if col is None and takes_attributes and _ATTRIBUTE.match(header):
                name = header[len(ATTRIBUTE_PREFIX) :].strip()
                if not _NAME.match(name):
                    self.problems.append(
                        table.problem(
                            f"{header!r} does not name an attribute",
                            table.header_row,
                            index,
                            allowed=f"head the column {ATTRIBUTE_PREFIX}NAME; {ATTRIBUTE_RULE}",
                            code="columns",
                        )
                    )
                    continue
                col = attribute_column(name)
            if col is None:
                unknown.append(header)
                continue
            if col.key in layout:
                first = layout[col.key]
                self.problems.append(
                    table.problem(
                        f"columns {column_letter(first)} and {column_letter(index)} are both "
                        f"headed {col.name!r}",
                        table.header_row,
                        index,
                        allowed="keep one of them",
                        code="columns",
                    )
                )
                continue
            layout[col.key] = index
            columns[col.key] = col
        names = ", ".join(c.name for c in sheet.columns)
        if table.headers:
            for col in sheet.columns:
                if col.key not in layout and col.kind != "attribute" and required(sheet, col):
                    self.problems.append(
                        table.problem(
                            f"no column {col.name!r} in the header row (row {table.header_row})",
                            allowed=f"the {sheet.name} sheet's columns: {names}",
                            code="columns",
                        )
                    )
        if unknown:
            hint = f"; a study's own attribute is headed {ATTRIBUTE_PREFIX}NAME"
            self.problems.append(
                table.problem(
                    f"columns not imported: {', '.join(unknown)}",
                    allowed=f"the {sheet.name} sheet's columns: {names}"
                    + (hint if takes_attributes else ""),
                    severity="warning",
                    code="columns",
                )
            )
        self.layouts[sheet.name] = layout
        self.columns[sheet.name] = columns

    # -- rows ------------------------------------------------------------------------------------
    def _rows(self, sheet: Sheet) -> list[_Row]:
        table = self.tables[sheet.name]
        layout, columns = self.layouts[sheet.name], self.columns[sheet.name]
        rows = []
        for number, cells in table.rows:
            values: dict[str, Any] = {}
            bad = False
            for key, index in layout.items():
                text = cells[index] if index < len(cells) else None
                if text is None:
                    continue
                try:
                    values[key] = read_cell(columns[key], text)
                except BadValue as exc:
                    self.problems.append(
                        table.problem(exc.message, number, index, allowed=exc.allowed)
                    )
                    bad = True
            bad |= self._link(table, number, values)
            rows.append(_Row(number, values, bad))
        return rows

    def _link(self, table: Table, number: int, values: dict[str, Any]) -> bool:
        """A link has both ends or none; True when it has one."""
        ends = [values.get("link.from"), values.get("link.to")]
        if (ends[0] is None) == (ends[1] is None):
            return False
        empty = "link.from" if ends[0] is None else "link.to"
        layout = self.layouts[table.sheet or ""]
        self.problems.append(
            table.problem(
                "a link needs both its ends",
                number,
                layout.get(empty),
                allowed="link_from a context or mechanism of the CMOC and link_to a mechanism "
                "or outcome of it; both empty for the whole CMOC",
                code="missing",
            )
        )
        return True

    def _raw(self, row: _Row) -> dict[str, Any]:
        """The row as the data of a model (what a theory file holds)."""
        raw: dict[str, Any] = {}
        for key, value in row.values.items():
            name, _, part = key.partition(".")
            if name == "link":
                raw.setdefault("link", {})[part] = value
            elif name == "attributes":
                raw.setdefault("attributes", {})[part] = value
            elif key != "cmoc-of":
                raw[key] = value
        return raw

    def _origin(self, sheet: str, row: _Row, loc: tuple[str | int, ...]) -> CellOrigin:
        return CellOrigin(None, loc, self.tables[sheet], row.number, self.layouts[sheet])

    def _review(self, rows: list[_Row]) -> tuple[Any, Origin] | None:
        table = self.tables["review"]
        if not rows:
            self.problems.append(
                table.problem(
                    "no review: the sheet has no row under its header",
                    allowed="one row: the review's id, title and the rest",
                    code="missing",
                )
            )
            return None
        for extra in rows[1:]:
            self.problems.append(
                table.problem(
                    "a workbook holds one review",
                    extra.number,
                    allowed=f"keep the review in row {rows[0].number} and remove this row",
                    code="duplicate",
                )
            )
        first = rows[0]
        if first.bad:
            return None
        return self._raw(first), self._origin("review", first, ("review",))

    # -- qualifiers and hand-offs: rows of their own, each belonging to a CMOC -------------------
    def _parts(self, rows: dict[str, list[_Row]]) -> dict[Any, dict[str, list[tuple[_Row, Any]]]]:
        """The rows of the qualifiers and hand-offs sheets, by the CMOC they belong to."""
        cmocs = [r.values["id"] for r in rows["cmocs"] if isinstance(r.values.get("id"), str)]
        known = set(cmocs)
        found: dict[Any, dict[str, list[tuple[_Row, Any]]]] = {}
        for sheet, fld in _PARTS.items():
            table, layout = self.tables[sheet], self.layouts[sheet]
            for row in rows[sheet]:
                owner = row.values.get("cmoc-of")
                if owner is None or owner not in known:
                    self.problems.append(
                        table.problem(
                            "required field is missing"
                            if owner is None
                            else f"unknown CMOC id {owner!r}",
                            row.number,
                            layout.get("cmoc-of"),
                            allowed=None if owner is None else suggest(owner, cmocs, "CMOC"),
                            code="missing" if owner is None else "reference",
                        )
                    )
                    continue
                raw = self._raw(row)
                found.setdefault(owner, {}).setdefault(fld, []).append((row, raw))
        return found

    def _attach(
        self, cmoc: dict[str, Any], origin: CellOrigin, parts: dict[str, list[tuple[_Row, Any]]]
    ) -> bool:
        """Put the CMOC's qualifiers and hand-offs in it, in the order the model keeps them
        (so that a problem with the n-th names its row); True when a row of them is bad."""
        members = [m for f in ("contexts", "mechanisms", "outcomes") for m in cmoc.get(f, [])]
        orders = {
            "qualifiers": ({m: i for i, m in enumerate(members)}, "id"),
            "hand_offs": ({c: i for i, c in enumerate(cmoc.get("leads_to", []))}, "cmoc"),
        }
        bad = False
        for fld, found in parts.items():
            order, key = orders[fld]
            found = sorted(found, key=lambda pair: order.get(pair[1].get(key), len(order)))
            sheet = next(s for s, f in _PARTS.items() if f == fld)
            cmoc[fld] = [raw for _, raw in found]
            for index, (row, _) in enumerate(found):
                origin.parts[(fld, index)] = self._origin(sheet, row, (*origin.loc, fld, index))
                bad |= row.bad
        return bad


def _position(problem: Problem) -> tuple[int, int]:
    """Sheet by sheet, row by row: how problems are listed."""
    sheet = getattr(problem, "sheet", None)
    return _ORDER.get(sheet or "", -1), getattr(problem, "row", None) or 0
