"""How answers print: as rows (CSV, Markdown and the table format) and as text.

Answers are data (:mod:`theorygraph.answers`, :class:`theorygraph.results.Stats`); this
module renders them, one function per answer and form, so that a new output form touches
this module only. JSON is the answers' own ``as_dict``. The rows are also what a notebook
shows (:mod:`theorygraph.notebook`: ``to_pandas()`` and an HTML table).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from .evidence import STANCES, stance_counts
from .output import table as render_table
from .words import plural

if TYPE_CHECKING:
    from .answers import (
        ChainsAnswer,
        ConfidenceAnswer,
        ConfidenceItem,
        ContestedAnswer,
        CoverageAnswer,
        DirectionsAnswer,
        EvidenceAnswer,
        GapsAnswer,
        StudyAnswer,
        SubgraphAnswer,
        UnintendedAnswer,
    )
    from .changes import DiffAnswer
    from .results import Stats

__all__ = ["ByAnswer", "Table", "table", "text"]

Table = tuple[list[str], list[list[Any]], set[int]]

R = TypeVar("R")
F = TypeVar("F", bound=Callable[..., Any])


class ByAnswer(Generic[R]):
    """A function with one implementation per kind of answer, chosen as
    ``functools.singledispatch`` would (the answer's class, else its nearest base), but by
    the class's name, read from the implementation's annotation: this module then imports
    no answer at run time, and answers can hand themselves to it (``to_pandas()``, their
    HTML table) without the package's imports forming a circle."""

    def __init__(self, fallback: Callable[[Any], R]) -> None:
        self.fallback = fallback
        self.registry: dict[str, Callable[[Any], R]] = {}
        self.__doc__ = fallback.__doc__

    def register(self, func: F) -> F:
        """Register ``func`` for the class its first parameter is annotated with."""
        name = func.__annotations__[func.__code__.co_varnames[0]]
        if not (isinstance(name, str) and name.isidentifier()):
            raise TypeError(f"{func.__name__}: annotate its answer with a class name")
        self.registry[name] = func
        return func

    def __call__(self, answer: Any) -> R:
        for cls in type(answer).__mro__:
            found = self.registry.get(cls.__name__)
            if found is not None:
                return found(answer)
        return self.fallback(answer)


@ByAnswer
def table(answer: Any) -> Table:
    """The answer as rows: headers, rows, and the indexes of the numeric columns."""
    raise TypeError(f"no table for {type(answer).__name__}")


@ByAnswer
def text(answer: Any) -> str | None:
    """Plain text for the table format, where columns would read badly; else None."""
    return None


@table.register
def _table_chainsanswer(answer: ChainsAnswer) -> Table:
    headers = [
        "chain",
        "chain_id",
        "cmoc",
        "link",
        "supports",
        "refutes",
        "refines",
        "studies",
        "extracts",
        "carried_by_one_study",
        "confidence",
        "chain_confidence",
    ]
    rows = []
    for n, chain in enumerate(answer.chains, 1):
        # the chain's own columns once, not once per link (each walks every link)
        chain_id, carried, level = chain.id, chain.carried_by_one_study, chain.confidence
        for link in chain.links:
            counts = stance_counts(link.rows)
            rows.append(
                [
                    n,
                    chain_id,
                    link.cmoc,
                    f"{link.source} -> {link.target}",
                    counts["supports"],
                    counts["refutes"],
                    counts["refines"],
                    link.studies,
                    link.extracts,
                    carried,
                    link.confidence.level if link.confidence else None,
                    level,
                ]
            )
    return headers, rows, {0, 4, 5, 6, 7, 8}


@text.register
def _text_chainsanswer(answer: ChainsAnswer) -> str:
    return "\n\n".join(f"{n}. {c.sentence()}" for n, c in enumerate(answer.chains, 1))


def _confidence_row(item: ConfidenceItem) -> list[Any]:
    a = item.assessment
    row = [item.type, item.id, item.cmoc, item.label, a.studies, a.extracts]
    row += [a.level, a.computed, a.reviewer, a.why]
    for c in a.components:
        row += [c.computed, c.why, f"{c.reviewer}: {c.reason}" if c.reviewer else None]
    return row


@table.register
def _table_confidenceanswer(answer: ConfidenceAnswer) -> Table:
    """One row per CMOC, each followed by its links: the level, the computed level, the
    reviewers' and why; then each component's computed concerns, why, and the reviewers'
    concerns with their reason."""
    from .model import CONFIDENCE_COMPONENTS

    headers = ["type", "id", "cmoc", "label", "studies", "extracts"]
    headers += ["level", "computed", "reviewer", "why"]
    for name in CONFIDENCE_COMPONENTS:
        headers += [name, f"{name}_why", f"{name}_reviewer"]
    rows = []
    for item in answer.cmocs:
        rows.append(_confidence_row(item))
        rows += [_confidence_row(link) for link in item.links]
    return headers, rows, {4, 5}


def _confidence_lines(item: ConfidenceItem, indent: str) -> list[str]:
    a = item.assessment
    level = a.level.replace("-", " ")
    lines = [f"{indent}confidence: {level} ({a.why})"]
    lines += [f"{indent}  {c.sentence()}" for c in a.components]
    return lines


@text.register
def _text_confidenceanswer(answer: ConfidenceAnswer) -> str:
    out: list[str] = []
    for item in answer.cmocs:
        if out:
            out.append("")
        out.append(f"{item.id}: {item.label}")
        out += _confidence_lines(item, "  ")
        for link in item.links:
            out.append(f"  {link.source} -> {link.target}")
            out += _confidence_lines(link, "    ")
    return "\n".join(out)


@table.register
def _table_evidenceanswer(answer: EvidenceAnswer) -> Table:
    headers = [
        "stance",
        "extract",
        "study",
        "location",
        "cmoc",
        "link",
        "quote",
        "rationale",
        "relevance",
        "rigour",
    ]
    rows = []
    for stance in STANCES:
        for r in answer.rows:
            if r.stance == stance:
                link = f"{r.link_from} -> {r.link_to}" if r.link_from else "whole CMOC"
                rows.append(
                    [
                        stance,
                        r.extract,
                        answer.citation(r.study),
                        r.location,
                        r.cmoc,
                        link,
                        r.quote,
                        r.rationale,
                        r.relevance,
                        r.rigour,
                    ]
                )
    return headers, rows, set()


@text.register
def _text_evidenceanswer(answer: EvidenceAnswer) -> str:
    out = []
    for stance in STANCES:
        group = [r for r in answer.rows if r.stance == stance]
        if not group:
            continue
        out.append(f"{stance.upper()} ({len(group)})")
        for r in group:
            link = f"{r.link_from} -> {r.link_to}" if r.link_from else "whole CMOC"
            where = f", {r.location}" if r.location else ""
            said = answer.qualifiers.get(r.cmoc)
            cmoc = f"{r.cmoc} ({said})" if said else r.cmoc
            out.append(f"  {r.extract} [{cmoc}, {link}] {answer.citation(r.study)}{where}")
            out.append(f'    "{r.quote}"' if r.kind != "citation" else "    (cited, no quote)")
            judged = ", ".join(
                f"{k} {v}" for k, v in (("relevance", r.relevance), ("rigour", r.rigour)) if v
            )
            if r.rationale or judged:
                out.append(
                    f"    rationale: {r.rationale or '-'}" + (f" ({judged})" if judged else "")
                )
    return "\n".join(out)


@table.register
def _table_gapsanswer(answer: GapsAnswer) -> Table:
    headers = [
        "type",
        "id",
        "label",
        "gap",
        "studies",
        "extracts",
        "supports",
        "refutes",
        "refines",
    ]
    rows = [
        [r.type, r.id, r.label, r.gap, r.studies, r.extracts, r.supports, r.refutes, r.refines]
        for r in answer.rows
    ]
    return headers, rows, {4, 5, 6, 7, 8}


@table.register
def _table_contestedanswer(answer: ContestedAnswer) -> Table:
    headers = [
        "type",
        "id",
        "label",
        "supports",
        "refutes",
        "refines",
        "studies",
        "extracts",
        "refuting studies",
    ]
    rows = []
    for item in [answer._link_dict(link) for link in answer.links] + [
        answer._cmoc_dict(n, r) for n, r in answer.cmocs
    ]:
        rows.append(
            [
                item["type"],
                item["id"],
                item["label"],
                len(item["supports"]),
                len(item["refutes"]),
                len(item["refines"]),
                item["studies"],
                item["extracts"],
                item["refuting_studies"],
            ]
        )
    return headers, rows, {3, 4, 5, 6, 7}


@table.register
def _table_unintendedanswer(answer: UnintendedAnswer) -> Table:
    headers = ["outcome", "label", "chain", "carried_by_one_study", "studies", "extracts"]
    rows = []
    for node, chains in answer.outcomes:
        if not chains.chains:
            left_out = "(left out at the limit)" if chains.truncated else "(in no chain)"
            rows.append([node.id, node.label, left_out, False, 0, 0])
        for c in chains.chains:
            rows.append([node.id, node.label, c.id, c.carried_by_one_study, c.studies, c.extracts])
    return headers, rows, {4, 5}


@text.register
def _text_unintendedanswer(answer: UnintendedAnswer) -> str:
    out = []
    for node, chains in answer.outcomes:
        out.append(f"{node.id}: {node.label} (unintended)")
        if chains.empty and chains.truncated:
            out.append(f"  chains left out at the limit: query chains --to {node.id}")
        elif chains.empty:
            out.append("  no chain leads to it")
        for n, chain in enumerate(chains.chains, 1):
            out.append("  " + f"{n}. {chain.sentence()}".replace("\n", "\n  "))
    return "\n".join(out)


@table.register
def _table_studyanswer(answer: StudyAnswer) -> Table:
    headers = ["cmoc", "link", "label", "supports", "refutes", "refines", "extracts"]
    rows = []
    for link in answer.links:
        counts = stance_counts(link.rows)
        rows.append(
            [
                link.cmoc,
                f"{link.source} -> {link.target}",
                link.label,
                counts["supports"],
                counts["refutes"],
                counts["refines"],
                link.extracts,
            ]
        )
    return headers, rows, {3, 4, 5, 6}


@table.register
def _table_coverageanswer(answer: CoverageAnswer) -> Table:
    headers = ["mechanism", "label", "studies", *answer.values]
    rows = [
        [n.id, n.label, total, *[studies.get(v, 0) for v in answer.values]]
        for n, studies, _, total in answer.rows
    ]
    return headers, rows, set(range(2, 3 + len(answer.values)))


@text.register
def _text_subgraphanswer(answer: SubgraphAnswer) -> str | None:
    if answer.query != "paths":
        return None
    lines = []
    for i, p in enumerate(answer.paths, 1):
        route = answer.routes[i - 1] if i <= len(answer.routes) else []
        via = f"; in {' => '.join(route)}" if route else ""
        lines.append(f"{i}. {' -> '.join(p)} ({plural(len(p) - 1, 'link')}{via})")
    return "\n".join(lines)


@table.register
def _table_subgraphanswer(answer: SubgraphAnswer) -> Table:
    if answer.query == "paths":
        headers = ["path", "length", "nodes", "cmocs"]
        routes = answer.routes or [[] for _ in answer.paths]
        rows = [
            [i, len(p) - 1, " -> ".join(p), " => ".join(r)]
            for i, (p, r) in enumerate(zip(answer.paths, routes, strict=True), 1)
        ]
        return headers, rows, {0, 1}
    headers = ["id", "type", "label"]
    return headers, [[n.id, n.type, n.label] for n in answer.nodes], set()


@table.register
def _table_stats(answer: Stats) -> tuple[list[str], list[list[Any]], set[int]]:
    """One row per mechanism (CSV and Markdown; the counts per type are in the JSON)."""
    headers = ["mechanism", "label", "extracts", "studies", "supports", "refutes", "refines"]
    rows = [
        [m.id, m.label, m.extracts, m.studies, m.supports, m.refutes, m.refines]
        for m in answer.mechanisms
    ]
    return headers, rows, {2, 3, 4, 5, 6}


@text.register
def _text_stats(answer: Stats) -> str:
    """The table format: the review, its counts per node type, then the mechanisms."""
    headers, rows, numeric = table(answer)
    return "\n".join(
        [
            f"review: {answer.review}",
            render_table(["node type", "count"], list(answer.counts.items()), numeric={1}),
            "",
            render_table(headers, rows, numeric=numeric),
        ]
    )


@table.register
def _table_directionsanswer(answer: DirectionsAnswer) -> Table:
    headers = ["id", "type", "label", "directions", "opposite"]
    rows = [
        [
            node.id,
            node.type,
            node.label,
            "; ".join(
                f"{word}: {', '.join(cmocs)} "
                f"({plural(answer.studies.get(node.id, {}).get(word, 0), 'study')})"
                for word, cmocs in words.items()
            ),
            answer.opposite(words),  # yes or no in text (output._cell), a bool in a DataFrame
        ]
        for node, words in answer.rows
    ]
    return headers, rows, set()


#: what drove each kind of change, in words (the rule is evidence.drove_change)
DRIVEN = {
    "added": "support or refine it",
    "dropped": "refute it",
    "changed": "refine it or refute its earlier version",
}


@table.register
def _table_diffanswer(answer: DiffAnswer) -> Table:
    """One row per CMOC added, dropped or changed, then per node added, dropped or renamed;
    ``was`` is the earlier CMOC of a changed one, or the earlier label of a renamed node."""
    headers = [
        "change",
        "type",
        "id",
        "label",
        "was",
        "details",
        "evidence",
        "driving_extracts",
        "driving_studies",
        "reason",
    ]
    rows: list[list[Any]] = []
    for c in answer.cmocs:
        details = [c.details()] if c.differences else []
        if c.unintended:
            details.append("unintended outcome: " + ", ".join(c.unintended))
        if c.refines:
            details.append(f"refines {c.refines}, which it keeps")
        rows.append(
            [
                c.change,
                "CMOC",
                c.id,
                c.label,
                c.was,
                "; ".join(details),
                c.evidence,
                [r.extract for r in c.drivers],
                len(c.driver_studies),
                c.reason,
            ]
        )
    for n in answer.nodes:
        rows.append([n.change, n.type, n.id, n.label, n.was_label, "", None, [], None, None])
    return headers, rows, {8}


@text.register
def _text_diffanswer(answer: DiffAnswer) -> str:
    out = [f"From {answer.before.describe()}", f"to {answer.after.describe()}"]
    for change in ("added", "dropped", "changed"):
        found = answer.of(change)
        if not found:
            continue
        out += ["", f"{change.upper()} ({len(found)})"]
        for c in found:
            was = f" (was {c.was})" if c.was and c.was != c.id else ""
            out.append(f"  {c.id}{was}: {c.label}")
            out += [f"    {d.text()}" for d in c.differences]
            if c.unintended:
                out.append(f"    unintended outcome: {', '.join(c.unintended)}")
            if c.refines:
                out.append(f"    refines {c.refines}, which the later version keeps")
            out.append(f"    evidence: {c.evidence_text()}")
            if c.reason:
                out.append(f"    reason: {c.reason}")
            if not c.drivers:
                out.append(f"    driven by no extract: none {_third(DRIVEN[change])}")
                continue
            verb = DRIVEN[change] if len(c.drivers) > 1 else _third(DRIVEN[change])
            out.append(f"    driven by {plural(len(c.drivers), 'extract')} that {verb}:")
            for r in c.drivers:
                link = f"{r.link_from} -> {r.link_to}" if r.link_from else "whole CMOC"
                where = f", {r.location}" if r.location else ""
                out.append(
                    f"      {r.extract} {r.stance} [{r.cmoc}, {link}] "
                    f"{answer.citation(r.study)}{where}"
                )
                out.append(
                    f'        "{r.quote}"' if r.kind != "citation" else "        (cited, no quote)"
                )
    if answer.nodes:
        out += ["", "CONTEXTS, MECHANISMS AND OUTCOMES"]
        headers = ["change", "type", "id", "label"]
        rows = [
            [
                n.change,
                n.type.lower(),
                n.id,
                n.label + (f" (was {n.was_label!r})" if n.was_label else ""),
            ]
            for n in answer.nodes
        ]
        out += ["  " + line for line in render_table(headers, rows).splitlines()]
    return "\n".join(out)


def _third(words: str) -> str:
    """'support or refine it' said of one extract: 'supports or refines it'."""
    verbs = {"support": "supports", "refine": "refines", "refute": "refutes"}
    return " ".join(verbs.get(w, w) for w in words.split())
