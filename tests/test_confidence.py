"""Confidence in CMOCs and links (``query confidence``), on both backends.

Constructed cases pin each component's thresholds, the overall rule, unknown judgements
and the reviewers' own judgements; the sample's levels are worked out again here from the
theory document, by the rule as docs/confidence.md states it, not from the tool's output.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from click.testing import CliRunner

from theorygraph.cli import main
from theorygraph.errors import UnknownIdError
from theorygraph.model import TheoryDocument

REVIEW = "confidence-cases"


def x(study: str, stance: str = "supports", **fields: Any) -> dict[str, Any]:
    """One extract of ``study`` on cmoc-1 (a link: ``link=("c1", "m1")``)."""
    out: dict[str, Any] = {"study": study, "stance": stance, **fields}
    if "link" in out:
        source, target = out.pop("link")
        out["link"] = {"from": source, "to": target}
    return out


def review(
    extracts: list[dict[str, Any]], *, confidence: dict[str, Any] | None = None
) -> TheoryDocument:
    """One CMOC (c1 -> m1 -> o1) leading into a second (o1 -> m2 -> o2), with ``extracts``
    on the first (those naming ``cmoc`` on it) and one supporting extract on the second."""
    first: dict[str, Any] = {
        "id": "cmoc-1",
        "label": "In C, M1 gives O1",
        "contexts": ["c1"],
        "mechanisms": ["m1"],
        "outcomes": ["o1"],
        "leads_to": ["cmoc-2"],
    }
    if confidence is not None:
        first["confidence"] = confidence
    items = [
        {
            "id": f"x{i:02d}",
            "quote": f"Quote {i}",
            "cmoc": "cmoc-1",
            **({} if e.get("kind") != "citation" else {"quote": None}),
            **e,
        }
        for i, e in enumerate(extracts)
    ]
    items.append(
        {"id": "x-next", "study": "s-next", "quote": "On", "cmoc": "cmoc-2", "stance": "supports"}
    )
    studies = sorted({e["study"] for e in items})
    return TheoryDocument.model_validate(
        {
            "review": {"id": REVIEW, "title": "Confidence cases"},
            "contexts": [{"id": "c1", "label": "C one"}],
            "mechanisms": [{"id": "m1", "label": "M one"}, {"id": "m2", "label": "M two"}],
            "outcomes": [{"id": "o1", "label": "O one"}, {"id": "o2", "label": "O two"}],
            "cmocs": [
                first,
                {
                    "id": "cmoc-2",
                    "label": "In O1, M2 gives O2",
                    "contexts": ["o1"],
                    "mechanisms": ["m2"],
                    "outcomes": ["o2"],
                },
            ],
            "studies": [{"id": s, "title": f"Study {s}"} for s in studies],
            "extracts": [{k: v for k, v in e.items() if v is not None} for e in items],
        }
    )


def judged(open_graph, extracts, **kwargs):
    """The confidence in cmoc-1 (the CMOC item, with its links)."""
    answer = open_graph(review(extracts, **kwargs)).confidence(cmoc="cmoc-1")
    [item] = answer.cmocs
    return item


def component(item, name):
    return item.assessment.component(name)


# -- methodological limitations and relevance ---------------------------------------------


@pytest.mark.parametrize(
    ("rigours", "concern", "why"),
    [
        (["high"] * 4, "none", "all 4 studies rated high rigour"),
        (["high", "moderate", "high", "high"], "minor", "1 of 4 studies rated moderate rigour"),
        (["low", "high", "high", "high", "high"], "minor", "1 of 5 studies rated low rigour"),
        (["low", "moderate", "high", "high"], "moderate", "1 of 4 studies rated low rigour, 1"),
        (["low", "low", "low", "high", "moderate"], "serious", "3 of 5 studies rated low rigour"),
        (["low"], "serious", "its one study rated low rigour"),
    ],
)
def test_methodological_limitations_follow_the_share_of_low_rigour(
    open_graph, rigours, concern, why
):
    item = judged(open_graph, [x(f"s{i}", rigour=r) for i, r in enumerate(rigours)])
    found = component(item, "limitations")
    assert found.computed == concern
    assert found.why.startswith(why)


def test_a_study_counts_once_with_its_lowest_rigour(open_graph):
    # s1 has a high and a low extract: it counts as one study rated low
    item = judged(
        open_graph,
        [x("s1", rigour="high"), x("s1", rigour="low"), x("s2", rigour="high")],
    )
    found = component(item, "limitations")
    assert found.why == "1 of 2 studies rated low rigour"
    assert found.computed == "moderate"
    assert item.assessment.studies == 2 and item.assessment.extracts == 3


@pytest.mark.parametrize(
    ("relevances", "concern"),
    [
        (["high", "high"], "none"),
        (["moderate", "high", "high"], "minor"),
        (["low", "high", "high"], "moderate"),
        (["low", "low", "high"], "serious"),
    ],
)
def test_relevance_is_judged_as_rigour_is(open_graph, relevances, concern):
    item = judged(open_graph, [x(f"s{i}", relevance=r) for i, r in enumerate(relevances)])
    found = component(item, "relevance")
    assert found.computed == concern
    assert "relevance" in found.why


# -- unknown judgements ---------------------------------------------------------------------


def test_mostly_unknown_rigour_is_unclear_and_never_low(open_graph):
    item = judged(open_graph, [x("s1", rigour="high", relevance="high"), x("s2"), x("s3")])
    found = component(item, "limitations")
    assert found.computed == "unclear"
    assert found.why == "2 of 3 studies have no rigour judgement"
    # unclear caps the level at moderate; it lowers nothing else (adequacy: 3 studies)
    assert component(item, "relevance").computed == "unclear"
    assert item.assessment.level == "moderate"
    assert "capped at moderate" in item.assessment.why
    assert "methodological limitations and relevance unclear" in item.assessment.why


def test_a_few_unknown_judgements_are_reported_and_left_out(open_graph):
    item = judged(
        open_graph,
        [x("s1", rigour="high"), x("s2", rigour="high"), x("s3")],
    )
    found = component(item, "limitations")
    assert found.computed == "none"  # judged from the two judged studies
    assert found.why == "all 2 studies rated high rigour; 1 more study has no rigour judgement"


def test_unknown_judgements_do_not_cap_a_level_already_lower(open_graph):
    # only refuting evidence and no judgements: very low, whatever is unclear
    item = judged(open_graph, [x("s1", "refutes")])
    assert item.assessment.level == "very-low"
    assert item.assessment.why == "nothing supports or refines it"


# -- coherence ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("stances", "concern", "why"),
    [
        (["supports"] * 3, "none", "all 3 studies support it; none refutes or refines it"),
        (["supports", "refines"], "minor", "1 of 2 studies refines it; none refutes it"),
        (
            ["refutes", "supports", "supports", "supports", "supports"],
            "minor",
            "contested: 1 of 5 studies refutes it; 4 support or refine it",
        ),
        (
            ["refutes", "supports", "supports", "supports"],
            "moderate",
            "contested: 1 of 4 studies refutes it; 3 support or refine it",
        ),
        (
            ["refutes", "refutes", "supports"],
            "serious",
            "contested: 2 of 3 studies refute it; 1 supports or refine it",
        ),
        (
            ["refutes", "refines", "refines", "refines"],
            "moderate",
            "1 of 4 studies refutes it; 3 support or refine it",
        ),
        (["refutes", "refutes"], "serious", "only refuting evidence: 2 studies refute it"),
    ],
)
def test_coherence_follows_the_share_of_refuting_studies(open_graph, stances, concern, why):
    item = judged(open_graph, [x(f"s{i}", s) for i, s in enumerate(stances)])
    found = component(item, "coherence")
    assert found.computed == concern
    assert found.why.startswith(why)


# -- adequacy -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("extracts", "concern", "why"),
    [
        ([x("s1"), x("s2"), x("s3")], "none", "3 studies support or refine it, all with quotes"),
        ([x("s1"), x("s1"), x("s2")], "minor", "2 studies support or refine it"),
        ([x("s1"), x("s2", "refutes")], "moderate", "1 study supports or refine it"),
        # two of three supporting studies only cite it: thin data, one step worse
        (
            [x("s1"), x("s2", kind="citation"), x("s3", kind="citation")],
            "minor",
            "3 studies support or refine it; 2 of them only cite it, with no quote (thin data",
        ),
        # one citation of two is not more than half: not thin
        (
            [x("s1"), x("s2", kind="citation")],
            "minor",
            "2 studies support or refine it; 1 of them only cite it, with no quote",
        ),
        # one citation of three is not thin
        ([x("s1"), x("s2"), x("s3", kind="citation")], "none", "3 studies support or refine"),
        ([x("s1", kind="citation")], "serious", "1 study supports or refine it; it only cites"),
        ([x("s1", "refutes")], "serious", "no study supports or refines it"),
    ],
)
def test_adequacy_follows_the_supporting_studies_and_their_data(open_graph, extracts, concern, why):
    found = component(judged(open_graph, extracts), "adequacy")
    assert found.computed == concern
    assert found.why.startswith(why)


# -- the overall rule -----------------------------------------------------------------------


def test_no_evidence_is_very_low(open_graph):
    item = judged(open_graph, [])
    assert item.assessment.level == item.assessment.computed == "very-low"
    assert {c.name: c.computed for c in item.assessment.components} == {
        "limitations": "unclear",
        "coherence": "unclear",
        "adequacy": "serious",
        "relevance": "unclear",
    }


def test_minor_concerns_lower_nothing(open_graph):
    # 1 of 2 studies moderate rigour and relevance, 1 refines it, 2 studies support it
    item = judged(
        open_graph,
        [
            x("s1", rigour="moderate", relevance="moderate"),
            x("s9", "refines", rigour="high", relevance="high"),
        ],
    )
    assert [c.computed for c in item.assessment.components] == ["minor"] * 4
    assert item.assessment.level == "high"
    assert item.assessment.why == "no concerns that lower it"


def test_moderate_concerns_lower_one_level_each_and_serious_two(open_graph):
    # limitations moderate (1 of 4 low), adequacy none, coherence none: moderate
    base = [x(f"s{i}", rigour="high", relevance="high") for i in range(3)]
    one = judged(open_graph, [*base, x("s3", rigour="low", relevance="high")])
    assert one.assessment.level == "moderate"
    # and relevance moderate too: low
    two = judged(open_graph, [*base, x("s3", rigour="low", relevance="low")])
    assert two.assessment.level == "low"
    assert two.assessment.why == (
        "from high, down one for moderate concerns about methodological limitations and "
        "one for moderate concerns about relevance"
    )
    # serious limitations (2 of 3 low) and moderate adequacy (one supporting study): very low
    three = judged(
        open_graph,
        [
            x("s1", rigour="low", relevance="high"),
            x("s2", "refutes", rigour="low", relevance="high"),
            x("s3", "refutes", rigour="high", relevance="high"),
        ],
    )
    assert component(three, "limitations").computed == "serious"
    assert three.assessment.level == "very-low"


def test_links_are_judged_on_their_own_evidence(open_graph):
    item = judged(
        open_graph,
        [
            x("s1", link=("c1", "m1"), rigour="high", relevance="high"),
            x("s2", link=("c1", "m1"), rigour="high", relevance="high"),
            x("s3", link=("c1", "m1"), rigour="high", relevance="high"),
            x("s4", "refutes", link=("m1", "o1"), rigour="high", relevance="high"),
        ],
    )
    links = {(link.source, link.target): link.assessment for link in item.links}
    assert links[("c1", "m1")].level == "high"
    assert links[("c1", "m1")].studies == 3
    assert links[("m1", "o1")].level == "very-low"  # only refuted
    # the CMOC holds them all: 1 of 4 studies refutes it
    assert component(item, "coherence").computed == "moderate"


# -- the reviewers' own judgements ---------------------------------------------------------

EVIDENCED = [x(f"s{i}", rigour="high", relevance="high") for i in range(3)]


def test_a_component_the_reviewers_set_counts_in_its_place(open_graph):
    item = judged(
        open_graph,
        EVIDENCED,
        confidence={"coherence": {"level": "serious", "reason": "The studies disagree."}},
    )
    found = component(item, "coherence")
    assert (found.computed, found.reviewer, found.concern) == ("none", "serious", "serious")
    assert item.assessment.computed == "high"  # from the graph alone
    assert item.assessment.level == "low"  # with the reviewers' coherence
    assert "(set by the reviewers)" in item.assessment.why
    assert "from the graph alone: high" in item.assessment.why
    assert 'set by the reviewers to serious concerns: "The studies disagree."' in found.sentence()


def test_an_overall_level_the_reviewers_set_is_the_level(open_graph):
    item = judged(
        open_graph,
        EVIDENCED,
        confidence={"overall": "moderate", "reason": "Three small studies."},
    )
    a = item.assessment
    assert (a.level, a.computed, a.reviewer, a.reason) == (
        "moderate",
        "high",
        "moderate",
        "Three small studies.",
    )
    assert a.why == 'set by the reviewers: "Three small studies."; computed from the graph: high'
    data = item.as_dict()
    assert data["level"] == "moderate" and data["computed"] == "high"
    assert data["reviewer"] == {"level": "moderate", "reason": "Three small studies."}
    # the links keep their own, computed levels
    assert {link.assessment.level for link in item.links} == {"high"}


def test_a_link_the_reviewers_judge_keeps_its_judgement_and_bounds_the_chain(open_graph):
    document = review(
        EVIDENCED,
        confidence={"links": [{"from": "c1", "to": "m1", "overall": "low", "reason": "Indirect."}]},
    )
    graph = open_graph(document)
    [item] = graph.confidence(cmoc="cmoc-1").cmocs
    links = {(link.source, link.target): link.assessment for link in item.links}
    assert links[("c1", "m1")].level == "low" and links[("c1", "m1")].computed == "high"
    assert links[("m1", "o1")].level == "high"
    assert item.assessment.level == "high"  # the CMOC itself is not judged by the reviewers
    [chain] = [c for c in graph.chains(start="c1").chains if len(c.steps) == 2]
    assert chain.confidence == "low"
    assert [(w.source, w.target) for w in chain.weakest_links()] == [("c1", "m1")]


def test_the_judgements_survive_both_stores(open_graph):
    document = review(
        EVIDENCED,
        confidence={
            "overall": "low",
            "reason": "Reviewers' call.",
            "adequacy": {"level": "moderate", "reason": "Thin."},
            "links": [{"from": "m1", "to": "o1", "overall": "moderate", "reason": "Indirect."}],
        },
    )
    graph = open_graph(document)
    assert graph.document() == document
    assert graph.document().cmocs[0].confidence == document.cmocs[0].confidence


def test_judgements_survive_the_theory_file_the_graph_file_and_the_workbook(tmp_path):
    from theorygraph.graph import TheoryGraph
    from theorygraph.importers.workbook_read import read_workbook
    from theorygraph.importers.workbook_write import write_workbook
    from theorygraph.theoryfile import write_document
    from theorygraph.validate import read_theory

    document = review(
        EVIDENCED,
        confidence={
            "relevance": {"level": "minor", "reason": "Mostly acute care."},
            "links": [{"from": "c1", "to": "m1", "overall": "low", "reason": "One setting."}],
        },
    )
    write_document(document.to_data(), tmp_path / "review.yaml")
    assert read_theory(tmp_path / "review.yaml") == document
    TheoryGraph.from_document(document).save(tmp_path / "review.graph.json")
    assert TheoryGraph.open(str(tmp_path / "review.graph.json")).document() == document
    write_workbook(document, tmp_path / "review.xlsx")
    assert read_workbook(tmp_path / "review.xlsx").document == document


def test_judgements_must_name_links_of_the_cmoc():
    with pytest.raises(ValueError, match="c1 -> o1 is not a link of this CMOC"):
        review(
            EVIDENCED,
            confidence={"links": [{"from": "c1", "to": "o1", "overall": "low", "reason": "r"}]},
        )
    with pytest.raises(ValueError, match="an overall level needs a reason"):
        review(EVIDENCED, confidence={"overall": "low"})


# -- answers: formats, chains, map and exports -------------------------------------------------


def test_every_format_shows_the_level_the_computed_one_and_why(open_graph):
    from theorygraph import present

    answer = open_graph(
        review(EVIDENCED, confidence={"overall": "moderate", "reason": "Small studies."})
    ).confidence()
    assert [c.id for c in answer.cmocs] == ["cmoc-1", "cmoc-2"]
    # cmoc-2 and its links: one study with no judgements (moderate adequacy, unclear)
    assert answer.headline == (
        "confidence in 2 CMOCs: 0 high, 2 moderate, 0 low, 0 very low; in their 4 links: "
        "2 high, 2 moderate, 0 low, 0 very low; 1 set by the reviewers"
    )
    data = answer.as_dict()
    assert data["query"] == "confidence" and len(data["rule"]) == 4
    first = data["cmocs"][0]
    assert first["components"]["adequacy"]["why"].startswith("3 studies support or refine it")
    assert [link["id"] for link in first["links"]] == ["cmoc-1:c1->m1", "cmoc-1:m1->o1"]
    headers, rows, _ = present.table(answer)
    assert len(rows) == 2 + 4  # each CMOC, then its links
    row = dict(zip(headers, rows[0], strict=True))
    assert (row["level"], row["computed"], row["reviewer"]) == ("moderate", "high", "moderate")
    text = present.text(answer)
    assert 'confidence: moderate (set by the reviewers: "Small studies."; computed' in text
    assert "  c1 -> m1\n    confidence: high (no concerns that lower it)" in text
    df = answer.to_pandas()
    assert list(df.columns) == headers and df["studies"].tolist()[0] == 3


def test_the_chains_answer_carries_the_weakest_link(open_graph):
    from theorygraph import present

    # cmoc-1's links: 1 of 4 studies rated low rigour on c1 -> m1 only (moderate)
    graph = open_graph(
        review(
            [
                *EVIDENCED,
                x("s9", link=("c1", "m1"), rigour="low", relevance="high"),
            ]
        )
    )
    [chain] = [c for c in graph.chains(start="c1").chains if len(c.steps) == 2]
    levels = {(link.source, link.target): link.confidence.level for link in chain.links}
    assert levels == {
        ("c1", "m1"): "moderate",
        ("m1", "o1"): "high",
        ("o1", "m2"): "moderate",
        ("m2", "o2"): "moderate",
    }
    # cmoc-2's links: one study (s-next), moderate concerns about adequacy
    assert chain.confidence == "moderate"
    data = chain.as_dict()
    assert data["confidence"] == "moderate"
    assert [link["confidence"] for link in data["links"]] == [
        "moderate",
        "high",
        "moderate",
        "moderate",
    ]
    answer = graph.chains(start="c1")
    headers, rows, _ = present.table(answer)
    assert headers[-2:] == ["confidence", "chain_confidence"]
    assert [r[-2] for r in rows if r[0] == 1] == ["moderate", "high", "moderate", "moderate"]
    assert "Confidence in the chain: moderate, bounded by its weakest links" in chain.sentence()


def test_the_map_and_exports_carry_the_levels(open_graph):
    graph = open_graph(
        review(EVIDENCED, confidence={"overall": "low", "reason": "Reviewers' call."})
    )
    from theorygraph.render.mapdata import build_map

    model = build_map(graph.backend)
    cmocs = {c["id"]: c["confidence"] for c in model.cmocs}
    assert cmocs["cmoc-1"]["level"] == "low" and cmocs["cmoc-1"]["computed"] == "high"
    assert cmocs["cmoc-1"]["reason"] == "Reviewers' call."
    assert cmocs["cmoc-1"]["links"] == {"c1->m1": "high", "m1->o1": "high"}
    assert cmocs["cmoc-2"]["level"] == "moderate"  # one study
    edges = {e.id: e for e in model.edges}
    assert edges["c1->m1"].confidence == "high"
    assert edges["c1->m1"].confidence_by_cmoc == {"cmoc-1": "high"}
    assert edges["o1->m2"].confidence == "moderate"
    graphml = graph.export("graphml")
    assert 'attr.name="confidence"' in graphml
    cytoscape = json.loads(graph.export("cytoscape"))
    by_id = {
        e["data"]["source"] + "->" + e["data"]["target"]: e["data"]
        for e in cytoscape["elements"]["edges"]
    }
    assert by_id["c1->m1"]["confidence"] == "high"
    assert by_id["c1->m1"]["confidence_by_cmoc"] == "cmoc-1: high"


def test_the_map_s_arrow_takes_the_best_level_of_its_cmocs():
    from theorygraph.graph import TheoryGraph
    from theorygraph.render.mapdata import build_map

    document = review(EVIDENCED)
    data = document.to_data()
    # a second CMOC states c1 -> m1 too, on a study of low rigour alone
    data["cmocs"].append(
        {
            "id": "cmoc-3",
            "label": "Also",
            "contexts": ["c1"],
            "mechanisms": ["m1"],
            "outcomes": ["o2"],
        }
    )
    data["extracts"].append(
        {
            "id": "x-3",
            "study": "s0",
            "quote": "q",
            "cmoc": "cmoc-3",
            "stance": "supports",
            "rigour": "low",
        }
    )
    model = build_map(TheoryGraph.from_document(TheoryDocument.model_validate(data)).backend)
    edge = next(e for e in model.edges if e.id == "c1->m1")
    # cmoc-3's: one study rated low rigour (serious), one study (moderate adequacy)
    assert edge.confidence_by_cmoc == {"cmoc-1": "high", "cmoc-3": "very-low"}
    assert edge.confidence == "high"


# -- the CLI ---------------------------------------------------------------------------------


def test_the_command_prints_every_format(write_yaml):
    path = write_yaml(review(EVIDENCED).to_data())
    runner = CliRunner()
    table = runner.invoke(main, ["query", "confidence", str(path), "--cmoc", "cmoc-1"])
    assert table.exit_code == 0, table.output
    assert table.output.startswith("cmoc-1: In C, M1 gives O1\n  confidence: high")
    data = json.loads(
        runner.invoke(main, ["query", "confidence", str(path), "--format", "json"]).output
    )
    assert [c["id"] for c in data["cmocs"]] == ["cmoc-1", "cmoc-2"]
    csv = runner.invoke(main, ["query", "confidence", str(path), "--format", "csv"]).output
    assert csv.splitlines()[0].startswith("type,id,cmoc,label,studies,extracts,level,computed")
    markdown = runner.invoke(main, ["query", "confidence", str(path), "--format", "markdown"])
    assert "| CMOC | cmoc-1 |" in markdown.output


def test_an_unknown_cmoc_is_named_with_the_closest(open_graph):
    graph = open_graph(review(EVIDENCED))
    with pytest.raises(UnknownIdError, match="cmoc-1"):
        graph.confidence(cmoc="cmoc-9")


# -- the sample, worked out again from the document ---------------------------------------------

RANK = {"high": 0, "moderate": 1, "low": 2}
LEVELS = ["high", "moderate", "low", "very-low"]


def expected_level(extracts) -> str:
    """The rule of docs/confidence.md, applied to the sample's extracts directly."""
    supporting = {e.study for e in extracts if e.stance.value in ("supports", "refines")}
    if not supporting:
        return "very-low"
    studies = {e.study for e in extracts}

    def judgement_steps(attr: str) -> int | None:
        lowest: dict[str, int] = {}
        for e in extracts:
            value = getattr(e, attr)
            if value is not None:
                rank = RANK[value.value]
                lowest[e.study] = max(lowest.get(e.study, 0), rank)
        if (len(studies) - len(lowest)) * 2 > len(studies):
            return None  # unclear
        low = sum(1 for r in lowest.values() if r == 2)
        if low * 2 > len(lowest):
            return 2
        return 1 if low and low * 4 >= len(lowest) else 0

    refuting = {e.study for e in extracts if e.stance.value == "refutes"}
    coherence = (
        2 if len(refuting) * 2 > len(studies) else 1 if len(refuting) * 4 >= len(studies) else 0
    )
    if not refuting:
        coherence = 0
    quoted = {
        e.study
        for e in extracts
        if e.stance.value in ("supports", "refines") and e.kind.value != "citation"
    }
    adequacy = max(0, 3 - len(supporting))
    if (len(supporting) - len(quoted)) * 2 > len(supporting):
        adequacy += 1
    adequacy = {0: 0, 1: 0, 2: 1}.get(adequacy, 2)  # minor lowers nothing
    parts = [judgement_steps("rigour"), coherence, adequacy, judgement_steps("relevance")]
    level = min(sum(p for p in parts if p is not None), 3)
    if None in parts:
        level = max(level, 1)
    return LEVELS[level]


def test_the_sample_s_levels_follow_the_rule(open_graph, doc):
    answer = open_graph(doc).confidence()
    assert [c.id for c in answer.cmocs] == [c.id for c in doc.cmocs]
    for cmoc, item in zip(doc.cmocs, answer.cmocs, strict=True):
        on_cmoc = [e for e in doc.extracts if e.cmoc == cmoc.id]
        assert item.assessment.level == expected_level(on_cmoc), cmoc.id
        assert item.assessment.studies == len({e.study for e in on_cmoc})
        for (source, target), link in zip(cmoc.links(), item.links, strict=True):
            on_link = [
                e
                for e in on_cmoc
                if e.link is None or (e.link.source, e.link.target) == (source, target)
            ]
            assert link.assessment.level == expected_level(on_link), link.id
    levels = [c.assessment.level for c in answer.cmocs]
    # the three candidates no included paper evidenced are very low; cmoc-10 is moderate
    assert [c.id for c in answer.cmocs if c.assessment.level == "very-low"] == [
        "cmoc-12",
        "cmoc-13",
        "cmoc-14",
    ]
    assert levels.count("high") == 10


def test_the_sample_s_worked_example(open_graph, doc):
    [item] = open_graph(doc).confidence(cmoc="cmoc-10").cmocs
    on_cmoc = [e for e in doc.extracts if e.cmoc == "cmoc-10"]
    lowest: dict[str, str] = {}
    for e in on_cmoc:
        held = lowest.get(e.study, "high")
        lowest[e.study] = max(held, e.rigour.value, key=RANK.__getitem__)
    low = sum(1 for v in lowest.values() if v == "low")
    moderate = sum(1 for v in lowest.values() if v == "moderate")
    found = component(item, "limitations")
    assert found.why == f"{low} of {len(lowest)} studies rated low rigour, {moderate} moderate"
    assert (low, len(lowest)) == (2, 8)  # a quarter: moderate concerns
    assert found.computed == "moderate"
    assert item.assessment.level == "moderate"
