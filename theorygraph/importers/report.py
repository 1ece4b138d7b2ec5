"""The import report: every skipped row, every warning, every reference left uncited.

>>> from theorygraph.importers.result import ImportProblem, SkippedRow
>>> p = ImportProblem("'maybee' is not a stance", file="x.csv", row=7, where="row 7, column D",
...                   cell="D (stance)", allowed="allowed: supports, refutes, refines")
>>> print(skipped_table([SkippedRow("x.csv", None, 7, [p])]))
| File | Sheet | Row | Column | Problem |
|---|---|---:|---|---|
| x.csv |  | 7 | D (stance) | 'maybee' is not a stance (allowed: supports, refutes, refines) |
"""

from __future__ import annotations

from ..errors import Problem
from .result import ImportProblem, ImportResult, SkippedRow

__all__ = ["render_report", "skipped_table"]


def _cell(text: object) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def _what(problem: Problem) -> str:
    return problem.message + (f" ({problem.allowed})" if problem.allowed else "")


def skipped_table(skipped: list[SkippedRow]) -> str:
    lines = ["| File | Sheet | Row | Column | Problem |", "|---|---|---:|---|---|"]
    for row in skipped:
        for problem in row.problems:
            if problem.severity != "error":
                continue
            column = problem.cell if isinstance(problem, ImportProblem) else None
            sheet = row.sheet or (problem.sheet if isinstance(problem, ImportProblem) else None)
            lines.append(
                f"| {_cell(row.file)} | {_cell(sheet or '')} | {row.row} | "
                f"{_cell(column or '')} | {_cell(_what(problem))} |"
            )
    return "\n".join(lines)


def render_report(result: ImportResult, source: str, target: str) -> str:
    """The Markdown report ``--skip-bad-rows`` writes beside the theory."""
    imported = result.rows - len(result.skipped)
    parts = [
        "# Import report",
        "",
        f"- Source: `{source}`",
        f"- Written to: `{target}`",
        f"- Rows read: {result.rows}; imported: {imported}; skipped: {len(result.skipped)}",
        "",
        "## Skipped rows",
        "",
    ]
    if result.skipped:
        parts += [
            "Each skipped row is listed with every problem it had. Fix them in the source "
            "and import again: rows already imported are matched, never duplicated.",
            "",
            skipped_table(result.skipped),
        ]
    else:
        parts.append("None: every row was imported.")
    if result.warnings:
        parts += ["", "## Warnings", ""]
        parts += [f"- {_cell(p)}" for p in result.warnings]
    if result.unmatched_studies:
        parts += [
            "",
            "## References cited by no extract",
            "",
            "They were kept as studies without evidence.",
            "",
        ]
        parts += [f"- `{s}`" for s in result.unmatched_studies]
    return "\n".join(parts) + "\n"
