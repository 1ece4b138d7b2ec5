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
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import Problem, SourceError, UsageError
from .columns import column_letter
from .result import ImportProblem

__all__ = [
    "CSV_ESCAPED",
    "MAX_XLSX_BYTES",
    "Table",
    "formula_like",
    "read_table",
    "unescape_csv",
]

#: an uncompressed .xlsx larger than this is refused (a zip bomb, or not an extraction sheet)
MAX_XLSX_BYTES = 512 * 1024 * 1024
#: characters that make a spreadsheet program read a CSV cell as a formula
CSV_ESCAPED = ("=", "+", "-", "@", "\t", "\r")

Progress = Callable[[int, int], None]


@dataclass
class Table:
    """A header row and the data rows under it, each with its row number."""

    file: str
    sheet: str | None
    headers: list[str | None]
    header_row: int
    rows: list[tuple[int, list[str | None]]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def where(self, row: int, column: int | None = None) -> str:
        """``Sheet1 row 7, column D (stance)``: the words a problem uses for a cell."""
        text = f"{self.sheet} row {row}" if self.sheet else f"row {row}"
        if column is not None:
            header = self.headers[column] if column < len(self.headers) else None
            text += f", column {column_letter(column)}"
            if header:
                text += f" ({header})"
        return text

    def problem(
        self,
        message: str,
        row: int | None = None,
        column: int | None = None,
        *,
        allowed: str | None = None,
        severity: str = "error",
        code: str = "invalid",
    ) -> ImportProblem:
        where = self.where(row, column) if row is not None else (self.sheet or "")
        return ImportProblem(
            message,
            file=self.file,
            line=row,
            path=f"{self.sheet + '!' if self.sheet else ''}{column_letter(column)}{row}"
            if row is not None and column is not None
            else None,
            allowed=allowed,
            severity=severity,  # type: ignore[arg-type]
            code=code,
            where=where,
            row=row,
            sheet=self.sheet,
            cell=self.where(row, column).split(", column ", 1)[1]
            if row is not None and column is not None
            else None,
        )


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


def trim(values: list[str | None]) -> list[str | None]:
    """The header cells up to the last filled one, without surrounding spaces."""
    end = len(values)
    while end and values[end - 1] is None:
        end -= 1
    return [v.strip() if v is not None else None for v in values[:end]]


def formula_like(value: str) -> bool:
    """Whether ``value`` starts like a formula once any leading ``'`` are set aside.

    The CSV export puts one ``'`` before such text (``=x`` -> ``'=x``, ``'=x`` -> ``''=x``)
    and the importer takes exactly one off again, so the two are exact inverses and any
    other text, such as ``'Tis`` or ``''quoted''``, is never touched.

    >>> [formula_like(v) for v in ("=1+1", "'-ve'", "''@home", "'Tis", "'")]
    [True, True, True, False, False]
    """
    return value.lstrip("'")[:1] in CSV_ESCAPED


def unescape_csv(value: str) -> str:
    """Undo the ``'`` that :mod:`theorygraph.importers.sheet` puts before formula-like text."""
    if value[:1] == "'" and formula_like(value):
        return value[1:]
    return value


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
    from .sheet import HEADERS

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
