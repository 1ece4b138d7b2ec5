"""Result types of the queries: plain dataclasses, the same from every backend.

Every row type has ``as_dict()`` giving JSON-ready data with at least ``id``,
``label`` and ``type``, and, where something is counted, ``studies`` (distinct
studies) and ``extracts``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from . import evidence
from .model import configuration_links
from .notebook import Tabular

__all__ = ["MechanismEvidence", "Stats"]


@dataclass(frozen=True)
class MechanismEvidence:
    """How much evidence bears on one mechanism.

    An extract bears on a mechanism when it targets a CMOC that holds the mechanism,
    either as a whole or through a link that starts or ends at the mechanism.
    """

    id: str
    label: str
    extracts: int
    studies: int
    supports: int = 0
    refutes: int = 0
    refines: int = 0
    #: supporting or refining extracts that quote (citations name a study, no quote)
    quoted_supporting: int = 0
    type: str = "Mechanism"

    @property
    def cited_only(self) -> bool:
        """It has evidence, and all of it is citations: nothing a reader can check."""
        return self.evidenced and not self.quoted_supporting

    @property
    def evidenced(self) -> bool:
        """True when at least one extract supports or refines the mechanism."""
        return self.supports + self.refines > 0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self) | {"evidenced": self.evidenced}


@dataclass(frozen=True)
class Stats(Tabular):
    """Counts per node type and evidence per mechanism for one review (in a notebook, one
    row per mechanism, as in CSV)."""

    review: str
    counts: dict[str, int]
    mechanisms: list[MechanismEvidence] = field(default_factory=list)

    @property
    def evidenced(self) -> int:
        return sum(1 for m in self.mechanisms if m.evidenced)

    @property
    def headline(self) -> str:
        text = f"evidence for {self.evidenced} of {len(self.mechanisms)} mechanisms"
        cited_only = sum(1 for m in self.mechanisms if m.cited_only)
        if cited_only:
            text += f" ({cited_only} of them on citations alone, with no quote)"
        return text

    #: an answer like every query's: it prints in every output format
    empty = False
    empty_message = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "review": self.review,
            "counts": dict(self.counts),
            "headline": self.headline,
            "evidenced_mechanisms": self.evidenced,
            "mechanisms_total": len(self.mechanisms),
            "mechanisms": [m.as_dict() for m in self.mechanisms],
        }


# -- primitives: what backends return and the query catalogue is built from ----------------


@dataclass(frozen=True)
class NodeInfo:
    """One node: its id, type label, label text and its other stored fields."""

    id: str
    type: str
    label: str
    props: dict[str, Any] = field(default_factory=dict, compare=True)

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "label": self.label, "type": self.type, **self.props}


@dataclass(frozen=True)
class CmocParts:
    """A CMOC's parts, in their written order."""

    id: str
    label: str
    contexts: tuple[str, ...]
    mechanisms: tuple[str, ...]
    outcomes: tuple[str, ...]
    leads_to: tuple[str, ...] = ()
    theories: tuple[str, ...] = ()
    seq: int = 0
    #: (member, qualifier, note) for the members this CMOC qualifies
    qualifiers: tuple[tuple[str, str | None, str | None], ...] = ()
    #: (next CMOC, role, outcome, provenance, note) for the hand-offs it describes
    hand_offs: tuple[tuple[str, str | None, str | None, str | None, str | None], ...] = ()
    #: its mechanisms fire one after another, in their order
    sequence: bool = False
    #: the CMOC of an earlier theory version that it refines, if any
    refines: str | None = None

    def hand_off(self, nxt: str) -> tuple[str, str | None, str | None, str | None]:
        """How this CMOC hands on to ``nxt``: role (context by default), outcome,
        provenance and note."""
        for to, role, outcome, provenance, note in self.hand_offs:
            if to == nxt:
                return role or "context", outcome, provenance, note
        return "context", None, None, None

    def feeds(self, nxt: CmocParts) -> set[str]:
        """The outcomes of this CMOC that carry a chain on into ``nxt``: the one a hand-off
        names; else, for a context hand-off, those ``nxt`` takes as its contexts (empty:
        the hand-off names no outcome, and any may carry on)."""
        role, outcome, _, _ = self.hand_off(nxt.id)
        if outcome is not None:
            return {outcome}
        return set() if role == "mechanism" else set(self.outcomes) & set(nxt.contexts)

    def __post_init__(self) -> None:
        # in the order of the members (the stores hand them over in any order)
        order = {m: i for i, m in enumerate(self.members())}
        ordered = tuple(sorted(self.qualifiers, key=lambda q: order.get(q[0], len(order))))
        object.__setattr__(self, "qualifiers", ordered)
        onward = {c: i for i, c in enumerate(self.leads_to)}
        handed = tuple(sorted(self.hand_offs, key=lambda h: onward.get(h[0], len(onward))))
        object.__setattr__(self, "hand_offs", handed)

    def qualifier(self, member: str) -> str | None:
        """How this CMOC qualifies ``member`` ('decreased', 'absent: a note'...), if it does."""
        for node, word, note in self.qualifiers:
            if node == member:
                return ": ".join(t for t in (word, note) if t)
        return None

    def links(self) -> list[tuple[str, str]]:
        """Every link it states (:func:`theorygraph.model.configuration_links`)."""
        return configuration_links(self.contexts, self.mechanisms, self.outcomes, self.sequence)

    def members(self) -> tuple[str, ...]:
        return self.contexts + self.mechanisms + self.outcomes


@dataclass(frozen=True)
class EvidenceRow:
    """One extract as the queries see it: where it points and what it says."""

    extract: str
    cmoc: str
    link_from: str | None
    link_to: str | None
    stance: str
    study: str
    quote: str = ""
    kind: str = "quote"
    location: str | None = None
    rationale: str | None = None
    relevance: str | None = None
    rigour: str | None = None

    def bears_on_link(self, source: str, target: str) -> bool:
        """Whether this extract bears on the link ``source -> target`` of its CMOC."""
        return evidence.bears_on_link(self.link_from, self.link_to, source, target)

    def bears_on_node(self, node: str) -> bool:
        """Whether this extract bears on ``node``, a member of its CMOC."""
        return evidence.bears_on_node(self.link_from, self.link_to, node)
