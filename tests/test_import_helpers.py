"""Helpers shared by the import tests (no tests here): write sheets, run the CLI, snapshot.

Named like the import test modules so it sits beside them; pytest finds no tests in it.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from conftest import ROOT

from theorygraph.cli import main

SOURCES = ROOT / "samples" / "ics-leadership-sources"
HEADER = ["study", "quote", "location", "context", "mechanism", "outcome", "stance"]


def write_sheet_file(path: Path, rows: list[list[Any]], sheet: str = "Sheet1") -> Path:
    """Write rows (the first is the header) as .xlsx or .csv, as a user's program would."""
    if path.suffix == ".xlsx":
        from openpyxl import Workbook

        book = Workbook()
        ws = book.active
        ws.title = sheet
        for row in rows:
            ws.append(row)
        book.save(path)
    else:
        with path.open("w", encoding="utf-8", newline="") as handle:
            csv.writer(handle).writerows(rows)
    return path


def run(*args: Any):
    """``theorygraph import ARGS`` through CliRunner (stderr kept apart), from the top
    command as a user runs it: invoking the ``import`` group alone would leave click's
    shared help option without ``-h`` for every later test in the process."""
    return CliRunner().invoke(main, ["import", *(str(a) for a in args)], catch_exceptions=False)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def skeleton(tmp_path: Path, name: str = "theory") -> Path:
    target = tmp_path / name
    shutil.copytree(SOURCES / "skeleton", target)
    return target


def errors(result) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.startswith("error: ")]
