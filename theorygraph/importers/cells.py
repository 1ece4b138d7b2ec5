"""What every reader and writer of extraction sheets shares: a table of text cells with
their row numbers, and the rule for formula-like text in CSV files.

:mod:`theorygraph.importers.table` reads .csv files and dispatches .xlsx files to
:mod:`theorygraph.importers.xlsx`; :mod:`theorygraph.importers.sheet` writes both. All of
them build on this module, which imports none of them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from ..errors import Problem
from .columns import column_letter
from .result import ImportProblem

__all__ = [
    "CSV_ESCAPED",
    "MAX_XLSX_BYTES",
    "Progress",
    "Table",
    "formula_like",
    "trim",
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
