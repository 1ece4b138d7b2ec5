"""The RAMESES publication standards for realist syntheses, and what a report serves.

The 19 items of Wong G, Greenhalgh T, Westhorp G, Buckingham J, Pawson R. RAMESES
publication standards: realist syntheses. BMC Medicine 2013;11:21
(doi:10.1186/1741-7015-11-21), by section of a paper, each with the sections of a
theorygraph report that give material for it and what only the review team can write.
A report does the counting and the audit trail; the judgements, the methods and the
discussion stay the team's.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["ITEMS", "Item"]

#: how much of an item the report serves
SERVED, IN_PART, TEAM = "served", "in part", "team's own text"


@dataclass(frozen=True)
class Item:
    number: int
    #: the part of the paper it belongs to (title, abstract, introduction...)
    part: str
    name: str
    #: the report's sections that give material for it (their anchors)
    sections: tuple[str, ...]
    #: served, in part, or the team's own text
    status: str
    #: what the team writes for it
    team: str


def _item(number: int, part: str, name: str, sections: str, status: str, team: str) -> Item:
    return Item(number, part, name, tuple(sections.split()), status, team)


ITEMS: tuple[Item, ...] = (
    _item(1, "Title", "Title", "", TEAM, "a title that identifies a realist synthesis or review"),
    _item(2, "Abstract", "Abstract", "", TEAM, "a structured summary in the journal's format"),
    _item(
        3,
        "Introduction",
        "Rationale for review",
        "",
        TEAM,
        "why the review is needed and what it adds to what is known",
    ),
    _item(
        4,
        "Introduction",
        "Objectives and focus of review",
        "review",
        IN_PART,
        "the objectives and a rationale for the focus; the report gives the question as the "
        "review records it",
    ),
    _item(
        5,
        "Methods",
        "Changes in the review process",
        "",
        TEAM,
        "changes to the review process planned in the protocol, and why",
    ),
    _item(
        6,
        "Methods",
        "Rationale for using realist synthesis",
        "",
        TEAM,
        "why a realist approach suits the question",
    ),
    _item(
        7,
        "Methods",
        "Scoping the literature",
        "",
        TEAM,
        "the initial exploratory scoping, and how it shaped the initial programme theory",
    ),
    _item(
        8,
        "Methods",
        "Searching processes",
        "",
        TEAM,
        "the searches (sources, terms, dates) and why they were iterated as they were",
    ),
    _item(
        9,
        "Methods",
        "Selection and appraisal of documents",
        "studies",
        IN_PART,
        "how documents, and data within them, were selected and how relevance and rigour "
        "were judged; the report counts the judgements made",
    ),
    _item(
        10,
        "Methods",
        "Data extraction",
        "studies",
        IN_PART,
        "which data were extracted, how and by whom; the report counts the extracts by "
        "stance and kind",
    ),
    _item(
        11,
        "Methods",
        "Analysis and synthesis processes",
        "changes gaps",
        IN_PART,
        "the analytic process (how configurations were built, tested and refined); the "
        "report gives the trail from the extracts to each change of the theory",
    ),
    _item(
        12,
        "Results",
        "Document flow diagram",
        "studies",
        IN_PART,
        "the documents found, screened and excluded at each stage with reasons, and where "
        "they came from; the report gives only the number included",
    ),
    _item(
        13,
        "Results",
        "Document characteristics",
        "studies references",
        SERVED,
        "a check that the study records are complete",
    ),
    _item(
        14,
        "Results",
        "Main findings",
        "theory mechanisms gaps unintended changes figure",
        SERVED,
        "the interpretation of the configurations, which the report states with their evidence",
    ),
    _item(
        15,
        "Discussion",
        "Summary of findings",
        "",
        TEAM,
        "a summary of the findings for the review's questions and audiences",
    ),
    _item(
        16,
        "Discussion",
        "Strengths, limitations and future research directions",
        "gaps",
        IN_PART,
        "the strengths and limitations of the review; the gaps show where evidence is thin",
    ),
    _item(
        17,
        "Discussion",
        "Comparison with existing literature",
        "",
        TEAM,
        "how the findings compare with other literature",
    ),
    _item(
        18,
        "Discussion",
        "Conclusion and recommendations",
        "",
        TEAM,
        "the implications, and recommendations for policy and practice",
    ),
    _item(
        19,
        "Funding",
        "Funding",
        "review",
        IN_PART,
        "the funder's role and any conflicts of interest; the report gives the funding the "
        "review records",
    ),
)
