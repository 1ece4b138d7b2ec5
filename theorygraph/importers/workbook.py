"""The whole review in one workbook: its sheets, their columns, and how each cell is written
and read.

``theorygraph export --to workbook`` (:mod:`theorygraph.importers.workbook_write`) and
``theorygraph import workbook`` (:mod:`theorygraph.importers.workbook_read`) share this
layout, so what one writes the other reads back: a review, its theories, contexts,
mechanisms, outcomes, CMOCs (with their qualifiers and hand-offs in sheets of their own),
studies (with the review's own attributes, one column each, headed ``attr.NAME``) and
extracts, one row per item, each column one field of the model. The first sheet,
"About", explains every sheet and column in words taken from the model itself
(:mod:`theorygraph.importers.workbook_about`).

>>> [sheet.name for sheet in SHEETS][:3]
['review', 'theories', 'contexts']
>>> cell_value(column("cmocs", "contexts"), ["c-trust", "c-power"])
'c-trust; c-power'
>>> read_cell(column("cmocs", "contexts"), "c-trust; c-power")
['c-trust', 'c-power']
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import Any

from pydantic import BaseModel

from ..model import (
    CMOC,
    Context,
    ContextKind,
    Extract,
    ExtractKind,
    HandOff,
    HandOffRole,
    Judgement,
    Mechanism,
    MemberQualifier,
    Outcome,
    OutcomeLevel,
    ProgrammeTheory,
    Provenance,
    Qualifier,
    ReviewInfo,
    Sector,
    Stance,
    Study,
    StudyDesign,
    TheoryKind,
    TheoryStatus,
)
from .values import (
    BadValue,
    attribute_cell,
    list_cell,
    read_attribute,
    read_bool,
    read_design,
    read_enum,
    read_judgement,
    read_kind,
    read_sector,
    read_stance,
    read_text_list,
    read_truth,
    read_year,
    split_list,
)

__all__ = [
    "ABOUT",
    "ATTRIBUTE_PREFIX",
    "LAST_ROW",
    "SHEETS",
    "Column",
    "Sheet",
    "attribute_column",
    "cell_value",
    "column",
    "read_cell",
]

#: the first sheet, which explains the others (never read back)
ABOUT = "About"
#: how a column holding one of the review's own study attributes is headed
ATTRIBUTE_PREFIX = "attr."
#: the last row a drop-down covers: the whole column, so that added rows have it too
LAST_ROW = 1_048_576


@dataclass(frozen=True)
class Column:
    """One column of a sheet: its header, the model field it holds and how it is written.

    ``kind`` is one of ``id``, ``text``, ``year``, ``choice`` (one of ``enum``), ``truth``
    (true or false), ``unknowable`` (true, false or unknown), ``ids`` (several ids),
    ``texts`` (several texts), ``attribute`` (a study attribute of the review's own) and
    ``json`` (a mapping of the model's own, as a JSON object: a CMOC's confidence).
    ``field`` is the model's field (``link.from`` for one end of a link; None for the CMOC
    a qualifier or hand-off belongs to); ``refers`` names the sheet whose ids it holds.
    """

    name: str
    field: str | None
    kind: str = "text"
    enum: type[Enum] | None = None
    refers: str | None = None
    width: int = 16
    #: what the column holds, where the model's own description is missing or too short
    about: str | None = None

    @property
    def key(self) -> str:
        return self.field or "cmoc-of"


@dataclass(frozen=True)
class Sheet:
    """One sheet: the section of the review it holds and its columns, in order."""

    name: str
    model: type[BaseModel]
    about: str
    columns: tuple[Column, ...]


def _id() -> Column:
    return Column("id", "id", "id", width=18)


def _label(about: str | None = None) -> Column:
    return Column("label", "label", width=40, about=about)


def _text(name: str, about: str | None = None, width: int = 40) -> Column:
    return Column(name, name, width=width, about=about)


def _choice(name: str, enum: type[Enum], about: str | None = None) -> Column:
    return Column(name, name, "choice", enum, width=16, about=about)


def _tags() -> Column:
    return Column("tags", "tags", "texts", width=20, about="Keywords of the review's own.")


_DESCRIPTION = _text("description", "A longer description.", width=50)

SHEETS: tuple[Sheet, ...] = (
    Sheet(
        "review",
        ReviewInfo,
        "The review or evaluation itself: one row under the header.",
        (
            _id(),
            _text("title", "The review's title.", width=50),
            _text("question", "The question the review asks.", width=50),
            _DESCRIPTION,
            Column("team", "team", "texts", width=30, about="The review team."),
            _text("stakeholders"),
            _text("citation"),
            _text("doi", "The DOI of the review's own publication.", width=24),
            _text("funding", "Who funded the review.", width=30),
            _text("notes", "Notes of the review team.", width=40),
        ),
    ),
    Sheet(
        "theories",
        ProgrammeTheory,
        "Programme theories: versions of the review's theory (initial, refined) or parts of "
        "it. The cmocs sheet says which CMOCs each includes.",
        (
            _id(),
            _label("The theory's name."),
            _choice("kind", TheoryKind, "A version of the review's theory, or a part of it."),
            _text("version", width=12),
            _choice("status", TheoryStatus, "Where the theory stands in the review."),
            Column("refines", "refines", "id", refers="theories", width=18),
            _DESCRIPTION,
        ),
    ),
    Sheet(
        "contexts",
        Context,
        "Contexts: pre-existing conditions that shape whether a mechanism fires.",
        (
            _id(),
            _label("The context in a few words."),
            _choice("kind", ContextKind, "What kind of condition it is."),
            _DESCRIPTION,
            _tags(),
        ),
    ),
    Sheet(
        "mechanisms",
        Mechanism,
        "Mechanisms: what the programme offers (resource) and how people respond (reasoning).",
        (
            _id(),
            _label("The mechanism in a few words."),
            _text("resource", "What the programme offers.", width=36),
            _text("reasoning", "How people respond to it.", width=36),
            _DESCRIPTION,
            _tags(),
        ),
    ),
    Sheet(
        "outcomes",
        Outcome,
        "Outcomes, intended or not.",
        (
            _id(),
            _label("The outcome in a few words."),
            Column("intended", "intended", "unknowable", width=12),
            _choice("level", OutcomeLevel, "How far along the chain the outcome lies."),
            _DESCRIPTION,
            _tags(),
        ),
    ),
    Sheet(
        "cmocs",
        CMOC,
        "CMOCs (context-mechanism-outcome configurations): the units evidence is judged "
        "against. Their qualifiers and hand-offs are in the two sheets that follow.",
        (
            _id(),
            Column("label", "label", width=60),
            Column("contexts", "contexts", "ids", refers="contexts", width=28),
            Column(
                "mechanisms",
                "mechanisms",
                "ids",
                refers="mechanisms",
                width=28,
                about="Its mechanisms (at least one).",
            ),
            Column(
                "outcomes",
                "outcomes",
                "ids",
                refers="outcomes",
                width=28,
                about="Its outcomes (at least one).",
            ),
            Column("sequence", "sequence", "truth", width=11),
            Column("leads_to", "leads_to", "ids", refers="cmocs", width=20),
            Column("theories", "theories", "ids", refers="theories", width=16),
            Column("refines", "refines", "id", refers="cmocs", width=18),
            _text("change_reason", width=40),
            Column(
                "confidence",
                "confidence",
                "json",
                width=40,
                about="The reviewers' own confidence judgements, each with a reason, as JSON: "
                '{"overall": "low", "reason": "...", "coherence": {"level": "serious", '
                '"reason": "..."}} (see docs/confidence.md).',
            ),
            _text("theme", width=24),
            _text("strategy", width=36),
            Column("actors", "actors", "texts", width=24),
            _DESCRIPTION,
            _tags(),
        ),
    ),
    Sheet(
        "qualifiers",
        MemberQualifier,
        "How a CMOC qualifies one of its contexts, mechanisms or outcomes ('where conflict "
        "is reduced, trust is enhanced'): one row per qualified member, in the order of "
        "the CMOC's members.",
        (
            Column(
                "cmoc",
                None,
                "id",
                refers="cmocs",
                width=18,
                about="The CMOC whose member this row qualifies.",
            ),
            Column("member", "id", "id", width=22),
            _choice("qualifier", Qualifier, "Its direction in this CMOC."),
            _text("note", width=50),
        ),
    ),
    Sheet(
        "hand-offs",
        HandOff,
        "How a CMOC hands on to a CMOC it leads to (its leads_to in the cmocs sheet): one "
        "row per hand-off, in the order of leads_to.",
        (
            Column(
                "cmoc",
                None,
                "id",
                refers="cmocs",
                width=18,
                about="The CMOC that hands on.",
            ),
            Column("leads_to", "cmoc", "id", refers="cmocs", width=18),
            _choice("role", HandOffRole, "What the outcome becomes in the next CMOC."),
            Column("outcome", "outcome", "id", refers="outcomes", width=22),
            _choice("provenance", Provenance, "Who says the hand-off happens."),
            _text("note", "The hand-off in the review's words.", width=50),
        ),
    ),
    Sheet(
        "studies",
        Study,
        "Studies: the papers, reports and other documents evidence was extracted from. A "
        "column headed attr.NAME holds one of the review's own attributes of each study.",
        (
            _id(),
            _text("title", "The study's title.", width=50),
            Column("authors", "authors", "texts", width=30, about="Its authors."),
            Column("year", "year", "year", width=8, about="The year it was published."),
            _text("venue", "The journal, publisher or other venue.", width=24),
            _text("doi", "Its DOI.", width=24),
            _text("url", "Where to find it.", width=24),
            _choice("design", StudyDesign, "The study's design."),
            _text("country", "The country it was carried out in.", width=14),
            _choice("sector", Sector, "Health, social care or both."),
            Column("participants", "participants", "texts", width=24),
            Column("service_user_involvement", "service_user_involvement", "unknowable", width=14),
            _text("notes", "Notes of the review team.", width=36),
            _tags(),
            Column(ATTRIBUTE_PREFIX + "NAME", "attributes", "attribute", width=18),
        ),
    ),
    Sheet(
        "extracts",
        Extract,
        "Extracts: evidence from one study, judged against one CMOC (or one of its links).",
        (
            _id(),
            Column(
                "study", "study", "id", refers="studies", width=18, about="The study it is from."
            ),
            Column("cmoc", "cmoc", "id", refers="cmocs", width=18),
            Column(
                "link_from",
                "link.from",
                "id",
                width=18,
                about="With link_to, the single link of the CMOC it bears on: its first end, "
                "a context or mechanism of the CMOC. Both empty: the whole CMOC.",
            ),
            Column(
                "link_to",
                "link.to",
                "id",
                width=18,
                about="The link's second end: a mechanism or outcome of the CMOC.",
            ),
            _choice("stance", Stance, "How the extract bears on the CMOC or link."),
            _choice("kind", ExtractKind, "A quote, a paraphrase, or a citation without one."),
            _text("quote", "The text of the extract, or a paraphrase.", width=70),
            _text("location", width=14),
            _text("rationale", "Why the extract bears on the CMOC as it does.", width=40),
            _choice("relevance", Judgement, "The reviewer's judgement of its relevance."),
            _choice("rigour", Judgement, "The reviewer's judgement of its rigour."),
            _text("coder", "Who coded it, when two reviewers code the same studies.", width=14),
        ),
    ),
)

_BY_NAME = {sheet.name: sheet for sheet in SHEETS}


def column(sheet: str, name: str) -> Column:
    """The column headed ``name`` of ``sheet``."""
    return next(c for c in _BY_NAME[sheet].columns if c.name == name)


def attribute_column(name: str) -> Column:
    """The column of the review's own study attribute ``name``."""
    return Column(ATTRIBUTE_PREFIX + name, "attributes." + name, "attribute", width=18)


# -- cells --------------------------------------------------------------------------------------

_CHOICE_READERS: dict[type[Enum], Callable[[str], str]] = {
    Stance: read_stance,
    Judgement: read_judgement,
    ExtractKind: read_kind,
    StudyDesign: read_design,
    Sector: read_sector,
}
_CHOICE_WORDS = {
    TheoryKind: "a kind of theory",
    TheoryStatus: "a theory status",
    ContextKind: "a kind of context",
    OutcomeLevel: "an outcome level",
    Qualifier: "a qualifier",
    HandOffRole: "a hand-off role",
    Provenance: "a provenance",
}


def cell_value(col: Column, value: Any) -> str | int | None:
    """What the cell of ``col`` holds for the model's ``value`` (None: an empty cell)."""
    if value is None:
        return "unknown" if col.kind == "unknowable" else None
    if col.kind in ("truth", "unknowable"):
        return "true" if value else "false"
    if col.kind == "choice":
        return str(value.value)
    if col.kind == "ids":
        return "; ".join(value) or None
    if col.kind == "texts":
        return list_cell(value)
    if col.kind == "attribute":
        return attribute_cell(value)
    if col.kind == "json":  # a mapping of the model's own (a CMOC's confidence)
        import json

        data = value.model_dump(mode="json", by_alias=True, exclude_defaults=True)
        return json.dumps(data, ensure_ascii=False)
    return value  # type: ignore[no-any-return]


def read_cell(col: Column, text: str) -> Any:
    """The model's value of the text of one cell of ``col``; raises
    :class:`~theorygraph.importers.values.BadValue` saying what is allowed."""
    kind = col.kind
    if kind == "id":
        return text.strip()
    if kind == "year":
        return read_year(text)
    if kind == "choice":
        assert col.enum is not None
        reader = _CHOICE_READERS.get(col.enum)
        if reader is not None:
            return reader(text)
        return read_enum(text, col.enum, _CHOICE_WORDS[col.enum])
    if kind == "truth":
        return read_truth(text)
    if kind == "unknowable":
        return read_bool(text)
    if kind == "ids":
        return split_list(text)
    if kind == "texts":
        return read_text_list(text)
    if kind == "attribute":
        return read_attribute(text)
    if kind == "json":
        import json

        try:
            data = json.loads(text)
        except ValueError as exc:
            raise BadValue(f"{text!r} is not JSON ({exc})", "a JSON object: {...}") from exc
        if not isinstance(data, dict):
            raise BadValue(f"{text!r} is not a JSON object", "a JSON object: {...}")
        return data
    return text
