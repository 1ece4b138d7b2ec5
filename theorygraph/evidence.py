"""The evidence rules, in one place: what an extract says, what it bears on, and what counts.

Every query, answer, map and export asks this module; none decides these things itself.

- **Stances** (:data:`STANCES`): an extract *supports*, *refutes* or *refines* the CMOC or
  the link it targets.
- **Supporting** (:data:`SUPPORTING`): supporting and refining evidence both count for a
  configuration (refining evidence confirms it while sharpening it); refuting does not.
  A thing "has evidence" when some extract on it is supporting.
- **Contested**: both supporting and refuting extracts bear on it.
- **What an extract bears on**: an extract on a whole CMOC bears on the CMOC, on every link
  of it and on every node in it; an extract on one link bears on that link and on its two
  ends (and on the CMOC).
- **Citations**: how a study is named in answers and maps.
- **What drove a theory change** (:func:`drove_change`): refuting evidence behind a CMOC
  a later theory version dropped, refining evidence behind one it changed, supporting
  evidence behind one it added.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

from .model import Stance

__all__ = [
    "CHANGES",
    "STANCES",
    "SUPPORTING",
    "Group",
    "Tally",
    "Targets",
    "bears_on_link",
    "bears_on_node",
    "citation",
    "drove_change",
    "has_support",
    "is_citation",
    "is_contested",
    "is_supporting",
    "link_stance",
    "stance_counts",
    "supporting_studies",
    "tallies_of_groups",
]

#: every stance, in the order answers list them
STANCES: tuple[str, ...] = tuple(s.value for s in Stance)
#: the stances that count as evidence for a CMOC, link or node
SUPPORTING = frozenset({Stance.supports.value, Stance.refines.value})


class Row(Protocol):
    """What the rules need of an extract (an ``EvidenceRow``)."""

    @property
    def stance(self) -> str: ...

    @property
    def study(self) -> str: ...

    @property
    def cmoc(self) -> str: ...

    @property
    def link_from(self) -> str | None: ...

    @property
    def link_to(self) -> str | None: ...

    @property
    def kind(self) -> str: ...


def is_citation(row: Row) -> bool:
    """A study cited for a CMOC or link with no quote (as CMO tables cite their sources):
    evidence of its own kind, counted apart from quoted extracts."""
    return row.kind == "citation"


def bears_on_link(link_from: str | None, link_to: str | None, source: str, target: str) -> bool:
    """Whether an extract targeting ``link_from -> link_to`` (None: the whole CMOC) bears on
    the link ``source -> target`` of its CMOC."""
    return link_from is None or (link_from, link_to) == (source, target)


def bears_on_node(link_from: str | None, link_to: str | None, node: str) -> bool:
    """Whether an extract targeting ``link_from -> link_to`` (None: the whole CMOC) bears on
    ``node``, a member of its CMOC."""
    return link_from is None or node in (link_from, link_to)


R = TypeVar("R", bound=Row)


class Targets(Generic[R]):
    """Extracts indexed by what they target, so that what bears on a node or a link of a
    CMOC is found without testing every extract of the CMOC again (the rules are those of
    :func:`bears_on_node` and :func:`bears_on_link`; answers list extracts in file order).
    """

    def __init__(self, rows: Sequence[R]) -> None:
        self._order = {id(r): i for i, r in enumerate(rows)}
        self._cmoc: dict[str, list[R]] = defaultdict(list)
        self._whole: dict[str, list[R]] = defaultdict(list)
        self._link: dict[tuple[str, str | None, str | None], list[R]] = defaultdict(list)
        self._end: dict[tuple[str, str], list[R]] = defaultdict(list)
        for row in rows:
            self._cmoc[row.cmoc].append(row)
            if row.link_from is None:
                self._whole[row.cmoc].append(row)
                continue
            self._link[(row.cmoc, row.link_from, row.link_to)].append(row)
            for end in dict.fromkeys((row.link_from, row.link_to)):
                if end is not None:
                    self._end[(row.cmoc, end)].append(row)

    def _merged(self, first: list[R], second: list[R], ordered: bool) -> list[R]:
        if not ordered or not first or not second:
            return first + second
        return sorted(first + second, key=lambda r: self._order[id(r)])

    def on_cmoc(self, cmoc: str) -> list[R]:
        """Every extract on ``cmoc``, on the whole of it or on one of its links."""
        return self._cmoc.get(cmoc, [])

    def on_node(self, cmoc: str, node: str, *, ordered: bool = True) -> list[R]:
        """The extracts of ``cmoc`` that bear on ``node``, one of its members (in file
        order, unless ``ordered`` is false: for counting, which needs no order)."""
        whole, ends = self._whole.get(cmoc, []), self._end.get((cmoc, node), [])
        return self._merged(whole, ends, ordered)

    def on_link(self, cmoc: str, source: str, target: str, *, ordered: bool = True) -> list[R]:
        """The extracts of ``cmoc`` that bear on its link ``source -> target``."""
        whole, link = self._whole.get(cmoc, []), self._link.get((cmoc, source, target), [])
        return self._merged(whole, link, ordered)


@dataclass(frozen=True)
class Tally:
    """How much evidence bears on one node, CMOC or link: extracts by stance, studies, and
    the studies whose extracts support or refine it."""

    extracts: int = 0
    supports: int = 0
    refutes: int = 0
    refines: int = 0
    studies: int = 0
    supporting: int = 0
    #: supporting or refining extracts that quote (not citations): what a reader can check
    quoted_supporting: int = 0

    @property
    def evidenced(self) -> bool:
        """Some extract supports or refines it (:func:`has_support`)."""
        return self.supporting > 0

    @classmethod
    def of(cls, rows: Iterable[Row]) -> Tally:
        rows = list(rows)
        counts = stance_counts(rows)
        return cls(
            extracts=len(rows),
            supports=counts["supports"],
            refutes=counts["refutes"],
            refines=counts["refines"],
            studies=len({r.study for r in rows}),
            supporting=len(supporting_studies(rows)),
            quoted_supporting=sum(1 for r in rows if r.stance in SUPPORTING and not is_citation(r)),
        )


#: tallies of a whole review: by node id, by CMOC id, and by (CMOC, source, target) link
Tallies = tuple[dict[str, Tally], dict[str, Tally], dict[tuple[str, str, str], Tally]]


@dataclass(frozen=True)
class Group:
    """The extracts of one CMOC with one target (the whole CMOC, or one link) and one
    stance, counted together: how many, and from which studies. A backend that can group
    extracts faster than it can list them (Neo4j, in one statement) hands these over, and
    the rules below count from them exactly as :meth:`Tally.of` counts from the extracts."""

    cmoc: str
    link_from: str | None
    link_to: str | None
    stance: str
    extracts: int
    studies: frozenset[str]
    #: the group holds citations (studies named without a quote), not quoted extracts
    cited: bool = False

    @classmethod
    def of(cls, rows: Iterable[Row]) -> list[Group]:
        """The groups of ``rows`` (the reference for a backend's grouping)."""
        found: dict[tuple[str, str | None, str | None, str, bool], tuple[int, set[str]]] = {}
        for r in rows:
            key = (r.cmoc, r.link_from, r.link_to, r.stance, is_citation(r))
            count, studies = found.get(key, (0, set()))
            studies.add(r.study)
            found[key] = (count + 1, studies)
        return [
            cls(*key[:4], count, frozenset(studies), cited=key[4])
            for key, (count, studies) in found.items()
        ]


def _tally_groups(groups: Iterable[Group]) -> Tally:
    counts = dict.fromkeys(STANCES, 0)
    studies: set[str] = set()
    supporting: set[str] = set()
    quoted = 0
    for g in groups:
        counts[g.stance] += g.extracts
        studies |= g.studies
        if g.stance in SUPPORTING:
            supporting |= g.studies
            quoted += 0 if g.cited else g.extracts
    return Tally(
        extracts=sum(counts.values()),
        supports=counts["supports"],
        refutes=counts["refutes"],
        refines=counts["refines"],
        studies=len(studies),
        supporting=len(supporting),
        quoted_supporting=quoted,
    )


class Configuration(Protocol):
    """What the rules need of a CMOC (a ``CmocParts``)."""

    @property
    def id(self) -> str: ...

    def members(self) -> tuple[str, ...]: ...

    def links(self) -> list[tuple[str, str]]: ...


def tallies_of_groups(
    groups: Iterable[Group], cmocs: Mapping[str, Configuration], nodes: Iterable[str]
) -> Tallies:
    """The evidence on each of ``nodes``, on every CMOC and on every link of it, counted
    from grouped extracts by the rules of :func:`bears_on_node` and :func:`bears_on_link`
    (equal to counting every extract with :meth:`Tally.of`)."""
    by_cmoc: dict[str, list[Group]] = defaultdict(list)
    for g in groups:
        by_cmoc[g.cmoc].append(g)
    held: dict[str, list[str]] = defaultdict(list)
    for c in cmocs.values():
        for member in dict.fromkeys(c.members()):
            held[member].append(c.id)
    on_node = {
        n: _tally_groups(
            g
            for c in held.get(n, ())
            for g in by_cmoc.get(c, ())
            if bears_on_node(g.link_from, g.link_to, n)
        )
        for n in nodes
    }
    on_cmoc = {c: _tally_groups(by_cmoc.get(c, ())) for c in cmocs}
    on_link = {
        (c, s, t): _tally_groups(
            g for g in by_cmoc.get(c, ()) if bears_on_link(g.link_from, g.link_to, s, t)
        )
        for c, parts in cmocs.items()
        for s, t in parts.links()
    }
    return on_node, on_cmoc, on_link


def is_supporting(stance: str) -> bool:
    return stance in SUPPORTING


def has_support(rows: Iterable[Row]) -> bool:
    """Some extract supports or refines it: it has evidence."""
    return any(r.stance in SUPPORTING for r in rows)


def stance_counts(rows: Iterable[Row]) -> dict[str, int]:
    """How many extracts take each stance (every stance present, 0 when none)."""
    counts = dict.fromkeys(STANCES, 0)
    for row in rows:
        counts[row.stance] += 1
    return counts


def supporting_studies(rows: Iterable[Row]) -> list[str]:
    """The studies with an extract that supports or refines it, sorted."""
    return sorted({r.study for r in rows if r.stance in SUPPORTING})


def is_contested(rows: Iterable[Row]) -> bool:
    """Both supporting and refuting extracts bear on it."""
    stances = {r.stance for r in rows}
    return Stance.supports.value in stances and Stance.refutes.value in stances


def link_stance(rows: Iterable[Row]) -> str:
    """One word for the evidence on a link: supporting, refuting, contested, refining, none."""
    rows = list(rows)
    if not rows:
        return "none"
    if is_contested(rows):
        return "contested"
    stances = {r.stance for r in rows}
    if Stance.supports.value in stances:
        return "supporting"
    if Stance.refutes.value in stances:
        return "refuting"
    return "refining"


#: how a CMOC can change from one theory version to the next (``theorygraph diff``)
CHANGES: tuple[str, ...] = ("added", "dropped", "changed")


def drove_change(change: str, stance: str, *, earlier: bool) -> bool:
    """Whether an extract with ``stance`` drove a CMOC's ``change`` between two theory
    versions: refuting evidence behind a dropped CMOC; refining evidence behind a changed
    one (on either version), and refuting evidence on the version it replaced; supporting
    evidence (what :data:`SUPPORTING` holds) behind an added one. ``earlier``: the extract
    bears on the earlier version (the dropped CMOC, or the one a changed CMOC replaced).

    >>> drove_change("dropped", "refutes", earlier=True)
    True
    >>> drove_change("changed", "refutes", earlier=False)
    False
    >>> drove_change("added", "refines", earlier=False)
    True
    """
    if change == "dropped":
        return stance == Stance.refutes.value
    if change == "added":
        return stance in SUPPORTING
    if change == "changed":
        return stance == Stance.refines.value or (earlier and stance == Stance.refutes.value)
    raise ValueError(f"unknown change {change!r}; allowed: {', '.join(CHANGES)}")


def citation(record: dict[str, Any]) -> str:
    """A short citation: 'Smith A et al. (2019) Title. Venue', or 'Title (2019)'.

    >>> citation({"title": "Illustrative study 07", "year": 2018})
    'Illustrative study 07 (2018)'
    >>> citation({"title": "T", "authors": ["Smith A", "Jones B"], "year": 2019, "venue": "J"})
    'Smith A et al. (2019) T. J'
    """
    authors = record.get("authors") or []
    year = record.get("year")
    title = record.get("title", "")
    venue = record.get("venue")
    if not authors:
        text = f"{title} ({year})" if year else title
    else:
        who = authors[0] + (" et al." if len(authors) > 1 else "")
        text = " ".join(p for p in (who, f"({year})" if year else "", title) if p)
    return text + (f". {venue}" if venue else "")
