"""Agreement between two reviewers who coded the same studies independently.

The two codings come from two sources (two theory folders, say ``reviewer-a/`` and
``reviewer-b/``) or from one review whose extracts name their ``coder``. This module
matches their extracts (:func:`match_codings`), measures how far they agree
(:func:`agreement`: percent agreement and Cohen's kappa with its confidence interval,
per target and overall) and lists what only one of them coded and where they disagree.
:mod:`theorygraph.reconcile` turns a matching into a sheet a team works through, and
back into one agreed review.

The matching rule (docs/agreement.md says the same in words):

1. Only the *double-coded studies* are compared: the studies that both codings have at
   least one extract from, or the studies named with ``studies``. Extracts from other
   studies are listed as not double-coded, never as disagreements.
2. An extract of A and an extract of B are *candidates* when they come from the same
   study and bear on the same target: the same CMOC, and the same link of it (the same
   ``from`` and ``to``) or both the whole CMOC.
3. Candidates *overlap* when their quotes overlap (the same words, or a run of at least
   :data:`MIN_SHARED_WORDS` words in common, or the whole of a shorter quote), or their
   locations overlap (the same text, or page numbers in common: ``p. 5`` and
   ``pp. 4-6``), or one of them is a citation with no location (it stands for the whole
   study). Words are compared without case or punctuation.
4. Overlapping candidates are paired one to one, closest first: the same quote, then
   the most words in common, then the same location, then the most pages in common;
   ties go to the earlier extract of A, then of B (file order). So the same codings
   always give the same pairs.
5. An extract left without a partner was made by one reviewer only.

Kappa is computed over the pairs only: an extract only one reviewer made says nothing
about the stance the other would have given, so it is reported as such and left out
of kappa, never counted as a disagreement.

>>> from theorygraph.model import Extract
>>> a = Extract(id="x1", study="s1", cmoc="k1", stance="supports", quote="q", location="p. 5")
>>> b = Extract(id="y1", study="s1", cmoc="k1", stance="refutes", quote="r", location="pp. 4-6")
>>> overlap(a, b).reason
'pages overlap'
"""

from __future__ import annotations

import difflib
import math
import re
import warnings
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from .answers import Answer
from .errors import MissingExtraError, UsageError
from .evidence import STANCES
from .model import Extract, ExtractKind, TheoryDocument
from .words import closest_ids, plural

if TYPE_CHECKING:
    from .graph import Neo4jOptions

__all__ = [
    "MIN_SHARED_WORDS",
    "AgreementAnswer",
    "Coding",
    "Kappa",
    "Matching",
    "Overlap",
    "Pair",
    "TargetAgreement",
    "agreement",
    "cohens_kappa",
    "load_codings",
    "match_codings",
    "overlap",
    "pages",
    "split_by_coder",
]

#: the fewest words in a row two quotes must share to overlap (a shorter quote must be
#: contained whole in the other)
MIN_SHARED_WORDS = 5
#: the level of kappa's confidence interval (statsmodels gives the 95% interval)
CONFIDENCE = 0.95

#: what a row of the comparison is
Status = Literal["agree", "disagree", "only A", "only B", "not double-coded"]
#: one target of evidence: a CMOC, and the link of it (from, to) or None for the whole
Target = tuple[str, str | None, str | None]


# -- the two codings ------------------------------------------------------------------------
@dataclass(frozen=True)
class Coding:
    """One reviewer's coding: a name for the reports, where it came from, and the review
    it belongs to; its extracts are those of the review (or, for one review coded by two,
    those this coder made)."""

    name: str
    source: str
    document: TheoryDocument
    extracts: tuple[Extract, ...]
    #: the coder's name when the coding is one coder's extracts in a shared review
    coder: str | None = None

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name, "source": self.source}
        if self.coder is not None:
            out["coder"] = self.coder
        return out | {"extracts": len(self.extracts)}


def split_by_coder(
    document: TheoryDocument, source: str, coders: Sequence[str] | None = None
) -> tuple[Coding, Coding, list[Extract]]:
    """One review coded by two: the extracts of each of two coders, and the extracts of
    no coder or of another coder (left out of the comparison, kept in a merge).

    Without ``coders``, the review must name exactly two coders; they are taken in
    alphabetical order.
    """
    named = sorted({x.coder for x in document.extracts if x.coder is not None})
    if coders is None:
        if len(named) > 2:
            raise UsageError(
                f"{source}: its extracts name {len(named)} people as coder "
                f"({', '.join(named)}); choose two with coders",
                params=("coders",),
            )
        if len(named) < 2:
            who = f"only one coder ({named[0]})" if named else "no coder"
            raise UsageError(
                f"{source}: its extracts name {who}, and agreement compares two; compare "
                "two sources (theorygraph agreement A B), or give each extract a coder"
            )
        coders = named
    if len(coders) != 2 or coders[0] == coders[1]:
        raise UsageError(
            f"coders must name two different people, not {', '.join(coders) or 'none'}",
            params=("coders",),
        )
    for coder in coders:
        if coder not in named:
            close = closest_ids(coder, named)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            known = f" (it names {', '.join(named)})" if named and not close else ""
            raise UsageError(
                f"{source}: no extract names the coder {coder!r}{hint}{known}", params=("coders",)
            )
    a, b = coders
    left_out = [x for x in document.extracts if x.coder not in (a, b)]
    return (
        Coding(a, source, document, tuple(x for x in document.extracts if x.coder == a), a),
        Coding(b, source, document, tuple(x for x in document.extracts if x.coder == b), b),
        left_out,
    )


def load_codings(
    a: str,
    b: str | None = None,
    *,
    coders: Sequence[str] | None = None,
    review: str | None = None,
    neo4j: Neo4jOptions | None = None,
) -> tuple[Coding, Coding, list[Extract]]:
    """Open the codings: two sources ``a`` and ``b`` (theory files or folders, workbooks,
    graph files; one of them may be a Neo4j URI with ``review``), or, without ``b``, one
    review whose extracts name their coder (see :func:`split_by_coder`)."""
    from .graph import TheoryGraph
    from .uris import is_neo4j_uri

    if b is not None and coders is not None:
        raise UsageError(
            "coders compares two people's coding in one review; with two sources leave it out",
            params=("coders",),
        )
    if b is not None and is_neo4j_uri(a) and is_neo4j_uri(b):
        raise UsageError(
            "both codings are in Neo4j: pull one of them to a file first "
            "(theorygraph pull URI --review ID -o coding.yaml)"
        )
    documents = []
    for source in (a, b) if b is not None else (a,):
        with TheoryGraph.open(source, review=review, neo4j=neo4j) as graph:
            documents.append(graph.document())
    if b is None:
        return split_by_coder(documents[0], a, coders)
    names = _names(a, b, documents)
    return (
        Coding(names[0], a, documents[0], tuple(documents[0].extracts)),
        Coding(names[1], b, documents[1], tuple(documents[1].extracts)),
        [],
    )


def _names(a: str, b: str, documents: list[TheoryDocument]) -> tuple[str, str]:
    """Short names for two sources: their folder or file names, else as given."""
    from .uris import is_neo4j_uri

    def short(source: str, document: TheoryDocument) -> str:
        if is_neo4j_uri(source):
            return document.review.id
        return Path(source.rstrip("/\\")).name or source

    names = (short(a, documents[0]), short(b, documents[1]))
    return names if names[0] != names[1] else (a, b)


# -- overlap --------------------------------------------------------------------------------
_WORD = re.compile(r"\w+")
#: a page marker and the numbers after it: "p. 5", "pp. 4-6", "pages 3, 7 and 9"
_PAGES = re.compile(
    r"\b(?:pp?|pages?)\.?\s*(\d+(?:\s*[-\u2013\u2014]\s*\d+)?"
    r"(?:\s*(?:,|&|and)\s*\d+(?:\s*[-\u2013\u2014]\s*\d+)?)*)",
    re.IGNORECASE,
)
_RANGE = re.compile(r"(\d+)(?:\s*[-\u2013\u2014]\s*(\d+))?")


def words(text: str | None) -> list[str]:
    """The words of a text, without case or punctuation."""
    return _WORD.findall(text.casefold()) if text else []


def pages(location: str | None) -> list[tuple[int, int]]:
    """The pages a location names, as ranges (first, last), after a page marker.

    >>> pages("pp. 112-14, 120"), pages("p. 12, para 3"), pages("Section 3.2")
    ([(112, 114), (120, 120)], [(12, 12)], [])
    """
    found = []
    for listed in _PAGES.findall(location or ""):
        for first, last in _RANGE.findall(listed):
            start = int(first)
            end = int(last) if last else start
            if end < start and len(last) < len(first):  # "112-14" is 112 to 114
                end = int(first[: len(first) - len(last)] + last)
            found.append((start, max(start, end)))
    return found


def _same_location(a: str | None, b: str | None) -> bool:
    def norm(text: str) -> str:
        return " ".join(re.sub(r"[.,;:]+", " ", text.casefold()).split())

    return bool(a and b) and norm(a or "") == norm(b or "")


def _shared_pages(a: str | None, b: str | None) -> int:
    return sum(max(0, min(e1, e2) - max(s1, s2) + 1) for s1, e1 in pages(a) for s2, e2 in pages(b))


def _shared_run(a: list[str], b: list[str]) -> int:
    """The length of the longest run of words the two have in common."""
    if not a or not b:
        return 0
    match = difflib.SequenceMatcher(None, a, b, autojunk=False).find_longest_match(
        0, len(a), 0, len(b)
    )
    return int(match.size)


@dataclass(frozen=True, order=True)
class Overlap:
    """How two candidate extracts overlap; a larger one is a closer match."""

    #: 2 the same words, 1 a run of words in common, 0 none
    quote: int
    #: the words in common (the longest run)
    shared_words: int
    #: 2 the same location, 1 pages in common, 0 none
    location: int
    shared_pages: int

    @property
    def reason(self) -> str:
        """Why the two were paired, in words."""
        if self.quote == 2:
            return "same quote"
        if self.quote == 1:
            return f"quotes share {plural(self.shared_words, 'word')}"
        if self.location == 2:
            return "same location"
        if self.location == 1:
            return "pages overlap"
        return "citation of the study"


def _stands_for_study(x: Extract) -> bool:
    return x.kind == ExtractKind.citation and not x.location


def overlap(a: Extract, b: Extract) -> Overlap | None:
    """How two extracts of the same study and target overlap (rule 3), or None."""
    wa, wb = words(a.quote), words(b.quote)
    run = _shared_run(wa, wb)
    shorter = min(len(wa), len(wb))
    quote = 2 if wa and wa == wb else int(run >= min(MIN_SHARED_WORDS, shorter) and run > 0)
    place = 2 if _same_location(a.location, b.location) else 0
    shared = _shared_pages(a.location, b.location)
    if not place and shared:
        place = 1
    if quote or place or _stands_for_study(a) or _stands_for_study(b):
        return Overlap(quote, run if quote else 0, place, shared)
    return None


def target_of(x: Extract) -> Target:
    return (x.cmoc, x.link.source, x.link.target) if x.link else (x.cmoc, None, None)


def _target_key(target: Target) -> tuple[str, str, str]:
    """Targets in order: by CMOC, the whole CMOC before its links."""
    cmoc, start, end = target
    return (cmoc, start or "", end or "")


def target_text(target: Target) -> str:
    """``cmoc-01: m-a -> o-b``, or ``cmoc-01 (whole CMOC)``."""
    cmoc, start, end = target
    return f"{cmoc}: {start} -> {end}" if start else f"{cmoc} (whole CMOC)"


# -- matching -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Pair:
    """One row of the comparison: a pair of extracts, or an extract of one reviewer."""

    a: Extract | None
    b: Extract | None
    #: why the two were paired (None for an extract of one reviewer)
    matched_by: str | None = None
    #: whether its study is one both reviewers coded
    double_coded: bool = True

    @property
    def extract(self) -> Extract:
        found = self.a or self.b
        assert found is not None  # a row holds at least one extract
        return found

    @property
    def study(self) -> str:
        return self.extract.study

    @property
    def target(self) -> Target:
        return target_of(self.extract)

    @property
    def paired(self) -> bool:
        return self.a is not None and self.b is not None

    @property
    def status(self) -> Status:
        if not self.double_coded:
            return "not double-coded"
        if self.a is not None and self.b is not None:
            return "agree" if self.a.stance == self.b.stance else "disagree"
        return "only A" if self.a is not None else "only B"

    def as_dict(self) -> dict[str, Any]:
        cmoc, start, end = self.target

        def coded(x: Extract | None) -> dict[str, Any] | None:
            if x is None:
                return None
            return x.model_dump(mode="json", by_alias=True, exclude_none=True)

        return {
            "status": self.status,
            "study": self.study,
            "cmoc": cmoc,
            "link": {"from": start, "to": end} if start else None,
            "matched_by": self.matched_by,
            "a": coded(self.a),
            "b": coded(self.b),
        }


@dataclass
class Matching:
    """Two codings, their extracts paired by the matching rule (see the module)."""

    a: Coding
    b: Coding
    rows: list[Pair]
    #: the studies compared (both reviewers coded them), in order
    studies: list[str]
    #: extracts of the review left out: of no coder, or of a third (one review coded by two)
    left_out: list[Extract] = field(default_factory=list)

    @property
    def pairs(self) -> list[Pair]:
        return [r for r in self.rows if r.paired]


def match_codings(
    a: Coding,
    b: Coding,
    *,
    studies: Iterable[str] | None = None,
    left_out: Sequence[Extract] = (),
) -> Matching:
    """Pair the extracts of two codings by the matching rule of this module.

    ``studies`` names the double-coded studies; by default they are those both codings
    have an extract from.
    """
    from_a = {x.study for x in a.extracts}
    from_b = {x.study for x in b.extracts}
    if studies is None:
        scope = from_a & from_b
    else:
        scope = set(studies)
        known = {s.id for s in a.document.studies} | {s.id for s in b.document.studies}
        unknown = sorted(scope - known)
        if unknown:
            close = closest_ids(unknown[0], known)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            raise UsageError(f"no study {unknown[0]!r} in either coding{hint}", params=("studies",))
    position_a = {x.id: i for i, x in enumerate(a.extracts)}
    position_b = {x.id: i for i, x in enumerate(b.extracts)}
    groups: dict[tuple[str, Target], tuple[list[Extract], list[Extract]]] = defaultdict(
        lambda: ([], [])
    )
    for x in a.extracts:
        groups[(x.study, target_of(x))][0].append(x)
    for x in b.extracts:
        groups[(x.study, target_of(x))][1].append(x)

    rows: list[Pair] = []
    for (study, _), (xs, ys) in groups.items():
        if study not in scope:
            rows += [Pair(x, None, double_coded=False) for x in xs]
            rows += [Pair(None, y, double_coded=False) for y in ys]
            continue
        candidates = []
        for i, x in enumerate(xs):
            for j, y in enumerate(ys):
                found = overlap(x, y)
                if found is not None:
                    candidates.append((found, i, j))
        # closest first; ties to the earlier extract of A, then of B
        candidates.sort(key=lambda c: (_negated(c[0]), c[1], c[2]))
        taken_a: set[int] = set()
        taken_b: set[int] = set()
        for found, i, j in candidates:
            if i in taken_a or j in taken_b:
                continue
            taken_a.add(i)
            taken_b.add(j)
            rows.append(Pair(xs[i], ys[j], found.reason))
        rows += [Pair(x, None) for i, x in enumerate(xs) if i not in taken_a]
        rows += [Pair(None, y) for j, y in enumerate(ys) if j not in taken_b]

    def order(row: Pair) -> tuple[Any, ...]:
        cmoc, start, end = row.target
        return (
            not row.double_coded,
            row.study,
            cmoc,
            start or "",
            end or "",
            position_a[row.a.id] if row.a is not None else math.inf,
            position_b[row.b.id] if row.b is not None else math.inf,
        )

    rows.sort(key=order)
    ordered = [s.id for s in a.document.studies] + [s.id for s in b.document.studies]
    compared = [s for s in dict.fromkeys(ordered) if s in scope]
    return Matching(a, b, rows, compared, list(left_out))


def _negated(found: Overlap) -> tuple[int, int, int, int]:
    return (-found.quote, -found.shared_words, -found.location, -found.shared_pages)


# -- statistics -----------------------------------------------------------------------------
@dataclass(frozen=True)
class Kappa:
    """Cohen's kappa of the stances of the matched pairs, with its confidence interval
    (from its asymptotic standard error), or None with the reason it is unknown."""

    value: float | None
    low: float | None
    high: float | None
    standard_error: float | None
    pairs: int
    unknown_because: str | None = None
    level: float = CONFIDENCE

    def as_dict(self) -> dict[str, Any]:
        return {
            "value": self.value,
            "low": self.low,
            "high": self.high,
            "level": self.level,
            "standard_error": self.standard_error,
            "pairs": self.pairs,
            "method": "Cohen's kappa (unweighted), statsmodels.stats.inter_rater.cohens_kappa; "
            "confidence interval from the asymptotic standard error",
            "unknown_because": self.unknown_because,
        }


def _number(value: Any) -> float | None:
    number = float(value)
    return None if math.isnan(number) else number


def cohens_kappa(table: Sequence[Sequence[int]]) -> Kappa:
    """Cohen's kappa of a square table of counts (rows: one rater's categories, columns:
    the other's, in the same order), with statsmodels.

    >>> k = cohens_kappa([[10, 1, 1], [1, 3, 0], [1, 0, 3]])
    >>> round(k.value, 4), k.low < k.value < k.high
    (0.6429, True)
    """
    try:
        from statsmodels.stats.inter_rater import cohens_kappa as kappa_of
    except ImportError as exc:
        raise MissingExtraError("Agreement statistics", "statsmodels", "agreement") from exc
    n = sum(sum(row) for row in table)
    if n == 0:
        return Kappa(None, None, None, None, 0, "no matched pairs to compare")
    rows = [sum(row) for row in table]
    columns = [sum(row[i] for row in table) for i in range(len(table))]
    if sum(r * c for r, c in zip(rows, columns, strict=True)) == n * n:
        return Kappa(
            None,
            None,
            None,
            None,
            n,
            "every matched pair has the same one stance in both codings, so chance "
            "agreement is 100% and kappa is undefined; percent agreement says it",
        )
    with warnings.catch_warnings():  # nan for what cannot be estimated: kept unknown
        warnings.simplefilter("ignore", RuntimeWarning)
        result = kappa_of(table)
    return Kappa(
        _number(result["kappa"]),
        _number(result["kappa_low"]),
        _number(result["kappa_upp"]),
        _number(result["std_kappa"]),
        n,
    )


@dataclass(frozen=True)
class TargetAgreement:
    """The agreement on one target (a CMOC or one link of it), over the compared studies."""

    target: Target
    pairs: int
    agreed: int
    only_a: int
    only_b: int

    @property
    def id(self) -> str:
        cmoc, start, end = self.target
        return f"{cmoc}:{start}->{end}" if start else cmoc

    @property
    def percent(self) -> float | None:
        return 100 * self.agreed / self.pairs if self.pairs else None

    def as_dict(self) -> dict[str, Any]:
        cmoc, start, end = self.target
        return {
            "id": self.id,
            "label": target_text(self.target),
            "type": "Link" if start else "CMOC",
            "cmoc": cmoc,
            "from": start,
            "to": end,
            "pairs": self.pairs,
            "agreed": self.agreed,
            "disagreed": self.pairs - self.agreed,
            "percent_agreement": self.percent,
            "only_a": self.only_a,
            "only_b": self.only_b,
        }


@dataclass
class AgreementAnswer(Answer):
    """How far two codings agree: the rows of the matching, kappa and percent agreement,
    overall and per target. Its rows (CSV, ``to_pandas()``) are one per pair or unpaired
    extract."""

    matching: Matching
    kappa: Kappa

    @property
    def a(self) -> Coding:
        return self.matching.a

    @property
    def b(self) -> Coding:
        return self.matching.b

    @property
    def rows(self) -> list[Pair]:
        return self.matching.rows

    def count(self, status: Status) -> int:
        return sum(1 for r in self.rows if r.status == status)

    @property
    def pairs(self) -> int:
        return self.count("agree") + self.count("disagree")

    @property
    def percent(self) -> float | None:
        """Percent agreement: the pairs with the same stance, of all pairs (None if none)."""
        return 100 * self.count("agree") / self.pairs if self.pairs else None

    @property
    def disagreements(self) -> list[Pair]:
        return [r for r in self.rows if r.status == "disagree"]

    def only(self, side: Literal["A", "B"]) -> list[Pair]:
        return [r for r in self.rows if r.status == f"only {side}"]

    @property
    def not_double_coded(self) -> list[Pair]:
        return [r for r in self.rows if not r.double_coded]

    def stance_table(self) -> list[list[int]]:
        """Counts of the pairs by stance: rows A's stance, columns B's (supports,
        refutes, refines)."""
        counts = Counter(
            (r.a.stance.value, r.b.stance.value)
            for r in self.rows
            if r.double_coded and r.a is not None and r.b is not None
        )
        return [[counts[(sa, sb)] for sb in STANCES] for sa in STANCES]

    def targets(self) -> list[TargetAgreement]:
        """Agreement per target, in the order of the rows."""
        tally: dict[Target, Counter[str]] = {}
        for r in self.rows:
            if r.double_coded:
                tally.setdefault(r.target, Counter())[r.status] += 1
        return [
            TargetAgreement(t, c["agree"] + c["disagree"], c["agree"], c["only A"], c["only B"])
            for t, c in sorted(tally.items(), key=lambda tc: _target_key(tc[0]))
        ]

    @property
    def empty(self) -> bool:
        return not self.rows

    @property
    def empty_message(self) -> str:
        return f"neither {self.a.name} nor {self.b.name} has an extract to compare"

    @property
    def headline(self) -> str:  # type: ignore[override]
        k = self.kappa
        if k.value is None:
            kappa = f"Cohen's kappa unknown ({k.unknown_because})"
        elif k.low is None or k.high is None:
            kappa = f"Cohen's kappa {k.value:.2f} (no confidence interval)"
        else:
            kappa = f"Cohen's kappa {k.value:.2f} ({k.level:.0%} CI {k.low:.2f} to {k.high:.2f})"
        percent = f"{self.percent:.1f}% agreement" if self.percent is not None else ""
        parts = [
            f"{plural(self.pairs, 'matched pair')} in "
            f"{plural(len(self.matching.studies), 'study')}",
            *([percent] if percent else []),
            kappa,
            f"{len(self.only('A'))} only in {self.a.name}, {len(self.only('B'))} only in "
            f"{self.b.name}",
        ]
        return "; ".join(parts)

    @property
    def note(self) -> str:
        """What CSV leaves out (it holds rows only): the headline."""
        return self.headline

    def as_dict(self) -> dict[str, Any]:
        table = self.stance_table()
        return {
            "query": "agreement",
            "a": self.a.as_dict(),
            "b": self.b.as_dict(),
            "studies": self.matching.studies,
            "pairs": self.pairs,
            "agreed": self.count("agree"),
            "disagreed": self.count("disagree"),
            "only_a": len(self.only("A")),
            "only_b": len(self.only("B")),
            "not_double_coded": {
                "a": sum(1 for r in self.not_double_coded if r.a is not None),
                "b": sum(1 for r in self.not_double_coded if r.b is not None),
            },
            "left_out": len(self.matching.left_out),
            "percent_agreement": self.percent,
            "kappa": self.kappa.as_dict(),
            "stances": {
                sa: {sb: table[i][j] for j, sb in enumerate(STANCES)}
                for i, sa in enumerate(STANCES)
            },
            "targets": [t.as_dict() for t in self.targets()],
            "rows": [r.as_dict() for r in self.rows],
        }


def agreement(matching: Matching) -> AgreementAnswer:
    """How far the two codings of ``matching`` agree. Needs statsmodels
    (``pip install 'theorygraph[agreement]'``) for kappa and its confidence interval."""
    answer = AgreementAnswer(matching, Kappa(None, None, None, None, 0))
    answer.kappa = cohens_kappa(answer.stance_table())
    return answer


# the answer's rows and text live with the other answers' (present.py's registry)
from . import agreement_present  # noqa: E402,F401
