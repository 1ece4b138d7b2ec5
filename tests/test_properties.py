"""Property-based tests: generated theories round-trip, and both backends agree.

Hypothesis builds small but awkward theories (any Unicode text, optional fields set
or not, links or whole-CMOC evidence, chained CMOCs, outcomes used as contexts) and
checks the guarantees every theory must keep.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from theorygraph.backends.convert import document_to_graph, graph_to_document
from theorygraph.backends.neo4j import Neo4jBackend
from theorygraph.graph import TheoryGraph
from theorygraph.model import TheoryDocument
from theorygraph.theoryfile import dump_document
from theorygraph.validate import check_document, read_theory

text = st.text(min_size=1, max_size=30)
maybe_text = st.none() | st.text(max_size=30)


def _optional(draw, data: dict, key: str, strategy) -> None:
    value = draw(st.none() | strategy)
    if value is not None:
        data[key] = value


@st.composite
def documents(draw) -> TheoryDocument:
    contexts = [{"id": f"c-{i}", "label": draw(text)} for i in range(draw(st.integers(1, 3)))]
    mechanisms = [{"id": f"m-{i}", "label": draw(text)} for i in range(draw(st.integers(1, 3)))]
    outcomes = [{"id": f"o-{i}", "label": draw(text)} for i in range(draw(st.integers(1, 3)))]
    for m in mechanisms:
        _optional(draw, m, "resource", text)
        _optional(draw, m, "reasoning", text)
    for o in outcomes:
        _optional(draw, o, "intended", st.booleans())
        _optional(draw, o, "level", st.sampled_from(["proximal", "intermediate", "distal"]))
    theories = [
        {"id": "t1", "label": draw(text), "version": "1"},
        {"id": "t2", "label": draw(text), "version": "2", "status": "refined", "refines": "t1"},
    ]
    ids = {
        k: [x["id"] for x in v] for k, v in (("c", contexts), ("m", mechanisms), ("o", outcomes))
    }
    cmocs = []
    for i in range(draw(st.integers(1, 3))):
        cmoc = {
            "id": f"cmoc-{i}",
            "label": draw(text),
            "contexts": draw(
                st.lists(st.sampled_from(ids["c"]), min_size=1, max_size=2, unique=True)
            ),
            "mechanisms": draw(
                st.lists(st.sampled_from(ids["m"]), min_size=1, max_size=2, unique=True)
            ),
            "outcomes": draw(
                st.lists(st.sampled_from(ids["o"]), min_size=1, max_size=2, unique=True)
            ),
            "theories": draw(st.lists(st.sampled_from(["t1", "t2"]), max_size=2, unique=True)),
        }
        _optional(draw, cmoc, "strategy", text)
        if cmocs and draw(st.booleans()):  # chain the previous CMOC into this one
            previous = cmocs[-1]
            previous["leads_to"] = [cmoc["id"]]
            bridge = previous["outcomes"][0]
            if bridge not in cmoc["contexts"]:
                cmoc["contexts"] = [bridge, *cmoc["contexts"]]
        cmocs.append(cmoc)
    studies = []
    for i in range(draw(st.integers(1, 3))):
        study = {"id": f"s-{i}", "title": draw(text)}
        _optional(draw, study, "year", st.integers(1950, 2030))
        _optional(draw, study, "design", st.sampled_from(["qualitative", "case-study", "other"]))
        _optional(draw, study, "authors", st.lists(text, min_size=1, max_size=2))
        _optional(draw, study, "service_user_involvement", st.booleans())
        studies.append(study)
    extracts = []
    for i in range(draw(st.integers(0, 6))):
        cmoc = draw(st.sampled_from(cmocs))
        links = [(c, m) for c in cmoc["contexts"] for m in cmoc["mechanisms"]]
        links += [(m, o) for m in cmoc["mechanisms"] for o in cmoc["outcomes"]]
        extract = {
            "id": f"x-{i}",
            "study": draw(st.sampled_from([s["id"] for s in studies])),
            "quote": draw(text),
            "cmoc": cmoc["id"],
            "stance": draw(st.sampled_from(["supports", "refutes", "refines"])),
        }
        link = draw(st.none() | st.sampled_from(links))
        if link is not None:
            extract["link"] = {"from": link[0], "to": link[1]}
        _optional(draw, extract, "location", text)
        _optional(draw, extract, "rationale", text)
        extracts.append(extract)
    return TheoryDocument.model_validate(
        {
            "review": {"id": "prop", "title": draw(text)},
            "theories": theories,
            "contexts": contexts,
            "mechanisms": mechanisms,
            "outcomes": outcomes,
            "cmocs": cmocs,
            "studies": studies,
            "extracts": extracts,
        }
    )


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(document=documents())
def test_file_graph_file_round_trip(tmp_path, document):
    assert [p for p in check_document(document) if p.severity == "error"] == []
    for name, fmt in (("t.yaml", "yaml"), ("t.json", "json")):
        path = tmp_path / name
        path.write_text(dump_document(document.to_data(), fmt), encoding="utf-8")
        assert read_theory(path) == document
    again = graph_to_document(document_to_graph(document))
    assert again == document
    assert json.dumps(again.to_data()) == json.dumps(document.to_data())


@pytest.mark.neo4j
@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(document=documents())
def test_neo4j_round_trip_and_answers_equal(store, document):
    store.push(document, replace=True)
    backend = Neo4jBackend(store, "prop")
    assert backend.document() == document
    ours = TheoryGraph(backend)
    reference = TheoryGraph.from_document(document)
    assert ours.stats() == reference.stats()
    for name in ("chains", "gaps", "contested", "unintended"):
        assert getattr(ours, name)().as_dict() == getattr(reference, name)().as_dict(), name
    mechanism = document.mechanisms[0].id
    assert ours.evidence(mechanism).as_dict() == reference.evidence(mechanism).as_dict()
