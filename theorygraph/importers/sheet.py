"""Writing the extraction sheet back: one row per extract, in the default column layout.

The sheet reads back to the same extracts (:func:`~theorygraph.importers.spreadsheet.read_sheet`):
contexts, mechanisms and outcomes are written by label (by id when a label would not
find its node again), a link as ``C-M`` or ``M-O`` with its two ends, an extract on a
whole CMOC with all of the CMOC's nodes.

Text that a spreadsheet program would run as a formula (``=cmd|' /C calc'!A0``) is never
written as one: in .xlsx it is a text cell (Excel's own "quote prefix", so editing the
cell keeps it text and the value is unchanged; see :mod:`theorygraph.importers.xlsxwrite`);
in .csv, which has no cell types, it gets a leading ``'`` (the usual guard, which the
importer takes off again).

>>> from theorygraph.validate import read_theory
>>> headers, rows = sheet_rows(read_theory("samples/ics-leadership"))
>>> headers[:4], rows[0][:2], rows[0][8]
(['extract_id', 'study', 'quote', 'location'], ['x-001', 'study-01'], 'M-O')
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from ..errors import TheoryGraphError, UsageError
from ..files import write_bytes
from ..model import TheoryDocument
from .cells import formula_like
from .columns import HEADERS
from .ids import label_key
from .xlsxwrite import put, unstorable

__all__ = ["HEADERS", "escape_csv", "sheet_rows", "write_sheet"]

SHEET_SUFFIXES = (".xlsx", ".csv")


def sheet_rows(document: TheoryDocument) -> tuple[list[str], list[list[Any]]]:
    """The header row and one row per extract (None for an empty cell)."""
    names = _Names(document)
    cmocs = {c.id: c for c in document.cmocs}
    studies = {s.id: s for s in document.studies}
    rows = []
    for x in document.extracts:
        cmoc = cmocs[x.cmoc]
        nodes: dict[str, list[str]] = {"contexts": [], "mechanisms": [], "outcomes": []}
        link = None
        if x.link is None:
            nodes = {r: list(getattr(cmoc, r)) for r in nodes}
        elif x.link.source in cmoc.contexts:
            link = "C-M"
            nodes["contexts"], nodes["mechanisms"] = [x.link.source], [x.link.target]
        elif x.link.target in cmoc.mechanisms:  # one mechanism setting off the next
            link = "M-M"
            nodes["mechanisms"] = [x.link.source, x.link.target]
        else:
            link = "M-O"
            nodes["mechanisms"], nodes["outcomes"] = [x.link.source], [x.link.target]
        study = studies.get(x.study)
        rows.append(
            [
                x.id,
                x.study,
                x.quote,
                x.location,
                x.cmoc,
                *(names.cell(role, nodes[role]) for role in nodes),
                link,
                x.stance.value,
                _value(x.relevance),
                _value(x.rigour),
                x.rationale,
                x.kind.value,
                study.title if study else None,
                study.year if study else None,
                _value(study.design) if study else None,
                study.country if study else None,
                _value(study.sector) if study else None,
            ]
        )
    return list(HEADERS), rows


def _value(enum: Any) -> str | None:
    return enum.value if enum is not None else None


class _Names:
    """Writes a node by label when reading the label back finds that node, else by id."""

    def __init__(self, document: TheoryDocument) -> None:
        self.ids = {
            s: {n.id: n.label for n in getattr(document, s)}
            for s in ("contexts", "mechanisms", "outcomes")
        }
        self.labels: dict[str, dict[str, list[str]]] = {}
        for section, nodes in self.ids.items():
            found: dict[str, list[str]] = {}
            for node_id, label in nodes.items():
                found.setdefault(label_key(label), []).append(node_id)
            self.labels[section] = found

    def name(self, role: str, node_id: str) -> str:
        sections = [role, "outcomes"] if role == "contexts" else [role]
        section = next(s for s in sections if node_id in self.ids[s])
        label = self.ids[section][node_id]
        if ";" in label or "\n" in label or any(label in self.ids[s] for s in sections):
            return node_id
        for candidate in sections:  # the importer looks in this order, first hit wins
            hits = self.labels[candidate].get(label_key(label), [])
            if hits:
                return label if hits == [node_id] else node_id
        return node_id  # pragma: no cover - every node's own label finds it

    def cell(self, role: str, node_ids: list[str]) -> str | None:
        return "; ".join(self.name(role, n) for n in node_ids) or None


def write_sheet(document: TheoryDocument, path: str | Path) -> Path:
    """Write the extraction sheet of ``document`` to an .xlsx or .csv file, atomically."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SHEET_SUFFIXES:
        raise UsageError(f"{path}: a spreadsheet is written as .xlsx or .csv")
    headers, rows = sheet_rows(document)
    blob = _xlsx(headers, rows) if suffix == ".xlsx" else _csv(headers, rows)
    write_bytes(path, blob)
    return path


def escape_csv(value: str) -> str:
    """Put ``'`` before text a spreadsheet would read as a formula (and before ``'`` + such).

    The exact inverse of :func:`~theorygraph.importers.table.unescape_csv`:

    >>> [escape_csv(v) for v in ("=1+1", "'=1+1", "'Tis", "''quoted''")]
    ["'=1+1", "''=1+1", "'Tis", "''quoted''"]
    """
    return "'" + value if formula_like(value) else value


def _csv(headers: list[str], rows: list[list[Any]]) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(headers)
    for row in rows:
        writer.writerow(["" if v is None else escape_csv(str(v)) for v in row])
    # the byte-order mark makes Excel open the file as UTF-8
    return b"\xef\xbb\xbf" + out.getvalue().encode("utf-8")


def _xlsx(headers: list[str], rows: list[list[Any]]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    ws = book.active
    ws.title = "extracts"
    ws.append(headers)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    ws.freeze_panes = "A2"
    for number, row in enumerate(rows, start=2):
        for column, value in enumerate(row, start=1):
            why = unstorable(value) if isinstance(value, str) else None
            if why is not None:
                raise TheoryGraphError(
                    f"extract {row[0]!r}, {headers[column - 1]}: {why}, or export to .csv"
                )
            put(ws, number, column, value)
    widths = {"quote": 80, "rationale": 50, "context": 30, "mechanism": 30, "outcome": 30}
    for index, name in enumerate(headers):
        ws.column_dimensions[_letter(index)].width = widths.get(name, 14)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _letter(index: int) -> str:
    from .columns import column_letter

    return column_letter(index)
