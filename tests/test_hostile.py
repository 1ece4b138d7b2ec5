"""Hostile input: every case gives its exact error, exit 1, no traceback, nothing written.

Each case is a theory file that a user might really produce (or an attacker might
craft). The command under test is `theorygraph save SOURCE -o out.yaml`: it must
refuse the input with one precise line per problem and leave no output behind.
"""

from __future__ import annotations

import json
import os

import pytest
from click.testing import CliRunner
from conftest import run_bounded

from theorygraph.cli import main
from theorygraph.model import TheoryDocument
from theorygraph.theoryfile import dump_document
from theorygraph.validate import load_theory

HEAD = "theorygraph: 1\nreview: {id: r, title: T}\n"

# (case, file name, content (str or bytes), expected error line with {path} for the file)
CASES = [
    (
        "yaml syntax",
        "t.yaml",
        HEAD + "contexts:\n  - id: c-a\n    label: [oops\n",
        "{path}:6: invalid YAML: expected ',' or ']', but got '<stream end>'",
    ),
    (
        "json syntax",
        "t.json",
        '{"theorygraph": 1, "review": {"id": "r" "title": "T"}}',
        "{path}:1: invalid JSON: Expecting ',' delimiter (column 41)",
    ),
    (
        "wrong type",
        "t.yaml",
        HEAD + "studies:\n  - {id: s1, title: S, year: recent}\n",
        "{path}:4: studies[0].year: expected a whole number, got text ('recent')",
    ),
    (
        "unknown enum",
        "t.yaml",
        HEAD + "contexts:\n  - {id: c-a, label: A, kind: cosmic}\n",
        "{path}:4: contexts[0].kind: 'cosmic' is not an allowed value (allowed: organisational, "
        "relational, policy, individual, other)",
    ),
    (
        "duplicate id",
        "t.yaml",
        HEAD + "contexts:\n  - {id: x-1, label: A}\nmechanisms:\n  - {id: x-1, label: B}\n",
        "{path}:6: mechanisms[0].id: duplicate id 'x-1' (ids are unique within a review; "
        "first used at {path}:4)",
    ),
    (
        "dangling id",
        "t.yaml",
        HEAD + "extracts:\n  - {id: x1, study: s9, quote: q, cmoc: c9, stance: supports}\n",
        "{path}:4: extracts[0].study: unknown study id 's9' (no study is defined yet)",
    ),
    (
        "refinement cycle",
        "t.yaml",
        HEAD + "theories:\n  - {id: a, label: A, version: '1', refines: b}\n"
        "  - {id: b, label: B, version: '2', refines: a}\n",
        "{path}:4: theories[0].refines: theories refine each other in a cycle: a -> b -> a "
        "(a refined theory points to an earlier version, never back)",
    ),
    (
        "empty file",
        "t.yaml",
        "",
        "{path}:1: file is empty (a theory file starts with 'theorygraph: 1')",
    ),
    (
        "deep nesting yaml",
        "t.yaml",
        "theorygraph: 1\nx: " + "[" * 100000 + "]" * 100000 + "\n",
        "{path}: nesting is too deep to read (a theory file nests a few levels: sections, "
        "items, fields)",
    ),
    (
        "deep nesting json",
        "t.json",
        '{"theorygraph": 1, "x": ' + "[" * 100000 + "]" * 100000 + "}",
        "{path}: nesting is too deep to read (a theory file nests a few levels: sections, "
        "items, fields)",
    ),
    (
        "not utf-8",
        "t.yaml",
        HEAD.encode() + b"contexts:\n  - {id: c-a, label: \xff\xfe}\n",
        "{path}:4: byte 0xff is not valid UTF-8 (save the file as UTF-8)",
    ),
    (
        "control character",
        "t.yaml",
        HEAD + "contexts:\n  - {id: c-a, label: bell\x07}\n",
        "{path}:4: control character U+0007 is not allowed in YAML (remove it, or write it as "
        "an escape inside a double-quoted string)",
    ),
    (
        "cypher in an id",
        "t.yaml",
        HEAD + 'contexts:\n  - {id: "x\'}) DETACH DELETE n //", label: A}\n',
        '{path}:4: contexts[0].id: "x\'}) DETACH DELETE n //" is not a valid id (ids use '
        "lowercase letters, digits, '-', '_' and '.', start with a letter or digit and have at "
        "most 80 characters, e.g. 'm-trust' or 'study-07')",
    ),
    (
        "cypher in the review id",
        "t.yaml",
        'theorygraph: 1\nreview: {id: "r`) MATCH (n) DETACH DELETE n //", title: T}\n',
        "{path}:2: review.id: 'r`) MATCH (n) DETACH DELETE n //' is not a valid id (ids use "
        "lowercase letters, digits, '-', '_' and '.', start with a letter or digit and have at "
        "most 80 characters, e.g. 'm-trust' or 'study-07')",
    ),
]


@pytest.mark.parametrize("case,name,content,expected", CASES, ids=[c[0] for c in CASES])
def test_hostile_file_is_refused_precisely(tmp_path, case, name, content, expected):
    source = tmp_path / name
    if isinstance(content, bytes):
        source.write_bytes(content)
    else:
        source.write_text(content, encoding="utf-8")
    out = tmp_path / "out.yaml"
    result = CliRunner().invoke(main, ["save", str(source), "-o", str(out)])
    assert result.exit_code == 1, result.output
    assert f"error: {expected.replace('{path}', str(source))}" in result.stderr.splitlines()
    assert "Traceback" not in result.output
    assert result.stdout == ""
    assert sorted(os.listdir(tmp_path)) == [name]  # nothing written, no temp files


def test_a_100_mb_file_is_refused_before_parsing(tmp_path):
    source = tmp_path / "huge.yaml"
    with source.open("wb") as handle:
        handle.write(HEAD.encode())
        chunk = b"# " + b"x" * 1022 + b"\n"
        for _ in range(100 * 1024):
            handle.write(chunk)
    result = CliRunner().invoke(main, ["validate", str(source)])
    assert result.exit_code == 1
    assert result.stdout.splitlines()[0] == (
        f"error: {source}: file is 100.1 MiB; theory files over 64 MiB are not read "
        "(split the review into a folder of smaller files)"
    )


def test_byte_order_mark_right_to_left_and_combining_text_are_kept(tmp_path, mini):
    text = "\u05e2\u05d1\u05e8\u05d9\u05ea \u202bRTL\u202c e\u0301 \u0915\u094d\u0937 \U0001f9ea"
    mini["mechanisms"][0]["label"] = text
    mini["extracts"][0]["quote"] = text * 3
    source = tmp_path / "t.yaml"
    source.write_bytes(b"\xef\xbb\xbf" + dump_document(mini, "yaml").encode("utf-8"))
    document = load_theory(source).document
    assert document is not None
    assert document.mechanisms[0].label == text
    assert document.extracts[0].quote == text * 3


def test_a_one_megabyte_quote_round_trips(tmp_path, mini):
    quote = ("Lorem ipsum «dolor» sit amet, \u05e9\u05dc\u05d5\u05dd. " * 20000)[: 1024 * 1024]
    mini["extracts"][0]["quote"] = quote
    source = tmp_path / "t.json"
    source.write_text(json.dumps(mini), encoding="utf-8")
    out = tmp_path / "out.yaml"
    result = CliRunner().invoke(main, ["save", str(source), "-o", str(out)])
    assert result.exit_code == 0, result.output
    document = load_theory(out).document
    assert document is not None and document.extracts[0].quote == quote


def test_hostile_text_is_kept_verbatim(tmp_path, mini):
    hostile = [
        "x'}) DETACH DELETE n //",
        "`backtick` $param {label} %%DATA%% ${HOME} $(rm -rf /)",
        "</script><script>alert(1)</script><img src=x onerror=alert(2)>",
        "../../etc/passwd",
        "javascript:alert(document.cookie)",
    ]
    for i, text in enumerate(hostile):
        mini["extracts"][i % 3]["quote"] = text
    mini["review"]["title"] = hostile[1]
    mini["studies"][0]["doi"] = hostile[4]
    mini["contexts"][0]["label"] = hostile[3]
    document = TheoryDocument.model_validate(mini)
    source = tmp_path / "t.yaml"
    source.write_text(dump_document(document.to_data(), "yaml"), encoding="utf-8")
    out = tmp_path / "copy.yaml"
    assert CliRunner().invoke(main, ["save", str(source), "-o", str(out)]).exit_code == 0
    assert load_theory(out).document == document


def test_path_text_as_an_output_name_is_refused_without_writing(
    tmp_path, mini, write_yaml, monkeypatch
):
    source = write_yaml(mini)
    work = tmp_path / "a" / "b"
    work.mkdir(parents=True)
    monkeypatch.chdir(work)
    result = CliRunner().invoke(main, ["save", str(source), "-o", "../../etc/passwd"])
    assert result.exit_code == 2
    assert "cannot tell the format from the name" in result.stderr
    assert not (tmp_path / "etc").exists()


def test_write_failure_keeps_the_old_file(tmp_path, mini, write_yaml):
    """A full disk (simulated with a file-size limit) leaves the old file whole."""
    import subprocess
    import sys

    source = write_yaml(mini)
    target = tmp_path / "out.graph.json"
    target.write_text("old content\n", encoding="utf-8")
    code = (
        "import resource, signal, sys\n"
        "signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
        "resource.setrlimit(resource.RLIMIT_FSIZE, (200, 200))\n"
        "from theorygraph.cli import main\n"
        f"main(['save', {str(source)!r}, '-o', {str(target)!r}])\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 1
    assert result.stderr.strip() == (
        f"error: {target}: cannot write: File too large; nothing was changed"
    )
    assert target.read_text(encoding="utf-8") == "old content\n"
    assert sorted(os.listdir(tmp_path)) == ["out.graph.json", "theory.yaml"]


# -- large or deeply nested files are refused before parsing -----------------------------------

TOO_DEEP = "nesting is too deep to read (a theory file nests a few levels: sections, items, fields)"
NOT_A_LIST = (
    "a theory file must be a mapping of sections, not a list (start the file with 'theorygraph: 1')"
)


def _refused(path, expected):
    done = run_bounded("validate", path)
    assert done.returncode == 1, done.stderr
    assert done.stdout.splitlines()[0] == f"error: {path}{expected}"
    assert done.stdout.splitlines()[1:] == [f"{path}: invalid (1 file, 1 error, 0 warnings)"]
    assert "Traceback" not in done.stderr


def test_a_60_mb_file_whose_top_level_is_a_list_is_refused_from_its_first_line(tmp_path):
    path = tmp_path / "list.yaml"
    path.write_bytes(b"# studies\n---\n" + b"- {id: c-a, label: A, note: '[x'}\n" * 1_800_000)
    assert path.stat().st_size > 60_000_000
    _refused(path, ":3: " + NOT_A_LIST)


def test_a_json_file_whose_top_level_is_a_list_is_refused(tmp_path):
    path = tmp_path / "list.json"
    path.write_text('  [{"theorygraph": 1}]', encoding="utf-8")
    _refused(path, ":1: " + NOT_A_LIST)


# each file's text (ASCII), made when its test runs: 60 MB made at collection would be
# held by every process that collects these tests, whether they run or not
@pytest.mark.parametrize(
    "name,text",
    [
        (
            "flow.yaml",
            lambda: b"theorygraph: 1\nx: " + b"[" * 30_000_000 + b"]" * 30_000_000 + b"\n",
        ),
        (
            "flow.json",
            lambda: b'{"theorygraph": 1, "x": ' + b"[" * 30_000_000 + b"]" * 30_000_000 + b"}",
        ),
        # block sequences chained on one line once crashed the C parser
        ("chained.yaml", lambda: b"theorygraph: 1\nx:\n  " + b"- " * 200_000 + b"a\n"),
        (
            "indented.yaml",
            lambda: (
                b"theorygraph: 1\nx:\n" + b"".join(b" " * i + b"k%d:\n" % i for i in range(1100))
            ),
        ),
    ],
    ids=["60 MB of [", "60 MB of [ in JSON", "- - - 200k times", "1,100 levels of keys"],
)
def test_nesting_deeper_than_a_thousand_levels_is_refused_before_parsing(tmp_path, name, text):
    path = tmp_path / name
    path.write_bytes(text())
    _refused(path, ": " + TOO_DEEP)


def test_brackets_in_text_are_not_nesting(tmp_path):
    """Unclosed brackets in quotes, plain text and block scalars open nothing: the file
    (with far more than 1,000 of them) reads as usual."""
    extracts = "".join(
        f"  - {{id: x{i}, study: s1, cmoc: k1, stance: supports, quote: 'see [{i} {{'}}\n"
        f"  - id: y{i}\n    study: s1\n    cmoc: k1\n    stance: refines\n"
        f"    quote: see [ref {i}\n    rationale: |\n      [unclosed {{\n"
        for i in range(800)
    )
    path = tmp_path / "t.yaml"
    path.write_text(
        HEAD
        + "contexts: [{id: c1, label: C}]\nmechanisms: [{id: m1, label: M}]\n"
        + "outcomes: [{id: o1, label: O}]\n"
        + "cmocs: [{id: k1, label: K, contexts: [c1], mechanisms: [m1], outcomes: [o1]}]\n"
        + "studies: [{id: s1, title: S, year: 2020}]\nextracts:\n"
        + extracts,
        encoding="utf-8",
    )
    loaded = load_theory(path)
    assert loaded.errors == []
    assert len(loaded.document.extracts) == 1600
    assert loaded.document.extracts[1].rationale == "[unclosed {\n"
