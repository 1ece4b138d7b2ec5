"""Paths state only what configurations state: along one CMOC's links, and from one CMOC
to the next only through a hand-off (leads_to). Two CMOCs that share a mechanism give no
path across it; the node-level walk stays behind an explicit option that says what it is."""

from __future__ import annotations

import pytest

from theorygraph.generate import generate
from theorygraph.graph import TheoryGraph
from theorygraph.model import TheoryDocument
from theorygraph.validate import read_theory


def two_cmocs(**extra_b) -> TheoryDocument:
    """CMOC A = (C1, M, O1) and CMOC B = (C2, M, O2), sharing the mechanism M."""
    b = {"id": "b", "label": "B", "contexts": ["c2"], "mechanisms": ["m"], "outcomes": ["o2"]}
    return TheoryDocument.model_validate(
        {
            "theorygraph": 1,
            "review": {"id": "shared", "title": "Two CMOCs sharing a mechanism"},
            "contexts": [{"id": "c1", "label": "C1"}, {"id": "c2", "label": "C2"}],
            "mechanisms": [{"id": "m", "label": "M"}],
            "outcomes": [
                {"id": "o1", "label": "O1"},
                {"id": "o2", "label": "O2"},
                {"id": "o3", "label": "O3"},
            ],
            "cmocs": [
                {
                    "id": "a",
                    "label": "A",
                    "contexts": ["c1"],
                    "mechanisms": ["m"],
                    "outcomes": ["o1"],
                },
                {**b, **extra_b},
            ],
        }
    )


def test_two_cmocs_sharing_a_mechanism_give_no_path_across(open_graph):
    graph = open_graph(two_cmocs())
    across = graph.paths("c1", "o2")
    assert across.paths == [] and across.empty  # neither CMOC says C1 -> M -> O2
    within = graph.paths("c1", "o1")
    assert within.paths == [["c1", "m", "o1"]] and within.routes == [["a"]]
    steps = {(e["from"], e["to"], e["cmoc"]) for e in within.edges}
    assert steps == {("c1", "m", "a"), ("m", "o1", "a")}


def test_the_node_level_walk_is_asked_for_and_says_what_it_is(open_graph):
    answer = open_graph(two_cmocs()).paths("c1", "o2", across_cmocs=True)
    assert answer.paths == [["c1", "m", "o2"]]
    assert answer.routes == []
    assert "node-level" in answer.headline and "no configuration states" in answer.headline


def test_a_hand_off_carries_a_path_into_the_next_cmoc(open_graph):
    # B takes A's outcome O1 as a context, and A says it leads to B
    doc = two_cmocs(contexts=["o1"])
    data = doc.to_data()
    data["cmocs"][0]["leads_to"] = ["b"]
    graph = open_graph(TheoryDocument.model_validate(data))
    # M would appear twice, once in each configuration: a path visits each node once
    assert graph.paths("c1", "o2").paths == []
    data["mechanisms"].append({"id": "m2", "label": "M2"})
    data["cmocs"][1]["mechanisms"] = ["m2"]
    answer = open_graph(TheoryDocument.model_validate(data)).paths("c1", "o2")
    assert answer.paths == [["c1", "m", "o1", "m2", "o2"]]
    assert answer.routes == [["a", "b"]]


def test_without_the_leads_to_no_path_crosses(open_graph):
    data = two_cmocs(contexts=["o1"], mechanisms=["m2"]).to_data()
    data["mechanisms"].append({"id": "m2", "label": "M2"})
    graph = open_graph(TheoryDocument.model_validate(data))
    assert graph.paths("c1", "o2").paths == []  # the reviewer did not chain them
    assert graph.paths("c1", "o2", across_cmocs=True).paths == [["c1", "m", "o1", "m2", "o2"]]


def test_a_leads_to_naming_no_shared_node_is_a_bridge(open_graph):
    data = two_cmocs(mechanisms=["m2"]).to_data()
    data["mechanisms"].append({"id": "m2", "label": "M2"})
    data["cmocs"][0]["leads_to"] = ["b"]
    answer = open_graph(TheoryDocument.model_validate(data)).paths("c1", "o2")
    assert answer.paths == [["c1", "m", "o1", "c2", "m2", "o2"]]
    assert answer.routes == [["a", "b"]]
    bridges = [e for e in answer.edges if e["type"] == "LeadsTo"]
    assert [(e["from"], e["to"]) for e in bridges] == [("o1", "c2")]


def _chain_ends(graph: TheoryGraph, start: str) -> set[str]:
    """Every outcome a chain from ``start`` reaches, at any of its steps."""
    answer = graph.chains(start=start, max_depth=20)
    assert not answer.truncated
    return {s.outcome.id for chain in answer.chains for s in chain.steps}


@pytest.mark.parametrize("which", ["sample", "portfolio", "generated"])
def test_chains_and_paths_agree_on_which_chains_exist(sample, doc, which):
    document = {
        "sample": lambda: doc,
        "portfolio": lambda: read_theory(sample.parent / "portfolio-srl"),
        "generated": lambda: generate(studies=40, mechanisms=8, extracts_per_study=2.0, seed=5),
    }[which]()
    graph = TheoryGraph.from_document(document)
    outcomes = [o.id for o in document.outcomes]
    differs = 0
    for start in [c.id for c in document.contexts] + [m.id for m in document.mechanisms]:
        reached = _chain_ends(graph, start)
        for outcome in outcomes:
            if outcome == start:
                continue
            found = graph.paths(start, outcome, max_depth=20)
            assert bool(found.paths) == (outcome in reached), (start, outcome)
            node_level = graph.paths(start, outcome, max_depth=20, across_cmocs=True)
            differs += bool(node_level.paths) != bool(found.paths)
    assert differs  # the node-level walk does join configurations here: the test can tell


def test_the_cli_names_the_cmocs_of_each_path(sample):
    from click.testing import CliRunner

    from theorygraph.cli import main

    def run_cli(*args: str):
        return CliRunner().invoke(main, list(args))

    done = run_cli("query", "paths", str(sample), "c-no-legal-mandate", "o-shared-purpose")
    assert done.exit_code == 0, done.output
    assert "in cmoc-01 => cmoc-02" in done.output
    node_level = run_cli(
        "query", "paths", str(sample), "c-no-legal-mandate", "o-less-diversity", "--across-cmocs"
    )
    assert "node-level paths" in node_level.output
    assert (
        "nothing found"
        in run_cli("query", "paths", str(sample), "c-no-legal-mandate", "o-less-diversity").output
    )
