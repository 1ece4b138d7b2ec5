"""What a report says, gathered from the facade's answers in one consistent read.

Every number in a report is an answer of the query catalogue (``stats``, ``gaps``,
``chains``, ``unintended``, ``coverage``), of ``confidence`` and ``diff`` where this
version of theorygraph has them, or a count of the extracts the queries read: a report
never counts by rules of its own (the evidence rules live in :mod:`theorygraph.evidence`).

The one choice of its own is the illustrative quote of each CMOC (:func:`illustrative`).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..evidence import SUPPORTING

if TYPE_CHECKING:
    from ..answers import ChainsAnswer, CoverageAnswer, GapsAnswer, UnintendedAnswer
    from ..graph import TheoryGraph
    from ..model import ProgrammeTheory, ReviewInfo
    from ..render.mapdata import MapModel
    from ..results import EvidenceRow, Stats

__all__ = ["QUOTE_RULE", "CmocFinding", "ReportData", "gather", "illustrative"]

#: the study fields the report spreads the included studies over
PROFILE_FIELDS = ("design", "country", "sector", "service_user_involvement")

#: the rule that picks each CMOC's illustrative quote, as the report states it
QUOTE_RULE = (
    "Each CMOC's illustrative quote is the supporting extract on it (or on one of its "
    "links) judged most relevant; among equally relevant ones, the most rigorous; then "
    "a verbatim quote before a paraphrase; then the first in the review's order. "
    "Extracts that only cite a study, with no words of it, are never chosen, nor are "
    "refining or refuting extracts."
)

_JUDGED = {"high": 0, "moderate": 1, "low": 2}


def illustrative(rows: list[EvidenceRow]) -> EvidenceRow | None:
    """The illustrative quote of a CMOC from the extracts on it, by :data:`QUOTE_RULE`."""
    candidates = [
        (i, r)
        for i, r in enumerate(rows)
        if r.stance == "supports" and r.kind != "citation" and r.quote
    ]
    if not candidates:
        return None

    def rank(pair: tuple[int, EvidenceRow]) -> tuple[int, int, int, int]:
        i, r = pair
        unjudged = len(_JUDGED)
        return (
            _JUDGED.get(r.relevance or "", unjudged),
            _JUDGED.get(r.rigour or "", unjudged),
            0 if r.kind == "quote" else 1,
            i,
        )

    return min(candidates, key=rank)[1]


@dataclass
class CmocFinding:
    """One CMOC of the theory reported: its evidence by stance, quote and confidence."""

    #: its place in the review (the number the figure gives it)
    number: int
    id: str
    label: str
    theories: tuple[str, ...]
    rows: list[EvidenceRow]
    quote: EvidenceRow | None
    #: its confidence (an Assessment of theorygraph.confidence), where there is the query
    confidence: Any = None

    def studies(self, stance: str) -> list[str]:
        """The studies with an extract of ``stance`` on it, in the order first met."""
        return list(dict.fromkeys(r.study for r in self.rows if r.stance == stance))

    @property
    def evidenced(self) -> bool:
        return any(r.stance in SUPPORTING for r in self.rows)


@dataclass
class ReportData:
    review: ReviewInfo
    #: the theory the report is narrowed to (id, label), if any
    theory: tuple[str, str] | None
    #: every programme theory of the review, with the CMOCs each holds
    theories: list[tuple[ProgrammeTheory, int]]
    stats: Stats
    studies: list[dict[str, Any]]
    rows: list[EvidenceRow]
    profile: dict[str, CoverageAnswer]
    cmocs: list[CmocFinding]
    gaps: GapsAnswer
    chains: ChainsAnswer
    unintended: UnintendedAnswer
    #: the changes between theory versions; None when this theorygraph has no diff
    diffs: list[Any] | None
    #: whether this theorygraph has the confidence query
    confidence: bool
    figure: tuple[MapModel, dict[str, int]]
    notes: list[str] = field(default_factory=list)

    def judged(self, which: str) -> Counter[str]:
        """How many extracts were judged high, moderate or low on ``which`` (relevance or
        rigour), and how many not at all ('not judged')."""
        return Counter(getattr(r, which) or "not judged" for r in self.rows)


def gather(graph: TheoryGraph, *, theory: str | None = None) -> ReportData:
    """Everything a report of ``graph`` (or of one of its theories) says, in one read."""
    return graph.backend.consistent(lambda: _gather(graph, theory))


def _gather(graph: TheoryGraph, theory: str | None) -> ReportData:
    view = graph.within(theory=theory)
    backend = view.backend
    whole = graph.document()
    chosen = None
    if theory is not None:  # the view knows the theory's id, however it was named
        wanted = getattr(backend, "theory", theory)
        found = next(t for t in whole.theories if t.id == wanted)
        chosen = (found.id, found.label)
    held = Counter(t for c in whole.cmocs for t in c.theories)
    theories = [(t, held[t.id]) for t in whole.theories if chosen is None or t.id == chosen[0]]
    parts = backend.cmoc_parts(None)
    rows = backend.evidence(None)
    by_cmoc: dict[str, list[EvidenceRow]] = {}
    for r in rows:
        by_cmoc.setdefault(r.cmoc, []).append(r)
    levels = _confidence(view)
    cmocs = [
        CmocFinding(
            p.seq + 1,
            p.id,
            p.label,
            p.theories,
            by_cmoc.get(p.id, []),
            illustrative(by_cmoc.get(p.id, [])),
            levels.get(p.id) if levels is not None else None,
        )
        for p in sorted(parts.values(), key=lambda p: p.seq)
    ]
    return ReportData(
        review=view.review(),
        theory=chosen,
        theories=theories,
        stats=view.stats(),
        studies=backend.studies(),
        rows=rows,
        profile={by: view.coverage(by=by) for by in PROFILE_FIELDS},
        cmocs=cmocs,
        gaps=view.gaps(),
        chains=view.chains(),
        unintended=view.unintended(),
        diffs=_diffs(graph, whole.theories, chosen[0] if chosen else None),
        confidence=levels is not None,
        figure=view._figure_data(None, None, 1, None),
    )


def _confidence(view: TheoryGraph) -> dict[str, Any] | None:
    """Each CMOC's confidence (its assessment) from the confidence query, or None when
    this theorygraph has no such query."""
    ask = getattr(view, "confidence", None)
    if ask is None:
        return None
    return {item.id: item.assessment for item in ask().cmocs}


def _diffs(
    graph: TheoryGraph, theories: list[ProgrammeTheory], chosen: str | None
) -> list[Any] | None:
    """How each theory version changed from the one it refines (only into ``chosen`` when
    the report is narrowed to one); None when this theorygraph has no diff."""
    diff = getattr(graph, "diff", None)
    if diff is None:
        return None
    ids = {t.id for t in theories}
    return [
        diff(from_theory=t.refines, to_theory=t.id)
        for t in theories
        if t.refines in ids and (chosen is None or t.id == chosen)
    ]
