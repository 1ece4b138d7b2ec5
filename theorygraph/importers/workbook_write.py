"""Writing the whole review as one .xlsx workbook (``theorygraph export --to workbook``).

Sheets and columns follow :mod:`theorygraph.importers.workbook`; every cell is written
through :func:`theorygraph.importers.xlsxwrite.put`, so formula-like text stays text. Each
sheet has a frozen, bold header row and the id column beside it, widths that suit what
its columns hold, and drop-down lists (data validation): the allowed words of each closed
vocabulary, and for a column of ids the id column of the sheet they come from.

>>> from theorygraph.validate import read_theory
>>> names = [ws.title for ws in workbook(read_theory("samples/ics-leadership")).worksheets]
>>> names[:4], len(names)
(['About', 'review', 'theories', 'contexts'], 11)
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from ..errors import TheoryGraphError, UsageError
from ..files import write_bytes
from ..model import TheoryDocument
from ..words import KIND
from .columns import column_letter
from .workbook import ABOUT, LAST_ROW, SHEETS, Column, Sheet, attribute_column, cell_value
from .workbook_about import ABOUT_HEADERS, about_rows, how
from .xlsxwrite import put, unstorable

__all__ = ["workbook", "write_workbook"]

_LINK_ENDS = {"from": "source", "to": "target"}


def write_workbook(document: TheoryDocument, path: str | Path) -> Path:
    """Write ``document`` to an .xlsx workbook at ``path``, atomically."""
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise UsageError(f"{path}: a workbook is written as .xlsx")
    out = io.BytesIO()
    workbook(document).save(out)
    write_bytes(path, out.getvalue())
    return path


def workbook(document: TheoryDocument) -> Any:
    """The review as an openpyxl ``Workbook``: the About sheet, then one sheet per part."""
    from openpyxl import Workbook

    book = Workbook()
    book.properties.title = document.review.title
    book.properties.creator = "theorygraph"
    about = book.active
    for sheet in SHEETS:
        ws = book.create_sheet(sheet.name)
        columns = columns_of(sheet, document)
        _header(ws, [c.name for c in columns], freeze="B2")
        for number, (name, item, owner) in enumerate(_items(sheet, document), start=2):
            for index, col in enumerate(columns, start=1):
                value = cell_value(col, _field(item, owner, col))
                why = unstorable(value) if isinstance(value, str) else None
                if why is not None:
                    raise TheoryGraphError(f"{name}, {col.name}: {why}")
                put(ws, number, index, value)
        for index, col in enumerate(columns):
            ws.column_dimensions[column_letter(index)].width = col.width
        _drop_downs(ws, columns)
    _about(about, document)  # last: the review's title in it has passed its own check
    return book


def columns_of(sheet: Sheet, document: TheoryDocument) -> list[Column]:
    """The sheet's columns for ``document``: for studies, one per attribute of the review's
    own, in the order they first appear, in place of the ``attr.NAME`` template."""
    columns = [c for c in sheet.columns if c.kind != "attribute"]
    if any(c.kind == "attribute" for c in sheet.columns):
        names = dict.fromkeys(name for s in document.studies for name in s.attributes)
        columns += [attribute_column(name) for name in names]
    return columns


def _items(sheet: Sheet, document: TheoryDocument) -> list[tuple[str, Any, str | None]]:
    """Each row's item, with how a message names it and the CMOC it belongs to."""
    if sheet.name == "review":
        return [("the review", document.review, None)]
    if sheet.name == "qualifiers":
        return [
            (f"CMOC {c.id!r}, the qualifier of {q.id!r}", q, c.id)
            for c in document.cmocs
            for q in c.qualifiers
        ]
    if sheet.name == "hand-offs":
        return [
            (f"CMOC {c.id!r}, the hand-off to {h.cmoc!r}", h, c.id)
            for c in document.cmocs
            for h in c.hand_offs
        ]
    kind = KIND[sheet.name]
    return [(f"{kind} {item.id!r}", item, None) for item in getattr(document, sheet.name)]


def _field(item: Any, owner: str | None, col: Column) -> Any:
    if col.field is None:
        return owner
    name, _, part = col.field.partition(".")
    value = getattr(item, name)
    if name == "link":
        return getattr(value, _LINK_ENDS[part]) if value is not None else None
    if name == "attributes":
        return value.get(part)
    return value


def _header(ws: Any, names: list[str], freeze: str) -> None:
    from openpyxl.styles import Font, PatternFill

    ws.append(names)
    fill = PatternFill("solid", fgColor="E8EEF4")
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = fill
    ws.freeze_panes = freeze


def _drop_downs(ws: Any, columns: list[Column]) -> None:
    """A list validation on every column of a closed vocabulary or of ids of another sheet."""
    from openpyxl.worksheet.datavalidation import DataValidation

    for index, col in enumerate(columns):
        found = drop_down(col)
        if found is None:
            continue
        formula, strict = found
        check = DataValidation(type="list", formula1=formula, allow_blank=True)
        check.showErrorMessage = strict
        if strict:
            check.errorTitle = "Not in the list"
            check.error = _limit(f"{col.name}: {how(col).removesuffix(' (a drop-down)')}", 225)
        else:  # several ids in one cell: the list offers one, the cell takes several
            check.showInputMessage = True
            check.promptTitle = _limit(col.name, 32)
            check.prompt = f"Pick an id, or type several separated by '; ' ({col.refers} sheet)"
        letter = column_letter(index)
        check.add(f"{letter}2:{letter}{LAST_ROW}")
        ws.add_data_validation(check)


def drop_down(col: Column) -> tuple[str, bool] | None:
    """The list a column's cells are picked from (an Excel formula) and whether any other
    value is refused, or None for a column of free text.

    >>> from theorygraph.importers.workbook import column
    >>> drop_down(column("extracts", "stance"))
    ('"supports,refutes,refines"', True)
    >>> drop_down(column("cmocs", "contexts"))
    ("'contexts'!$A$2:$A$1048576", False)
    """
    if col.kind == "choice":
        assert col.enum is not None
        return '"' + ",".join(str(m.value) for m in col.enum) + '"', True
    if col.kind == "truth":
        return '"true,false"', True
    if col.kind == "unknowable":
        return '"true,false,unknown"', True
    if col.refers is not None:
        return f"'{col.refers}'!$A$2:$A${LAST_ROW}", col.kind == "id"
    return None


def _limit(text: str, size: int) -> str:
    return text if len(text) <= size else text[: size - 3] + "..."


def _about(ws: Any, document: TheoryDocument) -> None:
    from openpyxl.styles import Alignment

    ws.title = ABOUT
    _header(ws, list(ABOUT_HEADERS), "A2")
    wrap = Alignment(wrap_text=True, vertical="top")
    for number, row in enumerate(about_rows(document.review), start=2):
        for index, value in enumerate(row, start=1):
            put(ws, number, index, value or None)
            ws.cell(row=number, column=index).alignment = wrap
    for letter, width in zip("ABCDE", (12, 24, 9, 70, 60), strict=True):
        ws.column_dimensions[letter].width = width
