"""Densely linked theories: every query stops at its limit, says so, and stays bounded.

60 CMOCs, each handing on to the next two, hold over a million chains 20 CMOCs long (an
allowed --max-depth); a grid of CMOCs sharing nodes holds astronomically many paths. Each
query here runs in a process held to 1 GiB and 10 seconds (conftest.run_bounded).
"""

from __future__ import annotations

import json

import pytest
from conftest import run_bounded

from theorygraph.model import TheoryDocument
from theorygraph.queries import MAX_CHAINS, MAX_PATHS, MAX_WALKS
from theorygraph.traversal import walks

STOPPED = "the search stopped at its limit"


def ladder(n: int = 60, *, unintended: bool = False) -> dict:
    """CMOC k{i} hands on to k{i+1} and k{i+2}; its outcome is the next one's context."""
    return {
        "theorygraph": 1,
        "review": {"id": "ladder", "title": "A ladder of CMOCs"},
        "contexts": [{"id": "c0", "label": "C0"}],
        "mechanisms": [{"id": f"m{i}", "label": f"M{i}"} for i in range(n)],
        "outcomes": [
            {"id": f"o{i}", "label": f"O{i}", **({"intended": False} if unintended else {})}
            for i in range(n)
        ],
        "cmocs": [
            {
                "id": f"k{i}",
                "label": f"K{i}",
                "contexts": ["c0" if i == 0 else f"o{i - 1}"],
                "mechanisms": [f"m{i}"],
                "outcomes": [f"o{i}"],
                "leads_to": [f"k{j}" for j in (i + 1, i + 2) if j < n],
            }
            for i in range(n)
        ],
    }


def grid(n: int = 10, hand_offs: bool = False) -> dict:
    """n x n CMOCs sharing n contexts, n mechanisms and n outcomes: a dense node graph;
    with ``hand_offs``, each CMOC leads to every CMOC whose context has its outcome's
    number (dense in configurations too)."""
    return {
        "theorygraph": 1,
        "review": {"id": "grid", "title": "A grid"},
        "contexts": [{"id": f"c{i}", "label": f"C{i}"} for i in range(n)],
        "mechanisms": [{"id": f"m{j}", "label": f"M{j}"} for j in range(n)],
        "outcomes": [{"id": f"o{i}", "label": f"O{i}"} for i in range(n)],
        "cmocs": [
            {
                "id": f"k{i}-{j}",
                "label": f"K{i}.{j}",
                "contexts": [f"c{i}"],
                "mechanisms": [f"m{j}"],
                "outcomes": [f"o{(i + j) % n}"],
                "leads_to": [f"k{(i + j) % n}-{k}" for k in range(n)]
                if hand_offs and (i + j) % n != i
                else [],
            }
            for i in range(n)
            for j in range(n)
        ],
    }


@pytest.fixture
def ladder_file(tmp_path):
    path = tmp_path / "ladder.json"
    path.write_text(json.dumps(ladder()), encoding="utf-8")
    return path


@pytest.fixture(params=["embedded", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def ladder_source(request, ladder_file):
    """The ladder as a file, and pushed to Neo4j (``--review ladder``)."""
    if request.param == "embedded":
        return [ladder_file]
    store = request.getfixturevalue("store")
    store.push(TheoryDocument.model_validate(ladder()), replace=True)
    return [store.settings.uri, "--review", "ladder"]


@pytest.mark.parametrize(
    "anchor", [[], ["--through", "m30"], ["--to", "o59"], ["--from", "k0"]], ids=str
)
def test_chains_stop_at_the_limit_and_say_so(ladder_source, anchor):
    done = run_bounded(
        "query", "chains", *ladder_source, "--max-depth", "20", *anchor, "--format", "json"
    )
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert answer["truncated"] is True
    assert len(answer["chains"]) == MAX_CHAINS
    assert answer["total"] >= MAX_WALKS
    assert STOPPED in answer["headline"]
    # every chain shown is a real one: each step hands on to the next
    for chain in answer["chains"]:
        steps = chain["steps"]
        for before, after in zip(steps, steps[1:], strict=False):
            assert int(after["cmoc"][1:]) - int(before["cmoc"][1:]) in (1, 2)


def test_the_table_says_the_answer_is_partial_and_csv_says_it_on_stderr(ladder_file):
    """How each format says so (in this process: the bounds are the tests' above)."""
    from click.testing import CliRunner

    from theorygraph.cli import main

    def query(*args: object):
        return CliRunner().invoke(main, ["query", "chains", *map(str, args)])

    table = query(ladder_file, "--max-depth", "20")
    assert table.exit_code == 0, table.stderr
    assert STOPPED in table.stdout.splitlines()[-1]
    csv = query(ladder_file, "--max-depth", "20", "--format", "csv")
    assert csv.exit_code == 0, csv.stderr
    assert STOPPED not in csv.stdout  # rows only
    assert csv.stdout.count("\n") > MAX_CHAINS  # a row per link of each chain shown
    assert csv.stderr.startswith("note: ") and STOPPED in csv.stderr


def test_below_the_limit_nothing_is_said_to_be_partial(tmp_path):
    path = tmp_path / "small.json"
    path.write_text(json.dumps(ladder(8)), encoding="utf-8")
    done = run_bounded("query", "chains", path, "--max-depth", "8", "--format", "json")
    answer = json.loads(done.stdout)
    assert answer["truncated"] is False
    assert answer["total"] == len(answer["chains"]) > 10
    assert "limit" not in answer["headline"]


def test_unintended_shows_at_most_the_limit_in_all(tmp_path):
    path = tmp_path / "ladder.json"
    path.write_text(json.dumps(ladder(unintended=True)), encoding="utf-8")
    done = run_bounded("query", "unintended", path, "--max-depth", "20", "--format", "json")
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert sum(len(o["chains"]) for o in answer["outcomes"]) == MAX_CHAINS
    assert answer["truncated"] is True and "left out at the limit" in answer["headline"]
    assert len(answer["outcomes"]) == 60  # every unintended outcome is still listed


@pytest.mark.parametrize(
    ("hand_offs", "flags"),
    [(False, ["--undirected", "--across-cmocs"]), (True, ["--undirected"])],
    ids=["node-level", "configurations"],
)
def test_paths_on_a_dense_grid_are_the_shortest_and_say_so(tmp_path, hand_offs, flags):
    path = tmp_path / "grid.json"
    path.write_text(json.dumps(grid(hand_offs=hand_offs)), encoding="utf-8")
    done = run_bounded(
        "query", "paths", path, "c0", "o9", "--max-depth", "20", *flags, "--format", "json"
    )
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert answer["truncated"] is True
    found = answer["paths"]
    assert len(found) == MAX_PATHS
    lengths = [len(p) for p in found]
    assert lengths == sorted(lengths) and lengths[0] == 3  # c0 - m9 - o9 first
    assert len({tuple(p) for p in found}) == MAX_PATHS  # each once


def test_walks_are_lazy():
    """Taking ten walks from a 60-CMOC ladder asks for a handful of hand-offs, not millions."""
    asked = []

    def onward(cmoc: str) -> list[str]:
        asked.append(cmoc)
        i = int(cmoc[1:])
        return [f"k{j}" for j in (i + 1, i + 2) if j < 60]

    found = []
    for walk in walks(onward, ["k0"], 20):
        found.append(walk)
        if len(found) == 10:
            break
    assert len(found) == 10 and all(len(w) == 20 for w in found)
    assert len(asked) < 100
