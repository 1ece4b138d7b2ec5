"""What every importer gives back: problems located in the user's file, and the result.

An :class:`ImportProblem` is a :class:`~theorygraph.errors.Problem` that knows where it
sits in a spreadsheet or a coded project (``Sheet1 row 7, column D (stance)``), so the
message points at the cell to fix, not at a field path the user never wrote.

>>> p = ImportProblem("'maybee' is not a stance", file="extraction.xlsx", row=7,
...                   where="Sheet1 row 7, column D (stance)",
...                   allowed="allowed: supports, refutes, refines")
>>> p.location()
'extraction.xlsx: Sheet1 row 7, column D (stance)'
>>> str(p) == p.location() + ": 'maybee' is not a stance (allowed: supports, refutes, refines)"
True
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..errors import InvalidTheoryError, Problem
from ..model import TheoryDocument

__all__ = ["ImportFailed", "ImportProblem", "ImportResult", "SkippedRow"]


@dataclass(frozen=True)
class ImportProblem(Problem):
    """A problem in an imported file, located by row and column (or coded segment)."""

    #: human-readable place inside the file: "Sheet1 row 7, column D (stance)"
    where: str = ""
    #: the row (or coded segment number) it belongs to; None for a problem with the file
    row: int | None = None
    #: the sheet (or the coded source) and the column (or code group), for reports
    sheet: str | None = None
    cell: str | None = None

    def location(self) -> str:
        head = self.file or "<input>"
        return f"{head}: {self.where}" if self.where else head

    def __str__(self) -> str:
        text = f"{self.location()}: {self.message}"
        if self.allowed:
            text += f" ({self.allowed})"
        return text


@dataclass
class SkippedRow:
    """A row left out by ``skip_bad_rows``, with every problem it had."""

    file: str
    sheet: str | None
    row: int
    problems: list[Problem]


@dataclass
class ImportResult:
    """The outcome of one import.

    ``document`` is the whole review after the import: the base theory (when merging)
    with every new or updated item merged in, checked with
    :func:`~theorygraph.validate.check_document`. ``incoming`` holds only what the
    file brought (for merging elsewhere with :func:`~theorygraph.importers.merge.merge`).
    """

    document: TheoryDocument
    incoming: TheoryDocument
    problems: list[Problem] = field(default_factory=list)
    skipped: list[SkippedRow] = field(default_factory=list)
    #: ids of referenced studies that no extract cites (kept as studies, listed here)
    unmatched_studies: list[str] = field(default_factory=list)
    #: rows whose study matched no reference (each is also an error problem)
    unmatched_extracts: list[ImportProblem] = field(default_factory=list)
    #: rows read (data rows or coded segments), whether imported or skipped
    rows: int = 0

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    def counts(self) -> dict[str, int]:
        """How many items of each section the import brought (new or updated)."""
        sections = ("contexts", "mechanisms", "outcomes", "cmocs", "studies", "extracts")
        return {s: len(getattr(self.incoming, s)) for s in sections}


class ImportFailed(InvalidTheoryError):
    """An import found errors, so nothing was written; :attr:`problems` lists them all."""

    def __init__(
        self, problems: list[Problem], source: str | None = None, hint: str | None = None
    ) -> None:
        super().__init__(problems, source=source)
        self.hint = hint
