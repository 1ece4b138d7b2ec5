"""The programme-theory model: pydantic classes for every object a realist review holds.

A :class:`TheoryDocument` is one review: its metadata (:class:`ReviewInfo`), its
programme theories, the contexts, mechanisms and outcomes, the CMOCs that tie them
together, the studies and the evidence extracts taken from them. Objects refer to one
another by id; :mod:`theorygraph.validate` checks that every reference resolves.

>>> m = Mechanism(id="m-trust", label="Building trust")
>>> m.model_dump(exclude_defaults=True)
{'id': 'm-trust', 'label': 'Building trust'}
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from enum import Enum
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

__all__ = [
    "ATTRIBUTE_PATTERN",
    "ATTRIBUTE_RULE",
    "CMOC",
    "CONFIDENCE_COMPONENTS",
    "FORMAT_VERSION",
    "ID_PATTERN",
    "ID_RULE",
    "NODE_SECTIONS",
    "ComponentJudgement",
    "Concern",
    "Confidence",
    "ConfidenceJudgement",
    "ConfidenceLevel",
    "Context",
    "ContextKind",
    "Extract",
    "ExtractKind",
    "Judgement",
    "Link",
    "LinkConfidence",
    "Mechanism",
    "Outcome",
    "OutcomeLevel",
    "ProgrammeTheory",
    "ReviewInfo",
    "Sector",
    "Stance",
    "Study",
    "StudyDesign",
    "TheoryDocument",
    "TheoryStatus",
]

#: The value of the ``theorygraph`` key that every theory file carries.
FORMAT_VERSION = 1

ID_PATTERN = r"^[a-z0-9][a-z0-9._-]{0,79}$"
ID_RULE = (
    "ids use lowercase letters, digits, '-', '_' and '.', start with a letter or digit "
    "and have at most 80 characters, e.g. 'm-trust' or 'study-07'"
)
_ID_RE = re.compile(ID_PATTERN)

Id = Annotated[
    str,
    StringConstraints(pattern=ID_PATTERN),
    Field(description="A stable, human-readable id, unique within the review. " + ID_RULE),
]
Text = Annotated[str, StringConstraints(min_length=1)]
#: the name of a study attribute of the review's own: as an id, with "_" allowed
ATTRIBUTE_PATTERN = r"^[a-z][a-z0-9_-]{0,39}$"
ATTRIBUTE_RULE = (
    "an attribute's name uses lowercase letters, digits, '_' and '-', starts with a letter "
    "and has at most 40 characters, e.g. 'programme'"
)
AttributeName = Annotated[str, StringConstraints(pattern=ATTRIBUTE_PATTERN)]


def _unknown(value: Any) -> Any:
    """``unknown`` (any case) is a value of its own: the review does not say."""
    if isinstance(value, str) and value.strip().lower() == "unknown":
        return None
    return value


#: a yes/no fact a review may not report: true, false or unknown (absent means unknown,
#: never false: "0 of 39 studies involved service users" is a finding only when they say so)
Unknowable = Annotated[bool | None, BeforeValidator(_unknown)]


def is_valid_id(value: object) -> bool:
    return isinstance(value, str) and bool(_ID_RE.match(value))


class _Base(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True, frozen=False)


class TheoryStatus(str, Enum):
    """Where a programme theory stands in the review."""

    draft = "draft"
    initial = "initial"
    refined = "refined"
    final = "final"


class ContextKind(str, Enum):
    organisational = "organisational"
    relational = "relational"
    policy = "policy"
    individual = "individual"
    other = "other"


class OutcomeLevel(str, Enum):
    proximal = "proximal"
    intermediate = "intermediate"
    distal = "distal"


class Stance(str, Enum):
    """How an extract bears on the CMOC or link it targets."""

    supports = "supports"
    refutes = "refutes"
    refines = "refines"


class Judgement(str, Enum):
    """A reviewer's judgement of an extract's relevance or rigour."""

    high = "high"
    moderate = "moderate"
    low = "low"


class ExtractKind(str, Enum):
    quote = "quote"
    paraphrase = "paraphrase"
    #: the study is cited for the CMOC (as CMO tables cite their sources), with no quote
    citation = "citation"


class Qualifier(str, Enum):
    """How a context, mechanism or outcome stands in one configuration."""

    increased = "increased"
    decreased = "decreased"
    present = "present"
    absent = "absent"
    activated = "activated"  # a mechanism fired
    not_activated = "not-activated"  # a mechanism did not fire, or was hindered


#: qualifiers only a mechanism takes
MECHANISM_QUALIFIERS = frozenset({Qualifier.activated, Qualifier.not_activated})


class StudyDesign(str, Enum):
    qualitative = "qualitative"
    quantitative = "quantitative"
    mixed_methods = "mixed-methods"
    case_study = "case-study"
    evaluation = "evaluation"
    review = "review"
    policy_document = "policy-document"
    commentary = "commentary"
    other = "other"


class Sector(str, Enum):
    health = "health"
    social_care = "social-care"
    health_and_social_care = "health-and-social-care"
    other = "other"


class ReviewInfo(_Base):
    """The review or evaluation project the theory belongs to."""

    id: Id
    title: Text
    question: str | None = None
    description: str | None = None
    team: list[str] = Field(default_factory=list)
    stakeholders: str | None = Field(
        default=None, description="The stakeholder group that shaped the theory."
    )
    citation: str | None = Field(default=None, description="The review's own publication.")
    doi: str | None = None
    funding: str | None = None
    notes: str | None = None


class TheoryKind(str, Enum):
    """Whether a theory is a version of the review's theory or a part of it."""

    version = "version"  # initial, refined, final: versions follow each other (refines)
    part = "part"  # parts or themes of one theory, side by side


class ProgrammeTheory(_Base):
    """A named set of CMOCs (CMOCs name the theories that include them): a version of the
    review's programme theory, or one part of it."""

    id: Id
    label: Text
    kind: TheoryKind = TheoryKind.version
    version: str | None = Field(
        default=None, description="A version label such as '1.0' or '2021-03'."
    )
    status: TheoryStatus = TheoryStatus.initial
    refines: Id | None = Field(default=None, description="The theory this one refines.")
    description: str | None = None


class _Node(_Base):
    id: Id
    label: Text
    description: str | None = None
    tags: list[str] = Field(default_factory=list)


class Context(_Node):
    """A pre-existing condition that shapes whether a mechanism fires."""

    kind: ContextKind | None = None


class Mechanism(_Node):
    """What the programme offers (resource) and how people respond to it (reasoning)."""

    resource: str | None = None
    reasoning: str | None = None


class Outcome(_Node):
    intended: Unknowable = Field(
        default=None,
        description="Whether the programme aims at this outcome: true, false (an unintended "
        "outcome) or unknown (the default: the review does not classify it).",
    )
    level: OutcomeLevel | None = None


class MemberQualifier(_Base):
    """What one CMOC says of one of its contexts, mechanisms or outcomes: its direction
    (``where conflict is *reduced*, trust is *enhanced*``) and/or a note in words."""

    id: Id = Field(description="A context, mechanism or outcome of this CMOC.")
    qualifier: Qualifier | None = None
    note: str | None = Field(default=None, description="The qualifier in the review's words.")


class HandOffRole(str, Enum):
    """What an outcome of one CMOC becomes in the next."""

    context = "context"  # the next CMOC's context (the default)
    mechanism = "mechanism"  # a resource or trigger of the next CMOC's mechanism


class Provenance(str, Enum):
    """Who says a hand-off happens."""

    stated = "stated"  # the authors of the review or of the studies
    inferred = "inferred"  # the reviewers, reading across configurations


class HandOff(_Base):
    """How a CMOC hands on to one of the CMOCs it leads to (``leads_to``)."""

    cmoc: Id = Field(description="A CMOC this one leads to.")
    role: HandOffRole = HandOffRole.context
    outcome: Id | None = Field(
        default=None,
        description="The outcome of this CMOC that is handed on (for a context hand-off, "
        "the outcome the next CMOC names among its contexts).",
    )
    provenance: Provenance | None = None
    note: str | None = None


class ConfidenceLevel(str, Enum):
    """How much confidence a CMOC or one of its links deserves (GRADE-CERQual's levels)."""

    high = "high"
    moderate = "moderate"
    low = "low"
    very_low = "very-low"


class Concern(str, Enum):
    """How much one component of confidence (methodological limitations, coherence,
    adequacy, relevance) worries the reviewers, in GRADE-CERQual's words."""

    none = "none"  # no or very minor concerns
    minor = "minor"
    moderate = "moderate"
    serious = "serious"


#: the components of confidence, in GRADE-CERQual's order
CONFIDENCE_COMPONENTS = ("limitations", "coherence", "adequacy", "relevance")


class ComponentJudgement(_Base):
    """The reviewers' own judgement of one component, set in place of the computed one."""

    level: Concern = Field(description="Their concerns: none, minor, moderate or serious.")
    reason: Text = Field(description="Why they judge so; shown beside the computed judgement.")


class ConfidenceJudgement(_Base):
    """The reviewers' own confidence judgements of a CMOC or a link, each with a reason."""

    overall: ConfidenceLevel | None = Field(
        default=None,
        description="Their overall level (high, moderate, low or very-low), in place of the "
        "one the components give; with a reason.",
    )
    reason: Text | None = Field(default=None, description="Why they set the overall level.")
    limitations: ComponentJudgement | None = Field(
        default=None,
        description="Methodological limitations: concerns about the rigour of the studies "
        "behind it.",
    )
    coherence: ComponentJudgement | None = Field(
        default=None,
        description="Coherence: concerns about how well the evidence fits it (refuting or "
        "refining evidence).",
    )
    adequacy: ComponentJudgement | None = Field(
        default=None,
        description="Adequacy: concerns about how much evidence there is and how rich it is.",
    )
    relevance: ComponentJudgement | None = Field(
        default=None,
        description="Relevance: concerns about how well the evidence speaks to it.",
    )

    @model_validator(mode="after")
    def _overall_with_reason(self) -> ConfidenceJudgement:
        if self.overall is not None and self.reason is None:
            raise ValueError("an overall level needs a reason: add 'reason: ...' beside it")
        if self.reason is not None and self.overall is None:
            raise ValueError(
                "a reason goes with an overall level: add 'overall: high, moderate, low or "
                "very-low', or give the reason to a component ({level, reason})"
            )
        return self


class _LinkEnds(_Base):
    source: Id = Field(alias="from", description="The link's context or mechanism.")
    target: Id = Field(alias="to", description="The link's mechanism or outcome.")


class LinkConfidence(ConfidenceJudgement, _LinkEnds):
    """The reviewers' confidence judgements of one link of the CMOC (its ends first)."""


class Confidence(ConfidenceJudgement):
    """The reviewers' own confidence judgements of a CMOC and of its links, each with a
    reason; 'theorygraph query confidence' shows them beside the computed ones."""

    links: list[LinkConfidence] = Field(
        default_factory=list,
        description="Judgements of single links of the CMOC: '- {from: ID, to: ID, overall: "
        "low, reason: ...}'.",
    )


_MEMBERS = ("contexts", "mechanisms", "outcomes")


def configuration_links(
    contexts: Sequence[str], mechanisms: Sequence[str], outcomes: Sequence[str], sequence: bool
) -> list[tuple[str, str]]:
    """The links a configuration states: each context to each mechanism, then each
    mechanism to each outcome; with ``sequence``, its mechanisms fire one after another,
    so the contexts lead to the first, each mechanism to the next, and the last to the
    outcomes."""
    if not sequence or len(mechanisms) < 2:
        out = [(c, m) for c in contexts for m in mechanisms]
        return out + [(m, o) for m in mechanisms for o in outcomes]
    out = [(c, mechanisms[0]) for c in contexts]
    out += list(itertools.pairwise(mechanisms))
    return out + [(mechanisms[-1], o) for o in outcomes]


def _inline_hand_offs(data: dict[str, Any]) -> dict[str, Any]:
    """A leads_to entry written as a mapping (``{cmoc, role, ...}``) is the CMOC's id,
    with the rest kept in ``hand_offs``."""
    onward = data.get("leads_to")
    if not isinstance(onward, list) or not any(isinstance(v, dict) for v in onward):
        return data
    data = dict(data)
    found = list(data.get("hand_offs") or [])
    plain = []
    for value in onward:
        if isinstance(value, dict) and "cmoc" in value:
            plain.append(value["cmoc"])
            if set(value) - {"cmoc"}:
                found.append(dict(value))
        else:
            plain.append(value)
    data["leads_to"] = plain
    data["hand_offs"] = found
    return data


class CMOC(_Base):
    """A context-mechanism-outcome configuration: the unit evidence is judged against."""

    id: Id
    label: Text = Field(description="The configuration as a sentence: 'In C, M leads to O'.")
    contexts: list[Id] = Field(
        default_factory=list,
        description="Its contexts; none when the review's table gives none (an incomplete "
        "configuration, which validation points out).",
    )
    mechanisms: list[Id] = Field(min_length=1)
    outcomes: list[Id] = Field(min_length=1)
    strategy: str | None = Field(default=None, description="The intervention or strategy (I).")
    actors: list[str] = Field(default_factory=list, description="Actors (A), ICAMO-style.")
    theories: list[Id] = Field(default_factory=list, description="Theories that include it.")
    leads_to: list[Id] = Field(
        default_factory=list,
        description="CMOCs this one leads into: one of its outcomes is their context.",
    )
    sequence: bool = Field(
        default=False,
        description="Its mechanisms fire one after another, in the order listed (the first "
        "sets off the next), rather than side by side.",
    )
    hand_offs: list[HandOff] = Field(
        default_factory=list,
        description="How it hands on to the CMOCs it leads to (also written inline: "
        "'- {cmoc: cmoc-02, role: mechanism, outcome: o-trust}' in leads_to).",
    )
    theme: str | None = Field(
        default=None,
        description="The theme the review groups it under; a sub-theme as 'Theme / Sub-theme'.",
    )
    qualifiers: list[MemberQualifier] = Field(
        default_factory=list,
        description="Directions of its members (also written inline: "
        "'- {id: m-trust, qualifier: decreased}' in contexts, mechanisms or outcomes).",
    )
    refines: Id | None = Field(
        default=None,
        description="The CMOC of an earlier theory version that this one refines and takes "
        "the place of: 'theorygraph diff' reports the two as one changed configuration.",
    )
    change_reason: str | None = Field(
        default=None,
        description="The reviewers' reason for adding, changing or dropping this CMOC "
        "between theory versions, shown beside the evidence in 'theorygraph diff'.",
    )
    confidence: Confidence | None = Field(
        default=None,
        description="The reviewers' own confidence judgements (overall, or one component: "
        "limitations, coherence, adequacy, relevance), each with a reason, for the CMOC and "
        "its links; 'theorygraph query confidence' shows them beside the computed ones.",
    )
    description: str | None = None
    tags: list[str] = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _inline_qualifiers(cls, data: Any) -> Any:
        """A member written as a mapping (``{id, qualifier, note}``) is the id, qualified."""
        if not isinstance(data, dict):
            return data
        lists = [v for f in _MEMBERS if isinstance(v := data.get(f), list)]
        if not any(isinstance(value, dict) for members in lists for value in members):
            return _inline_hand_offs(data)
        data = dict(data)
        data = _inline_hand_offs(data)
        found = list(data.get("qualifiers") or [])
        for fld in _MEMBERS:
            members = data.get(fld)
            if not isinstance(members, list):
                continue
            plain = []
            for value in members:
                if isinstance(value, dict) and "id" in value:
                    plain.append(value["id"])
                    extra = {k: v for k, v in value.items() if k != "id"}
                    if extra:
                        found.append({"id": value["id"], **extra})
                else:
                    plain.append(value)
            data[fld] = plain
        data["qualifiers"] = found
        return data

    @model_validator(mode="after")
    def _qualifiers_in_member_order(self) -> CMOC:
        """Qualifiers in the order of the members they qualify (as files are written)."""
        order = {m: i for i, m in enumerate([*self.contexts, *self.mechanisms, *self.outcomes])}
        self.qualifiers.sort(key=lambda q: order.get(q.id, len(order)))
        onward = {c: i for i, c in enumerate(self.leads_to)}
        self.hand_offs.sort(key=lambda h: onward.get(h.cmoc, len(onward)))
        return self

    @model_validator(mode="after")
    def _confidence_of_own_links(self) -> CMOC:
        """Confidence judgements of links name links of this CMOC, each once."""
        if self.confidence is None or not self.confidence.links:
            return self
        own = self.links()
        seen: set[tuple[str, str]] = set()
        for judged in self.confidence.links:
            link = (judged.source, judged.target)
            if link not in own:
                stated = ", ".join(f"{a} -> {b}" for a, b in own)
                raise ValueError(
                    f"confidence.links: {link[0]} -> {link[1]} is not a link of this CMOC; "
                    f"its links: {stated}"
                )
            if link in seen:
                raise ValueError(
                    f"confidence.links: {link[0]} -> {link[1]} is judged twice; keep one"
                )
            seen.add(link)
        return self

    def links(self) -> list[tuple[str, str]]:
        """Its links (see :func:`configuration_links`)."""
        return configuration_links(self.contexts, self.mechanisms, self.outcomes, self.sequence)

    def hand_off_to(self, cmoc: str) -> HandOff | None:
        return next((h for h in self.hand_offs if h.cmoc == cmoc), None)

    def qualifier_of(self, member: str) -> MemberQualifier | None:
        return next((q for q in self.qualifiers if q.id == member), None)


class Study(_Base):
    """A paper, report or other document that evidence was extracted from."""

    id: Id
    title: Text
    authors: list[str] = Field(default_factory=list)
    year: int | None = Field(default=None, ge=1000, le=2999)
    venue: str | None = None
    doi: str | None = None
    url: str | None = None
    design: StudyDesign | None = None
    country: str | None = None
    sector: Sector | None = None
    participants: list[str] = Field(
        default_factory=list, description="Who took part, e.g. 'leaders', 'carers'."
    )
    service_user_involvement: Unknowable = Field(
        default=None,
        description="Whether service users or carers contributed to the research itself: "
        "true, false or unknown (the default: the study does not say).",
    )
    notes: str | None = None
    tags: list[str] = Field(default_factory=list)
    attributes: dict[AttributeName, str | int | float | bool | list[str]] = Field(
        default_factory=dict,
        description="The review's own fields for charting studies (type of collaboration, "
        "programme, population...): a name, and a value or a list of values.",
    )


class Link(_Base):
    """One link of a CMOC: context -> mechanism or mechanism -> outcome."""

    source: Id = Field(alias="from")
    target: Id = Field(alias="to")


class Extract(_Base):
    """One piece of evidence: a quote or paraphrase from one study, judged against a CMOC."""

    id: Id
    study: Id
    quote: Text | None = Field(
        default=None, description="Required, except for a citation (kind: citation)."
    )
    kind: ExtractKind = ExtractKind.quote
    location: str | None = Field(default=None, description="Page, section or paragraph.")
    cmoc: Id = Field(description="The CMOC the extract bears on.")
    link: Link | None = Field(
        default=None, description="The single link of the CMOC it bears on; omit for all of it."
    )
    stance: Stance
    rationale: str | None = None
    relevance: Judgement | None = None
    rigour: Judgement | None = None
    coder: str | None = Field(
        default=None,
        description="Who coded the extract (a reviewer's name or initials), when two "
        "reviewers code the same studies in one review: 'theorygraph agreement' compares "
        "their codings.",
    )


#: Sections of a theory file holding lists of objects with ids, in file order.
NODE_SECTIONS: dict[str, type[_Base]] = {
    "theories": ProgrammeTheory,
    "contexts": Context,
    "mechanisms": Mechanism,
    "outcomes": Outcome,
    "cmocs": CMOC,
    "studies": Study,
    "extracts": Extract,
}


class TheoryDocument(_Base):
    """A whole review: what one theory file (or folder of files) holds."""

    theorygraph: int = Field(
        default=FORMAT_VERSION, description="Theory file format version; always 1 for now."
    )
    review: ReviewInfo
    theories: list[ProgrammeTheory] = Field(default_factory=list)
    contexts: list[Context] = Field(default_factory=list)
    mechanisms: list[Mechanism] = Field(default_factory=list)
    outcomes: list[Outcome] = Field(default_factory=list)
    cmocs: list[CMOC] = Field(default_factory=list)
    studies: list[Study] = Field(default_factory=list)
    extracts: list[Extract] = Field(default_factory=list)

    def to_data(self) -> dict[str, Any]:
        """Plain data in file order, leaving out empty and default values."""
        dump = self.model_dump(mode="json", by_alias=True, exclude_defaults=True)
        dump.pop("theorygraph", None)
        return {"theorygraph": self.theorygraph, **dump}

    def index(self) -> dict[str, _Base]:
        """Every object with an id, by id."""
        out: dict[str, _Base] = {}
        for section in NODE_SECTIONS:
            for item in getattr(self, section):
                out[item.id] = item
        return out


def file_schema() -> dict[str, Any]:
    """JSON Schema for one theory file (in a folder, only one file needs ``review``)."""

    class TheoryFile(TheoryDocument):
        """One theorygraph theory file (YAML or JSON)."""

        theorygraph: int = Field(  # type: ignore[assignment]
            description="Theory file format version.", ge=FORMAT_VERSION, le=FORMAT_VERSION
        )
        review: ReviewInfo | None = None  # type: ignore[assignment]

    schema = TheoryFile.model_json_schema(by_alias=True)
    defs = schema["$defs"]
    # what the files may also write, which the models turn into their own fields: a
    # member or a hand-off inline, and "unknown" for a fact a review may not know
    cmoc = defs["CMOC"]["properties"]
    for fld in _MEMBERS:
        items = cmoc[fld]["items"]
        cmoc[fld]["items"] = {"anyOf": [items, {"$ref": "#/$defs/MemberQualifier"}]}
    onward = cmoc["leads_to"]["items"]
    cmoc["leads_to"]["items"] = {"anyOf": [onward, {"$ref": "#/$defs/HandOff"}]}
    unknown = {"const": "unknown", "description": "the review does not say"}
    for model, fld in (("Outcome", "intended"), ("Study", "service_user_involvement")):
        defs[model]["properties"][fld]["anyOf"].append(unknown)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "theorygraph theory file"
    return schema
