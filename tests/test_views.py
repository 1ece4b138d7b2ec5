"""Every query, stats, map and export answer for one programme theory or one theme when
asked (--theory, --theme), on both backends, and never push a part as the whole."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from theorygraph.cli import main
from theorygraph.errors import UnknownIdError, UsageError
from theorygraph.validate import read_theory


def test_a_theory_holds_its_own_cmocs_and_their_evidence(open_graph, doc):
    graph = open_graph(doc)
    refined = graph.within(theory="rpt")
    rpt = {c.id for c in doc.cmocs if "rpt" in c.theories}
    assert {c.id for c in refined.document().cmocs} == rpt
    stats = refined.stats()
    # the refined theory dropped the three candidates without evidence
    assert stats.headline == "evidence for 7 of 7 mechanisms"
    assert stats.counts["CMOC"] == len(rpt)
    initial = graph.within(theory="Initial programme theory")  # by label too
    assert initial.stats().headline == "evidence for 7 of 10 mechanisms"
    # the unintended outcome came out of the evidence: the initial theory does not hold it
    with pytest.raises(UnknownIdError):
        initial.chains(end="o-less-diversity")
    assert initial.unintended().empty
    assert [o.id for o, _ in refined.unintended().outcomes] == ["o-less-diversity"]


def test_each_query_answers_inside_the_view(open_graph, doc):
    graph = open_graph(doc).within(theory="ipt")
    held = {c.id for c in doc.cmocs if "ipt" in c.theories}
    for chain in graph.chains().chains:
        assert {s.cmoc for s in chain.steps} <= held
    assert {r.cmoc for r in graph.evidence("m-inspiring-intent").rows} <= held
    for row in graph.gaps(kinds=["cmoc"]).rows:
        assert row.id in held
    assert '"cmoc-01"' in graph.map().html and '"cmoc-11"' not in graph.map().html
    assert "cmoc-11" not in graph.export("graphml")


def test_a_theme_and_its_sub_themes(open_graph, sample):
    portfolio = read_theory(sample.parent / "portfolio-srl")
    graph = open_graph(portfolio)
    feedback = graph.within(theme="feedback")
    ids = {c.id for c in feedback.document().cmocs}
    assert ids == {"fb-plus-1", "fb-plus-2", "fb-plus-3", "fb-minus-1"}
    negative = graph.within(theme="Feedback / (-)")
    assert {c.id for c in negative.document().cmocs} == {"fb-minus-1"}
    with pytest.raises(UsageError, match=r"no CMOC has the theme 'nope'; themes: "):
        graph.within(theme="nope")


def test_a_view_is_never_pushed_as_the_review(doc):
    from theorygraph.graph import TheoryGraph

    with pytest.raises(UsageError, match="push the whole review"):
        TheoryGraph.from_document(doc).within(theory="ipt").push("bolt://127.0.0.1:1")


def test_every_query_and_stats_take_theory_and_theme(sample):
    runner = CliRunner()
    done = runner.invoke(main, ["stats", str(sample), "--theory", "rpt"])
    assert done.exit_code == 0 and "evidence for 7 of 7 mechanisms" in done.output
    done = runner.invoke(
        main,
        ["query", "gaps", str(sample.parent / "portfolio-srl"), "--theme", "Monitoring"],
    )
    assert done.exit_code == 0, done.output
    assert "o-monitoring" in done.output and "fb-" not in done.output
    bad = runner.invoke(main, ["query", "chains", str(sample), "--theory", "rtp"])
    assert bad.exit_code == 1 and "no theory with id or label 'rtp'" in bad.output


def test_parts_and_themes_round_trip_and_a_part_refines_nothing(open_graph, mini, write_yaml):
    from theorygraph.model import TheoryDocument
    from theorygraph.validate import load_theory

    mini["theories"] = [
        {"id": "t1", "label": "Leadership", "kind": "part"},
        {"id": "t2", "label": "Workforce", "kind": "part"},
    ]
    mini["cmocs"][0]["theme"] = "Trust / Between teams"
    document = TheoryDocument.model_validate(mini)
    assert open_graph(document).document() == document
    mini["theories"][1]["refines"] = "t1"
    problems = load_theory(write_yaml(mini)).errors
    assert [p.message for p in problems] == [
        "a part of the review's theory does not refine another theory"
    ]
