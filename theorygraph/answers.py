"""The answers of the query catalogue: plain dataclasses, the same from every backend.

Each answer gives ``as_dict()`` for JSON (rows carry at least ``id``, ``label`` and
``type``, and ``studies`` / ``extracts`` where something is counted) and ``empty_message``
to say plainly that nothing was found; :mod:`theorygraph.present` renders its rows (the
table, CSV and Markdown formats) and, where a sentence reads better than columns, its
text. In a notebook, ``to_pandas()`` gives the CSV's rows as a DataFrame and the answer
shows as an HTML table (:mod:`theorygraph.notebook`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .confidence import LEVELS, RULE, Assessment, weakest
from .evidence import STANCES, citation, stance_counts, supporting_studies
from .notebook import Tabular
from .results import EvidenceRow, NodeInfo
from .words import plural

__all__ = [
    "Answer",
    "Chain",
    "ChainStep",
    "ChainsAnswer",
    "ConfidenceAnswer",
    "ConfidenceItem",
    "ContestedAnswer",
    "CoverageAnswer",
    "DirectionsAnswer",
    "EvidenceAnswer",
    "GapRow",
    "GapsAnswer",
    "LinkEvidence",
    "StudyAnswer",
    "SubgraphAnswer",
    "UnintendedAnswer",
]


class Answer(Tabular):
    """What every answer offers the CLI, and a notebook (``to_pandas()``, an HTML table)."""

    headline: str = ""

    @property
    def empty(self) -> bool:  # pragma: no cover - overridden
        raise NotImplementedError

    @property
    def empty_message(self) -> str:  # pragma: no cover - overridden
        raise NotImplementedError

    def as_dict(self) -> dict[str, Any]:  # pragma: no cover - overridden
        raise NotImplementedError


@dataclass
class LinkEvidence:
    """The evidence on one link of one CMOC (context -> mechanism or mechanism -> outcome).

    Whole-CMOC extracts bear on every link of their CMOC, so they count here too.
    """

    cmoc: str
    source: str
    target: str
    source_label: str
    target_label: str
    rows: list[EvidenceRow] = field(default_factory=list)
    #: the confidence in the link, where the answer judges it (chains)
    confidence: Assessment | None = None

    @property
    def id(self) -> str:
        return f"{self.cmoc}:{self.source}->{self.target}"

    @property
    def label(self) -> str:
        return f"{self.source_label} -> {self.target_label}"

    @property
    def study_ids(self) -> list[str]:
        return sorted({r.study for r in self.rows})

    @property
    def studies(self) -> int:
        return len(self.study_ids)

    @property
    def supporting_study_ids(self) -> list[str]:
        """Studies with an extract that supports or refines the link (refuting is not)."""
        return supporting_studies(self.rows)

    @property
    def extracts(self) -> int:
        return len(self.rows)

    def by_stance(self) -> dict[str, list[str]]:
        return {s: [r.extract for r in self.rows if r.stance == s] for s in STANCES}

    def summary(self) -> str:
        if not self.rows:
            return "no evidence"
        counts = stance_counts(self.rows)
        parts = ", ".join(f"{n} {s}" for s, n in counts.items() if n)
        cited = sum(1 for r in self.rows if r.kind == "citation")
        if not cited:
            return f"{plural(self.studies, 'study')}, {plural(self.extracts, 'extract')} ({parts})"
        quoted = self.extracts - cited
        return f"{plural(self.studies, 'study')}: {cited} cited, {quoted} quoted extracts ({parts})"

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "label": self.label,
            "type": "Link",
            "cmoc": self.cmoc,
            "from": self.source,
            "to": self.target,
            "studies": self.studies,
            "extracts": self.extracts,
            **self.by_stance(),
            "study_ids": self.study_ids,
            "supporting_study_ids": self.supporting_study_ids,
            **({"confidence": self.confidence.level} if self.confidence else {}),
        }


@dataclass
class ChainStep:
    """One CMOC of a chain: its contexts (together), one mechanism and one outcome."""

    cmoc: str
    contexts: list[NodeInfo]
    mechanism: NodeInfo
    outcome: NodeInfo
    #: how the CMOC qualifies its members on this step ('decreased', 'absent: a note')
    qualifiers: dict[str, str] = field(default_factory=dict)
    #: how the step before hands on to this one, when the review says more than "its
    #: outcome is this context": role (context or mechanism), outcome, provenance, note
    handed: dict[str, str] | None = None
    #: in a sequence of mechanisms, those that fire before ``mechanism``, in order
    before: list[NodeInfo] = field(default_factory=list)

    def fired(self) -> str:
        """The mechanism, or the sequence of them, as the chain's sentence says it."""
        names = [self.named(m) for m in [*self.before, self.mechanism]]
        if len(names) == 1:
            return f"{names[0]} leads to"
        return names[0] + "".join(f", which sets off {n}" for n in names[1:]) + ", which leads to"

    def hand_off_text(self) -> str:
        """The hand-off into this step in words ('' for a plain context hand-off)."""
        if not self.handed:
            return ""
        h = self.handed
        text = (
            f"with '{h['label']}' as a resource of its mechanism"
            if h["role"] == "mechanism"
            else f"with '{h['label']}' as its context"
        )
        who = {"stated": "stated by the authors", "inferred": "inferred by the reviewers"}
        said = "; ".join(t for t in (who.get(h.get("provenance", ""), ""), h.get("note")) if t)
        return text + (f" ({said})" if said else "")

    def named(self, node: NodeInfo) -> str:
        """The node's label in quotes, with its qualifier in this CMOC if it has one."""
        q = self.qualifiers.get(node.id)
        return f"'{node.label}'" + (f" ({q})" if q else "")

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "cmoc": self.cmoc,
            "contexts": [c.id for c in self.contexts],
            "mechanism": self.mechanism.id,
            "outcome": self.outcome.id,
        }
        if self.qualifiers:
            out["qualifiers"] = self.qualifiers
        if self.handed:
            out["hand_off"] = {k: v for k, v in self.handed.items() if k != "label"}
        if self.before:
            out["sequence"] = [m.id for m in [*self.before, self.mechanism]]
        return out


def _words(level: str) -> str:
    """A confidence level in words ('very low')."""
    return level.replace("-", " ")


def _and(quoted: list[str]) -> str:
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]


@dataclass
class Chain:
    """A context -> mechanism -> outcome chain through one or more linked CMOCs.

    Each step is one CMOC; its contexts hold together, so every context -> mechanism
    link of the step is a link of the chain, as is the mechanism -> outcome link.
    """

    steps: list[ChainStep]
    links: list[LinkEvidence]

    @property
    def id(self) -> str:
        return " => ".join(
            f"{'+'.join(c.id for c in s.contexts)} -> "
            f"{' -> '.join(m.id for m in [*s.before, s.mechanism])} -> {s.outcome.id}"
            for s in self.steps
        )

    @property
    def whole_chain_studies(self) -> list[str]:
        """Studies with evidence on every link: only they evidence the chain as a whole."""
        sets = [set(link.supporting_study_ids) for link in self.links]
        return sorted(set.intersection(*sets)) if sets else []

    @property
    def carried_by_one_study(self) -> bool:
        return bool(self.whole_chain_studies)

    @property
    def confidence(self) -> str | None:
        """The weakest link's confidence level: the weakest link bounds a chain."""
        return weakest(link.confidence.level for link in self.links if link.confidence)

    def weakest_links(self) -> list[LinkEvidence]:
        """The links whose level is the chain's."""
        level = self.confidence
        return [link for link in self.links if link.confidence and link.confidence.level == level]

    @property
    def studies(self) -> int:
        return len({s for link in self.links for s in link.study_ids})

    @property
    def extracts(self) -> int:
        return len({r.extract for link in self.links for r in link.rows})

    @property
    def label(self) -> str:
        parts = []
        for i, s in enumerate(self.steps):
            opening = "" if i == 0 else "then, "
            if s.handed:
                opening += s.hand_off_text() + ", "
            if s.contexts:
                where = f"{opening}in {_and([s.named(c) for c in s.contexts])}"
            else:  # an incomplete configuration: the review gives no context
                where = f"{opening}with no context given"
            where = where[0].upper() + where[1:] if i == 0 else where
            parts.append(f"{where}, {s.fired()} {s.named(s.outcome)} ({s.cmoc})")
        return "; ".join(parts) + "."

    def sentence(self) -> str:
        lines = [self.label]
        for link in self.links:
            judged = f"; confidence {_words(link.confidence.level)}" if link.confidence else ""
            lines.append(
                f"  {link.source} -> {link.target} [{link.cmoc}]: {link.summary()}{judged}"
            )
        whole = self.whole_chain_studies
        if len(whole) == 1:
            lines.append(f"  One study carries the whole chain: {whole[0]} evidences every link.")
        elif whole:
            lines.append(
                f"  {len(whole)} studies each carry the whole chain, evidencing every link: "
                f"{', '.join(whole)}."
            )
        elif all(link.supporting_study_ids for link in self.links):
            lines.append(
                "  No single study evidences every link: each link has evidence, but from "
                "different studies (the chain as a whole is not evidenced)."
            )
        else:
            missing = sum(1 for link in self.links if not link.supporting_study_ids)
            lines.append(
                f"  {plural(missing, 'link')} without supporting evidence: "
                "the chain is not evidenced."
            )
        if self.confidence:
            weakest = self.weakest_links()
            bound = ", ".join(f"{x.source} -> {x.target} [{x.cmoc}]" for x in weakest)
            lines.append(
                f"  Confidence in the chain: {_words(self.confidence)}, bounded by its weakest "
                f"{'link' if len(weakest) == 1 else 'links'} ({bound})."
            )
        return "\n".join(lines)

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "label": self.label,
            "type": "Chain",
            "studies": self.studies,
            "extracts": self.extracts,
            "carried_by_one_study": self.carried_by_one_study,
            "whole_chain_studies": self.whole_chain_studies,
            **({"confidence": self.confidence} if self.confidence else {}),
            "steps": [s.as_dict() for s in self.steps],
            "links": [link.as_dict() for link in self.links],
        }


@dataclass
class ChainsAnswer(Answer):
    anchor: NodeInfo | None
    mode: str  # "from", "to", "through" or "all"
    max_depth: int
    chains: list[Chain]
    total: int = 0  # chains found; only the first MAX_CHAINS are kept
    #: the search stopped at its limit: there may be more chains than ``total``
    truncated: bool = False

    @property
    def empty(self) -> bool:
        return not self.chains

    @property
    def empty_message(self) -> str:
        if self.anchor is None:
            return "no chains found: the theory has no CMOCs"
        return f"no chains found {self.mode} {self.anchor.type.lower()} {self.anchor.id!r}"

    @property
    def headline(self) -> str:  # type: ignore[override]
        carried = sum(1 for c in self.chains if c.carried_by_one_study)
        text = f"{plural(len(self.chains), 'chain')}; {carried} carried whole by a single study"
        if self.truncated:
            text += (
                f" (showing the first {len(self.chains)} of at least {self.total:,}: the search "
                "stopped at its limit; narrow with --from, --to, --through or --max-depth)"
            )
        elif self.total > len(self.chains):
            text += (
                f" (showing the first {len(self.chains)} of {self.total:,}: narrow with "
                "--from, --to, --through or --max-depth)"
            )
        return text

    @property
    def note(self) -> str | None:
        """What a reader of rows alone (CSV) must be told: that the answer is partial."""
        if self.truncated or self.total > len(self.chains):
            return self.headline
        return None

    def as_dict(self) -> dict[str, Any]:
        return {
            "query": "chains",
            "anchor": self.anchor.id if self.anchor else None,
            "mode": self.mode,
            "max_depth": self.max_depth,
            "headline": self.headline,
            "total": max(self.total, len(self.chains)),
            "truncated": self.truncated,
            "chains": [c.as_dict() for c in self.chains],
        }


@dataclass
class ConfidenceItem:
    """The confidence in one CMOC (with its links) or in one link of it."""

    id: str
    label: str
    type: str  # "CMOC" or "Link"
    cmoc: str
    assessment: Assessment
    source: str | None = None
    target: str | None = None
    links: list[ConfidenceItem] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        ends = {"from": self.source, "to": self.target} if self.type == "Link" else {}
        out: dict[str, Any] = {
            "id": self.id,
            "label": self.label,
            "type": self.type,
            "cmoc": self.cmoc,
            **ends,
            "studies": self.assessment.studies,
            "extracts": self.assessment.extracts,
            **self.assessment.as_dict(),
        }
        if self.type == "CMOC":
            out["links"] = [link.as_dict() for link in self.links]
        return out


@dataclass
class ConfidenceAnswer(Answer):
    """The confidence in each CMOC and in each of its links, every judgement explained
    (the rules: :mod:`theorygraph.confidence`)."""

    cmocs: list[ConfidenceItem]
    #: the one CMOC asked for, if one was
    asked: str | None = None

    @property
    def empty(self) -> bool:
        return not self.cmocs

    @property
    def empty_message(self) -> str:
        return "no CMOCs to judge: the theory has none"

    def _spread(self, items: list[ConfidenceItem]) -> str:
        levels = [i.assessment.level for i in items]
        return ", ".join(f"{levels.count(level)} {_words(level)}" for level in LEVELS)

    @property
    def headline(self) -> str:  # type: ignore[override]
        links = [link for c in self.cmocs for link in c.links]
        text = f"confidence in {plural(len(self.cmocs), 'CMOC')}: {self._spread(self.cmocs)}"
        if links:
            text += f"; in their {plural(len(links), 'link')}: {self._spread(links)}"
        judged = sum(1 for i in [*self.cmocs, *links] if i.assessment.reviewer)
        if judged:
            text += f"; {judged} set by the reviewers"
        return text

    def as_dict(self) -> dict[str, Any]:
        return {
            "query": "confidence",
            "cmoc": self.asked,
            "headline": self.headline,
            "rule": list(RULE),
            "cmocs": [c.as_dict() for c in self.cmocs],
        }


@dataclass
class EvidenceAnswer(Answer):
    """Every extract bearing on a node, a link or a CMOC, grouped by stance."""

    target_id: str
    target_label: str
    target_type: str
    rows: list[EvidenceRow]
    studies_by_id: dict[str, dict[str, Any]]
    #: how each CMOC qualifies the target (the direction its evidence bears on)
    qualifiers: dict[str, str] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not self.rows

    @property
    def empty_message(self) -> str:
        return f"no evidence found for {self.target_type.lower()} {self.target_id!r}"

    @property
    def headline(self) -> str:  # type: ignore[override]
        counts = stance_counts(self.rows)
        studies = len({r.study for r in self.rows})
        parts = ", ".join(f"{n} {s}" for s, n in counts.items())
        cited = [r for r in self.rows if r.kind == "citation"]
        if not cited:
            return (
                f"{plural(len(self.rows), 'extract')} from {plural(studies, 'study')} "
                f"on {self.target_id} ({parts})"
            )
        # citations are evidence of their own kind: a study named, nothing quoted
        quoted = len(self.rows) - len(cited)
        return (
            f"cited by {plural(len({r.study for r in cited}), 'study')}; quoted in "
            f"{plural(quoted, 'extract')}; {plural(studies, 'study')} in all on "
            f"{self.target_id} ({parts})"
        )

    def citation(self, study: str) -> str:
        return citation(self.studies_by_id.get(study, {"title": study}))

    def item(self, row: EvidenceRow) -> dict[str, Any]:
        record = self.studies_by_id.get(row.study, {})
        return {
            "id": row.extract,
            "label": row.quote,
            "type": "Extract",
            "stance": row.stance,
            "kind": row.kind,
            "quote": row.quote,
            "location": row.location,
            "cmoc": row.cmoc,
            "link": {"from": row.link_from, "to": row.link_to} if row.link_from else None,
            "study": row.study,
            "citation": self.citation(row.study),
            "doi": record.get("doi"),
            "rationale": row.rationale,
            "relevance": row.relevance,
            "rigour": row.rigour,
            "studies": 1,
            "extracts": 1,
        }

    def as_dict(self) -> dict[str, Any]:
        return {
            "query": "evidence",
            "id": self.target_id,
            "label": self.target_label,
            "type": self.target_type,
            "studies": len({r.study for r in self.rows}),
            "extracts": len(self.rows),
            "by_stance": {s: [self.item(r) for r in self.rows if r.stance == s] for s in STANCES},
            **({"qualifiers": self.qualifiers} if self.qualifiers else {}),
        }


@dataclass
class GapRow:
    id: str
    label: str
    type: str
    gap: str  # "no evidence", "only refuting evidence", "single study", "only K supporting studies"
    studies: int
    extracts: int
    supports: int
    refutes: int
    refines: int

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass
class GapsAnswer(Answer):
    kinds: list[str]
    min_studies: int
    rows: list[GapRow]
    totals: dict[str, tuple[int, int]]  # type -> (evidenced, total)

    @property
    def empty(self) -> bool:
        return not self.rows

    @property
    def empty_message(self) -> str:
        return (
            f"no gaps found: every {', '.join(self.kinds)} has supporting evidence from at "
            f"least {plural(self.min_studies, 'study')}"
        )

    @property
    def headline(self) -> str:  # type: ignore[override]
        parts = []
        for kind, (evidenced, total) in self.totals.items():
            plural = {"CMOC": "CMOCs", "Link": "links"}.get(kind, kind.lower() + "s")
            parts.append(f"evidence for {evidenced} of {total} {plural}")
        return "; ".join(parts)

    def as_dict(self) -> dict[str, Any]:
        return {
            "query": "gaps",
            "kinds": self.kinds,
            "min_studies": self.min_studies,
            "headline": self.headline,
            "totals": {k: {"evidenced": e, "total": t} for k, (e, t) in self.totals.items()},
            "gaps": [r.as_dict() for r in self.rows],
        }


@dataclass
class ContestedAnswer(Answer):
    links: list[LinkEvidence]
    cmocs: list[tuple[NodeInfo, list[EvidenceRow]]]

    @property
    def empty(self) -> bool:
        return not self.links and not self.cmocs

    @property
    def empty_message(self) -> str:
        return "no contested links or CMOCs: nothing has both supporting and refuting evidence"

    @property
    def headline(self) -> str:  # type: ignore[override]
        return (
            f"{plural(len(self.links), 'contested link')}, "
            f"{plural(len(self.cmocs), 'contested CMOC')}"
        )

    def _cmoc_dict(self, node: NodeInfo, rows: list[EvidenceRow]) -> dict[str, Any]:
        return {
            "id": node.id,
            "label": node.label,
            "type": "CMOC",
            "studies": len({r.study for r in rows}),
            "extracts": len(rows),
            **{s: [r.extract for r in rows if r.stance == s] for s in STANCES},
            "supporting_studies": sorted({r.study for r in rows if r.stance == "supports"}),
            "refuting_studies": sorted({r.study for r in rows if r.stance == "refutes"}),
        }

    def _link_dict(self, link: LinkEvidence) -> dict[str, Any]:
        return link.as_dict() | {
            "supporting_studies": sorted({r.study for r in link.rows if r.stance == "supports"}),
            "refuting_studies": sorted({r.study for r in link.rows if r.stance == "refutes"}),
        }

    def as_dict(self) -> dict[str, Any]:
        return {
            "query": "contested",
            "headline": self.headline,
            "links": [self._link_dict(link) for link in self.links],
            "cmocs": [self._cmoc_dict(n, rows) for n, rows in self.cmocs],
        }


@dataclass
class UnintendedAnswer(Answer):
    outcomes: list[tuple[NodeInfo, ChainsAnswer]]
    #: outcomes in the review, and those it does not classify as intended or not
    outcomes_in_all: int = 0
    unclassified: int = 0

    @property
    def empty(self) -> bool:
        return not self.outcomes

    @property
    def empty_message(self) -> str:
        total, unknown = self.outcomes_in_all, self.unclassified
        if not unknown:
            return "no unintended outcomes: every outcome is marked intended"
        if unknown == total:
            return (
                f"no outcome is marked unintended, and none of the {plural(total, 'outcome')} "
                "is classified as intended or not (intended: unknown)"
            )
        return (
            f"no outcome is marked unintended: {total - unknown} of {total} are marked "
            f"intended; {unknown} are not classified (intended: unknown)"
        )

    @property
    def _unclassified_note(self) -> str:
        if not self.unclassified:
            return ""
        return f"; {plural(self.unclassified, 'outcome')} not classified as intended or not"

    @property
    def truncated(self) -> bool:
        """Some chains are left out: a search stopped at its limit, or the answer holds
        the most chains it shows in all."""
        return any(chains.truncated for _, chains in self.outcomes)

    @property
    def headline(self) -> str:  # type: ignore[override]
        text = f"{plural(len(self.outcomes), 'unintended outcome')}" + self._unclassified_note
        if self.truncated:
            shown = sum(len(chains.chains) for _, chains in self.outcomes)
            text += (
                f" (showing {plural(shown, 'chain')}: some are left out at the limit; "
                "ask for one outcome with: query chains --to OUTCOME)"
            )
        return text

    @property
    def note(self) -> str | None:
        return self.headline if self.truncated else None

    def as_dict(self) -> dict[str, Any]:
        return {
            "query": "unintended",
            "headline": self.headline,
            "outcomes_in_all": self.outcomes_in_all,
            "unclassified": self.unclassified,
            "truncated": self.truncated,
            "outcomes": [
                node.as_dict()
                | {
                    "studies": len(
                        {
                            s
                            for c in chains.chains
                            for s in (c.links[-1].study_ids if c.links else [])
                        }
                    ),
                    "extracts": len(
                        {
                            r.extract
                            for c in chains.chains
                            for r in (c.links[-1].rows if c.links else [])
                        }
                    ),
                    "chains": [c.as_dict() for c in chains.chains],
                }
                for node, chains in self.outcomes
            ],
        }


@dataclass
class StudyAnswer(Answer):
    study: dict[str, Any]
    links: list[LinkEvidence]
    rows: list[EvidenceRow]
    mechanisms: list[tuple[NodeInfo, int]]

    @property
    def empty(self) -> bool:
        return not self.rows

    @property
    def empty_message(self) -> str:
        return f"no evidence found from study {self.study['id']!r}: it has no extracts"

    @property
    def headline(self) -> str:  # type: ignore[override]
        counts = stance_counts(self.rows)
        parts = ", ".join(f"{n} {s}" for s, n in counts.items())
        charted = "; ".join(
            f"{name}: {', '.join(map(str, v)) if isinstance(v, list) else v}"
            for name, v in self.charted().items()
        )
        return (
            f"study {self.study['id']}: {plural(len(self.rows), 'extract')} ({parts}) on "
            f"{plural(len({r.cmoc for r in self.rows}), 'CMOC')} and "
            f"{plural(len(self.mechanisms), 'mechanism')}" + (f" ({charted})" if charted else "")
        )

    def _own_keys(self) -> set[str]:
        from .backends.convert import ATTRIBUTE_PREFIX

        return {ATTRIBUTE_PREFIX + name for name in self._attributes()}

    def _attributes(self) -> dict[str, Any]:
        return {k: v for k, v in self.charted().items() if k != "tags"}

    def charted(self) -> dict[str, Any]:
        """The study's tags and the review's own attributes of it, by name."""
        from .backends.convert import study_attributes

        out: dict[str, Any] = {"tags": self.study["tags"]} if self.study.get("tags") else {}
        return out | study_attributes(self.study)

    def as_dict(self) -> dict[str, Any]:
        return {
            "query": "study",
            "id": self.study["id"],
            "label": self.study.get("title", ""),
            "type": "Study",
            "studies": 1,
            "extracts": len(self.rows),
            "study": {k: v for k, v in self.study.items() if k not in self._own_keys()}
            | ({"attributes": attributes} if (attributes := self._attributes()) else {}),
            "headline": self.headline,
            "mechanisms": [n.as_dict() | {"studies": 1, "extracts": k} for n, k in self.mechanisms],
            "links": [link.as_dict() for link in self.links],
        }


#: qualifiers that say opposite things of the same node
OPPOSITE_QUALIFIERS = (
    ("increased", "decreased"),
    ("present", "absent"),
    ("activated", "not-activated"),
)


@dataclass
class DirectionsAnswer(Answer):
    """How CMOCs qualify each context, mechanism and outcome, and which appear with
    opposite directions (increased in one configuration, decreased in another)."""

    #: each qualified node, with its qualifiers and the CMOCs that give each
    rows: list[tuple[NodeInfo, dict[str, list[str]]]]
    #: node -> qualifier -> distinct studies whose evidence bears on it in those CMOCs
    studies: dict[str, dict[str, int]] = field(default_factory=dict)

    @staticmethod
    def opposite(words: dict[str, list[str]]) -> bool:
        return any(a in words and b in words for a, b in OPPOSITE_QUALIFIERS)

    @property
    def empty(self) -> bool:
        return not self.rows

    @property
    def empty_message(self) -> str:
        return "no CMOC qualifies its contexts, mechanisms or outcomes (no directions given)"

    @property
    def headline(self) -> str:  # type: ignore[override]
        both = [node.id for node, words in self.rows if self.opposite(words)]
        text = (
            f"{len(both)} of {plural(len(self.rows), 'qualified node')} appear with "
            "opposite directions"
        )
        return text + (f": {', '.join(both)}" if both else "")

    def as_dict(self) -> dict[str, Any]:
        return {
            "query": "directions",
            "headline": self.headline,
            "rows": [
                node.as_dict()
                | {
                    "directions": words,
                    "studies_by_direction": self.studies.get(node.id, {}),
                    "opposite": self.opposite(words),
                }
                for node, words in self.rows
            ],
        }


@dataclass
class CoverageAnswer(Answer):
    by: str
    values: list[str]
    # each row: the mechanism, distinct studies per value, extracts per value, distinct studies
    rows: list[tuple[NodeInfo, dict[str, int], dict[str, int], int]]
    all_studies: dict[str, int]  # value -> number of studies in the review

    @property
    def empty(self) -> bool:
        return not self.rows

    @property
    def empty_message(self) -> str:
        return "no mechanisms to report coverage for"

    @property
    def headline(self) -> str:  # type: ignore[override]
        total = sum(self.all_studies.values())
        if self.by == "service_user_involvement":
            involved = self.all_studies.get("yes", 0)
            unknown = self.all_studies.get("unknown", 0)
            with_evidence = sum(1 for _, studies, _, _ in self.rows if studies.get("yes"))
            if total and unknown == total:
                return (
                    f"service-user involvement is unknown for all {plural(total, 'study')}: "
                    "none says whether service users or carers contributed to the research"
                )
            untold = f" ({unknown} do not say)" if unknown else ""
            if not involved:
                if unknown:
                    return (
                        f"no study is known to have involved service users: "
                        f"{self.all_studies.get('no', 0)} of {total} did not; {unknown} do "
                        "not say"
                    )
                return (
                    f"no evidence from studies involving service users: 0 of {total} studies "
                    "involved them"
                )
            return (
                f"{involved} of {total} studies involved service users{untold}; "
                f"{with_evidence} of {len(self.rows)} mechanisms have evidence from them"
            )
        spread = ", ".join(f"{v} {n}" for v, n in self.all_studies.items())
        return f"studies by {self.by}: {spread}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "query": "coverage",
            "by": self.by,
            "values": self.values,
            "headline": self.headline,
            "studies_by_value": self.all_studies,
            "rows": [
                node.as_dict()
                | {
                    "studies": total,
                    "extracts": sum(extracts.values()),
                    "studies_by_value": studies,
                    "extracts_by_value": extracts,
                }
                for node, studies, extracts, total in self.rows
            ],
        }


@dataclass
class SubgraphAnswer(Answer):
    """A piece of the theory: nodes and the links between them (reused by the map)."""

    query: str
    description: str
    nodes: list[NodeInfo]
    edges: list[dict[str, Any]]
    paths: list[list[str]] = field(default_factory=list)
    #: for each path, the CMOCs it goes through in order (empty for node-level paths)
    routes: list[list[str]] = field(default_factory=list)
    #: the path search stopped at its limit: these are the shortest, not all
    truncated: bool = False

    @property
    def empty(self) -> bool:
        return not self.nodes

    @property
    def note(self) -> str | None:
        return self.headline if self.truncated else None

    @property
    def empty_message(self) -> str:
        return f"nothing found: {self.description}"

    @property
    def headline(self) -> str:  # type: ignore[override]
        extra = f", {plural(len(self.paths), 'path')}" if self.query == "paths" else ""
        if self.truncated:
            extra += (
                " (the shortest; the search stopped at its limit: narrow with a smaller "
                "--max-depth)"
            )
        return (
            f"{self.description}: {plural(len(self.nodes), 'node')}, "
            f"{plural(len(self.edges), 'link')}{extra}"
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "query": self.query,
            "headline": self.headline,
            "nodes": [n.as_dict() for n in self.nodes],
            "edges": self.edges,
            "paths": self.paths,
            "routes": self.routes,
            "truncated": self.truncated,
        }
