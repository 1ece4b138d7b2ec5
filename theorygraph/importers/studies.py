"""Which study a row cites: a reference, a study of the theory, or one the sheet describes.

With a reference file, every citation must match a reference (or a study already in the
theory): a typo must not split one study's evidence over two studies. Without one, a new
citation becomes a study described by the sheet's ``title``, ``year``, ``design``,
``country`` and ``sector`` columns.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import ValidationError

from ..model import Study, TheoryDocument, is_valid_id
from .ids import slugify, unique_id
from .matching import StudyIndex
from .result import ImportProblem
from .values import short

__all__ = ["StudyBook"]


class StudyBook:
    """The studies rows may cite, and the ones the rows cite or create."""

    def __init__(
        self,
        base: TheoryDocument | None,
        references: list[Study] | None,
        references_name: str | None,
        taken: set[str],
        log: list[Callable[[], None]],
    ) -> None:
        self.base, self.references, self.references_name = base, references, references_name
        self.taken, self.log = taken, log
        self.index = StudyIndex([*(base.studies if base else []), *(references or [])])
        self.taken |= {s.id for s in references or []}
        self.new: list[Study] = []
        self.made: dict[str, Study] = {}  # the same studies, by id
        self.study_rows: dict[str, int] = {}  # study made from the sheet -> its first row
        self.cited: set[str] = set()

    def resolve(self, row: Any, values: dict[str, Any], problems: list[ImportProblem]) -> Any:
        """The id of the study a row cites, creating it from the sheet when allowed."""
        citation = values["study"]
        # the closest ids only help the message of a citation a reference file must match
        match = self.index.match(citation, suggest=self.references is not None)
        if match.study is not None:
            self._same(row, values, match.study, problems)
            return match.study
        if match.ambiguous:
            problems.append(
                row.problem(
                    "study",
                    f"{short(citation)!r} matches several studies: {', '.join(match.candidates)}",
                    allowed="use the citation key",
                    code="ambiguous",
                )
            )
            return None
        if self.references is not None:
            close = f"closest: {', '.join(match.candidates)}; " if match.candidates else ""
            problems.append(
                row.problem(
                    "study",
                    f"{short(citation)!r} matches no study in {self.references_name}",
                    allowed=f"{close}use a citation key, DOI or 'Author Year' of the reference "
                    "file, or add the reference",
                    code="unmatched-study",
                )
            )
            return None
        study_id = citation if is_valid_id(citation) else slugify(citation, fallback="study")
        study_id = unique_id(study_id, self.taken)
        data: dict[str, Any] = {"id": study_id, "title": values.get("title") or citation}
        for name in ("year", "design", "country", "sector"):
            if name in values:
                data[name] = values[name]
        try:
            study = Study.model_validate(data)
        except ValidationError as exc:  # pragma: no cover - the cells were read already
            problems.append(row.problem("study", str(exc)))
            return None
        self.taken.add(study_id)
        self.index.add(study)
        self.new.append(study)
        self.made[study_id] = study
        self.study_rows[study_id] = row.number

        def undo() -> None:
            self.taken.discard(study_id)
            self.new.remove(study)
            self.made.pop(study_id, None)
            self.study_rows.pop(study_id, None)
            self.index = StudyIndex(
                [
                    *(self.base.studies if self.base else []),
                    *(self.references or []),
                    *self.new,
                ]
            )

        self.log.append(undo)
        return study_id

    def _same(
        self, row: Any, values: dict[str, Any], study_id: str, problems: list[ImportProblem]
    ) -> None:
        """Warn when a later row describes a study the sheet made differently."""
        first = self.study_rows.get(study_id)
        if first is None:
            return  # a reference or a study of the theory: the sheet's study columns do not count
        study = self.made[study_id]
        for name in ("title", "year", "design", "country", "sector"):
            value, known = values.get(name), getattr(study, name)
            known = getattr(known, "value", known)
            if value is not None and known is not None and value != known:
                problems.append(
                    row.problem(
                        name,
                        f"study {study_id!r} has {name} {known!r} from row {first}; "
                        f"{value!r} is not used",
                        allowed="describe each study the same way in every row",
                        severity="warning",
                        code="study-differs",
                    )
                )
