"""How the theory changed: ``theorygraph diff`` and ``map --diff``.

Constructed reviews hold each kind of change (a CMOC added, dropped, changed in its
contexts, mechanisms, outcomes, qualifiers and hand-offs; nodes renamed; the reviewers'
reasons), and the expected answers are worked out here from the documents, not copied
from the tool. The one-review form runs on both backends; the sample's diff is checked
against what its README says of the two versions.
"""

from __future__ import annotations

import copy
import json
import re
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import ROOT, SAMPLE

from theorygraph.cli import main
from theorygraph.errors import UnknownIdError, UsageError
from theorygraph.graph import TheoryGraph
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


# -- one review, two theory versions (both backends) -------------------------------------------


def cmoc_ids(answer, change: str) -> list[str]:
    return [c.id for c in answer.of(change)]


def members(doc: TheoryDocument, theory: str) -> list[str]:
    held = [c for c in doc.cmocs if theory in c.theories]
    return list(dict.fromkeys(m for c in held for m in [*c.contexts, *c.mechanisms, *c.outcomes]))


def test_cmocs_added_dropped_changed_and_kept(open_graph, versions):
    doc = document(versions)
    answer = open_graph(doc).diff(from_theory="t1", to_theory="t2")
    earlier = [c.id for c in doc.cmocs if "t1" in c.theories]
    later = [c.id for c in doc.cmocs if "t2" in c.theories]
    # a later CMOC that refines an earlier one the later version drops takes its place
    pairs = [(c.refines, c.id) for c in doc.cmocs if c.id in later and c.refines in earlier]
    assert pairs == [("e1", "e2")]
    assert cmoc_ids(answer, "added") == [c for c in later if c not in earlier and c != "e2"]
    assert cmoc_ids(answer, "dropped") == [c for c in earlier if c not in later and c != "e1"]
    assert [(c.was, c.id) for c in answer.of("changed")] == pairs
    assert answer.kept == [c for c in earlier if c in later] == ["k1"]
    assert [c.change for c in answer.cmocs] == ["added", "dropped", "dropped", "changed"]


def test_a_changed_cmoc_says_what_changed(open_graph, versions):
    answer = open_graph(document(versions)).diff(from_theory="t1", to_theory="t2")
    (changed,) = answer.of("changed")
    assert [d.text() for d in changed.differences] == [
        "label: Configuration e1 -> Configuration e2",
        "contexts: -c-a, +c-c",
        "outcomes: +o-d",
        "qualifier of o-b: increased -> decreased",
        "hand-off to k1: as context -> as mechanism, o-b",
    ]
    assert changed.was_label == "Configuration e1"


def test_the_extracts_that_drove_each_change(open_graph, versions):
    """Refuting evidence behind a dropped CMOC, refining evidence behind a changed one (and
    refuting evidence on the version it replaced), supporting or refining evidence behind
    an added one; worked out here from the extracts' stances."""
    doc = document(versions)
    answer = open_graph(doc).diff(from_theory="t1", to_theory="t2")

    def on(cmoc: str, *stances: str) -> list[str]:
        return [x.id for x in doc.extracts if x.cmoc == cmoc and x.stance.value in stances]

    drivers = {c.id: [r.extract for r in c.drivers] for c in answer.cmocs}
    assert drivers == {
        "a1": on("a1", "supports", "refines"),
        "d1": on("d1", "refutes"),
        "d2": [],
        "e2": on("e1", "refines", "refutes") + on("e2", "refines"),
    }
    assert drivers["e2"] == ["x-e1", "x-e2", "x-e4"]
    (added,) = answer.of("added")
    assert added.driver_studies == ["s1", "s2"]


def test_evidence_reasons_and_unintended_outcomes(open_graph, versions):
    answer = open_graph(document(versions)).diff(from_theory="t1", to_theory="t2")
    by_id = {c.id: c for c in answer.cmocs}
    assert (by_id["d1"].evidence, by_id["d1"].supported) == ("contested", True)
    assert (by_id["d2"].evidence, by_id["d2"].supported) == ("none", False)
    assert by_id["d2"].evidence_text() == "none: no extract bears on it"
    assert by_id["d1"].evidence_text() == "contested: 2 extracts, 2 studies"
    assert by_id["d2"].reason == "Nothing evidenced it."
    assert by_id["a1"].reason == "Found in the evidence."
    assert by_id["e2"].reason == "Study s2 showed the opposite direction."
    assert by_id["d1"].reason is None
    assert by_id["a1"].unintended == ["o-c"]
    assert by_id["d1"].unintended == by_id["e2"].unintended == []


def test_a_reason_on_the_earlier_version_speaks_for_a_change_without_one(open_graph, versions):
    del versions["cmocs"][4]["change_reason"]
    versions["cmocs"][3]["change_reason"] = "Reworked after the workshop."
    answer = open_graph(document(versions)).diff(from_theory="t1", to_theory="t2")
    assert answer.of("changed")[0].reason == "Reworked after the workshop."


def test_nodes_and_links_each_version_holds_alone(open_graph, versions):
    doc = document(versions)
    answer = open_graph(doc).diff(from_theory="t1", to_theory="t2")
    earlier, later = members(doc, "t1"), members(doc, "t2")
    assert [(n.change, n.id) for n in answer.nodes] == [
        *(("added", n) for n in later if n not in earlier),
        *(("dropped", n) for n in earlier if n not in later),
    ]
    assert [(n.change, n.id, n.type) for n in answer.nodes] == [
        ("added", "o-c", "Outcome"),
        ("dropped", "m-d", "Mechanism"),
    ]

    def links(theory: str) -> set[tuple[str, str]]:
        return {link for c in doc.cmocs if theory in c.theories for link in c.links()}

    found = {(x.change, x.source, x.target) for x in answer.links}
    assert found == {("added", *link) for link in links("t2") - links("t1")} | {
        ("dropped", *link) for link in links("t1") - links("t2")
    }


def test_the_headline_says_it_all_in_one_line(open_graph, versions):
    answer = open_graph(document(versions)).diff(from_theory="Initial", to_theory="t2")
    assert answer.headline == (
        "t1 -> t2: 1 CMOC added (a1), with an unintended outcome (o-c); 2 dropped (d1, d2), "
        "1 of them without supporting evidence; 1 changed (e2); 1 kept; contexts, mechanisms "
        "and outcomes: 1 added, 1 dropped"
    )


def test_both_backends_give_the_same_answer(open_graph, versions):
    doc = document(versions)
    expected = TheoryGraph.from_document(doc).diff(from_theory="t1", to_theory="t2")
    found = open_graph(doc).diff(from_theory="t1", to_theory="t2")
    assert found.as_dict() == expected.as_dict()


def test_a_change_through_a_version_in_between(open_graph, versions):
    """t3 refines t2: e3 refines e2, which refines e1; from t1 to t3, e3 replaced e1."""
    versions["theories"].append({"id": "t3", "label": "Final", "refines": "t2"})
    versions["cmocs"].append(
        _cmoc("e3", ["c-c"], ["m-b"], ["o-b"], ["t3"], refines="e2", change_reason="Narrowed.")
    )
    for cmoc in versions["cmocs"]:
        if cmoc["id"] in ("k1", "a1"):
            cmoc["theories"].append("t3")
    answer = open_graph(document(versions)).diff(from_theory="t1", to_theory="t3")
    assert [(c.was, c.id) for c in answer.of("changed")] == [("e1", "e3")]
    assert answer.of("changed")[0].reason == "Narrowed."


def test_a_cmoc_refining_one_the_later_version_keeps_is_added(open_graph, versions):
    versions["cmocs"][5]["refines"] = "k1"
    answer = open_graph(document(versions)).diff(from_theory="t1", to_theory="t2")
    (added,) = answer.of("added")
    assert (added.id, added.refines) == ("a1", "k1")
    assert answer.kept == ["k1"]


def test_no_change_is_said_plainly(versions):
    for cmoc in versions["cmocs"]:
        cmoc["theories"] = ["t1", "t2"]
        cmoc.pop("refines", None)
    answer = TheoryGraph.from_document(document(versions)).diff(from_theory="t1", to_theory="t2")
    assert answer.empty
    assert answer.empty_message == "no change from t1 to t2: both hold the same 6 CMOCs"


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"from_theory": "t1"}, UsageError, "name the two theory versions to compare"),
        ({"from_theory": "t2", "to_theory": "Refined"}, UsageError, "are both theory 't2'"),
        ({"from_theory": "t1", "to_theory": "t9"}, UnknownIdError, "did you mean t1"),
        ({"from_theory": "t1", "to_theory": "k1"}, UsageError, "'k1' is a CMOC, not a theory"),
    ],
)
def test_bad_versions_are_refused(versions, kwargs, error, message):
    with pytest.raises(error, match=re.escape(message)):
        TheoryGraph.from_document(document(versions)).diff(**kwargs)


# -- two reviews, matched by id -------------------------------------------------------------------


@pytest.fixture
def later(versions) -> dict[str, Any]:
    """The review of ``versions`` a commit later: a mechanism renamed, k1 changed in place,
    d2 deleted and n1 new."""
    data = copy.deepcopy(versions)
    data["mechanisms"][0]["label"] = "Mechanism a, renamed"
    k1 = data["cmocs"][0]
    k1["contexts"] = ["c-a", "c-b"]
    k1["outcomes"] = [{"id": "o-a", "qualifier": "increased"}]
    k1["change_reason"] = "Context b matters too."
    data["cmocs"] = [c for c in data["cmocs"] if c["id"] != "d2"]
    data["cmocs"].append(_cmoc("n1", ["c-b"], ["m-a"], ["o-a"], ["t2"]))
    data["extracts"] += [_x("x-k2", "k1", "refines", "s3"), _x("x-n1", "n1", "supports", "s2")]
    return data


def test_two_reviews_are_compared_by_id(versions, later):
    old, new = (
        TheoryGraph.from_document(document(versions)),
        TheoryGraph.from_document(document(later)),
    )
    answer = old.diff(new)
    assert answer.form == "sources"
    assert cmoc_ids(answer, "added") == ["n1"]
    assert cmoc_ids(answer, "dropped") == ["d2"]
    (changed,) = answer.of("changed")
    assert (changed.was, changed.id) == ("k1", "k1")
    assert [d.text() for d in changed.differences] == [
        "contexts: +c-b",
        "qualifier of o-a: none -> increased",
    ]
    assert [r.extract for r in changed.drivers] == ["x-k2"]
    assert changed.reason == "Context b matters too."
    assert "k1" not in answer.kept
    assert [(n.change, n.id, n.was_label) for n in answer.nodes] == [
        ("renamed", "m-a", "Mechanism a")
    ]


def test_two_reviews_narrowed_to_two_versions_agree_with_the_one_review_form(versions):
    graph = TheoryGraph.from_document(document(versions))
    one = graph.diff(from_theory="t1", to_theory="t2").as_dict()
    two = graph.diff(graph, from_theory="t1", to_theory="t2").as_dict()
    assert two.pop("form") == "sources" and one.pop("form") == "versions"
    assert two == one


def test_an_unknown_theory_of_either_review_names_the_review(versions, later):
    old = TheoryGraph.from_document(document(versions), "old/")
    new = TheoryGraph.from_document(document(later), "new/")
    with pytest.raises(UnknownIdError, match=r"^new/: no theory with id or label 't9'"):
        old.diff(new, from_theory="t1", to_theory="t9")


# -- the command line -------------------------------------------------------------------------


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def test_the_command_in_every_format(versions, write_yaml):
    path = write_yaml(versions)
    answer = TheoryGraph.open(path).diff(from_theory="t1", to_theory="t2")
    table = invoke("diff", path, "--from", "t1", "--to", "t2")
    assert table.exit_code == 0
    assert table.stdout.startswith("From t1 (Initial, 4 CMOCs)\nto t2 (Refined, 3 CMOCs)\n")
    assert "  e2 (was e1): Configuration e2\n    label: Configuration e1 -> " in table.stdout
    assert "    driven by 1 extract that refutes it:\n" in table.stdout
    assert "    driven by no extract: none refutes it\n" in table.stdout
    assert table.stdout.rstrip().endswith(answer.headline)
    data = json.loads(invoke("diff", path, "--from", "t1", "--to", "t2", "--format", "json").stdout)
    assert data == json.loads(json.dumps(answer.as_dict()))
    assert data["cmocs"][3]["driving_extracts"][0]["citation"] == "Study 2 (2022)"
    csv = invoke("diff", path, "--from", "t1", "--to", "t2", "--format", "csv").stdout
    lines = csv.splitlines()
    assert lines[0] == (
        "change,type,id,label,was,details,evidence,driving_extracts,driving_studies,reason"
    )
    assert lines[2] == "dropped,CMOC,d1,Configuration d1,,,contested,x-d1,1,"
    assert lines[-1] == "dropped,Mechanism,m-d,Mechanism d,,,,,,"
    markdown = invoke("diff", path, "--from", "t1", "--to", "t2", "--format", "markdown").stdout
    assert markdown.startswith("| change | type | id |")
    assert "| added | CMOC | a1 | Configuration a1 |" in markdown


def test_the_command_compares_two_sources(versions, later, write_yaml):
    old, new = write_yaml(versions, "old/review.yaml"), write_yaml(later, "new/review.yaml")
    result = invoke("diff", old.parent, new.parent, "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = [line.split(",")[:3] for line in result.stdout.splitlines()[1:]]
    assert rows == [
        ["added", "CMOC", "n1"],
        ["dropped", "CMOC", "d2"],
        ["changed", "CMOC", "k1"],
        ["renamed", "Mechanism", "m-a"],
    ]
    assert invoke("diff", old.parent, old.parent).stdout.startswith("no change from ")


def test_one_source_needs_two_versions(versions, write_yaml):
    path = write_yaml(versions)
    result = invoke("diff", path, "--from", "t1")
    assert result.exit_code == 2
    assert (
        "Error: say which two theory versions of SOURCE to compare with --from and --to "
        "(theorygraph diff SOURCE --from ipt --to rpt), or compare two reviews: "
        "theorygraph diff OLD NEW"
    ) in result.output
    same = invoke("diff", path, "--from", "t1", "--to", "Initial")
    assert same.exit_code == 2
    assert same.output == "error: --from and --to are both theory 't1'; name two versions\n"


def test_answers_become_dataframes(versions):
    pytest.importorskip("pandas")
    from theorygraph import present

    answer = TheoryGraph.from_document(document(versions)).diff(from_theory="t1", to_theory="t2")
    frame = answer.to_pandas()
    assert list(frame.columns) == present.table(answer)[0]
    assert list(frame["id"]) == ["a1", "d1", "d2", "e2", "o-c", "m-d"]
    assert frame.attrs["headline"] == answer.headline


# -- the sample: what its README says of the two versions ----------------------------------------

README = (SAMPLE / "README.md").read_text(encoding="utf-8")


def ids_in(text: str) -> list[str]:
    return re.findall(r"`([a-z0-9][a-z0-9._-]*)`", text)


def test_the_sample_s_diff_is_what_its_readme_says(open_graph, doc):
    """'The refined theory drops these three [unsupported candidates] and adds cmoc-11, the
    unintended-outcome configuration': the sets come from the document, the README's
    sentences must name the same CMOCs, and the diff must say exactly that."""
    answer = open_graph(doc).diff(from_theory="ipt", to_theory="rpt")
    earlier = [c for c in doc.cmocs if "ipt" in c.theories]
    later = [c for c in doc.cmocs if "rpt" in c.theories]
    supported = {x.cmoc for x in doc.extracts if x.stance.value in ("supports", "refines")}
    unintended = {o.id for o in doc.outcomes if o.intended is False}
    dropped = [c.id for c in earlier if c not in later]
    added = [c.id for c in later if c not in earlier]
    assert not any(c in supported for c in dropped)  # three unsupported candidates
    assert [c.id for c in later if c not in earlier and set(c.outcomes) & unintended] == added
    assert cmoc_ids(answer, "dropped") == dropped
    assert cmoc_ids(answer, "added") == added
    assert answer.of("changed") == []
    # the README, in its own words
    readme = " ".join(README.split())
    sentence = re.search(r"it drops (.*?) \(no evidence\) and adds (`[^`]+`)", readme)
    assert sentence, "the README says how rpt differs from ipt"
    assert ids_in(sentence.group(1)) == dropped
    assert ids_in(sentence.group(2)) == added
    assert "The refined theory drops these three and adds `cmoc-11`, the unintended-outcome" in (
        readme
    )
    unsupported = re.search(r"3 have none \((.*?)\)", readme)
    assert unsupported
    dropped_mechanisms = [
        n.id for n in answer.nodes if n.change == "dropped" and n.type == "Mechanism"
    ]
    assert dropped_mechanisms == ids_in(unsupported.group(1))
    # and the diff says exactly that
    assert answer.headline.startswith(
        "ipt -> rpt: 1 CMOC added (cmoc-11), with an unintended outcome (o-less-diversity); "
        "3 dropped (cmoc-12, cmoc-13, cmoc-14), none with supporting evidence; 0 changed; "
        "10 kept"
    )
    assert all(not c.supported and c.evidence == "none" for c in answer.of("dropped"))


def test_the_tutorial_shows_the_sample_s_real_diff():
    """The output pasted under "How the theory changed" is what the commands print."""
    text = (ROOT / "docs" / "tutorial.md").read_text(encoding="utf-8")
    section = text.split("## How the theory changed", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```console\n(.*?)```", section, re.S)
    assert blocks
    for block in blocks:
        command, _, shown = block.partition("\n")
        assert command.startswith("$ theorygraph diff ")
        args = command[2:].split()[1:]
        result = invoke(*[str(ROOT / a) if a.startswith("samples/") else a for a in args])
        assert result.exit_code == 0
        assert shown == result.stdout, command


def test_the_sample_s_change_reasons_reach_the_answer(doc):
    answer = TheoryGraph.from_document(doc).diff(from_theory="ipt", to_theory="rpt")
    reasons = {c.id: c.change_reason for c in doc.cmocs}
    assert {c.id: c.reason for c in answer.cmocs} == {c.id: reasons[c.id] for c in answer.cmocs}
    assert all(c.reason for c in answer.cmocs)


# -- the map of two versions ----------------------------------------------------------------------


def test_a_diff_map_marks_every_part(open_graph, versions):
    from theorygraph.render.mapdiff import build_diff_map

    doc = document(versions)
    model = build_diff_map(open_graph(doc).backend, "t1", "t2")
    cmocs = {c["id"]: c for c in model.cmocs}
    # the union of both versions: every CMOC of either
    assert set(cmocs) == {c.id for c in doc.cmocs if {"t1", "t2"} & set(c.theories)}
    assert {c: v["change"] for c, v in cmocs.items()} == {
        "k1": "same",
        "d1": "dropped",
        "d2": "dropped",
        "e1": "changed",
        "e2": "changed",
        "a1": "added",
    }
    assert (cmocs["e2"]["was"], cmocs["e1"]["became"]) == ("e1", ["e2"])
    assert cmocs["e2"]["versions"] == ["t2"] and cmocs["k1"]["versions"] == ["t1", "t2"]
    assert cmocs["e1"]["change_extracts"] == ["x-e1", "x-e2"]
    assert cmocs["e2"]["change_extracts"] == ["x-e4"]
    assert cmocs["d1"]["change_extracts"] == ["x-d1"]
    assert cmocs["d2"]["change_reason"] == "Nothing evidenced it."
    assert "contexts: -c-a, +c-c" in cmocs["e2"]["differences"]
    nodes = {n.id: n for n in model.nodes}
    assert (nodes["o-c"].change, nodes["m-d"].change) == ("added", "dropped")
    assert nodes["c-a"].change == "changed"  # in e1, replaced
    assert nodes["m-a"].change == "changed"  # in a1, added
    assert nodes["o-a"].change == "same"  # only in k1
    assert nodes["m-d"].change_extracts == ["x-d1"]  # x-d1 is on c-b -> m-d
    assert nodes["o-d"].change_extracts == ["x-e4"]
    edges = {e.id: e for e in model.edges}
    assert edges["c-b->m-d"].change == "dropped"
    assert edges["c-b->m-d"].change_extracts == ["x-d1"]
    assert edges["m-b->o-d"].change == "changed"  # d2 (dropped) and e2 (changed) state it
    assert edges["c-c->m-a"].change == "added"
    assert edges["c-a->m-a"].change == "same"
    assert edges["o-b->c-a:leads"].change == "dropped"  # e1 hands on to k1's context
    assert edges["o-b->m-a:leads"].change == "added"  # e2 hands o-b on to k1's mechanism
    assert model.diff["counts"] == {"added": 1, "dropped": 2, "changed": 1, "kept": 1}


def test_the_map_page_carries_the_diff(tmp_path, versions, write_yaml):
    path = write_yaml(versions)
    result = invoke("map", path, "--diff", "t1..t2", "-o", tmp_path / "diff.html")
    assert result.exit_code == 0, result.output
    html = (tmp_path / "diff.html").read_text(encoding="utf-8")
    data = json.loads(
        re.search(r'<script type="application/json" id="tg-data">(.*?)</script>', html, re.S)[1]
    )
    assert data["diff"]["from"]["theory"] == "t1" and data["diff"]["to"]["theory"] == "t2"
    node = next(n for n in data["nodes"] if n["id"] == "m-d")
    assert (node["change"], node["change_extracts"]) == ("dropped", ["x-d1"])
    edge = next(e for e in data["edges"] if e["id"] == "c-c->m-a")
    assert edge["change"] == "added"
    cmoc = next(c for c in data["cmocs"] if c["id"] == "e2")
    assert (cmoc["change"], cmoc["was"]) == ("changed", "e1")
    assert set(data["extracts"]) >= {"x-d1", "x-e1", "x-e4", "x-a1"}
    # a map without --diff is as it was: no change fields
    invoke("map", path, "-o", tmp_path / "plain.html")
    plain = (tmp_path / "plain.html").read_text(encoding="utf-8")
    plain_data = re.search(
        r'<script type="application/json" id="tg-data">(.*?)</script>', plain, re.S
    )[1]
    assert '"change":' not in plain_data and '"diff":' not in plain_data


def test_a_diff_map_refuses_a_theory_and_a_malformed_pair(tmp_path, versions, write_yaml):
    path = write_yaml(versions)
    both = invoke("map", path, "--diff", "t1..t2", "--theory", "t1", "-o", tmp_path / "m.html")
    assert both.exit_code == 2
    assert both.output == (
        "error: --theory and --diff do not go together: a --diff map draws both versions\n"
    )
    bad = invoke("map", path, "--diff", "t1", "-o", tmp_path / "m.html")
    assert bad.exit_code == 2
    assert "'t1': name two theory versions as FROM..TO, e.g. ipt..rpt" in bad.output
