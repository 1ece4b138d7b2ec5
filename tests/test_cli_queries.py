"""`theorygraph query ...` through CliRunner: formats, empty answers, errors."""

from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner

from theorygraph.cli import main


@pytest.fixture
def q(sample):
    def run(*args: str, source=None):
        result = CliRunner().invoke(
            main,
            ["query", args[0], str(source or sample), *map(str, args[1:])],
            catch_exceptions=False,
        )
        return result

    return run


def test_every_query_has_a_documented_example():
    group = main.commands["query"]
    for name, command in group.commands.items():
        assert f"theorygraph query {name}" in (command.help or ""), name


def test_gaps_table_names_the_unsupported_mechanisms(q):
    result = q("gaps", "--kind", "mechanism")
    assert result.exit_code == 0
    lines = result.stdout.strip().splitlines()
    assert lines[-1] == "evidence for 7 of 10 mechanisms"
    assert sum("no evidence" in line for line in lines) == 3


def test_json_rows_carry_id_label_type_and_counts(q):
    data = json.loads(q("gaps", "--kind", "mechanism", "--format", "json").stdout)
    for row in data["gaps"]:
        assert {"id", "label", "type", "studies", "extracts"} <= set(row)
    assert data["totals"]["Mechanism"] == {"evidenced": 7, "total": 10}


def test_csv_and_markdown(q):
    out = q("contested", "--format", "csv").stdout
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0][:3] == ["type", "id", "label"]
    assert len(rows) > 1
    md = q("contested", "--format", "markdown").stdout.splitlines()
    assert md[0].startswith("| type | id | label |")
    assert md[1].startswith("|---|---|---|")


def test_chains_table_reads_as_sentences(q):
    out = q("chains", "--from", "m-balancing-perspectives").stdout
    assert out.startswith("1. In '")
    assert "No single study evidences every link" in out
    assert out.strip().splitlines()[-1] == "2 chains; 1 carried whole by a single study"


def test_empty_answer_is_said_plainly(q):
    result = q("evidence", "m-own-resilience")
    assert result.exit_code == 0
    assert result.stdout.strip() == "no evidence found for mechanism 'm-own-resilience'"
    csv_result = q("evidence", "m-own-resilience", "--format", "csv")
    assert csv_result.stdout.startswith("stance,extract,study")
    assert "no evidence found" in csv_result.stderr
    data = json.loads(q("evidence", "m-own-resilience", "--format", "json").stdout)
    assert data["extracts"] == 0 and data["by_stance"]["supports"] == []


def test_unknown_id_exits_1_with_suggestion(q):
    result = q("study", "study-3")
    assert result.exit_code == 1
    assert result.stderr.startswith("error: no study with id or label 'study-3'; did you mean ")
    assert "Traceback" not in result.output


def test_several_anchors_is_bad_usage(q):
    result = q("chains", "--from", "m-wider-view", "--to", "o-integrated-working")
    assert result.exit_code == 2
    assert "give one of --from, --to and --through" in result.stderr


def test_bad_kind_is_bad_usage(q):
    assert q("gaps", "--kind", "theory").exit_code == 2


def test_coverage_shows_no_service_user_evidence(q):
    out = q("coverage", "--by", "service_user_involvement").stdout
    assert out.strip().splitlines()[-1] == (
        "no evidence from studies involving service users: 0 of 36 studies involved them"
    )


def test_query_on_a_saved_graph_file(q, sample, tmp_path):
    graph_file = tmp_path / "ics.graph.json"
    CliRunner().invoke(main, ["save", str(sample), "-o", str(graph_file)])
    from_file = q("unintended", "--format", "json").stdout
    from_graph = q("unintended", "--format", "json", source=graph_file).stdout
    assert from_file == from_graph
