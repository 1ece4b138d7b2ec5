"""How an agreement between two codings prints: its rows (CSV, ``to_pandas()``), the
table format's text and a Markdown report.

Registered with :func:`theorygraph.present.table` and :func:`theorygraph.present.text`
by the answer's class name, as every answer's are; :func:`markdown` is the report a team
pastes into a paper's appendix (sections, where the rows alone would not say kappa).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .evidence import STANCES
from .output import render_rows
from .output import table as render_table
from .present import Table, table, text
from .words import plural

if TYPE_CHECKING:
    from .agreement import AgreementAnswer, Pair

__all__ = ["markdown"]

HEADERS = [
    "status",
    "study",
    "cmoc",
    "link",
    "a_extract",
    "a_stance",
    "b_extract",
    "b_stance",
    "matched_by",
    "a_location",
    "b_location",
    "a_rationale",
    "b_rationale",
    "a_quote",
    "b_quote",
]


def _link(row: Pair) -> str:
    _, start, end = row.target
    return f"{start} -> {end}" if start else "whole CMOC"


def _cells(row: Pair) -> list[Any]:
    a, b = row.a, row.b
    return [
        row.status,
        row.study,
        row.target[0],
        _link(row),
        a.id if a else None,
        a.stance.value if a else None,
        b.id if b else None,
        b.stance.value if b else None,
        row.matched_by,
        a.location if a else None,
        b.location if b else None,
        a.rationale if a else None,
        b.rationale if b else None,
        a.quote if a else None,
        b.quote if b else None,
    ]


@table.register
def _table_agreementanswer(answer: AgreementAnswer) -> Table:
    return list(HEADERS), [_cells(r) for r in answer.rows], set()


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}%"


def _kappa_lines(answer: AgreementAnswer) -> list[str]:
    k = answer.kappa
    if k.value is None:
        kappa = f"Cohen's kappa: unknown ({k.unknown_because})"
    elif k.low is None or k.high is None or k.standard_error is None:
        kappa = f"Cohen's kappa: {k.value:.2f} (no confidence interval can be estimated)"
    else:
        kappa = (
            f"Cohen's kappa: {k.value:.2f} ({k.level:.0%} confidence interval {k.low:.2f} to "
            f"{k.high:.2f}; asymptotic standard error {k.standard_error:.3f})"
        )
    pct = answer.percent
    agreed = answer.count("agree")
    percent = (
        f"percent agreement: {pct:.1f}% ({agreed} of {plural(answer.pairs, 'matched pair')})"
        if pct is not None
        else "percent agreement: unknown (no matched pairs)"
    )
    return [percent, kappa]


def _summary(answer: AgreementAnswer) -> list[str]:
    a, b, m = answer.a, answer.b, answer.matching
    lines = [
        f"A: {a.name} ({a.source}, {plural(len(a.extracts), 'extract')})",
        f"B: {b.name} ({b.source}, {plural(len(b.extracts), 'extract')})",
        f"compared: {plural(len(m.studies), 'study')} both coded ({', '.join(m.studies) or '-'})",
        f"matched: {plural(answer.pairs, 'pair')} ({answer.count('agree')} agree, "
        f"{answer.count('disagree')} disagree); {len(answer.only('A'))} only in {a.name}, "
        f"{len(answer.only('B'))} only in {b.name} (left out of kappa)",
    ]
    single = _not_double_coded(answer)
    if single:
        lines.append(f"not compared (studies only one reviewer has extracts from): {single}")
    if m.left_out:
        lines.append(f"left out: {plural(len(m.left_out), 'extract')} of no coder or another coder")
    return lines


def _not_double_coded(answer: AgreementAnswer) -> str:
    counts: dict[tuple[str, str], int] = {}
    for r in answer.not_double_coded:
        side = answer.a.name if r.a is not None else answer.b.name
        counts[(r.study, side)] = counts.get((r.study, side), 0) + 1
    return ", ".join(
        f"{study} ({side}: {plural(n, 'extract')})" for (study, side), n in counts.items()
    )


def _target_rows(answer: AgreementAnswer) -> tuple[list[str], list[list[Any]], set[int]]:
    headers = ["target", "pairs", "agree", "disagree", "agreement", "only A", "only B"]
    rows = [
        [
            t.as_dict()["label"],
            t.pairs,
            t.agreed,
            t.pairs - t.agreed,
            _percent(t.percent),
            t.only_a,
            t.only_b,
        ]
        for t in answer.targets()
    ]
    return headers, rows, {1, 2, 3, 4, 5, 6}


def _stance_rows(answer: AgreementAnswer) -> tuple[list[str], list[list[Any]], set[int]]:
    counts = answer.stance_table()
    headers = ["A \\ B", *STANCES, "total"]
    rows: list[list[Any]] = [[s, *counts[i], sum(counts[i])] for i, s in enumerate(STANCES)]
    rows.append(["total", *[sum(r[j] for r in counts) for j in range(3)], sum(map(sum, counts))])
    return headers, rows, {1, 2, 3, 4}


def _side(x: Any) -> str:
    where = f", {x.location}" if x.location else ""
    return f"{x.id} {x.stance.value}{where}"


@text.register
def _text_agreementanswer(answer: AgreementAnswer) -> str:
    out = [*_summary(answer), "", *_kappa_lines(answer), ""]
    out += ["Per target:", render_table(*_target_rows(answer)), ""]
    out += ["Stances of the matched pairs (rows A, columns B):"]
    out += [render_table(*_stance_rows(answer)), ""]
    disagreements = answer.disagreements
    out.append(f"Disagreements ({len(disagreements)}):")
    for n, r in enumerate(disagreements, 1):
        assert r.a is not None and r.b is not None
        out.append(f"{n}. {r.study}, {r.target[0]} [{_link(r)}] ({r.matched_by})")
        out.append(f"   A {_side(r.a)}: {r.a.rationale or '(no rationale)'}")
        out.append(f"   B {_side(r.b)}: {r.b.rationale or '(no rationale)'}")
    for side, name in (("A", answer.a.name), ("B", answer.b.name)):
        rows = answer.only(side)  # type: ignore[arg-type]
        out.append("")
        out.append(f"Only in {name} ({len(rows)}):")
        for r in rows:
            out.append(f"  {r.study}, {r.target[0]} [{_link(r)}]: {_side(r.extract)}")
    return "\n".join(out)


def markdown(answer: AgreementAnswer) -> str:
    """The agreement as a Markdown report: the summary, kappa, a table per target, the
    stances of the pairs, every disagreement with both rationales, and the extracts only
    one reviewer made."""
    if answer.empty:
        return answer.empty_message
    out = ["## Agreement between two codings", ""]
    out += [f"- {line}" for line in _summary(answer) + _kappa_lines(answer)]
    out += ["", "### Per target", "", render_rows("markdown", *_target_rows(answer))]
    out += ["", "### Stances of the matched pairs (rows A, columns B)", ""]
    out += [render_rows("markdown", *_stance_rows(answer))]
    headers = ["#", "study", "cmoc", "link", "A", "A's rationale", "B", "B's rationale"]
    rows = [
        [n, r.study, r.target[0], _link(r), _side(r.a), r.a.rationale, _side(r.b), r.b.rationale]
        for n, r in enumerate(answer.disagreements, 1)
        if r.a is not None and r.b is not None
    ]
    out += ["", f"### Disagreements ({len(rows)})", ""]
    out.append(render_rows("markdown", headers, rows, {0}) if rows else "None.")
    for side, name in (("A", answer.a.name), ("B", answer.b.name)):
        only = answer.only(side)  # type: ignore[arg-type]
        out += ["", f"### Only in {name} ({len(only)})", ""]
        cells = [
            [r.study, r.target[0], _link(r), _side(r.extract), r.extract.rationale] for r in only
        ]
        headers = ["study", "cmoc", "link", "extract", "rationale"]
        out.append(render_rows("markdown", headers, cells) if cells else "None.")
    return "\n".join(out)
