"""Reading an .xlsx or .csv file as a header row and numbered rows of text cells.

Rows keep the number a spreadsheet program shows (the header is usually row 1), so every
problem can name the row and column to fix. Cells come back as text: numbers written
as ``2019.0`` by Excel become ``2019``, and a formula is kept as its text, never run.
The .xlsx reader itself is :mod:`theorygraph.importers.xlsx`.

CSV files are read as UTF-8 (with or without the byte-order mark Excel writes). Any
other encoding is reported with the row where the first bad byte sits: guessing an
encoding would silently corrupt quotes. The ``'`` that the CSV export puts before
formula-like text is taken off again, and only that one (see :func:`formula_like`).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from ..errors import SourceError, UsageError
from .cells import CSV_ESCAPED, Progress, Table, formula_like, trim, unescape_csv
from .columns import HEADERS
from .result import ImportProblem

__all__ = ["CSV_ESCAPED", "Table", "formula_like", "read_table", "unescape_csv"]


def read_table(
    path: Path, *, sheet: str | None = None, progress: Progress | None = None, display: str = ""
) -> Table:
    """Read the first (or the named) sheet of an .xlsx file, or a .csv / .tsv file."""
    shown = display or str(path)
    if not path.is_file():
        raise UsageError(f"{shown}: no such file")
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        from .xlsx import read_xlsx

        return read_xlsx(path, shown, sheet, progress)
    if suffix in (".csv", ".tsv", ".txt"):
        if sheet is not None:
            raise UsageError(f"{shown}: --sheet applies to .xlsx files; a CSV file has one table")
        return _read_csv(path, shown, progress)
    if suffix in (".xls", ".ods", ".numbers"):
        raise UsageError(
            f"{shown}: theorygraph reads .xlsx and .csv; save the sheet as .xlsx "
            "(Excel Workbook) or as CSV UTF-8 first"
        )
    raise UsageError(f"{shown}: cannot tell the format from the name; use .xlsx or .csv")


def _read_csv(path: Path, shown: str, progress: Progress | None) -> Table:
    try:
        blob = path.read_bytes()
    except OSError as exc:
        raise SourceError(f"{shown}: cannot read: {exc.strerror or exc}") from exc
    table = Table(shown, None, [], 0)
    if blob.startswith(b"\xef\xbb\xbf"):
        blob = blob[3:]  # the byte-order mark Excel writes in "CSV UTF-8"
    try:
        text = blob.decode("utf-8")
    except UnicodeDecodeError as exc:
        row, column = _position(blob[: exc.start].decode("utf-8"))
        table.headers = [None] * (column + 1)
        table.problems.append(
            table.problem(
                f"byte 0x{blob[exc.start]:02x} is not valid UTF-8",
                row,
                column,
                allowed="save the file as 'CSV UTF-8' (Excel: File > Save As), or convert it, "
                "e.g. iconv -f windows-1252 -t utf-8",
                code="encoding",
            )
        )
        return table
    delimiter = "\t" if path.suffix.lower() == ".tsv" else _delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    records: list[list[str]] = []
    try:
        records.extend(reader)
    except csv.Error as exc:
        row = len(records) + 1
        table.headers = list(records[0]) if records else []
        table.problems.append(
            table.problem(
                f"cannot read the row: {exc}",
                row,
                allowed="a cell holds at most 32767 characters (Excel's own limit); check "
                "for an unclosed double quote",
                code="syntax",
            )
        )
        return table
    total = len(records)
    exported = False  # a header row as the export writes it: its guards are expected
    for number, record in enumerate(records, start=1):
        if progress is not None and number % 500 == 0:
            progress(number, total)
        values: list[str | None] = [v if v.strip() else None for v in record]
        if not any(v is not None for v in values):
            continue
        for column, value in enumerate(values):
            if value is not None and value[:1] == "'" and formula_like(value):
                values[column] = value[1:]
                if table.headers and not exported:
                    table.problems.append(_guard_taken_off(table, number, column, value))
        if not table.headers:
            table.headers, table.header_row = trim(values), number
            exported = table.headers == _export_headers()
            continue
        table.rows.append((number, values))
    if progress is not None:
        progress(total, total)
    return table


def _export_headers() -> list[str | None]:
    return list(HEADERS)


def _guard_taken_off(table: Table, row: int, column: int, value: str) -> ImportProblem:
    start = {"\t": "a tab", "\r": "a carriage return"}.get(
        value.lstrip("'")[0], value.lstrip("'")[0]
    )
    return table.problem(
        f"the leading ' was taken off: theorygraph's CSV export puts one before text that "
        f"starts with {start}",
        row,
        column,
        allowed="write '' to keep one ' before =, +, - or @",
        severity="warning",
        code="csv-guard",
    )


def _delimiter(text: str) -> str:
    # Excel writes ';' where the decimal mark is a comma: look at the header line
    first = text.split("\n", 1)[0]
    counts = {d: first.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _position(prefix: str) -> tuple[int, int]:
    """Row (1-based) and column (0-based) at the end of the valid text before a bad byte."""
    records = list(csv.reader(io.StringIO(prefix, newline=""), delimiter=_delimiter(prefix)))
    if not records or prefix.endswith(("\n", "\r")):
        return len(records) + 1, 0
    return len(records), max(len(records[-1]) - 1, 0)
