"""The command line through CliRunner: exit codes, messages, formats, documentation."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from theorygraph.cli import main


@pytest.fixture
def run():
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(main, [str(a) for a in args], catch_exceptions=False)

    return invoke


def test_validate_valid_theory(run, mini, write_yaml):
    path = write_yaml(mini)
    result = run("validate", path)
    assert result.exit_code == 0
    assert result.stdout.strip().endswith(f"{path}: valid (1 file, 0 errors, 0 warnings)")


def test_validate_reports_every_error_and_exits_1(run, mini, write_yaml):
    mini["extracts"][0]["stance"] = "support"
    mini["extracts"][1]["study"] = "s9"
    path = write_yaml(mini)
    result = run("validate", path)
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert any(
        line.startswith(f"error: {path}:") and "extracts[0].stance" in line for line in lines
    )
    assert any("extracts[1].study: unknown study id 's9'" in line for line in lines)
    assert lines[-1] == f"{path}: invalid (1 file, 2 errors, 0 warnings)"
    assert "Traceback" not in result.output


def test_validate_strict_fails_on_warnings(run, mini, write_yaml):
    mini["studies"].append({"id": "s3", "title": "Never cited"})
    path = write_yaml(mini)
    assert run("validate", path).exit_code == 0
    result = run("validate", "--strict", path)
    assert result.exit_code == 1
    assert "warning: " in result.stdout


def test_validate_json(run, mini, write_yaml):
    mini["extracts"][0]["stance"] = "support"
    result = run("validate", "--format", "json", write_yaml(mini))
    data = json.loads(result.stdout)
    assert (data["valid"], data["errors"]) == (False, 1)
    assert data["problems"][0]["path"] == "extracts[0].stance"
    assert data["problems"][0]["line"] > 1


def test_missing_source_is_bad_usage(run, tmp_path):
    result = run("validate", tmp_path / "nope.yaml")
    assert result.exit_code == 2
    assert result.stderr.strip() == f"error: {tmp_path / 'nope.yaml'}: no such file or folder"


def test_bad_option_is_bad_usage(run, mini, write_yaml):
    result = run("stats", write_yaml(mini), "--format", "yaml")
    assert result.exit_code == 2


def test_stats_on_invalid_theory_exits_1_without_traceback(run, mini, write_yaml):
    mini["extracts"][0]["cmoc"] = "cmoc-9"
    path = write_yaml(mini)
    result = run("stats", path)
    assert result.exit_code == 1
    assert "extracts[0].cmoc: unknown CMOC id 'cmoc-9'" in result.stderr
    assert result.stdout == ""


def test_stats_table_and_json(run, mini, write_yaml):
    path = write_yaml(mini)
    table = run("stats", path)
    assert table.exit_code == 0
    assert table.stdout.strip().splitlines()[-1] == "evidence for 2 of 2 mechanisms"
    data = json.loads(run("stats", path, "--format", "json").stdout)
    assert data["counts"]["Extract"] == 3
    assert data["headline"] == "evidence for 2 of 2 mechanisms"
    first = data["mechanisms"][0]
    assert {"id", "label", "type", "studies", "extracts"} <= set(first)
    assert first["id"] == "m-inspire"


def test_stats_review_must_match(run, mini, write_yaml):
    result = run("stats", write_yaml(mini), "--review", "other")
    assert result.exit_code == 1
    assert "holds review 'mini', not 'other'" in result.stderr


def test_schema_prints_json_schema(run, tmp_path):
    result = run("schema")
    assert json.loads(result.stdout)["title"] == "theorygraph theory file"
    target = tmp_path / "schema.json"
    assert run("schema", "-o", target).exit_code == 0
    assert json.loads(target.read_text()) == json.loads(result.stdout)


def test_save_round_trip(run, mini, write_yaml, tmp_path):
    path = write_yaml(mini)
    graph_file = tmp_path / "mini.graph.json"
    assert run("save", path, "-o", graph_file).exit_code == 0
    theory_file = tmp_path / "back.yaml"
    assert run("save", graph_file, "-o", theory_file).exit_code == 0
    assert (
        run("stats", theory_file, "--format", "json").stdout
        == run("stats", path, "--format", "json").stdout
    )


def test_save_to_unknown_suffix_is_bad_usage(run, mini, write_yaml, tmp_path):
    result = run("save", write_yaml(mini), "-o", tmp_path / "out.txt")
    assert result.exit_code == 2
    assert "cannot tell the format from the name" in result.stderr
    assert not (tmp_path / "out.txt").exists()


def test_every_command_is_documented_with_an_example():
    for name, command in main.commands.items():
        assert command.help, name
        assert "Example:" in command.help and f"theorygraph {name}" in command.help, name


def test_help_imports_nothing_heavy():
    code = (
        "import sys; from theorygraph.cli import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "names = ('neo4j', 'pyvis', 'networkx', 'pydantic', 'ruamel')\n"
        "heavy = [m for m in names if m in sys.modules]\n"
        "print('HEAVY:' + ','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "HEAVY:"


def test_python_dash_m_works():
    out = subprocess.run(
        [sys.executable, "-m", "theorygraph", "--version"], capture_output=True, text=True
    )
    assert out.returncode == 0
    assert out.stdout.startswith("theorygraph, version ")


def test_export_spreadsheet_round_trip(run, sample, doc, tmp_path):
    from theorygraph.validate import read_theory

    for name in ("sheet.xlsx", "sheet.csv"):
        sheet = tmp_path / name
        result = run("export", sample, "--to", "spreadsheet", "-o", sheet)
        assert result.exit_code == 0, result.output
        target = tmp_path / f"from-{name}"
        skeleton = sample.parent / "ics-leadership-sources" / "skeleton"
        import shutil

        shutil.copytree(skeleton, target)
        refs = sample.parent / "ics-leadership-sources" / "studies.ris"
        back = run("import", "spreadsheet", sheet, "--references", refs, "--into", target)
        assert back.exit_code == 0, back.output
        assert read_theory(target) == doc


def test_export_spreadsheet_needs_a_file(run, sample):
    result = run("export", sample, "--to", "spreadsheet")
    assert result.exit_code == 2
    assert "a spreadsheet is written to a file" in result.output


def test_generate_is_deterministic_and_valid(run, tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    assert run("generate", "--studies", "40", "--seed", "3", "-o", first).exit_code == 0
    assert run("generate", "--studies", "40", "--seed", "3", "-o", second).exit_code == 0
    for name in ("review.yaml", "theory.yaml", "studies.yaml", "extracts.yaml"):
        assert (first / name).read_bytes() == (second / name).read_bytes()
    assert run("validate", first).exit_code == 0
    other = tmp_path / "c"
    run("generate", "--studies", "40", "--seed", "4", "-o", other)
    assert (other / "extracts.yaml").read_bytes() != (first / "extracts.yaml").read_bytes()
    again = run("generate", "--studies", "40", "-o", first)
    assert again.exit_code == 2 and "folder is not empty" in again.stderr


def test_stats_prints_in_every_output_format(sample, doc):
    import csv
    import io

    from theorygraph.cli import main

    mechanisms = [m.id for m in doc.mechanisms]
    runner = CliRunner()
    as_csv = runner.invoke(main, ["stats", str(sample), "--format", "csv"])
    assert as_csv.exit_code == 0, as_csv.output
    rows = list(csv.reader(io.StringIO(as_csv.stdout)))
    assert rows[0] == [
        "mechanism",
        "label",
        "extracts",
        "studies",
        "supports",
        "refutes",
        "refines",
    ]
    assert sorted(r[0] for r in rows[1:]) == sorted(mechanisms)
    markdown = runner.invoke(main, ["stats", str(sample), "--format", "markdown"])
    lines = markdown.stdout.splitlines()
    assert lines[0].startswith("| mechanism | label |") and lines[1].startswith("|---")
    assert lines[-1] == "evidence for 7 of 10 mechanisms"
    table = runner.invoke(main, ["stats", str(sample)])
    assert table.stdout.startswith("review: ics-leadership\nnode type")
