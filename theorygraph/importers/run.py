"""One call for a whole import, as ``theorygraph import`` runs it: read, merge, write.

:func:`run_import` reads the base theory (``into``) and the reference file, imports
the file, validates the result and writes it (a new theory at ``output``, or the base
rewritten), plus the report of skipped rows when ``skip_bad_rows``. Nothing is written
when any step fails.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from ..errors import Problem, UsageError
from ..model import ReviewInfo, Study, TheoryDocument
from ..theoryfile import THEORY_SUFFIXES, atomic_write_text
from ..validate import read_theory
from .ids import slugify
from .result import ImportFailed, ImportResult, SkippedRow

__all__ = ["ImportOutcome", "run_import"]

Kind = Literal["spreadsheet", "qdpx", "references"]


@dataclass
class ImportOutcome:
    """What an import did: the result, the files written and where the report went."""

    result: ImportResult
    target: Path
    written: list[Path] = field(default_factory=list)
    report: Path | None = None


def run_import(
    kind: Kind,
    path: str | Path,
    *,
    output: str | Path | None = None,
    into: str | Path | None = None,
    references: str | Path | None = None,
    columns: dict[str, str] | None = None,
    sheet: str | None = None,
    skip_bad_rows: bool = False,
    report: str | Path | None = None,
    review_id: str | None = None,
    title: str | None = None,
    force: bool = False,
    progress: Callable[[str, int, int], None] | None = None,
) -> ImportOutcome:
    """Import ``path`` (a sheet, a .qdpx or a reference file) into a new or existing theory."""
    if (output is None) == (into is None):
        raise UsageError(
            "say where the theory goes: -o DIR for a new theory, or --into "
            "SOURCE to merge into an existing one"
        )
    if into is not None and (review_id or title):
        raise UsageError(
            "--review-id and --title name a new review; with --into the theory keeps its own review"
        )
    if not Path(path).is_file():
        raise UsageError(f"{path}: no such file")
    base = read_theory(into) if into is not None else None
    review = None
    if base is None:
        stem = slugify(Path(path).stem, fallback="review")
        review = ReviewInfo(id=review_id or stem, title=title or f"Imported from {Path(path).name}")
    studies, skipped_refs = _references(references, skip_bad_rows) if references else (None, [])
    shown = str(path)
    if kind == "references":
        result = _studies_only(path, base, review, skip_bad_rows)
    elif kind == "spreadsheet":
        from .spreadsheet import read_sheet

        result = read_sheet(
            path,
            base=base,
            references=studies,
            references_name=str(references),
            columns=columns,
            sheet=sheet,
            skip_bad_rows=skip_bad_rows,
            progress=progress,
            review=review,
        )
    else:
        from .qdpx import read_qdpx

        result = read_qdpx(
            path,
            base=base,
            references=studies,
            references_name=str(references),
            skip_bad_rows=skip_bad_rows,
            progress=progress,
            review=review,
        )
    result.skipped = skipped_refs + result.skipped
    from .write import write_into, write_new

    if output is not None:
        target = Path(output)
        written = write_new(result.document, target, force=force)
    else:
        assert base is not None and into is not None
        target = Path(into)
        written = write_into(target, base, result.document)
    outcome = ImportOutcome(result, target, written)
    if skip_bad_rows:
        outcome.report = Path(report) if report else _report_path(target)
        from .report import render_report

        atomic_write_text(outcome.report, render_report(result, shown, str(target)))
    return outcome


def _report_path(target: Path) -> Path:
    if target.suffix.lower() in THEORY_SUFFIXES:
        return target.parent / "import-report.md"
    return target / "import-report.md"


def _references(path: str | Path, skip: bool) -> tuple[list[Study], list[SkippedRow]]:
    from .references import read_references

    studies, problems = read_references(path)
    errors = [p for p in problems if p.severity == "error"]
    if errors and not skip:
        raise ImportFailed(errors, source=str(path))
    skipped: dict[int, list[Problem]] = {}
    for problem in errors:
        skipped.setdefault(problem.line or 0, []).append(problem)
    return studies, [SkippedRow(str(path), None, n, p) for n, p in sorted(skipped.items())]


def _studies_only(
    path: str | Path, base: TheoryDocument | None, review: ReviewInfo | None, skip: bool
) -> ImportResult:
    from ..validate import check_document
    from .merge import merge

    studies, skipped = _references(path, skip)
    info = base.review if base else review
    incoming = TheoryDocument(review=info, studies=studies)  # type: ignore[arg-type]
    document = merge(base, incoming)
    errors = [p for p in check_document(document) if p.severity == "error"]
    if errors:
        raise ImportFailed(errors, source=str(path))
    return ImportResult(document, incoming, skipped=skipped, rows=len(studies) + len(skipped))
