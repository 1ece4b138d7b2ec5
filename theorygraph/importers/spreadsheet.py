"""Extraction spreadsheets (.xlsx, .csv): one row per extract.

>>> from pathlib import Path
>>> import tempfile
>>> folder = Path(tempfile.mkdtemp())
>>> _ = (folder / "sheet.csv").write_text(
...     "Study,Quote,C,M,O,Stance\\n"
...     "Smith 2019,They came because she asked.,Voluntary cooperation,Inspiring intent,"
...     "Collaboration,+\\n", encoding="utf-8")
>>> result = read_sheet(folder / "sheet.csv")
>>> x = result.document.extracts[0]
>>> x.id, x.study, x.cmoc, x.stance.value
('x-0001', 'smith-2019', 'cmoc-01', 'supports')
>>> result.document.cmocs[0].contexts
['c-voluntary-cooperation']
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from ..errors import Problem
from ..model import ReviewInfo, Study, TheoryDocument
from .builder import Builder, Row
from .columns import COLUMNS, match_headers, unknown_headers
from .finish import finish
from .result import ImportFailed, ImportProblem, ImportResult
from .table import Table, read_table
from .values import split_list

__all__ = ["read_sheet"]

#: progress(stage, done, total), stage being 'reading' or 'importing'
Progress = Callable[[str, int, int], None]


def read_sheet(
    path: str | Path,
    *,
    base: TheoryDocument | None = None,
    references: list[Study] | None = None,
    references_name: str | None = None,
    columns: dict[str, str] | None = None,
    sheet: str | None = None,
    skip_bad_rows: bool = False,
    progress: Progress | None = None,
    review: ReviewInfo | None = None,
    display: str = "",
) -> ImportResult:
    """Import an extraction sheet, merged into ``base`` when given.

    ``references`` (studies read with :func:`~theorygraph.importers.references.read_references`)
    are what the ``study`` column must match; without them each new citation becomes a study
    described by the sheet's own study columns. Raises
    :class:`~theorygraph.importers.result.ImportFailed` listing every problem when any row is
    bad, unless ``skip_bad_rows``, which leaves bad rows out and lists them in
    :attr:`ImportResult.skipped`.
    """
    path = Path(path)
    shown = display or str(path)
    reading = (lambda done, total: progress("reading", done, total)) if progress else None
    table = read_table(path, sheet=sheet, progress=reading, display=shown)
    fatal = [p for p in table.problems if p.severity == "error"]
    if fatal:
        raise ImportFailed(fatal, source=shown)
    if not table.headers:
        raise ImportFailed(
            [
                table.problem(
                    "the file is empty",
                    allowed="the first row names the columns: " + ", ".join(COLUMNS),
                    code="empty",
                )
            ],
            source=shown,
        )
    found = _columns(table, columns)
    if review is None and base is None:
        from .ids import slugify

        review = ReviewInfo(
            id=slugify(path.stem, fallback="review"), title=f"Imported from {path.name}"
        )
    builder = Builder(base, references=references, references_name=references_name, review=review)
    builder.nodes.expect_outcomes(
        name
        for _, cells in table.rows
        if "outcome" in found
        for name in split_list(_cell(cells, found["outcome"]) or "")
    )
    rows = [_row(table, number, cells, found) for number, cells in table.rows]
    return finish(builder, rows, table.problems, shown, skip_bad_rows, progress, sheet=table.sheet)


def _cell(cells: Sequence[str | None], index: int) -> str | None:
    value = cells[index] if index < len(cells) else None
    return value.strip() if value is not None and value.strip() else None


def _row(table: Table, number: int, cells: list[str | None], found: dict[str, int]) -> Row:
    values = {}
    for name, index in found.items():
        value = _cell(cells, index)
        if value is not None:
            values[name] = value

    def locate(field: str | None, message: str, **kwargs: Any) -> ImportProblem:
        return table.problem(message, number, found.get(field) if field else None, **kwargs)

    return Row(number, values, locate)


def _columns(table: Table, columns: dict[str, str] | None) -> dict[str, int]:
    found, unclear = match_headers(table.headers, columns)
    problems: list[Problem] = [table.problem(m, code="columns") for m in unclear]
    headers = ", ".join(repr(h) for h in table.headers if h)
    for name in ("study", "quote", "stance"):
        if name not in found:
            usual = ", ".join(COLUMNS[name][1:5])
            problems.append(
                table.problem(
                    f"no column for {name!r} in the header row (row {table.header_row})",
                    allowed=f"head a column {name!r} or one of its usual names ({usual}), or map "
                    f"one with --columns {name}=HEADER; "
                    f"headers found: {headers}",
                    code="columns",
                )
            )
    if "cmoc" not in found and not {"context", "mechanism", "outcome"} & set(found):
        problems.append(
            table.problem(
                f"no column for 'cmoc' nor for 'context', 'mechanism' and 'outcome' (row "
                f"{table.header_row})",
                allowed=f"head columns CMOC, or Context, Mechanism and "
                f"Outcome; headers found: {headers}",
                code="columns",
            )
        )
    if problems:
        raise ImportFailed(problems, source=table.file)
    ignored = unknown_headers(table.headers, found)
    if ignored:
        table.problems.append(
            table.problem(
                f"columns not imported: {', '.join(ignored)}",
                allowed="map one with --columns FIELD=HEADER; fields: " + ", ".join(COLUMNS),
                severity="warning",
                code="columns",
            )
        )
    return found
