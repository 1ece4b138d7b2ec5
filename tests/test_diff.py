"""How the theory changed: ``theorygraph diff`` and ``map --diff``.

Constructed reviews hold each kind of change (a CMOC added, dropped, changed in its
contexts, mechanisms, outcomes, qualifiers and hand-offs; nodes renamed; the reviewers'
reasons), and the expected answers are worked out here from the documents, not copied
from the tool. The one-review form runs on both backends; the sample's diff is checked
against what its README says of the two versions.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from theorygraph.model import TheoryDocument
from theorygraph.validate import check_document, load_theory

# -- a review in two versions, with every kind of change -----------------------------------------


def _cmoc(id_: str, contexts, mechanisms, outcomes, theories, **more) -> dict[str, Any]:
    return {
        "id": id_,
        "label": f"Configuration {id_}",
        "contexts": contexts,
        "mechanisms": mechanisms,
        "outcomes": outcomes,
        "theories": theories,
        **more,
    }


def _x(id_: str, cmoc: str, stance: str, study: str = "s1", link=None) -> dict[str, Any]:
    out = {"id": id_, "study": study, "quote": f"Quote {id_}", "cmoc": cmoc, "stance": stance}
    if link:
        out["link"] = {"from": link[0], "to": link[1]}
    return out


VERSIONS: dict[str, Any] = {
    "theorygraph": 1,
    "review": {"id": "versions", "title": "A review in two versions"},
    "theories": [
        {"id": "t1", "label": "Initial", "status": "initial"},
        {"id": "t2", "label": "Refined", "status": "refined", "refines": "t1"},
    ],
    "contexts": [{"id": f"c-{n}", "label": f"Context {n}"} for n in "abc"],
    "mechanisms": [{"id": f"m-{n}", "label": f"Mechanism {n}"} for n in "abd"],
    "outcomes": [
        {"id": "o-a", "label": "Outcome a"},
        {"id": "o-b", "label": "Outcome b"},
        {"id": "o-c", "label": "Outcome c", "intended": False},
        {"id": "o-d", "label": "Outcome d"},
    ],
    "cmocs": [
        # kept: in both versions
        _cmoc("k1", ["c-a"], ["m-a"], ["o-a"], ["t1", "t2"]),
        # dropped: refuted on one link, supported elsewhere
        _cmoc("d1", ["c-b"], ["m-d"], ["o-b"], ["t1"]),
        # dropped: no evidence at all, with the reviewers' reason
        _cmoc("d2", ["c-c"], ["m-b"], ["o-d"], ["t1"], change_reason="Nothing evidenced it."),
        # changed: e2 refines e1 and takes its place
        _cmoc(
            "e1",
            ["c-a", "c-b"],
            [{"id": "m-b"}],
            [{"id": "o-b", "qualifier": "increased"}],
            ["t1"],
            leads_to=["k1"],
        ),
        _cmoc(
            "e2",
            ["c-b", "c-c"],
            ["m-b"],
            [{"id": "o-b", "qualifier": "decreased"}, "o-d"],
            ["t2"],
            leads_to=[{"cmoc": "k1", "role": "mechanism", "outcome": "o-b"}],
            refines="e1",
            change_reason="Study s2 showed the opposite direction.",
        ),
        # added: with an unintended outcome
        _cmoc("a1", ["c-c"], ["m-a"], ["o-c"], ["t2"], change_reason="Found in the evidence."),
    ],
    "studies": [{"id": f"s{n}", "title": f"Study {n}", "year": 2020 + n} for n in (1, 2, 3)],
    "extracts": [
        _x("x-k1", "k1", "supports"),
        _x("x-d1", "d1", "refutes", "s2", ("c-b", "m-d")),
        _x("x-d2", "d1", "supports", "s3"),
        _x("x-e1", "e1", "refines", "s2"),
        _x("x-e2", "e1", "refutes", "s3", ("m-b", "o-b")),
        _x("x-e3", "e1", "supports", "s1"),
        _x("x-e4", "e2", "refines", "s1", ("m-b", "o-d")),
        _x("x-e5", "e2", "supports", "s2"),
        _x("x-e6", "e2", "refutes", "s3"),
        _x("x-a1", "a1", "supports", "s1"),
        _x("x-a2", "a1", "refines", "s2", ("m-a", "o-c")),
        _x("x-a3", "a1", "refutes", "s3"),
    ],
}


@pytest.fixture
def versions() -> dict[str, Any]:
    return copy.deepcopy(VERSIONS)


def document(data: dict[str, Any]) -> TheoryDocument:
    found = TheoryDocument.model_validate(data)
    assert [p for p in check_document(found) if p.severity == "error"] == []
    return found


# -- the schema: refines and change_reason on a CMOC ----------------------------------------------


def test_the_constructed_review_is_valid(versions, write_yaml):
    loaded = load_theory(write_yaml(versions))
    assert loaded.errors == []
    assert loaded.document.cmocs[4].refines == "e1"
    assert loaded.document.cmocs[2].change_reason == "Nothing evidenced it."


@pytest.mark.parametrize(
    ("refines", "message"),
    [
        ("e2", "a CMOC cannot refine itself"),
        ("e9", "unknown CMOC id 'e9'"),
        ("m-b", "'m-b' is a mechanism, not a CMOC"),
    ],
)
def test_a_cmoc_refines_another_cmoc(versions, write_yaml, refines, message):
    versions["cmocs"][4]["refines"] = refines
    (problem,) = load_theory(write_yaml(versions)).errors
    assert problem.message == message
    assert problem.path == "cmocs[4].refines"


def test_cmocs_do_not_refine_each_other_in_a_cycle(versions, write_yaml):
    versions["cmocs"][3]["refines"] = "e2"
    (problem,) = load_theory(write_yaml(versions)).errors
    assert problem.message == "CMOCs refine each other in a cycle: e1 -> e2 -> e1"


def test_a_theory_holding_both_versions_of_a_cmoc_is_warned_of(versions, write_yaml):
    versions["cmocs"][3]["theories"] = ["t1", "t2"]
    loaded = load_theory(write_yaml(versions))
    assert loaded.errors == []
    (warning,) = [p for p in loaded.warnings if p.code == "version"]
    assert warning.message == "'e2' refines 'e1', but theory 't2' includes both"


def test_refines_and_the_reason_round_trip_through_both_backends(open_graph, versions):
    doc = document(versions)
    graph = open_graph(doc)
    assert graph.document() == doc
    parts = graph.backend.cmoc_parts(None)
    assert parts["e2"].refines == "e1"
    assert parts["e1"].refines is None
    assert graph.backend.cmoc_parts(["e2"])["e2"].refines == "e1"
    assert graph.backend.lookup(["d2"])["d2"].props["change_reason"] == "Nothing evidenced it."


def test_refines_and_the_reason_round_trip_through_the_workbook(tmp_path, versions):
    from theorygraph.importers.workbook_read import read_workbook
    from theorygraph.importers.workbook_write import write_workbook

    doc = document(versions)
    write_workbook(doc, tmp_path / "review.xlsx")
    assert read_workbook(tmp_path / "review.xlsx").document == doc
