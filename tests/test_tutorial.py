"""docs/tutorial.md is real: its commands run, and their outputs show the review's findings.

Every ``$ theorygraph ...`` line of the tutorial's ``console`` blocks runs through the CLI
(except the Neo4j ones, which need a server and are covered by tests/test_neo4j.py). The
checks below look for the sample review's headline findings in what the commands print,
not for the exact text pasted in the tutorial.
"""

from __future__ import annotations

import json
import os
import re
import shlex
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from theorygraph.cli import main

ROOT = Path(__file__).resolve().parent.parent
TUTORIAL = ROOT / "docs" / "tutorial.md"
SAMPLE = "samples/ics-leadership"

CONSOLE_BLOCK = re.compile(r"^```console\n(.*?)^```", re.S | re.M)


def _needs_neo4j(line: str) -> bool:
    """Lines that need a Neo4j server: they use $NEO4J_URI, push, or the scripts."""
    return "$NEO4J_URI" in line or "scripts/" in line or line.split()[2:3] == ["push"]


def tutorial_commands() -> list[str]:
    """Every ``$ theorygraph ...`` command of the tutorial, in order, without the prompt."""
    text = TUTORIAL.read_text(encoding="utf-8")
    commands = []
    for block in CONSOLE_BLOCK.findall(text):
        for line in block.splitlines():
            if line.startswith("$ theorygraph ") and not _needs_neo4j(line):
                commands.append(line[2:])
    return commands


def _args(command: str) -> list[str]:
    """The CLI arguments of a command, with the sample's path made absolute."""
    words = shlex.split(command, comments=True)
    assert words[0] == "theorygraph", command
    return [
        str(ROOT / word) if word == SAMPLE or word.startswith(SAMPLE + "/") else word
        for word in words[1:]
    ]


@dataclass
class Run:
    command: str
    args: list[str]
    exit_code: int
    stdout: str
    output: str  # standard output and standard error together


@pytest.fixture(scope="module")
def runs() -> list[Run]:
    done = []
    here = os.getcwd()
    os.chdir(ROOT)  # as the tutorial says: commands run from the repository's root
    try:
        for command in tutorial_commands():
            args = _args(command)
            result = CliRunner().invoke(main, args, catch_exceptions=False)
            done.append(Run(command, args, result.exit_code, result.stdout, result.output))
    finally:
        os.chdir(here)
    return done


def _find(
    runs: list[Run], what: str, test: Callable[[list[str]], bool], sample: str = SAMPLE
) -> list[Run]:
    """The tutorial's runs of ``what`` on ``sample`` (commands on no sample count for all)."""
    found = [
        r for r in runs if test(r.args) and (sample in r.command or "samples/" not in r.command)
    ]
    assert found, f"the tutorial no longer runs {what}"
    return found


def _table_rows(text: str, first_header: str) -> Iterator[list[str]]:
    """The rows of the aligned table whose header starts with ``first_header``."""
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if line.split()[:1] == [first_header] and i + 1 < len(lines):
            for row in lines[i + 2 :]:
                if not row.strip():
                    return
                yield row.split()
            return


def test_the_tutorial_has_enough_commands(runs):
    assert len(runs) >= 8, [r.command for r in runs]


def test_every_command_runs(runs):
    failed = [(r.command, r.exit_code, r.output) for r in runs if r.exit_code != 0]
    assert not failed


def test_evidence_for_7_of_10_mechanisms(runs):
    stats = _find(runs, "theorygraph stats", lambda a: a[0] == "stats" and "json" not in a)
    gaps = _find(
        runs,
        "query gaps --kind mechanism",
        lambda a: a[:2] == ["query", "gaps"] and "mechanism" in a,
    )
    for run in stats + gaps:
        assert "evidence for 7 of 10 mechanisms" in run.stdout, run.command


def test_inspiring_intent_is_the_most_evidenced_mechanism(runs):
    stats = _find(runs, "theorygraph stats", lambda a: a[0] == "stats")
    for run in stats:
        if "json" in run.args:
            mechanisms = json.loads(run.stdout)["mechanisms"]
            assert mechanisms[0]["id"] == "m-inspiring-intent"
            studies = [m["studies"] for m in mechanisms]
            assert studies == sorted(studies, reverse=True)
        else:
            rows = list(_table_rows(run.stdout, "mechanism"))
            assert rows, run.stdout
            assert rows[0][0] == "m-inspiring-intent"
    _find(
        runs,
        "query evidence ... m-inspiring-intent",
        lambda a: a[:2] == ["query", "evidence"] and "m-inspiring-intent" in a,
    )


def test_no_evidence_for_resilience(runs):
    found = _find(
        runs,
        "query evidence ... m-own-resilience",
        lambda a: a[:2] == ["query", "evidence"] and "m-own-resilience" in a,
    )
    for run in found:
        assert "no evidence found for mechanism 'm-own-resilience'" in run.output


def test_no_evidence_from_studies_involving_service_users(runs):
    found = _find(
        runs,
        "query coverage --by service_user_involvement",
        lambda a: a[:2] == ["query", "coverage"] and "service_user_involvement" in a,
    )
    for run in found:
        last = run.stdout.strip().splitlines()[-1]
        assert last.startswith("no evidence from studies involving service users"), last


def test_the_unintended_outcome_and_its_chain(runs):
    found = _find(runs, "query unintended", lambda a: a[:2] == ["query", "unintended"])
    for run in found:
        assert "o-less-diversity" in run.stdout
        assert "c-pre-existing-networks" in run.stdout


def test_neo4j_lines_are_left_out():
    commands = tutorial_commands()
    assert not any("$NEO4J_URI" in c or c.split()[1] == "push" for c in commands)


PORTFOLIO = "samples/portfolio-srl"


def test_the_second_review_s_questions(runs):
    def on(what: str, test: Callable[[list[str]], bool]) -> str:
        return "\n".join(r.stdout for r in _find(runs, what, test, PORTFOLIO))

    gaps = on("gaps --kind outcome", lambda a: a[:1] == ["query"] and "gaps" in a)
    assert "o-monitoring" in gaps and "single study" in gaps
    directions = on("query directions", lambda a: a[:2] == ["query", "directions"])
    assert directions.rstrip().endswith(
        "5 of 12 qualified nodes appear with opposite directions: m-ap, m-m, o-feedback, "
        "o-learning-objectives, o-self-assessment"
    )
    cycle = on("chains of the learning cycle", lambda a: a[:2] == ["query", "chains"])
    assert "2 chains; 0 carried whole by a single study" in cycle
    assert "6 links without supporting evidence: the chain is not evidenced." in cycle
