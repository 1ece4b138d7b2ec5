"""The embedded graph: document -> graph -> document, saving and loading, statistics."""

from __future__ import annotations

import json

from theorygraph.backends.convert import document_to_graph, graph_to_document
from theorygraph.backends.memory import MemoryBackend
from theorygraph.graph import TheoryGraph
from theorygraph.model import TheoryDocument
from theorygraph.theoryfile import dump_document
from theorygraph.validate import read_theory


def test_graph_shape(mini):
    graph = document_to_graph(TheoryDocument.model_validate(mini))
    assert graph.nodes["m-inspire"]["type"] == "Mechanism"
    assert graph.has_edge("cmoc-1", "m-inspire", key="HAS_MECHANISM")
    assert graph.has_edge("t2", "t1", key="REFINES")
    assert graph.has_edge("t1", "cmoc-1", key="INCLUDES")
    assert graph.has_edge("cmoc-1", "cmoc-2", key="LEADS_TO")
    edge = graph.get_edge_data("x3", "cmoc-1", key="EVIDENCES")
    assert (edge["link_from"], edge["link_to"]) == ("c-voluntary", "m-inspire")
    # references live on edges only, never twice
    assert "mechanisms" not in graph.nodes["cmoc-1"]
    assert "study" not in graph.nodes["x1"]


def test_file_graph_file_is_identical(mini, write_yaml):
    path = write_yaml(mini)
    document = read_theory(path)
    again = graph_to_document(document_to_graph(document))
    assert again == document
    assert dump_document(again.to_data(), "yaml") == dump_document(document.to_data(), "yaml")


def test_order_of_lists_survives_the_graph(mini, write_yaml):
    mini["cmocs"][0]["contexts"] = ["c-trust", "c-voluntary"]
    mini["cmocs"][0]["theories"] = ["t2", "t1"]
    document = read_theory(write_yaml(mini))
    again = graph_to_document(document_to_graph(document))
    assert again.cmocs[0].contexts == ["c-trust", "c-voluntary"]
    assert again.cmocs[0].theories == ["t2", "t1"]


def test_saved_graph_file_opens_as_a_source(mini, write_yaml, tmp_path):
    graph = TheoryGraph.open(write_yaml(mini))
    target = graph.save(tmp_path / "mini.graph.json")
    payload = json.loads(target.read_text())
    assert payload["theorygraph-graph"] == 1
    reopened = TheoryGraph.open(target)
    assert isinstance(reopened.backend, MemoryBackend)
    assert reopened.document() == graph.document()
    assert reopened.stats() == graph.stats()


def test_save_as_theory_file_is_canonical(mini, write_yaml, tmp_path):
    graph = TheoryGraph.open(write_yaml(mini))
    out = graph.save(tmp_path / "copy.yaml")
    assert read_theory(out) == graph.document()
    json_out = graph.save(tmp_path / "copy.json")
    assert read_theory(json_out) == graph.document()


def test_stats_counts_extracts_and_distinct_studies(mini, write_yaml):
    stats = TheoryGraph.open(write_yaml(mini)).stats()
    assert stats.counts == {
        "Theory": 2,
        "Context": 2,
        "Mechanism": 2,
        "Outcome": 2,
        "CMOC": 2,
        "Study": 2,
        "Extract": 3,
    }
    rows = {m.id: m for m in stats.mechanisms}
    # x1 (whole cmoc-1, s1) and x3 (link c-voluntary -> m-inspire, s2, refutes)
    assert (rows["m-inspire"].extracts, rows["m-inspire"].studies) == (2, 2)
    assert (rows["m-inspire"].supports, rows["m-inspire"].refutes) == (1, 1)
    assert (rows["m-power"].extracts, rows["m-power"].studies) == (1, 1)
    assert stats.headline == "evidence for 2 of 2 mechanisms"


def test_a_link_counts_only_for_its_own_mechanism(mini, write_yaml):
    mini["cmocs"][0]["mechanisms"] = ["m-inspire", "m-power"]
    mini["extracts"] = [mini["extracts"][2]]  # link c-voluntary -> m-inspire only
    rows = {m.id: m for m in TheoryGraph.open(write_yaml(mini)).stats().mechanisms}
    assert rows["m-inspire"].extracts == 1
    assert rows["m-power"].extracts == 0


def test_refuting_evidence_alone_is_not_evidence_for(mini, write_yaml):
    mini["extracts"] = [mini["extracts"][2]]  # refutes m-inspire's link
    stats = TheoryGraph.open(write_yaml(mini)).stats()
    assert stats.headline == "evidence for 0 of 2 mechanisms"
