"""The benchmark suite still runs: ``python -m benchmarks --smoke``, tiny sizes, one repeat.

This checks that every benchmark produces numbers, not that they are fast: the timed
runs are ``python -m benchmarks`` (see docs/performance.md). It needs Neo4j (the
``neo4j_uri`` fixture, which also sets NEO4J_* for the subprocess) and Chromium; like
the other tests it skips without them, except in CI, where it must run.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys

import pytest
from conftest import ROOT, require_chromium

EXPECTED = ("startup", "validate_load", "import", "push", "queries", "map")


@pytest.fixture
def chromium():
    return require_chromium()


def benchmarks(*args: object, timeout: float) -> subprocess.CompletedProcess[str]:
    """``python -m benchmarks ARGS`` from the repository root."""
    return subprocess.run(
        [sys.executable, "-m", "benchmarks", *map(str, args)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def _number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


@pytest.mark.browser
@pytest.mark.slow
def test_every_benchmark_gives_numbers_in_smoke_mode(neo4j_uri, chromium, tmp_path):
    out, docs = tmp_path / "results.json", tmp_path / "performance.md"
    run = benchmarks("--smoke", "--quiet", "--out", out, "--docs", docs, timeout=600)
    assert run.returncode == 0, run.stderr[-3000:]
    results = json.loads(out.read_text(encoding="utf-8"))
    assert results["meta"]["mode"] == "smoke"
    assert tuple(results["benchmarks"]) == EXPECTED
    for name in EXPECTED:
        result = results["benchmarks"][name]
        assert not result.get("error") and not result.get("skipped"), (name, result)
        assert result["rows"], name
        for row in result["rows"]:
            # every row has its number; only a baseline that did not settle in time has
            # the time it was given instead
            assert _number(row["median_s"]) or _number(row.get("over_s")), (name, row)
        assert all(t["verdict"] in ("PASS", "MISS", "n/a") for t in result["targets"])
    machine = results["machine"]
    assert machine["cores"] and machine["memory_gib"] and machine["python"]
    assert machine["neo4j"]["version"] and machine["chromium"]
    page = docs.read_text(encoding="utf-8")
    assert page.startswith("# Performance")
    for name in EXPECTED:
        assert f"## {results['benchmarks'][name]['title']}" in page
    # --render writes the same page again from the JSON, running nothing
    again = tmp_path / "again.md"
    rendered = benchmarks("--smoke", "--render", "--out", out, "--docs", again, timeout=60)
    assert rendered.returncode == 0, rendered.stderr
    assert again.read_text(encoding="utf-8") == page


def test_only_the_full_run_writes_the_committed_results():
    from benchmarks.__main__ import COMMITTED, output_paths

    assert output_paths("full", None, None) == COMMITTED
    for mode in ("quick", "smoke"):
        out, docs = output_paths(mode, None, None)
        assert out not in COMMITTED and docs not in COMMITTED
        assert out.parent == docs.parent != ROOT / "benchmarks"


def test_render_without_results_is_a_usage_error(tmp_path):
    missing = tmp_path / "results.json"
    run = benchmarks("--smoke", "--render", "--out", missing, timeout=60)
    assert run.returncode == 2
    assert run.stderr.splitlines()[-1] == (
        f"Error: cannot read {missing}: [Errno 2] No such file or directory: '{missing}'"
    )
    assert "Traceback" not in run.stderr
    assert list(tmp_path.iterdir()) == []  # no page written from nothing
