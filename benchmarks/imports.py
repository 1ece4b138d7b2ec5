"""Import an extraction sheet into a new review folder, at each size, and read it back.

The sheet is the generated review's own extraction sheet (``theorygraph export --to
spreadsheet``, CSV), each quote lengthened to 600 characters as in real reviews. Each
import is a fresh Python process (``python -m benchmarks.imports SHEET FOLDER CASE``),
so its peak resident memory is that of one import and nothing else. What it wrote is
then validated (``python -m benchmarks.validate_load``): it must be valid and no file
may be larger than theorygraph reads.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from .runner import Context, median, peak_rss_kib, rss_kib

NAME = "import"
TITLE = "Import an extraction sheet"
LIBRARY = "import -o"
BEFORE = "import -o, ruamel writer (before)"
#: runs per size (by mode) of each case; the old writer only at the smaller sizes
REPEATS = {
    LIBRARY: {"full": (3, 2, 1), "quick": (3, 2), "smoke": (1, 1)},
    BEFORE: {"full": (2, 1, 0), "quick": (2, 1), "smoke": (1, 1)},
}
QUOTE_CHARS = 600
TARGET_S = 30.0
TARGET_MIB = 1024.0
ABOUT = f"""\
`theorygraph import spreadsheet SHEET -o FOLDER` (`run_import`: read the CSV, build
and check every extract, plan the files and write them) of the generated review's own
extraction sheet (`theorygraph export --to spreadsheet`), every quote lengthened to
{QUOTE_CHARS} characters; *rows* is the number of extracts. Every import is a new Python
process; *peak RSS* is its peak resident memory, and *of which writing* the time spent
making the YAML text and writing the files. *{BEFORE}* writes the folder as imports did
before `theorygraph.yamlwrite` (ruamel's pure-Python emitter, one file per section
however large): the reference for the writer's speed-up, too slow to try at 100k. The
folder each import writes is validated afterwards in a process of its own (*validate*,
what `theorygraph validate` does): it must be valid, and *largest file* must stay under
the 64 MiB theorygraph reads."""


# -- one import, in a fresh process ------------------------------------------------------------


def child(sheet: str, folder: str, case: str) -> dict[str, Any]:
    """Import ``sheet`` into the new folder ``folder`` once; what the parent reads."""
    import theorygraph.importers.spreadsheet  # noqa: F401 - imported before the baseline RSS
    from theorygraph.importers import write
    from theorygraph.importers.run import run_import

    if case == BEFORE:
        from .previous import folder_texts_before

        write.folder_texts = folder_texts_before  # type: ignore[assignment]
    writing = [0.0]
    plan_new, commit = write.plan_new, write.Plan.write

    def timed_plan(*args: Any, **kwargs: Any) -> Any:
        begun = time.perf_counter()
        try:
            return plan_new(*args, **kwargs)
        finally:
            writing[0] += time.perf_counter() - begun

    def timed_write(self: Any, *args: Any, **kwargs: Any) -> Any:
        begun = time.perf_counter()
        try:
            return commit(self, *args, **kwargs)
        finally:
            writing[0] += time.perf_counter() - begun

    write.plan_new = timed_plan  # type: ignore[assignment]
    write.Plan.write = timed_write  # type: ignore[method-assign]
    before = rss_kib()
    started = time.perf_counter()
    outcome = run_import("spreadsheet", sheet, output=folder)
    done = time.perf_counter()
    return {
        "import_s": done - started,
        "write_s": writing[0],
        "rss_before_kib": before,
        "peak_rss_kib": peak_rss_kib(),
        "extracts": len(outcome.result.document.extracts),
        "files": len(outcome.written),
    }


def _run_child(sheet: Path, folder: Path, case: str) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, "-m", "benchmarks.imports", str(sheet), str(folder), case],
        capture_output=True,
        text=True,
        check=False,
    )
    if out.returncode != 0:
        raise RuntimeError(f"import child failed: {out.stderr.strip()[-2000:]}")
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def write_long_sheet(document: Any, path: Path) -> int:
    """The extraction sheet of ``document``, every quote padded to QUOTE_CHARS; its bytes."""
    from theorygraph.importers.sheet import write_sheet

    pad = " ".join(["Staff said trust between the teams grew as they met each week."] * 12)
    extracts = [
        x.model_copy(update={"quote": f"{x.quote} {pad}"[:QUOTE_CHARS].rstrip()})
        for x in document.extracts
    ]
    write_sheet(document.model_copy(update={"extracts": extracts}), path)
    return path.stat().st_size


def check_folder(folder: Path) -> dict[str, Any]:
    """Validate what an import wrote, in a process of its own; the largest file's size."""
    from theorygraph.theoryfile import MAX_FILE_BYTES

    from .validate_load import _run_child as validate

    sizes = [p.stat().st_size for p in folder.iterdir() if p.is_file()]
    if max(sizes) > MAX_FILE_BYTES:
        raise AssertionError(f"{folder}: a file of {max(sizes)} bytes is too large to read")
    checked = validate(folder, "YAML files")  # exits non-zero unless the folder is valid
    return {
        "validate_s": checked["validate_s"],
        "largest_mib": max(sizes) / 2**20,
        "files_mib": sum(sizes) / 2**20,
        "valid": True,
    }


def run(ctx: Context) -> dict[str, Any]:
    rows = []
    for index, size in enumerate(ctx.mode.sizes):
        document = ctx.sized(size)
        sheet = ctx.workdir / f"sheet-{size.label}.csv"
        sheet_bytes = write_long_sheet(document, sheet)
        for case, repeats_by_mode in REPEATS.items():
            repeats = ctx.mode.pick(repeats_by_mode, index)
            if not repeats:
                continue
            ctx.log(f"import {size.label} ({case}) x{repeats}")
            runs = []
            for n in range(repeats):
                folder = ctx.workdir / f"import-{size.label}-{n}"
                runs.append(_run_child(sheet, folder, case))
                if n == 0 and case == LIBRARY:
                    ctx.log(f"validate what import {size.label} wrote")
                    checked = check_folder(folder)
                if n or case != LIBRARY:
                    _remove(folder)
            _remove(ctx.workdir / f"import-{size.label}-0")
            row: dict[str, Any] = {
                "case": case,
                "size": size.label,
                "rows": len(document.extracts),
                "scale": len(document.extracts),
                "sheet_mib": round(sheet_bytes / 2**20, 2),
                "median_s": median([r["import_s"] for r in runs]),
                "write_s": median([r["write_s"] for r in runs]),
                "peak_rss_mib": median([r["peak_rss_kib"] for r in runs]) / 1024,
                "rss_before_mib": median([r["rss_before_kib"] for r in runs]) / 1024,
                "runs": [round(r["import_s"], 3) for r in runs],
            }
            if case == LIBRARY:
                if runs[0]["extracts"] != len(document.extracts):
                    raise AssertionError(
                        f"import {size.label}: {runs[0]['extracts']} extracts imported, "
                        f"{len(document.extracts)} in the sheet"
                    )
                row.update(files=runs[0]["files"], **checked)
            rows.append(row)
        sheet.unlink()
    return {
        "about": ABOUT,
        "columns": [
            ("case", "case"),
            ("size", "size"),
            ("rows", "rows"),
            ("sheet_mib", "sheet (MiB)"),
            ("median_s", "import (s)"),
            ("growth", "× smallest"),
            ("write_s", "of which writing (s)"),
            ("peak_rss_mib", "peak RSS (MiB)"),
            ("files", "files written"),
            ("files_mib", "written (MiB)"),
            ("largest_mib", "largest file (MiB)"),
            ("validate_s", "validate (s)"),
            ("valid", "valid"),
            ("runs", "runs (s)"),
        ],
        "rows": rows,
        "targets": _targets(rows, ctx),
        "details": [
            "The sheets name one new study per generated study (21,500 at 100k). Before "
            "finding 8, each new study was compared with every study read so far, and "
            "the 10k sheet alone took a minute; the old writer's rows above already have "
            "that fix."
        ],
    }


def _remove(folder: Path) -> None:
    import shutil

    shutil.rmtree(folder, ignore_errors=True)


def _targets(rows: list[dict[str, Any]], ctx: Context) -> list[dict[str, Any]]:
    largest = next(
        (r for r in rows if r["case"] == LIBRARY and r["size"] == "100k"),
        None,
    )
    out = []
    if largest is None:
        for what in (
            f"import: 100k rows in under {TARGET_S:.0f} s",
            "import: 100k rows in under 1 GiB peak memory",
        ):
            out.append({"target": what, "measured": "size not run in this mode", "verdict": "n/a"})
    else:
        out.append(
            {
                "target": f"import: 100k rows in under {TARGET_S:.0f} s",
                "measured": f"{largest['median_s']:.1f} s",
                "verdict": "PASS" if largest["median_s"] < TARGET_S else "MISS",
            }
        )
        out.append(
            {
                "target": "import: 100k rows in under 1 GiB peak memory",
                "measured": f"{largest['peak_rss_mib']:,.0f} MiB",
                "verdict": "PASS" if largest["peak_rss_mib"] < TARGET_MIB else "MISS",
            }
        )
    checked = [r for r in rows if r["case"] == LIBRARY]
    out.append(
        {
            "target": "import: what it writes validates, every file under 64 MiB",
            "measured": ", ".join(
                f"{r['size']}: largest {r['largest_mib']:.1f} MiB" for r in checked
            ),
            "verdict": "PASS" if checked and all(r["valid"] for r in checked) else "MISS",
        }
    )
    return out


if __name__ == "__main__":
    print(json.dumps(child(sys.argv[1], sys.argv[2], sys.argv[3])))
