"""Reading one sheet of an .xlsx workbook as numbered rows of text cells.

The rows are the ones the sheet's XML holds, numbered as a spreadsheet program shows
them. The size a workbook *declares* (``<dimension ref="A1:F10">``) is never trusted:
some programs write it wrongly (too small, a placeholder ``A1``, or the whole grid
``A1:XFD1048576``), and sizing the work by it either drops rows or builds millions of
empty ones. Time and memory follow what the file holds: empty rows cost a few
microseconds each, and a row keeps at most as many cells as the header row has
columns (a stray cell in column XFD still makes its row count as filled in).

Cells come back as text: numbers written as ``2019.0`` by Excel become ``2019``, a
date cell becomes ``2019-05-01``, and a formula is kept as its text, never run.

openpyxl's reader supplies the workbook's sheet names, shared strings and date styles
(parsed with defusedxml); only the chosen sheet is opened. This module streams that
sheet's rows itself (refusing a DTD, so no entity is ever expanded) and hands each cell
to openpyxl's own cell parser, so values are decoded exactly as openpyxl decodes them.
A damaged sheet is a :class:`~theorygraph.errors.SourceError` of one line.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from ..errors import SourceError, TheoryGraphError, UsageError
from . import cells
from .cells import Table, trim

__all__ = [
    "MAX_COLUMNS",
    "MAX_ROWS",
    "escape_xstring",
    "read_xlsx",
    "read_xlsx_sheets",
    "unescape_xstring",
]

#: the grid of every spreadsheet program: A1:XFD1048576
MAX_ROWS = 1_048_576
MAX_COLUMNS = 16_384

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_ROW, _CELL, _SHEET_DATA = _MAIN + "row", _MAIN + "c", _MAIN + "sheetData"
_VALUE, _INLINE = _MAIN + "v", _MAIN + "is"
#: OOXML's escape for a character in cell text (``_x000D_``), and where one starts
_XSTRING = re.compile("_x([0-9A-Fa-f]{4})_")
_XSTRING_START = re.compile("_(?=x[0-9A-Fa-f]{4}_)")
#: markup that declares entities; a worksheet never has it (the XML bomb guard)
_DTD = re.compile(rb"<!(DOCTYPE|ENTITY)", re.IGNORECASE)

Progress = Callable[[int, int], None]


def read_xlsx(path: Path, shown: str, sheet: str | None, progress: Progress | None) -> Table:
    """Read the first (or the named) sheet of an .xlsx workbook."""
    with _opened(path, shown) as book:
        title, part = _sheet(book, sheet, shown)
        return _read_sheet(book, title, part, shown, progress)


def read_xlsx_sheets(
    path: Path, shown: str, names: Sequence[str]
) -> tuple[list[str], dict[str, Table]]:
    """Read several sheets of one workbook, opened once: the names of its sheets of cells,
    and a table for each of ``names`` that it holds (a sheet it lacks is left out)."""
    with _opened(path, shown) as book:
        found = {title: part for title, part, chart in book.sheets if not chart}
        tables = {
            name: _read_sheet(book, name, found[name], shown, None)
            for name in names
            if name in found
        }
        return list(found), tables


@contextmanager
def _opened(path: Path, shown: str) -> Iterator[_Workbook]:
    """The workbook, refused in one line when it is too large or not a workbook at all."""
    try:
        with zipfile.ZipFile(path) as archive:
            size = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError) as exc:
        raise SourceError(f"{shown}: not a readable .xlsx file ({exc})") from exc
    limit = cells.MAX_XLSX_BYTES
    if size > limit:
        raise SourceError(
            f"{shown}: unpacks to {size // 2**20} MiB, more than theorygraph reads "
            f"({limit // 2**20} MiB); split the sheet"
        )
    import warnings

    # openpyxl's warnings are about features it drops when *writing* (data validation,
    # ...) and about date cells out of range, which then read as #VALUE! like in Excel
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        try:
            book = _open(path)
        except Exception as exc:  # openpyxl raises many unrelated classes for broken files
            raise SourceError(f"{shown}: not a readable .xlsx file ({_reason(exc)})") from exc
        try:
            yield book
        finally:
            book.archive.close()


def _read_sheet(
    book: _Workbook, title: str, part: str, shown: str, progress: Progress | None
) -> Table:
    table = Table(shown, title, [], 0)
    try:
        _read_rows(book, part, table, progress)
    except (TheoryGraphError, MemoryError, RecursionError):
        raise
    except Exception as exc:  # zlib.error, BadZipFile (bad CRC), XML syntax, ...
        raise SourceError(
            f"{shown}: not a readable .xlsx file: sheet {title!r} is damaged "
            f"({_reason(exc)}); save the workbook again from the program that made it"
        ) from exc
    return table


@dataclass
class _Workbook:
    """What reading a sheet needs from its workbook."""

    archive: zipfile.ZipFile
    strings: list[str]
    strings_part: str | None
    epoch: Any
    date_formats: set[int]
    timedelta_formats: set[int]
    #: (name, part in the archive, whether it is a chart sheet), in the workbook's order
    sheets: list[tuple[str, str, bool]]


def _open(path: Path) -> _Workbook:
    """The workbook's parts but its sheets, read by openpyxl's own reader, step by step.

    ``load_workbook(read_only=True)`` would also open every sheet to read its declared
    size, and parse the whole sheet when it declares none.
    """
    from openpyxl.reader.excel import ExcelReader
    from openpyxl.styles.stylesheet import apply_stylesheet
    from openpyxl.xml.constants import SHARED_STRINGS

    reader = ExcelReader(path, read_only=True, keep_vba=False, keep_links=False)
    try:
        reader.read_manifest()
        reader.read_strings()
        reader.read_workbook()
        apply_stylesheet(reader.archive, reader.wb)
        sheets = [
            (sheet.name, rel.target, "chartsheet" in rel.Type)
            for sheet, rel in reader.parser.find_sheets()
            if rel.target in reader.valid_files
        ]
    except BaseException:
        reader.archive.close()
        raise
    found = reader.package.find(SHARED_STRINGS)
    return _Workbook(
        archive=reader.archive,
        strings=reader.shared_strings,
        strings_part=found.PartName[1:] if found is not None else None,
        epoch=reader.wb.epoch,
        date_formats=reader.wb._date_formats,
        timedelta_formats=reader.wb._timedelta_formats,
        sheets=sheets,
    )


def _sheet(book: _Workbook, name: str | None, shown: str) -> tuple[str, str]:
    """The named sheet, or the first: its name and part; chart sheets hold no cells."""
    cells = [(title, part) for title, part, chart in book.sheets if not chart]
    names = [title for title, _ in cells]
    if not cells:
        raise SourceError(f"{shown}: the workbook holds no sheet of cells")
    if name is None:
        return cells[0]
    if name not in names:
        what = f"no sheet named {name!r}"
        if any(title == name for title, _, _ in book.sheets):
            what = f"{name!r} is a chart sheet"
        raise UsageError(f"{shown}: {what} (sheets: {', '.join(names)})")
    return cells[names.index(name)]


def _reason(exc: BaseException) -> str:
    """What went wrong, on one line."""
    text = str(exc)
    if exc.__cause__ is not None and text.startswith("Unable to read workbook: "):
        # openpyxl's wrapper names the step on its first line ("could not read worksheets
        # from PATH."), then asks to see the exception: the cause is what to show
        step = text.splitlines()[0].removeprefix("Unable to read workbook: ")
        text = f"{step.split(' from ', 1)[0]}: {_reason(exc.__cause__)}"
    text = " ".join(text.split()) or type(exc).__name__
    return text if len(text) <= 200 else text[:200] + "..."


class _Damaged(Exception):
    """The sheet's XML says something no spreadsheet program writes."""


class _Stream:
    """The sheet's XML as it is read: counts bytes (for progress) and refuses a DTD."""

    def __init__(self, raw: IO[bytes]) -> None:
        self.raw = raw
        self.done = 0
        self.tail = b""

    def read(self, size: int = -1) -> bytes:
        chunk = self.raw.read(size)
        self.done += len(chunk)
        if _DTD.search(self.tail + chunk):
            raise _Damaged("it declares a DTD or entities, which a worksheet never holds")
        self.tail = chunk[-16:]
        return chunk


def _read_rows(book: _Workbook, part: str, table: Table, progress: Progress | None) -> None:
    from xml.etree.ElementTree import iterparse

    from openpyxl.worksheet._reader import WorkSheetParser

    # openpyxl's read-only sheet sizes its rows by the declared dimension; its cell
    # parser is what we reuse (the same one its own sheet reader calls for every cell)
    total = book.archive.getinfo(part).file_size
    with book.archive.open(part) as raw:
        stream = _Stream(raw)
        cells_of = WorkSheetParser(
            stream,
            _shared_strings(book),
            data_only=False,
            epoch=book.epoch,
            date_formats=book.date_formats,
            timedelta_formats=book.timedelta_formats,
        )
        number = seen = cells = 0
        row = None  # the row being read
        stack: list[Any] = []  # the elements open around the parser's position
        for event, element in iterparse(stream, events=("start", "end")):
            tag = element.tag
            if event == "start":
                stack.append(element)
                if tag == _ROW:
                    if row is not None:
                        raise _Damaged(f"a row starts inside row {number}")
                    row, number, cells = element, _row_number(element, number), 0
                elif tag == _CELL and row is not None:
                    cells += 1
                    if cells > MAX_COLUMNS:
                        raise _Damaged(f"row {number} holds more than {MAX_COLUMNS} cells")
                continue
            stack.pop()
            if tag == _ROW:
                row = None
                seen += 1
                if len(element):
                    _add_row(table, cells_of, element, number)
                if progress is not None and seen % 500 == 0:
                    estimate = number * total // max(stream.done, 1)
                    progress(number, max(estimate, number))
            elif tag == _SHEET_DATA:
                break  # what follows (merged cells, print setup, ...) is not imported
            if row is None and stack:
                stack[-1].remove(element)  # keep nothing already read: memory stays flat
        # read to the end, so the archive checks the sheet's CRC: damaged bytes that
        # still inflate must not pass as cell text
        while raw.read(1 << 20):
            pass
    if progress is not None:
        progress(number, number)


def _row_number(element: Any, previous: int) -> int:
    text = element.get("r")
    if text is None:
        number = previous + 1
    else:
        try:
            number = int(text)
        except ValueError:
            try:
                value = float(text)
            except ValueError:
                raise _Damaged(f"row number {text!r} is not a number") from None
            if not value.is_integer():
                raise _Damaged(f"row number {text!r} is not a whole number") from None
            number = int(value)
    if not 1 <= number <= MAX_ROWS:
        raise _Damaged(f"row {number} is outside a sheet's rows 1 to {MAX_ROWS}")
    if number <= previous:
        raise _Damaged(f"row {number} comes after row {previous}")
    return number


def _add_row(table: Table, cells_of: Any, element: Any, number: int) -> None:
    cells_of.row_counter, cells_of.col_counter = number, 0
    width = len(table.headers) if table.headers else MAX_COLUMNS
    placed: dict[int, str] = {}
    filled = False
    for child in element:
        if child.tag != _CELL:
            continue
        if child.get("t") == "inlineStr" and len(child) == 1 and child[0].tag == _INLINE:
            _plain(child)
        cell = cells_of.parse_cell(child)
        column = cell["column"] - 1
        if not 0 <= column < MAX_COLUMNS:
            raise _Damaged(f"a cell of row {number} is outside a sheet's columns A to XFD")
        text = _text(cell["value"])
        if text is None:
            continue
        filled = True
        if cell["data_type"] == "f":
            table.problems.append(
                table.problem(
                    "the cell holds a formula; its text is imported, never run",
                    number,
                    column,
                    allowed="replace formulas with their values (Paste Special > "
                    "Values) to import what they show",
                    severity="warning",
                    code="formula",
                )
            )
        if column < width:
            placed[column] = text
    if not filled:
        return
    if not table.headers:
        values: list[str | None] = [None] * (max(placed) + 1)
        for column, text in placed.items():
            values[column] = text
        table.headers, table.header_row = trim(values), number
        return
    values = [None] * width
    for column, text in placed.items():
        values[column] = text
    table.rows.append((number, values))


def _plain(cell: Any) -> None:
    """Make an inline-string cell a plain one holding the same text, for openpyxl to read.

    openpyxl decodes inline strings (what it and theorygraph write) through its styled-text
    model, which took half the time of reading a sheet; the text is the same.
    """
    from xml.etree.ElementTree import SubElement

    text = _string(cell[0])
    cell.remove(cell[0])
    cell.set("t", "str")
    SubElement(cell, _VALUE).text = text


def _string(element: Any) -> str:
    """The text of a string item (``<is>`` or ``<si>``): the plain part, then each
    formatted run's text, never the phonetic guide; OOXML's escapes decoded."""
    plain, runs = None, []
    for part in element:
        name = part.tag.rpartition("}")[2]
        if name == "t":
            plain = part.text
        elif name == "r":
            text = None
            for piece in part:
                if piece.tag.rpartition("}")[2] == "t":
                    text = piece.text
            if text is not None:
                runs.append(text)
    return unescape_xstring("".join([plain, *runs] if plain is not None else runs))


def unescape_xstring(text: str) -> str:
    r"""Decode OOXML's escapes in cell text: ``_x000D_`` is a carriage return (which XML
    itself cannot keep), ``_x005F_`` an underscore (``_x005F_x000D_`` is the text
    ``_x000D_``), as Excel reads them.

    >>> unescape_xstring("line_x000D_\nnext"), unescape_xstring("_x005F_x000D_")
    ('line\r\nnext', '_x000D_')
    """
    if "_x" not in text:
        return text
    return _XSTRING.sub(lambda m: chr(int(m.group(1), 16)), text)


def escape_xstring(text: str) -> str:
    r"""The inverse of :func:`unescape_xstring`, for writing cell text.

    >>> escape_xstring("line\r\nnext"), escape_xstring("_x000D_")
    ('line_x000D_\nnext', '_x005F_x000D_')
    """
    if "_x" in text:
        text = _XSTRING_START.sub("_x005F_", text)
    return text.replace("\r", "_x000D_")


def _shared_strings(book: _Workbook) -> list[str]:
    """The workbook's shared strings with OOXML's escapes decoded.

    openpyxl keeps ``_x000D_`` (Excel's carriage return) as those seven characters; when
    a string holds ``_x``, the table is read again from the file and decoded here.
    """
    if book.strings_part is None or not any("_x" in text for text in book.strings):
        return book.strings
    from xml.etree.ElementTree import iterparse

    decoded = []
    with book.archive.open(book.strings_part) as raw:
        for _, element in iterparse(_Stream(raw)):
            if element.tag == _MAIN + "si":
                decoded.append(_string(element))
                element.clear()
    return decoded if len(decoded) == len(book.strings) else book.strings


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
    formula = getattr(value, "text", None)  # an array formula: its text, {=...} in Excel
    if isinstance(formula, str):
        value = formula
    elif getattr(value, "t", None) == "dataTable":  # a what-if data table: =TABLE(r1,r2)
        value = f"=TABLE({getattr(value, 'r1', '') or ''},{getattr(value, 'r2', '') or ''})"
    text = str(value)
    return text if text.strip() else None
