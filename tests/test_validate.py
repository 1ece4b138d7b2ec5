"""Validation: every class of problem, with its exact message, file, line and field path."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from theorygraph.errors import InvalidTheoryError
from theorygraph.validate import check_document, load_theory, read_theory

HEAD = "theorygraph: 1\nreview: {id: r, title: T}\n"


def only_errors(path: Path) -> list[str]:
    return [str(p) for p in load_theory(path).errors]


def test_valid_theory_loads_without_errors(mini, write_yaml):
    loaded = load_theory(write_yaml(mini))
    assert loaded.errors == []
    assert loaded.document is not None
    assert loaded.document.review.id == "mini"
    assert [m.id for m in loaded.document.mechanisms] == ["m-inspire", "m-power"]


def test_yaml_syntax_error_names_file_and_line(write_yaml):
    path = write_yaml(HEAD + "mechanisms:\n  - id: m-a\n    label: [unclosed\n")
    (problem,) = load_theory(path).errors
    assert problem.file == str(path)
    assert problem.line == 6
    assert problem.code == "syntax"
    assert problem.message.startswith("invalid YAML: ")


def test_json_syntax_error_names_line_and_column(tmp_path):
    path = tmp_path / "t.json"
    path.write_text('{\n  "theorygraph": 1,\n  "review": {"id": "r",}\n}\n', encoding="utf-8")
    (problem,) = load_theory(path).errors
    assert str(problem) == (
        f"{path}:3: invalid JSON: Expecting property name enclosed in double quotes (column 24)"
    )


def test_json_theory_files_work_with_line_numbers(tmp_path, mini):
    mini["extracts"][0]["stance"] = "agrees"
    path = tmp_path / "t.json"
    path.write_text(json.dumps(mini, indent=2), encoding="utf-8")
    (problem,) = load_theory(path).errors
    assert problem.path == "extracts[0].stance"
    lines = path.read_text().splitlines()
    assert '"stance": "agrees"' in lines[problem.line - 1]


def test_duplicate_yaml_key(write_yaml):
    path = write_yaml(HEAD + "mechanisms:\n  - id: m-a\n    label: A\n    label: B\n")
    (problem,) = load_theory(path).errors
    assert problem.line == 6
    assert 'duplicate key "label"' in problem.message


def test_not_utf8(tmp_path):
    path = tmp_path / "t.yaml"
    path.write_bytes(HEAD.encode() + b"contexts:\n  - {id: c-a, label: caf\xe9}\n")
    (problem,) = load_theory(path).errors
    assert str(problem) == f"{path}:4: byte 0xe9 is not valid UTF-8 (save the file as UTF-8)"


def test_byte_order_mark_is_accepted(tmp_path, mini):
    from theorygraph.theoryfile import dump_document

    path = tmp_path / "t.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + dump_document(mini, "yaml").encode())
    assert load_theory(path).errors == []


def test_empty_file(write_yaml):
    path = write_yaml("   \n")
    assert only_errors(path) == [
        f"{path}:1: file is empty (a theory file starts with 'theorygraph: 1')"
    ]


def test_missing_format_version(write_yaml):
    path = write_yaml("review: {id: r, title: T}\n")
    assert only_errors(path) == [
        f"{path}:1: the format version key is missing (add 'theorygraph: 1' as the first line)"
    ]


def test_unsupported_format_version(write_yaml):
    path = write_yaml("theorygraph: 2\nreview: {id: r, title: T}\n")
    assert only_errors(path) == [
        f"{path}:1: theorygraph: unsupported format version 2 (this theorygraph reads version 1)"
    ]


def test_unknown_section_suggests_the_closest(write_yaml):
    path = write_yaml(HEAD + "mechanism: []\n")
    (message,) = only_errors(path)
    assert message.startswith(
        f"{path}:3: mechanism: unknown section 'mechanism' "
        "(did you mean 'mechanisms'? allowed: theorygraph, review,"
    )


def test_file_that_is_not_a_mapping(write_yaml):
    path = write_yaml("- just\n- a list\n")
    assert only_errors(path) == [
        f"{path}:1: a theory file must be a mapping of sections, not a list "
        "(start the file with 'theorygraph: 1')"
    ]


def test_section_that_is_not_a_list(write_yaml):
    path = write_yaml(HEAD + "contexts: {id: c-a}\n")
    (message,) = only_errors(path)
    assert message.startswith(f"{path}:3: contexts: expected a list of contexts, got a mapping")


def test_missing_required_field(write_yaml):
    path = write_yaml(HEAD + "contexts:\n  - id: c-a\n")
    assert only_errors(path) == [f"{path}:4: contexts[0].label: required field is missing"]


def test_unknown_field_suggests_the_closest(write_yaml):
    path = write_yaml(HEAD + "mechanisms:\n  - id: m-a\n    label: A\n    resourse: money\n")
    assert only_errors(path) == [
        f"{path}:6: mechanisms[0].resourse: unknown field 'resourse' (did you mean 'resource'? "
        "allowed: id, label, description, tags, resource, reasoning)"
    ]


def test_invalid_id(write_yaml):
    path = write_yaml(HEAD + "contexts:\n  - id: Bad Id\n    label: A\n")
    (message,) = only_errors(path)
    assert message.startswith(f"{path}:4: contexts[0].id: 'Bad Id' is not a valid id (ids use")


def test_unknown_enum_value_suggests_the_closest(mini, write_yaml):
    mini["extracts"][0]["stance"] = "support"
    (problem,) = load_theory(write_yaml(mini)).errors
    assert problem.path == "extracts[0].stance"
    assert problem.message == "'support' is not an allowed value"
    assert problem.allowed == "did you mean 'supports'? allowed: supports, refutes, refines"


def test_number_where_text_is_expected_hints_quotes(mini, write_yaml):
    mini["theories"][0]["version"] = 1.0
    (problem,) = load_theory(write_yaml(mini)).errors
    assert problem.path == "theories[0].version"
    assert str(problem).endswith("expected text, got a number (1.0) (put it in quotes: '1.0')")


def test_empty_component_list(mini, write_yaml):
    mini["cmocs"][0]["mechanisms"] = []
    (problem,) = load_theory(write_yaml(mini)).errors
    assert (problem.path, problem.message) == ("cmocs[0].mechanisms", "needs at least 1 item")


def test_dangling_reference_names_closest_ids(mini, write_yaml):
    mini["extracts"][0]["study"] = "s3"
    mini["cmocs"][0]["mechanisms"] = ["m-inspired"]
    problems = load_theory(write_yaml(mini)).errors
    messages = {p.path: (p.message, p.allowed) for p in problems}
    assert messages["extracts[0].study"] == (
        "unknown study id 's3'",
        "closest existing ids: s1, s2",
    )
    assert messages["cmocs[0].mechanisms[0]"] == (
        "unknown mechanism id 'm-inspired'",
        "closest existing ids: m-inspire",
    )


def test_reference_to_the_wrong_kind(mini, write_yaml):
    mini["cmocs"][1]["contexts"] = ["m-power"]
    (problem,) = load_theory(write_yaml(mini)).errors
    assert problem.message == "'m-power' is a mechanism, not a context or outcome"


def test_link_outside_its_cmoc(mini, write_yaml):
    mini["extracts"][1]["link"] = {"from": "c-voluntary", "to": "m-power"}
    (problem,) = load_theory(write_yaml(mini)).errors
    assert problem.path == "extracts[1].link"
    assert problem.message == "c-voluntary -> m-power is not a link of CMOC 'cmoc-2'"
    assert problem.allowed == "its links: c-trust -> m-power; m-power -> o-narrow"


def test_duplicate_ids_across_files_in_a_folder(tmp_path, mini, write_yaml):
    studies = {"theorygraph": 1, "studies": [{"id": "m-power", "title": "Clash"}]}
    first = write_yaml(mini, "review/a.yaml")
    second = write_yaml(studies, "review/b.yaml")
    (problem,) = load_theory(tmp_path / "review").errors
    assert problem.file == str(second)
    assert problem.message == "duplicate id 'm-power'"
    assert problem.allowed.startswith(f"ids are unique within a review; first used at {first}:")


def test_review_defined_twice(tmp_path, mini, write_yaml):
    write_yaml(mini, "two/a.yaml")
    write_yaml({"theorygraph": 1, "review": {"id": "other", "title": "X"}}, "two/b.yaml")
    (problem,) = load_theory(tmp_path / "two").errors
    assert problem.message == "the review is described twice"


def test_no_review(write_yaml):
    path = write_yaml("theorygraph: 1\ncontexts: []\n")
    (problem,) = load_theory(path).errors
    assert problem.message == "no review section"


def test_refinement_cycle(mini, write_yaml):
    mini["theories"][0]["refines"] = "t2"
    (problem,) = load_theory(write_yaml(mini)).errors
    assert problem.message == "theories refine each other in a cycle: t1 -> t2 -> t1"


def test_self_references_are_refused(mini, write_yaml):
    mini["theories"][0]["refines"] = "t1"
    mini["cmocs"][0]["leads_to"] = ["cmoc-1"]
    messages = sorted(p.message for p in load_theory(write_yaml(mini)).errors)
    assert messages == ["a CMOC cannot lead into itself", "a theory cannot refine itself"]


def test_all_problems_are_reported_at_once(mini, write_yaml):
    mini["extracts"][0]["stance"] = "maybe"
    mini["studies"][0]["year"] = "recent"
    mini["contexts"][1]["kind"] = "cosmic"
    mini["cmocs"][1]["leads_to"] = ["cmoc-9"]
    assert len(load_theory(write_yaml(mini)).errors) == 4


def test_warnings_for_what_a_reviewer_should_see(mini, write_yaml):
    mini["mechanisms"].append({"id": "m-lonely", "label": "In no CMOC"})
    mini["studies"].append({"id": "s3", "title": "Never cited"})
    mini["extracts"] = [x for x in mini["extracts"] if x["cmoc"] != "cmoc-2"]
    loaded = load_theory(write_yaml(mini))
    assert loaded.errors == []
    assert loaded.document is not None
    assert sorted(p.message for p in loaded.warnings) == [
        "CMOC 'cmoc-2' has no evidence",
        "mechanism 'm-lonely' is in no CMOC",
        "study 's3' has no extracts",
    ]


def test_read_theory_raises_with_every_error(mini, write_yaml):
    mini["extracts"][0]["stance"] = "maybe"
    mini["extracts"][1]["cmoc"] = "nope"
    with pytest.raises(InvalidTheoryError) as caught:
        read_theory(write_yaml(mini))
    assert len(caught.value.errors) == 2
    assert str(caught.value).splitlines()[0].endswith(": 2 errors")


def test_check_document_finds_problems_in_memory(mini, write_yaml):
    document = read_theory(write_yaml(mini))
    document.extracts[0].cmoc = "cmoc-x"
    (problem,) = [p for p in check_document(document) if p.severity == "error"]
    assert (problem.path, problem.file) == ("extracts[0].cmoc", None)


def test_an_outcome_may_be_the_context_of_the_next_cmoc(mini, write_yaml):
    mini["cmocs"][1]["contexts"] = ["o-collab", "c-trust"]
    loaded = load_theory(write_yaml(mini))
    assert loaded.errors == []
    assert loaded.warnings == []


def test_outcome_as_context_without_leads_to_is_flagged(mini, write_yaml):
    mini["cmocs"][1]["contexts"] = ["o-collab", "c-trust"]
    mini["cmocs"][0]["leads_to"] = []
    (warning,) = load_theory(write_yaml(mini)).warnings
    assert warning.path == "cmocs[1].contexts[0]"
    assert warning.message == (
        "context 'o-collab' is an outcome of cmoc-1, which does not lead to 'cmoc-2'"
    )
    assert warning.allowed == "add cmoc-2 to leads_to of cmoc-1 to chain them"


def test_opening_a_theory_with_warnings_never_parses_it_for_lines(mini, write_yaml, monkeypatch):
    """read_theory shows no warning, so it never runs the slow line-number parser for them
    (it used to, for every file with a warning); errors still come with their lines."""
    import theorygraph.theoryfile as theoryfile

    mini["mechanisms"].append({"id": "m-unused", "label": "Used by no CMOC"})
    path = write_yaml(mini)
    assert any(p.severity == "warning" and p.line for p in load_theory(path).problems)

    def no_second_parse():
        raise AssertionError("the line-number parser ran")

    with monkeypatch.context() as patched:
        patched.setattr(theoryfile, "_yaml", no_second_parse)
        assert read_theory(path).review.id == "mini"

    mini["extracts"][0]["stance"] = "support"
    with pytest.raises(InvalidTheoryError) as raised:
        read_theory(write_yaml(mini))
    (problem,) = [p for p in raised.value.problems if p.severity == "error"]
    assert problem.path == "extracts[0].stance" and problem.line is not None


def test_the_fast_loader_reads_every_scalar_as_ruamel_does(tmp_path):
    """The resolver that settles the YAML version once per file reads every kind of plain
    scalar exactly as ruamel's own safe loader does."""
    from ruamel.yaml import YAML

    from theorygraph.theoryfile import _fast_load

    scalars = [
        "yes", "no", "on", "off", "y", "n", "true", "False", "TRUE", "null", "~", "Null", "",
        "0", "-1", "+2", "0o17", "017", "0x1f", "1_000", "1e3", "1.5e-3", ".inf", "-.Inf",
        "2024-01-31", "2024-01-31T10:00:00Z", "12:30", "1:2:3", "0b101",
        "text", "a b", "3.", "-x", "+",
    ]  # fmt: skip
    text = "".join(f"k{i}: {s}\n" if s else f"k{i}:\n" for i, s in enumerate(scalars))
    text += "list: [1, a, true, null, 2.5]\nnested: {a: [yes, {b: 1e2}]}\n"
    plain = YAML(typ="safe", pure=False)
    for _ in range(2):  # the resolver is made once and shared by every file
        assert _fast_load(text, is_json=False) == plain.load(text)
