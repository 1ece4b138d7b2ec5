"""The sections of a report, as blocks, from what :mod:`.gather` collected.

Each function builds one section; :func:`build` puts them in the order of a paper's
results and appendix. The anchors name the sections (the RAMESES table points at them).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from ..words import plural
from .blocks import (
    Block,
    Bullets,
    Cite,
    Figure,
    Heading,
    Inline,
    Para,
    Quote,
    References,
    Table,
    Text,
)
from .gather import QUOTE_RULE, CmocFinding, ReportData
from .rameses import ITEMS

__all__ = ["SECTIONS", "build"]

#: every section of a report: its anchor and heading, in order
SECTIONS = {
    "review": "The review",
    "studies": "Included studies",
    "theory": "The programme theory",
    "mechanisms": "Evidence per mechanism",
    "gaps": "Gaps in the evidence",
    "unintended": "Unintended outcomes",
    "changes": "How the theory changed",
    "figure": "Theory figure",
    "references": "References",
    "rameses": "RAMESES publication standards",
}
#: how the profile tables name each study field
FIELD_NAMES = {
    "design": "Study design",
    "country": "Country",
    "sector": "Sector",
    "service_user_involvement": "Service users or carers involved in the research",
}


def T(text: str, *marks: str) -> Text:  # noqa: N802 - a short name for a run of text
    return Text(text, marks)


def h2(anchor: str) -> Heading:
    return Heading(2, SECTIONS[anchor], anchor)


def build(data: ReportData, figure: Figure) -> list[Block]:
    """Every section of the report, in order."""
    title = data.review.title
    if data.theory is not None:
        title += f": {data.theory[1]}"
    intro: list[Inline] = [
        T(
            "A results write-up of the review, made by theorygraph from the review's own "
            "records: its numbers are the answers of theorygraph's queries, or counts of the "
            "extracts those read. Studies are cited by their "
            "numbers in the reference list, as [1]. The RAMESES table at the end says which "
            "publication standard each section serves and what the team still writes."
        )
    ]
    if data.theory is not None:
        intro.append(
            T(f" It reports the CMOCs of one theory, {data.theory[1]} ({data.theory[0]}).")
        )
    return [
        Heading(1, title, "top"),
        Para(intro, "note"),
        *review(data),
        *studies(data),
        *theory(data),
        *mechanisms(data),
        *gaps(data),
        *unintended(data),
        *changes(data),
        h2("figure"),
        figure,
        h2("references"),
        References(),
        *rameses(),
    ]


def review(data: ReportData) -> list[Block]:
    r = data.review
    out: list[Block] = [h2("review"), Para([T("Title: ", "b"), T(r.title)])]
    for name, value in (
        ("Question", r.question),
        ("Review team", ", ".join(r.team) if r.team else None),
        ("Stakeholders", r.stakeholders),
        ("Funding", r.funding),
        ("Published as", r.citation),
    ):
        out.append(Para([T(f"{name}: ", "b"), T(value or "not recorded in the review")]))
    return out


def _value(by: str, value: str) -> str:
    if by == "service_user_involvement":
        return {"yes": "yes", "no": "no"}.get(value, "unknown (the study does not say)")
    return value.replace("-", " ") if by in ("design", "sector") else value


def _includes(data: ReportData) -> str:
    """Whose studies these are: the review's, or those with evidence on one theory."""
    if data.theory is None:
        return "The review includes"
    return f"Evidence on the CMOCs of {data.theory[1]} comes from"


def studies(data: ReportData) -> list[Block]:
    counts = Counter(r.stance for r in data.rows)
    kinds = Counter(r.kind for r in data.rows)
    total = len(data.rows)
    stances = ", ".join(f"{counts.get(s, 0)} {s}" for s in ("supports", "refines", "refutes"))
    kind_text = ", ".join(
        f"{plural(kinds[k], name)}"
        for k, name in (("quote", "quote"), ("paraphrase", "paraphrase"), ("citation", "citation"))
        if kinds.get(k)
    )
    out: list[Block] = [
        h2("studies"),
        Para(
            [
                T(
                    f"{_includes(data)} {plural(len(data.studies), 'study')}, from which "
                    f"{plural(total, 'evidence extract')} were taken ({stances}"
                    + (f"; {kind_text}" if kind_text else "")
                    + ")."
                )
            ]
        ),
    ]
    involvement = data.profile["service_user_involvement"]
    out.append(Para([T(involvement.headline[0].upper() + involvement.headline[1:] + ".")]))
    for by, answer in data.profile.items():
        rows: list[list[Any]] = [[_value(by, v), n] for v, n in answer.all_studies.items()]
        out.append(
            Table(f"studies-by-{by}", [FIELD_NAMES[by], "Studies"], rows, {1}, FIELD_NAMES[by])
        )
    judged = {w: data.judged(w) for w in ("relevance", "rigour")}
    levels = ["high", "moderate", "low", "not judged"]
    out.append(
        Table(
            "appraisal",
            ["Judgement", *(level.capitalize() for level in levels)],
            [[w.capitalize(), *(judged[w].get(level, 0) for level in levels)] for w in judged],
            {1, 2, 3, 4},
            "Extracts by the reviewers' judgements of relevance and rigour",
        )
    )
    return out


def theory(data: ReportData) -> list[Block]:
    out: list[Block] = [h2("theory")]
    rows: list[list[Any]] = [
        [t.id, t.label, t.version or "", t.status.value, t.refines or "", n]
        for t, n in data.theories
    ]
    out.append(
        Table(
            "theories",
            ["Theory", "Label", "Version", "Status", "Refines", "CMOCs"],
            rows,
            {5},
            "The programme theories of the review",
        )
    )
    evidenced = sum(1 for c in data.cmocs if c.evidenced)
    out.append(
        Para(
            [
                T(
                    f"{plural(len(data.cmocs), 'CMOC')} (context-mechanism-outcome "
                    f"configurations), {evidenced} of them with supporting evidence. Each is "
                    "numbered by its place in the review, as on the theory figure's arrows."
                )
            ]
        )
    )
    if data.confidence:
        how = (
            "Confidence in each CMOC is the level the confidence query gives, in the "
            "spirit of GRADE-CERQual, with its reasons; the table after the CMOCs gives its "
            "four components."
        )
    else:
        how = "Confidence is not given: this version of theorygraph has no confidence query."
    out.append(Para([T(how + " " + QUOTE_RULE)], "note"))
    for c in data.cmocs:
        out += cmoc(c)
    return out + confidence_table(data)


def _cite(studies: list[str]) -> list[Inline]:
    return [Cite(tuple(studies))] if studies else []


def cmoc(c: CmocFinding) -> list[Block]:
    out: list[Block] = [Heading(3, f"CMOC {c.number} ({c.id})", f"cmoc-{c.number}")]
    out.append(Para([T(c.label)]))
    if c.confidence is not None:
        out.append(Para([T("Confidence: ", "b"), *_confidence(c.confidence)]))
    evidence: list[Inline] = []
    for stance, said in (
        ("supports", "supported by"),
        ("refines", "refined by"),
        ("refutes", "refuted by"),
    ):
        found = c.studies(stance)
        if found:
            evidence += [
                T(f"; {said} " if evidence else f"{said.capitalize()} "),
                Cite(tuple(found)),
            ]
    if evidence:
        n = len({r.study for r in c.rows})
        evidence.append(T(f" ({plural(len(c.rows), 'extract')} from {plural(n, 'study')})."))
    else:
        evidence = [T("No extract bears on it: it has no evidence.")]
    out.append(Para(evidence))
    if c.quote is not None:
        q = c.quote
        source: list[Inline] = [T("Study "), Cite((q.study,))]
        if q.location:
            source.append(T(f", {q.location}"))
        if q.kind == "paraphrase":
            source.append(T(" (the reviewers' paraphrase)"))
        out.append(Quote([T(q.quote)], source))
    return out


def _level(level: str) -> str:
    return level.replace("-", " ")


def _confidence(a: Any) -> list[Inline]:
    """A CMOC's confidence in words: its level, and why; the reviewers' level beside the
    computed one when they set it."""
    if a.reviewer:
        return [
            T(_level(a.level)),
            T(
                f", as the reviewers set it ({a.reason}); computed from the evidence: "
                f"{_level(a.computed)}."
            ),
        ]
    return [T(f"{_level(a.level)} ({a.why}).")]


def confidence_table(data: ReportData) -> list[Block]:
    """Every CMOC's confidence and its four components, as a GRADE-CERQual table."""
    rows: list[list[Any]] = []
    for c in data.cmocs:
        a = c.confidence
        if a is None:
            continue
        concerns = [comp.concern.replace("none", "no or very minor") for comp in a.components]
        rows.append([c.number, c.id, *concerns, _level(a.computed), _level(a.level)])
    if not rows:
        return []
    names = [comp.title.capitalize() for comp in data.cmocs[0].confidence.components]
    return [
        Heading(3, "Confidence in each CMOC", "confidence"),
        Table(
            "confidence",
            ["CMOC", "Id", *names, "Computed", "Level"],
            rows,
            {0},
            "Concerns about each component, and the overall level (the reviewers' own "
            "where they set it)",
        ),
    ]


def mechanisms(data: ReportData) -> list[Block]:
    stats = data.stats
    rows: list[list[Any]] = [
        [m.label, m.id, m.extracts, m.studies, m.supports, m.refines, m.refutes]
        for m in stats.mechanisms
    ]
    return [
        h2("mechanisms"),
        Para([T(stats.headline[0].upper() + stats.headline[1:] + ".")]),
        Para(
            [
                T(
                    "An extract bears on a mechanism when it targets a CMOC holding the "
                    "mechanism, as a whole or through a link that starts or ends at it; "
                    "studies are distinct studies, not extracts."
                )
            ],
            "note",
        ),
        Table(
            "mechanisms",
            ["Mechanism", "Id", "Extracts", "Studies", "Supports", "Refines", "Refutes"],
            rows,
            {2, 3, 4, 5, 6},
            "Evidence per mechanism",
        ),
    ]


def gaps(data: ReportData) -> list[Block]:
    answer = data.gaps
    out: list[Block] = [
        h2("gaps"),
        Para([T(answer.headline[0].upper() + answer.headline[1:] + ".")]),
    ]
    rows: list[list[Any]] = [
        [g.type, g.label, g.id, g.gap, g.studies, g.extracts] for g in answer.rows
    ]
    out.append(Heading(3, "Candidates with no evidence, or too little", "gaps-list"))
    if rows:
        out.append(
            Table(
                "gaps",
                ["Kind", "Label", "Id", "Gap", "Studies", "Extracts"],
                rows,
                {4, 5},
                f"What has no evidence, only refuting evidence, or fewer than "
                f"{plural(answer.min_studies, 'supporting study')}",
            )
        )
    else:
        out.append(Para([T(answer.empty_message[0].upper() + answer.empty_message[1:] + ".")]))
    single = [g for g in answer.rows if g.type == "Link" and g.gap == "single study"]
    out.append(Heading(3, "Links resting on one study", "gaps-single"))
    if single:
        out.append(Bullets([[T(f"{g.label} ({g.id})")] for g in single]))
    else:
        out.append(Para([T("None: every link with evidence has it from at least two studies.")]))
    out += _unshared_chains(data)
    return out


def _unshared_chains(data: ReportData) -> list[Block]:
    answer = data.chains
    out: list[Block] = [Heading(3, "Chains carried by no single study", "gaps-chains")]
    loose = [c for c in answer.chains if not c.carried_by_one_study]
    out.append(
        Para(
            [
                T(
                    f"{answer.headline[0].upper() + answer.headline[1:]}. A chain is evidenced "
                    "as a whole only when one study evidences every link of it: A -> B from "
                    "one study and B -> C from another is not evidence for A -> B -> C."
                )
            ]
        )
    )
    items: list[list[Inline]] = []
    for chain in loose:
        if all(link.supporting_study_ids for link in chain.links):
            why = "every link has evidence, but from different studies"
        else:
            missing = sum(1 for link in chain.links if not link.supporting_study_ids)
            why = f"{plural(missing, 'link')} without supporting evidence"
        items.append([T(chain.label + " "), T(f"({why}.)", "i")])
    if items:
        out.append(Bullets(items))
    return out


def unintended(data: ReportData) -> list[Block]:
    answer = data.unintended
    out: list[Block] = [h2("unintended")]
    if answer.empty:
        out.append(Para([T(answer.empty_message[0].upper() + answer.empty_message[1:] + ".")]))
        return out
    out.append(Para([T(answer.headline[0].upper() + answer.headline[1:] + ".")]))
    for outcome, chains in answer.outcomes:
        out.append(Heading(3, f"{outcome.label} ({outcome.id})", f"unintended-{outcome.id}"))
        items: list[list[Inline]] = []
        for chain in chains.chains:
            studies = list(
                dict.fromkeys(s for link in chain.links for s in link.supporting_study_ids)
            )
            items.append(
                [T(chain.label + " "), *(_cite(studies) or [T("(no supporting evidence)")])]
            )
        out.append(Bullets(items) if items else Para([T(chains.empty_message + ".")]))
    return out


def changes(data: ReportData) -> list[Block]:
    out: list[Block] = [h2("changes")]
    if data.diffs is None:
        out.append(
            Para([T("Not available: this version of theorygraph has no diff of theory versions.")])
        )
        return out
    if not data.diffs:
        if data.theory is not None:
            said = f"{data.theory[1]} ({data.theory[0]}) refines no earlier theory version."
        else:
            said = "The review records no theory version that refines another."
        out.append(Para([T(said)]))
        return out
    for diff in data.diffs:
        out.append(Heading(3, f"{diff.before.describe()} to {diff.after.describe()}", ""))
        out.append(Para([T("In short: ", "b"), T(diff.headline + ".")]))
        rows: list[list[Any]] = []
        for c in diff.cmocs:
            drivers = list(dict.fromkeys(r.study for r in c.drivers))
            rows.append(
                [
                    c.change,
                    c.id,
                    c.label,
                    c.details() or "",
                    c.evidence_text(),
                    _cite(drivers) or [T("none")],
                    c.reason or "",
                ]
            )
        if rows:
            out.append(
                Table(
                    f"changes-{diff.after.name}",
                    [
                        "Change",
                        "CMOC",
                        "Label",
                        "What changed",
                        "Evidence on it",
                        "Driven by",
                        "Reason",
                    ],
                    rows,
                    set(),
                    "CMOCs added, dropped and changed, with the studies whose extracts drove "
                    "each change",
                )
            )
    return out


def rameses() -> list[Block]:
    rows: list[list[Any]] = [
        [
            item.number,
            item.part,
            item.name,
            ", ".join(SECTIONS[s] for s in item.sections) or "none",
            item.status,
            item.team,
        ]
        for item in ITEMS
    ]
    return [
        h2("rameses"),
        Para(
            [
                T(
                    "The RAMESES publication standards for realist syntheses (Wong et al., "
                    "BMC Medicine 2013;11:21) have 19 items. The report gives material for "
                    "some; the others need the team's own text."
                )
            ]
        ),
        Table(
            "rameses",
            [
                "Item",
                "Part",
                "RAMESES item",
                "Sections of this report",
                "Served",
                "The team writes",
            ],
            rows,
            {0},
            "RAMESES items and the sections of this report that serve them",
        ),
    ]
