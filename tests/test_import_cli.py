"""The import command line: targets, usage errors, documentation, progress, atomic writes."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from test_import_helpers import HEADER, SOURCES, run, snapshot, write_sheet_file

from theorygraph.cli_import import import_
from theorygraph.validate import load_theory, read_theory

ROW = [
    "s1",
    "A quote.",
    "p. 1",
    "Voluntary cooperation",
    "Inspiring intent",
    "Collaboration",
    "supports",
]


@pytest.fixture
def sheet(tmp_path):
    return write_sheet_file(tmp_path / "x.csv", [HEADER, ROW])


def test_new_theory_folder_with_review_id_and_title(tmp_path, sheet):
    result = run(
        "spreadsheet",
        sheet,
        "-o",
        tmp_path / "t",
        "--review-id",
        "my-review",
        "--title",
        "My review",
    )
    assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in (tmp_path / "t").iterdir()) == [
        "extracts.yaml",
        "review.yaml",
        "studies.yaml",
        "theory.yaml",
    ]
    loaded = load_theory(tmp_path / "t")
    assert loaded.errors == []
    assert (loaded.document.review.id, loaded.document.review.title) == ("my-review", "My review")
    assert result.stderr.strip() == (
        f"imported 1 context, 1 mechanism, 1 outcome, 1 CMOC, 1 study, 1 extract from "
        f"{sheet} (1 row read); wrote {tmp_path / 't'}"
    )


def test_new_theory_file(tmp_path, sheet):
    assert run("spreadsheet", sheet, "-o", tmp_path / "review.json").exit_code == 0
    assert read_theory(tmp_path / "review.json").review.id == "x"


@pytest.mark.parametrize(
    "args, message",
    [
        (
            [],
            "say where the theory goes: -o DIR for a new theory, or --into SOURCE to merge into "
            "an existing one",
        ),
        (
            ["-o", "a", "--into", "b"],
            "say where the theory goes: -o DIR for a new theory, or "
            "--into SOURCE to merge into an existing one",
        ),
        (
            ["--into", "b", "--review-id", "r"],
            "--review-id and --title name a new review; with "
            "--into the theory keeps its own review",
        ),
    ],
)
def test_target_usage_errors(sheet, args, message):
    result = run("spreadsheet", sheet, *args)
    assert result.exit_code == 2
    assert result.stderr.strip() == f"error: {message}"


def test_missing_input_file(tmp_path):
    result = run("spreadsheet", tmp_path / "nope.csv", "-o", tmp_path / "t")
    assert result.exit_code == 2
    assert result.stderr.strip() == f"error: {tmp_path / 'nope.csv'}: no such file"


def test_non_empty_folder_needs_force(tmp_path, sheet):
    target = tmp_path / "t"
    target.mkdir()
    (target / "notes.txt").write_text("mine", encoding="utf-8")
    result = run("spreadsheet", sheet, "-o", target)
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        f"error: {target} is not empty; use --force to write into it, or --into to merge into "
        "the theory there"
    )
    assert run("spreadsheet", sheet, "-o", target, "--force").exit_code == 0
    assert (target / "notes.txt").read_text(encoding="utf-8") == "mine"
    (target / "old.yaml").write_text("theorygraph: 1\n", encoding="utf-8")
    result = run("spreadsheet", sheet, "-o", target, "--force")
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        f"error: {target} holds other theory files (old.yaml) that would be read as part of the "
        "review; remove them or use --into"
    )


def test_a_failed_write_leaves_the_folder_as_it_was(tmp_path, monkeypatch):
    from theorygraph import files as write

    target = tmp_path / "theory"
    import shutil

    shutil.copytree(SOURCES / "skeleton", target)
    before = snapshot(target)
    calls = {"n": 0}
    real = os.fsync

    def flaky(fd):
        calls["n"] += 1
        if calls["n"] == 2:
            raise OSError(28, "No space left on device")
        return real(fd)

    monkeypatch.setattr(write.os, "fsync", flaky)
    from theorygraph.errors import SourceError

    with pytest.raises(SourceError, match="cannot write: No space left on device; nothing"):
        from theorygraph.importers.run import run_import

        run_import(
            "spreadsheet",
            SOURCES / "extraction.csv",
            into=target,
            references=SOURCES / "studies.ris",
        )
    assert snapshot(target) == before  # no new file, no temporary left behind


def test_invalid_into_theory_is_reported_as_such(tmp_path, sheet, mini, write_yaml):
    mini["extracts"][0]["stance"] = "support"
    theory = write_yaml(mini)
    result = run("spreadsheet", sheet, "--into", theory)
    assert result.exit_code == 1
    assert "extracts[0].stance: 'support' is not an allowed value" in result.stderr


def test_every_import_command_is_documented_with_an_example():
    assert "Example:" in import_.help and "theorygraph import " in import_.help
    for name, command in import_.commands.items():
        assert command.help and "Example:" in command.help, name
        assert f"theorygraph import {name} " in command.help, name


def test_help_imports_no_format_library():
    code = (
        "import sys; from theorygraph.cli_import import import_\n"
        "for args in (['--help'], ['spreadsheet', '--help'], ['qdpx', '--help']):\n"
        "    try:\n        import_(args)\n    except SystemExit:\n        pass\n"
        "heavy = [m for m in ('openpyxl', 'rispy', 'bibtexparser', 'defusedxml', "
        "'theorygraph.importers.spreadsheet') if m in sys.modules]\n"
        "print(heavy)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "[]"


def test_progress_only_on_a_terminal(tmp_path, sheet, monkeypatch):
    from theorygraph.importers import run as run_module

    seen = []
    real = run_module.run_import

    def spy(*args, **kwargs):
        seen.append(kwargs["progress"])
        return real(*args, **kwargs)

    monkeypatch.setattr(run_module, "run_import", spy)
    assert run("spreadsheet", sheet, "-o", tmp_path / "a").exit_code == 0
    assert seen == [None]  # piped (CliRunner): quiet


def test_progress_is_reported_for_large_files(tmp_path):
    from theorygraph.importers.spreadsheet import read_sheet

    rows = [HEADER] + [[f"s{i % 7}", f"Quote {i}", None, "C", "M", "O", "+"] for i in range(1200)]
    sheet = write_sheet_file(tmp_path / "big.xlsx", rows)
    calls = []
    result = read_sheet(sheet, progress=lambda *a: calls.append(a))
    assert len(result.document.extracts) == 1200
    assert ("importing", 1200, 1200) in calls
    assert any(stage == "reading" for stage, _, _ in calls)
