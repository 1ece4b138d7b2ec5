"""Reading an .xlsx or .csv file as a header row and numbered rows of text cells.

Rows keep the number a spreadsheet program shows (the header is usually row 1), so every
problem can name the row and column to fix. Cells come back as text: numbers written
as ``2019.0`` by Excel become ``2019``, and a formula is kept as its text, never run.

CSV files are read as UTF-8 (with or without the byte-order mark Excel writes). Any
other encoding is reported with the row where the first bad byte sits: guessing an
encoding would silently corrupt quotes.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import Problem, SourceError, UsageError
from .columns import column_letter
from .result import ImportProblem

__all__ = ["CSV_ESCAPED", "MAX_XLSX_BYTES", "Table", "read_table", "unescape_csv"]

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
        return _read_xlsx(path, shown, sheet, progress)
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


def _text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value)
    return text if text.strip() else None


def _read_xlsx(path: Path, shown: str, sheet: str | None, progress: Progress | None) -> Table:
    try:
        with zipfile.ZipFile(path) as archive:
            size = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError) as exc:
        raise SourceError(f"{shown}: not a readable .xlsx file ({exc})") from exc
    if size > MAX_XLSX_BYTES:
        raise SourceError(
            f"{shown}: unpacks to {size // 2**20} MiB, more than theorygraph reads "
            f"({MAX_XLSX_BYTES // 2**20} MiB); split the sheet"
        )
    import warnings

    from openpyxl import load_workbook

    try:
        # read_only streams rows; openpyxl parses the XML with defusedxml when installed.
        # Its warnings are about features it drops when *writing* (data validation, ...).
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            book = load_workbook(path, read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many unrelated classes for broken files
        raise SourceError(f"{shown}: not a readable .xlsx file ({exc})") from exc
    try:
        if sheet is None:
            ws = book.worksheets[0]
        elif sheet in book.sheetnames:
            ws = book[sheet]
        else:
            raise UsageError(
                f"{shown}: no sheet named {sheet!r} (sheets: {', '.join(book.sheetnames)})"
            )
        table = Table(shown, ws.title, [], 0)
        total = ws.max_row or 0
        for cells in ws.iter_rows():
            number = next((c.row for c in cells if getattr(c, "row", None)), None)
            if number is None:
                continue
            values = [_text(c.value) for c in cells]
            if progress is not None and number % 200 == 0:
                progress(number, max(total, number))
            if not any(v is not None for v in values):
                continue
            for index, cell in enumerate(cells):
                if getattr(cell, "data_type", None) == "f" and values[index] is not None:
                    table.problems.append(
                        table.problem(
                            "the cell holds a formula; its text is imported, never run",
                            number,
                            index,
                            allowed="replace formulas with their values (Paste Special > "
                            "Values) to import what they show",
                            severity="warning",
                            code="formula",
                        )
                    )
            if not table.headers:
                table.headers, table.header_row = _trim(values), number
                continue
            table.rows.append((number, values))
        if progress is not None:
            progress(total, total)
    finally:
        book.close()
    return table


def _trim(values: list[str | None]) -> list[str | None]:
    while values and values[-1] is None:
        values = values[:-1]
    return [v.strip() if v is not None else None for v in values]


def unescape_csv(value: str) -> str:
    """Undo the ``'`` that :mod:`theorygraph.importers.sheet` puts before formula-like text."""
    if len(value) > 1 and value[0] == "'" and value[1] in (*CSV_ESCAPED, "'"):
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
    for number, record in enumerate(records, start=1):
        if progress is not None and number % 500 == 0:
            progress(number, total)
        values = [unescape_csv(v) if v.strip() else None for v in record]
        if not any(v is not None for v in values):
            continue
        if not table.headers:
            table.headers, table.header_row = _trim(values), number
            continue
        table.rows.append((number, values))
    if progress is not None:
        progress(total, total)
    return table


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
