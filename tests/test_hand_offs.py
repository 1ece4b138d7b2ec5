"""Hand-offs name their role (the outcome becomes the next context, or a resource of the
next mechanism) and who says so; chains, paths and maps follow both roles and show which."""

from __future__ import annotations

from theorygraph.model import TheoryDocument
from theorygraph.validate import load_theory


def two_steps(**hand_off) -> dict:
    """A = (C1, M1, O1) hands O1 on to B = (C2, M2, O2)."""
    return {
        "theorygraph": 1,
        "review": {"id": "handoff", "title": "Hand-offs"},
        "contexts": [{"id": "c1", "label": "C1"}, {"id": "c2", "label": "C2"}],
        "mechanisms": [{"id": "m1", "label": "M1"}, {"id": "m2", "label": "M2"}],
        "outcomes": [{"id": "o1", "label": "Trust"}, {"id": "o2", "label": "O2"}],
        "cmocs": [
            {
                "id": "a",
                "label": "A",
                "contexts": ["c1"],
                "mechanisms": ["m1"],
                "outcomes": ["o1"],
                "leads_to": [{"cmoc": "b", **hand_off}] if hand_off else ["b"],
            },
            {"id": "b", "label": "B", "contexts": ["c2"], "mechanisms": ["m2"], "outcomes": ["o2"]},
        ],
    }


MECHANISM = {
    "role": "mechanism",
    "outcome": "o1",
    "provenance": "inferred",
    "note": "trust fires it",
}


def test_an_outcome_that_fires_the_next_mechanism(open_graph):
    graph = open_graph(TheoryDocument.model_validate(two_steps(**MECHANISM)))
    chains = graph.chains(start="c1").chains
    whole = [c for c in chains if len(c.steps) == 2]
    assert len(whole) == 1
    assert whole[0].label == (
        "In 'C1', 'M1' leads to 'Trust' (a); then, with 'Trust' as a resource of its "
        "mechanism (inferred by the reviewers; trust fires it), in 'C2', 'M2' leads to 'O2' (b)."
    )
    assert whole[0].steps[1].as_dict()["hand_off"] == {
        "role": "mechanism",
        "outcome": "o1",
        "provenance": "inferred",
        "note": "trust fires it",
    }
    # paths follow the same hand-off, into the mechanism, as a "leads to" bridge
    path = graph.paths("c1", "o2")
    assert path.paths == [["c1", "m1", "o1", "m2", "o2"]] and path.routes == [["a", "b"]]
    bridges = [(e["from"], e["to"]) for e in path.edges if e["type"] == "LeadsTo"]
    assert bridges == [("o1", "m2")]
    # and the map draws it, as a "leads to" arrow into the mechanism
    from theorygraph.render.mapdata import build_map

    drawn = build_map(graph.backend)
    assert [(e.source, e.target) for e in drawn.edges if e.type == "LeadsTo"] == [("o1", "m2")]


def test_hand_offs_round_trip_through_every_backend(open_graph):
    document = TheoryDocument.model_validate(two_steps(**MECHANISM))
    assert document.cmocs[0].hand_offs[0].role.value == "mechanism"
    assert open_graph(document).document() == document


def test_a_plain_hand_off_reads_as_before(open_graph):
    data = two_steps()
    data["cmocs"][1]["contexts"] = ["o1"]
    graph = open_graph(TheoryDocument.model_validate(data))
    chain = next(c for c in graph.chains(start="c1").chains if len(c.steps) == 2)
    assert chain.label.startswith("In 'C1', 'M1' leads to 'Trust' (a); then, in 'Trust', ")
    assert "hand_off" not in chain.steps[1].as_dict()


def test_hand_offs_are_checked(write_yaml):
    data = two_steps(**MECHANISM)
    data["cmocs"][0]["hand_offs"] = [{"cmoc": "a", "role": "context"}]
    loaded = load_theory(write_yaml(data))
    assert [p.message for p in loaded.errors] == ["'a' is not a CMOC that 'a' leads to"]
    data = two_steps(role="mechanism", outcome="o2")
    assert [p.message for p in load_theory(write_yaml(data)).errors] == [
        "'o2' is not an outcome of 'a'"
    ]
    data = two_steps(role="context", outcome="o1")
    warnings = [p.message for p in load_theory(write_yaml(data)).warnings if p.code == "unlinked"]
    assert warnings == [
        "'o1' is handed on as a context, but 'b' does not name it among its contexts"
    ]
