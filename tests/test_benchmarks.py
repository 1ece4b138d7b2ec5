"""The benchmarks still run: smoke mode, tiny sizes, every benchmark (not a timing test)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from conftest import ROOT

pytestmark = [pytest.mark.neo4j, pytest.mark.browser, pytest.mark.slow]


def test_every_benchmark_runs_in_smoke_mode(neo4j_uri, tmp_path):
    out, docs = tmp_path / "results.json", tmp_path / "performance.md"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "benchmarks",
            "--smoke",
            "--quiet",
            "--out",
            str(out),
            "--docs",
            str(docs),
        ],
        cwd=ROOT,
        env=dict(os.environ),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    data = json.loads(out.read_text(encoding="utf-8"))
    assert set(data["benchmarks"]) == {"startup", "validate_load", "push", "queries", "map"}
    for name, bench in data["benchmarks"].items():
        assert bench["rows"], name  # every benchmark measured something
        assert not bench.get("error"), (name, bench.get("error"))
    page = docs.read_text(encoding="utf-8")
    assert page.startswith("# Performance")
    assert "| CLI start-up |" in page
