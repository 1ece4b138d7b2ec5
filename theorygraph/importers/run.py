"""One call for a whole import, as ``theorygraph import`` runs it: read, merge, write.

:func:`run_import` reads the base theory (``into``) and the reference file, imports
the file, validates the result and writes it (a new theory at ``output``, or the base
rewritten), plus the report of skipped rows when ``skip_bad_rows``. Nothing is written
when any step fails: the theory files and the report are written together, all or none,
and a target or report that would overwrite what the import reads or writes is refused
before anything is read (:func:`check_paths`).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from ..errors import Problem, UsageError
from ..model import ReviewInfo, Study, TheoryDocument
from ..theoryfile import THEORY_SUFFIXES
from ..validate import read_theory
from .ids import slugify
from .result import ImportFailed, ImportResult, SkippedRow

__all__ = ["ImportOutcome", "check_paths", "run_import"]

Kind = Literal["spreadsheet", "qdpx", "references", "workbook"]


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
    """Import ``path`` (a sheet, a .qdpx or a reference file) into a new or existing theory.

    A ``workbook`` holds a whole review: ``into`` is then rewritten to hold exactly the
    workbook's review (which must be the same review), its files kept where they are."""
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
    destination = output if output is not None else into
    assert destination is not None  # exactly one of them, checked above
    target = Path(destination)
    if report is not None and not skip_bad_rows:
        raise UsageError(
            f"--report {report}: a report lists the rows --skip-bad-rows leaves out; "
            "add --skip-bad-rows, or drop --report"
        )
    report_path = None
    if skip_bad_rows:
        report_path = Path(report) if report else _report_path(target)
    inputs = {"the file being imported": Path(path)}
    if references:
        inputs["the --references file"] = Path(references)
    check_paths(
        inputs, target, new=output is not None, report=report_path, named=report is not None
    )
    if output is not None:
        from .write import check_new

        check_new(target, force=force)  # before the import's work, not only after it
    base = read_theory(into) if into is not None else None
    review = None
    if base is None:
        stem = slugify(Path(path).stem, fallback="review")
        review = ReviewInfo(id=review_id or stem, title=title or f"Imported from {Path(path).name}")
    studies, skipped_refs = _references(references, skip_bad_rows) if references else (None, [])
    shown = str(path)
    if kind == "references":
        result = _studies_only(path, base, review, skip_bad_rows)
    elif kind == "workbook":
        result = _workbook(path, base)
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
    from .write import plan_into, plan_new

    if output is not None:
        plan = plan_new(result.document, target, force=force)
    else:
        assert base is not None
        plan = plan_into(target, base, result.document)
    for planned in [*plan.files, *plan.remove]:
        for what, read in inputs.items():
            if _same(planned, read):
                raise UsageError(f"{planned}: this import would overwrite {what}; nothing written")
    outcome = ImportOutcome(result, target, list(plan.files), report_path)
    extra = {}
    if report_path is not None:
        from .report import render_report

        if report_path in plan.files:
            raise UsageError(f"--report {report_path}: the import writes a theory file there")
        extra[report_path] = render_report(result, shown, str(target))
    # the theory files and the report are written together: all of them, or none
    plan.write(extra)
    return outcome


def check_paths(
    inputs: dict[str, Path],
    target: Path,
    *,
    new: bool,
    report: Path | None,
    named: bool = True,
) -> None:
    """Refuse a target or a report that would overwrite what the import reads or writes.

    ``inputs`` names each file read (``{"the file being imported": path}``); ``target``
    is the theory written (``new``: -o) or merged into (--into); ``report`` where
    --skip-bad-rows writes its report (``named``: given with --report, not the default).
    """
    flag = "-o" if new else "--into"
    for what, read in inputs.items():
        if _same(target, read):
            raise UsageError(f"{flag} {target}: that is {what}; name a theory file or folder")
    if report is None:
        return
    shown = f"--report {report}" if named else f"the report {report}"
    if report.is_dir():
        raise UsageError(f"{shown}: that is a folder; name a file such as report.md")
    for what, read in inputs.items():
        if _same(report, read):
            raise UsageError(f"{shown}: that is {what}; name another file with --report")
    if _same(report, target):
        raise UsageError(f"{shown}: that is the theory file this import writes; name another file")
    folder = target.is_dir() or (new and target.suffix.lower() not in THEORY_SUFFIXES)
    if folder and report.suffix.lower() in THEORY_SUFFIXES:
        inside = _inside(report, target)
        if inside is not None and not any(part.startswith(".") for part in inside.parts):
            raise UsageError(
                f"{shown}: a {report.suffix} file in the theory folder {target} "
                "would be read as part of the review; name a .md file, or a path outside "
                "the folder"
            )
    parent = report.parent if str(report.parent) else Path(".")
    if named and not parent.is_dir() and not (folder and _same(parent, target)):
        raise UsageError(f"{shown}: folder {parent} does not exist")


def _real(path: Path) -> Path:
    return Path(os.path.realpath(path))


def _same(a: Path, b: Path) -> bool:
    """Do ``a`` and ``b`` name the same file (through symbolic or hard links too)?"""
    if _real(a) == _real(b):
        return True
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def _inside(path: Path, folder: Path) -> Path | None:
    """``path`` relative to ``folder`` when it lies inside it, else None."""
    try:
        return _real(path).relative_to(_real(folder))
    except ValueError:
        return None


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


def _workbook(path: str | Path, base: TheoryDocument | None) -> ImportResult:
    from .workbook_read import read_workbook

    result = read_workbook(path)
    if base is not None and base.review.id != result.document.review.id:
        raise UsageError(
            f"{path} holds review {result.document.review.id!r}, and the theory it would "
            f"replace holds {base.review.id!r}; import it with -o into a new folder"
        )
    return result
