"""How a programme theory changed, as data: the answer of ``theorygraph diff``.

A :class:`DiffAnswer` compares two versions of a theory (two theory versions of one review,
or two reviews such as two commits of one): the CMOCs added, dropped and changed (with
what changed in each: contexts, mechanisms, outcomes, qualifiers, hand-offs), the contexts,
mechanisms and outcomes added, dropped or renamed, and for each changed CMOC the extracts
that drove the change (:func:`theorygraph.evidence.drove_change`) beside the reviewers' own
reason. :mod:`theorygraph.diff` finds it; :mod:`theorygraph.present` prints it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .answers import Answer
from .evidence import citation
from .results import EvidenceRow
from .words import plural

__all__ = ["CmocChange", "Difference", "DiffAnswer", "LinkChange", "NodeChange", "Version"]

#: how many ids a headline names before it says "..."
NAMED_IN_HEADLINE = 5


@dataclass(frozen=True)
class Version:
    """One side of a diff: a theory version, or a whole review read from a source."""

    #: the theory's id; None for the whole review
    theory: str | None
    #: the theory's label, or the review's title
    label: str
    #: where it was read from (when two sources are compared)
    source: str | None = None
    #: how many CMOCs it holds
    cmocs: int = 0

    @property
    def name(self) -> str:
        """How messages name it: the theory's id, else the source it came from."""
        return self.theory or self.source or self.label

    def describe(self) -> str:
        """'ipt (Initial programme theory, 13 CMOCs)', or the source's for a whole review."""
        what = self.label if self.theory else "the whole review"
        where = f" of {self.source}" if self.theory and self.source else ""
        return f"{self.name} ({what}{where}, {plural(self.cmocs, 'CMOC')})"

    def as_dict(self) -> dict[str, Any]:
        return {
            "theory": self.theory,
            "label": self.label,
            "source": self.source,
            "cmocs": self.cmocs,
        }


@dataclass(frozen=True)
class Difference:
    """One way a changed CMOC differs from the version before it.

    ``field`` is ``label``, ``contexts``, ``mechanisms``, ``outcomes``, ``sequence``,
    ``qualifiers`` or ``hand_offs``. List fields give the ids ``removed`` and ``added``; a
    qualifier or a hand-off gives its ``item`` (the member, or the next CMOC) and what it
    was ``before`` and is ``after`` (None: there was none, or there is none now).
    """

    field: str
    removed: tuple[str, ...] = ()
    added: tuple[str, ...] = ()
    item: str | None = None
    before: str | None = None
    after: str | None = None

    def text(self) -> str:
        """In words: 'contexts: -c-old, +c-new'; 'qualifier of m-x: increased -> decreased'."""
        if self.removed or self.added:
            ids = [f"-{i}" for i in self.removed] + [f"+{i}" for i in self.added]
            return f"{self.field.replace('_', '-')}: {', '.join(ids)}"
        what = {
            "qualifiers": f"qualifier of {self.item}",
            "hand_offs": f"hand-off to {self.item}",
        }.get(self.field, self.field)
        return f"{what}: {self.before or 'none'} -> {self.after or 'none'}"

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"field": self.field}
        if self.removed or self.added:
            return out | {"removed": list(self.removed), "added": list(self.added)}
        if self.item is not None:
            out["item"] = self.item
        return out | {"before": self.before, "after": self.after}


@dataclass
class CmocChange:
    """One CMOC added, dropped or changed, with the evidence behind the change."""

    #: added, dropped or changed
    change: str
    #: the CMOC as it is in the later version (as it was, for a dropped one)
    id: str
    label: str
    #: for a changed CMOC: the CMOC it was in the earlier version (its own id when it
    #: changed in place, between two sources)
    was: str | None = None
    was_label: str | None = None
    differences: list[Difference] = field(default_factory=list)
    #: the extracts that drove the change (:func:`theorygraph.evidence.drove_change`)
    drivers: list[EvidenceRow] = field(default_factory=list)
    #: the evidence on the version the change acted on (the dropped CMOC, the earlier
    #: version of a changed one, the added one), in one word (evidence.link_stance)
    evidence: str = "none"
    #: whether some extract supports or refines that version
    supported: bool = False
    extracts: int = 0
    studies: int = 0
    #: the reviewers' reason (the CMOC's change_reason)
    reason: str | None = None
    #: its outcomes that the review marks unintended
    unintended: list[str] = field(default_factory=list)
    #: for an added CMOC: a CMOC it refines that the later version keeps as well
    refines: str | None = None

    @property
    def driver_studies(self) -> list[str]:
        return sorted({r.study for r in self.drivers})

    def details(self) -> str:
        """What changed, in words ('' for an added or dropped CMOC)."""
        return "; ".join(d.text() for d in self.differences)

    def evidence_text(self) -> str:
        """The evidence on it in words: 'none', or 'supporting: 5 extracts, 4 studies'."""
        if not self.extracts:
            return "none: no extract bears on it"
        return (
            f"{self.evidence}: {plural(self.extracts, 'extract')}, {plural(self.studies, 'study')}"
        )


@dataclass(frozen=True)
class NodeChange:
    """A context, mechanism or outcome added, dropped or renamed (same id, new label)."""

    change: str
    id: str
    type: str
    label: str
    was_label: str | None = None

    def as_dict(self) -> dict[str, Any]:
        out = {"change": self.change, "id": self.id, "type": self.type, "label": self.label}
        return out | ({"was_label": self.was_label} if self.was_label is not None else {})


@dataclass(frozen=True)
class LinkChange:
    """A link (context -> mechanism, mechanism -> outcome) that only one version states,
    with the CMOCs that state it there."""

    change: str
    source: str
    target: str
    cmocs: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "change": self.change,
            "id": f"{self.source}->{self.target}",
            "from": self.source,
            "to": self.target,
            "cmocs": list(self.cmocs),
        }


@dataclass
class DiffAnswer(Answer):
    """What changed from one version of a theory to another, and which evidence drove it."""

    before: Version
    after: Version
    #: "versions" (two theory versions of one review) or "sources" (two reviews)
    form: str
    #: the CMOCs added, then dropped, then changed
    cmocs: list[CmocChange]
    nodes: list[NodeChange]
    links: list[LinkChange]
    #: the CMOCs both versions hold unchanged
    kept: list[str]
    #: the records of the studies the drivers come from, by id
    studies_by_id: dict[str, dict[str, Any]] = field(default_factory=dict)

    def of(self, change: str) -> list[CmocChange]:
        return [c for c in self.cmocs if c.change == change]

    @property
    def empty(self) -> bool:
        return not self.cmocs and not self.nodes

    @property
    def empty_message(self) -> str:
        return (
            f"no change from {self.before.name} to {self.after.name}: both hold the same "
            f"{plural(len(self.kept), 'CMOC')}"
        )

    @property
    def headline(self) -> str:  # type: ignore[override]
        added, dropped, changed = self.of("added"), self.of("dropped"), self.of("changed")
        parts = [
            f"{self.before.name} -> {self.after.name}: "
            f"{plural(len(added), 'CMOC')} added{_named(added)}{_unintended(added)}",
            f"{len(dropped)} dropped{_named(dropped)}{_unsupported(dropped)}",
            f"{len(changed)} changed{_named(changed)}",
            f"{len(self.kept)} kept",
        ]
        nodes = [
            f"{sum(1 for n in self.nodes if n.change == c)} {c}"
            for c in ("added", "dropped", "renamed")
            if any(n.change == c for n in self.nodes)
        ]
        if nodes:
            parts.append("contexts, mechanisms and outcomes: " + ", ".join(nodes))
        return "; ".join(parts)

    def citation(self, study: str) -> str:
        return citation(self.studies_by_id.get(study, {"title": study}))

    def extract_dict(self, row: EvidenceRow) -> dict[str, Any]:
        """One driving extract as JSON, with its study's citation."""
        return {
            "id": row.extract,
            "stance": row.stance,
            "kind": row.kind,
            "quote": row.quote,
            "location": row.location,
            "cmoc": row.cmoc,
            "link": {"from": row.link_from, "to": row.link_to} if row.link_from else None,
            "study": row.study,
            "citation": self.citation(row.study),
            "rationale": row.rationale,
            "relevance": row.relevance,
            "rigour": row.rigour,
        }

    def cmoc_dict(self, c: CmocChange) -> dict[str, Any]:
        return {
            "change": c.change,
            "id": c.id,
            "label": c.label,
            "type": "CMOC",
            "was": c.was,
            "was_label": c.was_label,
            "differences": [d.as_dict() for d in c.differences],
            "evidence": c.evidence,
            "supported": c.supported,
            "extracts": c.extracts,
            "studies": c.studies,
            "unintended": c.unintended,
            "refines": c.refines,
            "reason": c.reason,
            "driving_extracts": [self.extract_dict(r) for r in c.drivers],
            "driving_studies": c.driver_studies,
        }

    def as_dict(self) -> dict[str, Any]:
        return {
            "query": "diff",
            "form": self.form,
            "from": self.before.as_dict(),
            "to": self.after.as_dict(),
            "headline": self.headline,
            "counts": {
                "added": len(self.of("added")),
                "dropped": len(self.of("dropped")),
                "changed": len(self.of("changed")),
                "kept": len(self.kept),
            },
            "cmocs": [self.cmoc_dict(c) for c in self.cmocs],
            "nodes": [n.as_dict() for n in self.nodes],
            "links": [link.as_dict() for link in self.links],
            "kept": self.kept,
        }


def _named(changes: list[CmocChange]) -> str:
    if not changes:
        return ""
    ids = [c.id for c in changes]
    shown = ids[:NAMED_IN_HEADLINE] + (["..."] if len(ids) > NAMED_IN_HEADLINE else [])
    return f" ({', '.join(shown)})"


def _unsupported(dropped: list[CmocChange]) -> str:
    """How many dropped CMOCs had no supporting evidence: the usual reason to drop one."""
    without = sum(1 for c in dropped if not c.supported)
    if not without:
        return ""
    if without == len(dropped):
        return ", none with supporting evidence" if without > 1 else ", without supporting evidence"
    return f", {without} of them without supporting evidence"


def _unintended(added: list[CmocChange]) -> str:
    """How many added CMOCs lead to an unintended outcome."""
    found = [c for c in added if c.unintended]
    if not found:
        return ""
    outcomes = sorted({o for c in found for o in c.unintended})
    which = f" ({', '.join(outcomes)})"
    if len(found) == len(added):
        return (", each" if len(added) > 1 else ",") + " with an unintended outcome" + which
    return f", {len(found)} of them with an unintended outcome{which}"
