"""Mechanisms that set off mechanisms: a CMOC whose mechanisms fire one after another
states the links context -> first, each -> the next, last -> outcome; chains, paths,
evidence and maps follow the sequence rather than treating the mechanisms as parallel."""

from __future__ import annotations

import pytest

from theorygraph.model import TheoryDocument
from theorygraph.validate import load_theory


def sequence(mini: dict, **extra) -> dict:
    cmoc = mini["cmocs"][0]
    cmoc["mechanisms"] = ["m-inspire", "m-power"]
    cmoc.update(sequence=True, leads_to=[], **extra)
    mini["cmocs"][1]["mechanisms"] = ["m-power"]
    mini["extracts"] = [e for e in mini["extracts"] if e["cmoc"] == "cmoc-1" and not e.get("link")]
    return mini


def test_the_sequence_states_its_links(open_graph, mini):
    document = TheoryDocument.model_validate(sequence(mini))
    assert document.cmocs[0].links() == [
        ("c-voluntary", "m-inspire"),
        ("m-inspire", "m-power"),
        ("m-power", "o-collab"),
    ]
    graph = open_graph(document)
    assert graph.document() == document  # and it round-trips
    chains = [c for c in graph.chains(through="m-inspire").chains if c.steps[0].cmoc == "cmoc-1"]
    assert len(chains) == 1  # one path through the configuration, not one per mechanism
    chain = chains[0]
    assert chain.label == (
        "In 'Voluntary cooperation', 'Inspiring intent', which sets off 'Sharing power', "
        "which leads to 'Collaboration' (cmoc-1)."
    )
    assert [(link.source, link.target) for link in chain.links] == document.cmocs[0].links()
    assert chain.steps[0].as_dict()["sequence"] == ["m-inspire", "m-power"]
    assert graph.paths("c-voluntary", "o-collab").paths == [
        ["c-voluntary", "m-inspire", "m-power", "o-collab"]
    ]
    evidence = graph.evidence("m-inspire->m-power")
    assert evidence.rows and {r.cmoc for r in evidence.rows} == {"cmoc-1"}


def test_side_by_side_mechanisms_stay_parallel(mini):
    data = sequence(mini)
    data["cmocs"][0]["sequence"] = False
    cmoc = TheoryDocument.model_validate(data).cmocs[0]
    assert ("m-inspire", "m-power") not in cmoc.links()
    assert ("m-inspire", "o-collab") in cmoc.links()


def test_an_extract_on_a_link_the_sequence_does_not_state_is_refused(write_yaml, mini):
    data = sequence(mini)
    data["extracts"][0]["link"] = {"from": "m-inspire", "to": "o-collab"}
    problems = load_theory(write_yaml(data)).errors
    assert [p.message for p in problems] == ["m-inspire -> o-collab is not a link of CMOC 'cmoc-1'"]
    assert "m-inspire -> m-power" in problems[0].allowed


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_evidence_on_a_step_of_the_sequence_travels_in_the_sheet(tmp_path, mini, suffix):
    from theorygraph.importers.sheet import write_sheet
    from theorygraph.importers.spreadsheet import read_sheet

    data = sequence(mini)
    data["extracts"][0]["link"] = {"from": "m-inspire", "to": "m-power"}
    document = TheoryDocument.model_validate(data)
    sheet = write_sheet(document, tmp_path / f"sheet{suffix}")
    assert read_sheet(sheet, base=document).document == document
