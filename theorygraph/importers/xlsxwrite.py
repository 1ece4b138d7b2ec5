"""Writing values into .xlsx cells so that every program reads them back as written.

The extraction sheet (:mod:`theorygraph.importers.sheet`) and the whole-review workbook
(:mod:`theorygraph.importers.workbook_write`) write every cell through :func:`put`:

- Text that a spreadsheet program would run as a formula (``=cmd|' /C calc'!A0``, or
  anything starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return) or show
  as an error value (``#N/A``) is a text cell with Excel's "quote prefix", so the value
  is exactly the text and stays text when the cell is edited.
- A carriage return is written as ``_x000D_``, as Excel writes it, because XML itself
  turns a raw one into a line feed (:func:`~theorygraph.importers.xlsx.escape_xstring`).
- What a cell cannot hold is refused, never cut or changed (:func:`unstorable`): the
  characters XML 1.0 cannot hold, and text longer than 32,767 characters (Excel's
  limit per cell, past which openpyxl would cut it without a word).
"""

from __future__ import annotations

from typing import Any

from ..render.text import NOT_XML
from .cells import CSV_ESCAPED
from .values import MAX_CELL
from .xlsx import escape_xstring

__all__ = ["ERROR_VALUES", "put", "unstorable"]

#: text a spreadsheet program shows as an error value unless the cell is marked as text
ERROR_VALUES = frozenset({"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A"})


def unstorable(text: str) -> str | None:
    """Why ``text`` cannot be stored in an .xlsx cell and what to do, or None when it can.

    >>> unstorable("bell\\x07"), unstorable("fine")
    ('control character 0x07 cannot be stored in .xlsx; remove it', None)
    """
    bad = NOT_XML.search(text)
    if bad is not None:
        code = ord(bad.group())
        what = f"control character 0x{code:02x}" if code < 0x20 else f"U+{code:04X}"
        return f"{what} cannot be stored in .xlsx; remove it"
    if len(text) > MAX_CELL or len(escape_xstring(text)) > MAX_CELL:
        return (
            f"{len(text)} characters are more than an .xlsx cell holds "
            f"({MAX_CELL}, Excel's own limit); shorten it"
        )
    return None


def put(ws: Any, row: int, column: int, value: str | int | float | None) -> None:
    """Write ``value`` at ``row``, ``column`` (1-based) of the openpyxl sheet ``ws``; None
    leaves the cell empty. Text must have passed :func:`unstorable`."""
    if value is None:
        return
    if not isinstance(value, str):
        ws.cell(row=row, column=column, value=value)
        return
    cell = ws.cell(row=row, column=column, value=escape_xstring(value))
    if value[:1] in CSV_ESCAPED or value in ERROR_VALUES:
        # a text cell, never a formula; quotePrefix keeps it text when edited in Excel
        cell.data_type = "s"
        cell.quotePrefix = True
