"""Nodes are named by id or by an unambiguous label; nothing in the review is silently
left off a map or an export; a missing hand-off names every CMOC that lacks it."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from theorygraph.cli import main
from theorygraph.errors import UnknownIdError, UsageError
from theorygraph.model import TheoryDocument
from theorygraph.validate import load_theory


def test_a_label_names_its_node(open_graph, mini):
    graph = open_graph(TheoryDocument.model_validate(mini))
    by_id = graph.chains(through="m-inspire").as_dict()
    assert graph.chains(through="  inspiring   INTENT ").as_dict() == by_id
    assert graph.evidence("Inspiring intent").target_id == "m-inspire"
    assert graph.paths("Voluntary cooperation", "o-collab").paths == [
        ["c-voluntary", "m-inspire", "o-collab"]
    ]


def test_a_label_two_nodes_share_asks_for_an_id(open_graph, mini):
    mini["mechanisms"][1]["label"] = "Inspiring intent"
    graph = open_graph(TheoryDocument.model_validate(mini))
    with pytest.raises(UsageError, match=r"label of several nodes \(m-inspire, m-power\)"):
        graph.chains(through="inspiring intent")


def test_an_unknown_name_suggests_the_node_whose_label_holds_it(open_graph, mini):
    mini["mechanisms"][1]["label"] = "Faith in the portfolio"
    graph = open_graph(TheoryDocument.model_validate(mini))
    with pytest.raises(UnknownIdError) as caught:
        graph.evidence("faith")
    assert str(caught.value) == (
        "no context, mechanism, outcome or CMOC with id or label 'faith'; "
        "did you mean m-power ('Faith in the portfolio')?"
    )


def with_a_loose_mechanism(mini) -> TheoryDocument:
    mini["mechanisms"].append({"id": "m-loose", "label": "A candidate no CMOC names"})
    return TheoryDocument.model_validate(mini)


def test_a_node_in_no_cmoc_is_drawn_marked_and_counted(open_graph, mini):
    graph = open_graph(with_a_loose_mechanism(mini))
    drawn = graph.map()
    assert drawn.apart == 1
    assert '"id": "m-loose"' in drawn.html and "(in no CMOC)" in drawn.html
    assert '"apart": true' in drawn.html
    for fmt in ("graphml", "gexf", "cytoscape", "mermaid", "dot"):
        assert "A candidate no CMOC names" in graph.export(fmt), fmt
    assert "in no CMOC" in graph.export("mermaid") and "in no CMOC" in graph.export("dot")
    # a theory's map holds its CMOCs only: a node no CMOC names belongs to no theory
    assert "m-loose" not in graph.map(theory="t1").html


def test_the_map_command_says_how_many_are_apart(tmp_path, write_yaml, mini):
    path = write_yaml(with_a_loose_mechanism(mini).to_data())
    out = tmp_path / "map.html"
    done = CliRunner().invoke(main, ["map", str(path), "-o", str(out)])
    assert done.exit_code == 0, done.output
    assert "1 in no CMOC, drawn marked" in done.stderr


def test_a_missing_hand_off_names_every_cmoc_that_lacks_it(write_yaml, mini):
    # o-collab is an outcome of cmoc-1 and of a third CMOC; cmoc-2 takes it as a context,
    # and neither of the two leads to cmoc-2
    mini["cmocs"][0]["leads_to"] = []
    mini["cmocs"][1]["contexts"] = ["o-collab"]
    mini["cmocs"].append({**mini["cmocs"][0], "id": "cmoc-3", "label": "Another route"})
    loaded = load_theory(write_yaml(mini))
    warning = next(p for p in loaded.warnings if p.code == "unlinked")
    assert warning.message == (
        "context 'o-collab' is an outcome of cmoc-1, cmoc-3, which do not lead to 'cmoc-2'"
    )
    assert warning.allowed == "add cmoc-2 to leads_to of each of cmoc-1, cmoc-3 that hands it on"
