"""The query catalogue, run on both backends: answers on the sample and parity.

Every test here runs twice through the ``open_graph`` fixture: on the embedded graph
and on a real Neo4j server. Expected numbers are worked out from the theory document
itself, not copied from the tool's output.
"""

from __future__ import annotations

import pytest

from theorygraph.errors import UnknownIdError, UsageError
from theorygraph.generate import generate
from theorygraph.graph import TheoryGraph


def link_rows(document, cmoc, source, target):
    """Extracts bearing on one link, straight from the document."""
    return [
        x
        for x in document.extracts
        if x.cmoc == cmoc and (x.link is None or (x.link.source, x.link.target) == (source, target))
    ]


# -- chains -----------------------------------------------------------------------------------


def test_chain_carried_by_one_study(open_graph, doc):
    answer = open_graph(doc).chains(through="m-creating-conditions")
    assert answer.chains
    assert all(
        any(s.mechanism.id == "m-creating-conditions" for s in c.steps) for c in answer.chains
    )
    longest = max(answer.chains, key=lambda c: len(c.steps))
    assert [s.cmoc for s in longest.steps] == ["cmoc-01", "cmoc-02", "cmoc-03", "cmoc-06"]
    # study-03 has extracts on every link of it, worked out from the document
    for link in longest.links:
        studies = {x.study for x in link_rows(doc, link.cmoc, link.source, link.target)}
        assert set(link.study_ids) == studies
        assert "study-03" in studies
    assert "study-03" in longest.whole_chain_studies
    assert longest.carried_by_one_study


def test_transitivity_trap(open_graph, doc):
    answer = open_graph(doc).chains(start="m-balancing-perspectives")
    chain = max(answer.chains, key=lambda c: len(c.steps))
    assert [s.cmoc for s in chain.steps] == ["cmoc-04", "cmoc-05", "cmoc-06"]
    assert all(link.supporting_study_ids for link in chain.links)  # every link has evidence
    assert chain.whole_chain_studies == []  # ... but no one study has all of them
    assert "No single study evidences every link" in chain.sentence()


def test_chain_steps_follow_outcomes_that_become_contexts(open_graph, doc):
    answer = open_graph(doc).chains(start="m-balancing-perspectives")
    chain = max(answer.chains, key=lambda c: len(c.steps))
    first, second = chain.steps[0], chain.steps[1]
    assert first.outcome.id in [c.id for c in second.contexts]
    # the other outcome of cmoc-04 feeds nothing further: it ends a branch of its own
    branch = min(answer.chains, key=lambda c: len(c.steps))
    assert [(s.cmoc, s.outcome.id) for s in branch.steps] == [("cmoc-04", "o-social-care-parity")]


def test_chains_through_a_branch_outcome(open_graph, doc):
    answer = open_graph(doc).chains(through="o-social-care-parity")
    assert [[s.cmoc for s in c.steps] for c in answer.chains] == [["cmoc-04"]]


def test_chains_from_an_outcome_start_where_it_is_a_context(open_graph, doc):
    answer = open_graph(doc).chains(start="o-collaborative-intent")
    assert answer.chains
    assert all(c.steps[0].cmoc == "cmoc-02" for c in answer.chains)


def test_refuting_evidence_does_not_carry_a_chain(open_graph, mini):
    from theorygraph.model import TheoryDocument

    # s2 supports cmoc-2's M->O link and refutes its C->M link
    mini["extracts"].append(
        {
            "id": "x9",
            "study": "s2",
            "quote": "No.",
            "cmoc": "cmoc-2",
            "link": {"from": "c-trust", "to": "m-power"},
            "stance": "refutes",
        }
    )
    (chain,) = open_graph(TheoryDocument.model_validate(mini)).chains(start="m-power").chains
    assert chain.whole_chain_studies == []
    assert "1 link without supporting evidence" in chain.sentence()


def test_chains_to_a_node(open_graph, doc):
    answer = open_graph(doc).chains(end="o-less-diversity")
    (chain,) = answer.chains
    assert chain.steps[-1].outcome.id == "o-less-diversity"
    assert [c.id for c in chain.steps[0].contexts] == ["c-pre-existing-networks"]


def test_chains_json_is_complete(open_graph, doc):
    data = open_graph(doc).chains(through="m-wider-view").as_dict()
    chain = data["chains"][0]
    assert {
        "id",
        "label",
        "type",
        "studies",
        "extracts",
        "carried_by_one_study",
        "whole_chain_studies",
        "steps",
        "links",
    } <= set(chain)
    link = chain["links"][0]
    assert {
        "id",
        "label",
        "type",
        "supports",
        "refutes",
        "refines",
        "studies",
        "extracts",
        "study_ids",
    } <= set(link)


def test_all_chains_cover_every_evidenced_cmoc(open_graph, doc):
    answer = open_graph(doc).chains()
    in_chains = {s.cmoc for c in answer.chains for s in c.steps}
    assert in_chains == {c.id for c in doc.cmocs}


def test_max_depth_bounds_chains(open_graph, doc):
    answer = open_graph(doc).chains(start="m-inspiring-intent", max_depth=2)
    assert answer.chains and max(len(c.steps) for c in answer.chains) == 2


# -- evidence ---------------------------------------------------------------------------------


def test_evidence_for_a_link(open_graph, doc):
    answer = open_graph(doc).evidence("c-no-legal-mandate->m-inspiring-intent")
    holding = [
        c.id
        for c in doc.cmocs
        if "c-no-legal-mandate" in c.contexts and "m-inspiring-intent" in c.mechanisms
    ]
    assert len(holding) > 1  # the same link in several CMOCs: evidence from all of them
    expected = [
        x for c in holding for x in link_rows(doc, c, "c-no-legal-mandate", "m-inspiring-intent")
    ]
    assert sorted(r.extract for r in answer.rows) == sorted(x.id for x in expected)
    data = answer.as_dict()
    assert data["extracts"] == len(expected)
    assert data["studies"] == len({x.study for x in expected})
    item = data["by_stance"]["supports"][0]
    assert "Illustrative study" in item["citation"]
    assert item["quote"].startswith("Illustrative paraphrase: ")


def test_evidence_for_a_mechanism_is_grouped_by_stance(open_graph, doc):
    answer = open_graph(doc).evidence("m-creating-conditions")
    stances = {s: len(v) for s, v in answer.as_dict()["by_stance"].items()}
    assert stances["refutes"] == 2
    assert sum(stances.values()) == len(answer.rows) == 16


def test_no_evidence_is_said_plainly(open_graph, doc):
    answer = open_graph(doc).evidence("m-own-resilience")
    assert answer.empty
    assert answer.empty_message == "no evidence found for mechanism 'm-own-resilience'"


def test_unknown_ids_suggest_the_closest(open_graph, doc):
    graph = open_graph(doc)
    with pytest.raises(UnknownIdError) as caught:
        graph.evidence("m-inspiring-intnt")
    assert str(caught.value) == (
        "no context, mechanism, outcome or CMOC with id or label 'm-inspiring-intnt'; "
        "did you mean m-inspiring-intent?"
    )
    with pytest.raises(UnknownIdError):
        graph.study("study-99")
    with pytest.raises(UsageError) as caught:
        graph.evidence("c-no-legal-mandate->o-less-diversity")
    assert "is not a link of any CMOC" in str(caught.value)


# -- gaps, contested, unintended ------------------------------------------------------------------


def test_gaps_name_the_three_unsupported_mechanisms(open_graph, doc):
    answer = open_graph(doc).gaps(kinds=["mechanism"])
    assert answer.headline == "evidence for 7 of 10 mechanisms"
    assert [(r.id, r.gap) for r in answer.rows] == [
        ("m-own-resilience", "no evidence"),
        ("m-unnamed-candidate-a", "no evidence"),
        ("m-unnamed-candidate-b", "no evidence"),
    ]


def test_gaps_with_a_high_study_threshold(open_graph, doc):
    answer = open_graph(doc).gaps(kinds=["mechanism"], min_studies=10)
    thin = {r.id for r in answer.rows if r.gap.startswith("only")}
    expected = set()
    for m in doc.mechanisms:
        holding = {c.id for c in doc.cmocs if m.id in c.mechanisms}
        supporting = {
            x.study
            for x in doc.extracts
            if x.cmoc in holding
            and x.stance.value in ("supports", "refines")
            and (x.link is None or m.id in (x.link.source, x.link.target))
        }
        if 1 < len(supporting) < 10:
            expected.add(m.id)
    assert expected and thin == expected


def test_gaps_over_every_kind(open_graph, doc):
    answer = open_graph(doc).gaps()
    assert set(answer.totals) == {"Mechanism", "Context", "Outcome", "CMOC", "Link"}
    assert answer.totals["CMOC"] == (11, 14)
    no_evidence_cmocs = {r.id for r in answer.rows if r.type == "CMOC" and r.gap == "no evidence"}
    assert no_evidence_cmocs == {"cmoc-12", "cmoc-13", "cmoc-14"}


def test_contested_links(open_graph, doc):
    answer = open_graph(doc).contested()
    found = {(link.cmoc, link.source, link.target) for link in answer.links}
    assert {
        ("cmoc-01", "m-inspiring-intent", "o-collaborative-intent"),
        ("cmoc-02", "m-creating-conditions", "o-aligned-goals"),
        ("cmoc-04", "m-balancing-perspectives", "o-social-care-parity"),
        ("cmoc-05", "m-working-with-power", "o-collective-responsibility"),
    } <= found
    for link in answer.links:
        stances = {x.stance for x in link_rows(doc, link.cmoc, link.source, link.target)}
        assert {"supports", "refutes"} <= stances


def test_unintended_outcome_and_its_chain(open_graph, doc):
    answer = open_graph(doc).unintended()
    ((outcome, chains),) = answer.outcomes
    assert outcome.id == "o-less-diversity"
    assert [s.cmoc for c in chains.chains for s in c.steps] == ["cmoc-11"]


# -- study, coverage -----------------------------------------------------------------------------


def test_study_profile(open_graph, doc):
    answer = open_graph(doc).study("study-03")
    mine = [x for x in doc.extracts if x.study == "study-03"]
    assert len(answer.rows) == len(mine)
    assert {link.cmoc for link in answer.links} == {x.cmoc for x in mine}


def test_coverage_by_service_user_involvement_shows_none(open_graph, doc):
    answer = open_graph(doc).coverage(by="service_user_involvement")
    assert answer.values == ["no", "yes"]
    assert all(studies.get("yes", 0) == 0 for _, studies, _, _ in answer.rows)
    assert answer.headline.startswith("no evidence from studies involving service users")


def test_coverage_by_design_counts_distinct_studies(open_graph, doc):
    answer = open_graph(doc).coverage(by="design")
    assert sum(answer.all_studies.values()) == 36
    row = next(r for r in answer.rows if r[0].id == "m-inspiring-intent")
    assert row[3] == 25 and sum(row[1].values()) == 25  # each study has one design


# -- paths and neighbourhoods ----------------------------------------------------------------------


def test_paths_between_two_nodes(open_graph, doc):
    answer = open_graph(doc).paths("c-pre-existing-networks", "o-less-diversity")
    assert ["c-pre-existing-networks", "m-inspiring-intent", "o-less-diversity"] in answer.paths
    assert {n.id for n in answer.nodes} >= {"c-pre-existing-networks", "o-less-diversity"}
    assert all(len(p) - 1 <= 6 for p in answer.paths)


def test_no_path_is_said_plainly(open_graph, doc):
    answer = open_graph(doc).paths("o-less-diversity", "c-no-legal-mandate")
    assert answer.empty
    assert answer.empty_message == (
        "nothing found: paths from o-less-diversity to c-no-legal-mandate"
    )


def test_neighbourhood(open_graph, doc):
    graph = open_graph(doc)
    assert [n.id for n in graph.neighbourhood("m-own-resilience", depth=0).nodes] == [
        "m-own-resilience"
    ]
    answer = graph.neighbourhood("m-own-resilience", depth=1)
    cmoc = next(c for c in doc.cmocs if "m-own-resilience" in c.mechanisms)
    assert {n.id for n in answer.nodes} == {*cmoc.contexts, *cmoc.mechanisms, *cmoc.outcomes}


# -- parity -------------------------------------------------------------------------------------

QUERIES = [
    ("chains", {}),
    ("chains", {"through": "m-0003"}),
    ("chains", {"start": "c-0002"}),
    ("gaps", {}),
    ("contested", {}),
    ("unintended", {}),
    ("coverage", {"by": "country"}),
    ("coverage", {"by": "participants"}),
    ("study", {"study_id": "study-00007"}),
    ("evidence", {"target": "m-0004"}),
    ("neighbourhood", {"node": "m-0002", "depth": 2}),
    ("paths", {"source": "c-0001", "target": "o-0005", "undirected": True}),
]


@pytest.fixture(scope="module")
def larger():
    return generate(studies=120, mechanisms=14, seed=7)


def test_every_query_answers_the_same_on_a_larger_theory(open_graph, larger):
    graph = open_graph(larger)
    reference = TheoryGraph.from_document(larger)
    for name, kwargs in QUERIES:
        ours = getattr(graph, name)(**kwargs).as_dict()
        expected = getattr(reference, name)(**kwargs).as_dict()
        assert ours == expected, name


def test_every_query_answers_the_same_on_the_sample(open_graph, doc):
    graph = open_graph(doc)
    reference = TheoryGraph.from_document(doc)
    for name, kwargs in [
        ("chains", {}),
        ("gaps", {}),
        ("contested", {}),
        ("unintended", {}),
        ("coverage", {"by": "service_user_involvement"}),
        ("study", {"study_id": "study-18"}),
        ("evidence", {"target": "cmoc-11"}),
        ("neighbourhood", {"node": "cmoc-05", "depth": 1}),
        ("paths", {"source": "c-no-legal-mandate", "target": "o-integrated-working"}),
    ]:
        assert (
            getattr(graph, name)(**kwargs).as_dict() == getattr(reference, name)(**kwargs).as_dict()
        ), name
