"""The end of every import: run the rows, merge, validate, and decide what is kept.

By default one bad row fails the whole import (:class:`ImportFailed` lists every
problem of every row, so they can all be fixed in one go). With ``skip_bad_rows`` the
bad rows are left out and listed in :attr:`ImportResult.skipped`.
"""

from __future__ import annotations

from collections.abc import Callable

from ..errors import Problem
from ..validate import check_document
from ..words import plural
from .builder import Builder, Row
from .merge import merge
from .result import ImportFailed, ImportProblem, ImportResult, SkippedRow

__all__ = ["finish"]


def finish(
    builder: Builder,
    rows: list[Row],
    problems: list[Problem],
    shown: str,
    skip_bad_rows: bool,
    progress: Callable[[str, int, int], None] | None,
    *,
    sheet: str | None = None,
    known_bad: dict[int, list[Problem]] | None = None,
) -> ImportResult:
    """Run ``rows`` through ``builder``; ``known_bad`` are rows the reader already refused."""
    kept = [p for p in problems if p.severity != "error"]
    bad: dict[int, list[Problem]] = dict(known_bad or {})
    if not rows and not bad:
        kept.append(
            Problem(
                "nothing to import: no data rows or coded segments",
                file=shown,
                severity="warning",
                code="empty",
            )
        )
    for done, row in enumerate(rows, start=1):
        found = builder.add(row)
        if any(p.severity == "error" for p in found):
            bad[row.number] = list(found)
        else:
            kept += found
        if progress is not None and (done % 200 == 0 or done == len(rows)):
            progress("importing", done, len(rows))
    incoming, dropped = builder.incoming()
    by_number = {row.number: row for row in rows}
    for number, reasons in dropped.items():
        row = by_number[number]
        bad.setdefault(number, []).extend(
            row.problem("cmoc", p.message, allowed=p.allowed, code=p.code) for p in reasons
        )
    unmatched = [
        p
        for found in bad.values()
        for p in found
        if isinstance(p, ImportProblem) and p.code == "unmatched-study"
    ]
    if bad and not skip_bad_rows:
        errors = [p for number in sorted(bad) for p in bad[number] if p.severity == "error"]
        raise ImportFailed(errors + kept, source=shown, hint=plural(len(bad), "bad row"))
    skipped = [SkippedRow(shown, sheet, number, bad[number]) for number in sorted(bad)]
    document = merge(builder.base, incoming)
    errors = [p for p in check_document(document) if p.severity == "error"]
    if errors:
        raise ImportFailed(errors, source=shown)
    uncited = builder.unmatched_studies()
    if uncited:
        n = len(uncited)
        kept.append(
            Problem(
                f"{n} reference{'s are' if n != 1 else ' is'} cited by no extract, kept as "
                f"{'studies' if n != 1 else 'a study'} without evidence: {', '.join(uncited)}",
                file=builder.references_name,
                severity="warning",
                code="unmatched-reference",
            )
        )
    return ImportResult(
        document=document,
        incoming=incoming,
        problems=kept,
        skipped=skipped,
        unmatched_studies=uncited,
        unmatched_extracts=unmatched,
        rows=len(rows) + len(known_bad or {}),
    )
