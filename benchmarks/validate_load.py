"""Validate a theory folder and load it into the embedded graph, at each size.

Each run is a fresh Python process (``python -m benchmarks.validate_load FOLDER CASE``),
so its peak resident memory is that of one validate + load and nothing else. The
folder holds the four files ``theorygraph generate`` writes (review, theory, studies,
extracts), written here by a fast writer of the same YAML; the run checks that they
load to the generated document.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from .runner import Context, median, peak_rss_kib, rss_kib

NAME = "validate_load"
TITLE = "Validate and load into the embedded graph"
#: runs per size (by mode) of each case; the round-trip reader only at the smaller sizes
REPEATS = {
    "YAML files": {"full": (5, 3, 1), "quick": (3, 2), "smoke": (1, 1)},
    "JSON files": {"full": (5, 3, 1), "quick": (3, 2), "smoke": (1, 1)},
    "YAML, round-trip reader": {"full": (3, 1, 0), "quick": (2, 1), "smoke": (1, 1)},
}
ABOUT = """\
`load_theory(folder)` (what `theorygraph validate` runs: parse every file, check types,
ids and references, collect every problem with its line) and then
`TheoryGraph.from_document(document)` (the networkx graph every embedded query uses).
Every run is a new Python process; *peak RSS* is that process's peak resident memory,
and *before* its memory after the imports, before reading anything.
*YAML files* are the four files `theorygraph generate` writes; *JSON files* the same
review as `.json` files. *YAML, round-trip reader* reads the YAML the way theorygraph
did before commit 7b1ec23 (every file through ruamel's pure-Python round-trip parser,
for its line numbers): the reference for the reader's speed-up, too slow to try at
100k."""

PARTS = {
    "review.yaml": ("review", "theories"),
    "theory.yaml": ("contexts", "mechanisms", "outcomes", "cmocs"),
    "studies.yaml": ("studies",),
    "extracts.yaml": ("extracts",),
}
_PLAIN = re.compile(r"[A-Za-z_][A-Za-z0-9_ .,()/-]*")
_RESERVED = {"true", "false", "null", "yes", "no", "on", "off", "y", "n", "~"}


# -- a fast writer of the YAML theorygraph generate writes -------------------------------------


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if value is None:
        return "null"
    if value == [] or value == {}:
        return json.dumps(value)
    text = str(value)
    if _PLAIN.fullmatch(text) and not text.endswith(" ") and text.lower() not in _RESERVED:
        return text
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a YAML double-quoted one


def _block(value: Any, indent: int) -> list[str]:
    pad = " " * indent
    out: list[str] = []
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, dict | list) and item:
                out.append(f"{pad}{key}:")
                out += _block(item, indent + 2)
            else:
                out.append(f"{pad}{key}: {_scalar(item)}")
    else:
        for item in value:
            if isinstance(item, dict | list) and item:
                inner = _block(item, indent + 2)
                out.append(f"{pad}- {inner[0].lstrip()}")
                out += inner[1:]
            else:
                out.append(f"{pad}- {_scalar(item)}")
    return out


def write_theory_folder(document: Any, folder: Path, fmt: str = "yaml") -> int:
    """Write a document as the folder ``theorygraph generate`` makes; returns its bytes."""
    folder.mkdir(parents=True, exist_ok=True)
    data = document.to_data()
    size = 0
    for name, keys in PARTS.items():
        chunk = {"theorygraph": data["theorygraph"], **{k: data[k] for k in keys if k in data}}
        if fmt == "json":
            name = name.replace(".yaml", ".json")
            text = json.dumps(chunk, indent=2, ensure_ascii=False) + "\n"
        else:
            text = "\n".join(_block(chunk, 0)) + "\n"
        (folder / name).write_text(text, encoding="utf-8")
        size += len(text.encode("utf-8"))
    return size


# -- one run, in a fresh process ---------------------------------------------------------------


def child(folder: str, case: str) -> dict[str, Any]:
    """Validate and load ``folder`` once; what the parent reads from our stdout."""
    import theorygraph.backends.memory  # noqa: F401 - imported before the baseline RSS
    import theorygraph.theoryfile as theoryfile
    import theorygraph.validate as validate
    from theorygraph.graph import TheoryGraph

    if case == "YAML, round-trip reader":

        def no_fast_parser(text: str, is_json: bool) -> Any:
            raise ValueError("the round-trip reader only")

        theoryfile._fast_load = no_fast_parser  # type: ignore[assignment]
    read = validate.read_raw
    parsing = [0.0]

    def timed_read(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return read(*args, **kwargs)
        finally:
            parsing[0] += time.perf_counter() - started

    validate.read_raw = timed_read  # type: ignore[assignment]
    before = rss_kib()
    started = time.perf_counter()
    loaded = validate.load_theory(folder)
    validated = time.perf_counter()
    if loaded.document is None:
        raise SystemExit(f"{folder}: not valid: {loaded.problems[:3]}")
    graph = TheoryGraph.from_document(loaded.document)
    done = time.perf_counter()
    return {
        "validate_s": validated - started,
        "parse_s": parsing[0],
        "load_s": done - validated,
        "total_s": done - started,
        "rss_before_kib": before,
        "peak_rss_kib": peak_rss_kib(),
        "warnings": sum(1 for p in loaded.problems if p.severity == "warning"),
        "nodes": graph.backend.graph.number_of_nodes(),
    }


def _run_child(folder: Path, case: str) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, "-m", "benchmarks.validate_load", str(folder), case],
        capture_output=True,
        text=True,
        check=False,
    )
    if out.returncode != 0:
        raise RuntimeError(f"validate_load child failed: {out.stderr.strip()[-2000:]}")
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def _check_files(document: Any, folder: Path) -> None:
    """The fast writer's files read back to the generated document."""
    from theorygraph.validate import load_theory

    if load_theory(folder).document != document:
        raise AssertionError(f"{folder}: the written files do not load to the generated review")


def run(ctx: Context) -> dict[str, Any]:
    rows = []
    for index, size in enumerate(ctx.mode.sizes):
        document = ctx.sized(size)
        for case, repeats_by_mode in REPEATS.items():
            repeats = ctx.mode.pick(repeats_by_mode, index)
            if not repeats:
                continue
            fmt = "json" if case.startswith("JSON") else "yaml"
            folder = ctx.workdir / f"theory-{size.label}-{fmt}"
            files = write_theory_folder(document, folder, fmt)
            if index == 0:
                _check_files(document, folder)
            ctx.log(f"validate+load {size.label} ({case}) x{repeats}")
            runs = [_run_child(folder, case) for _ in range(repeats)]
            rows.append(
                {
                    "case": case,
                    "size": size.label,
                    "extracts": len(document.extracts),
                    "scale": len(document.extracts),
                    "files_mib": round(files / 1024 / 1024, 2),
                    "validate_s": median([r["validate_s"] for r in runs]),
                    "parse_s": median([r["parse_s"] for r in runs]),
                    "load_s": median([r["load_s"] for r in runs]),
                    "median_s": median([r["total_s"] for r in runs]),
                    "peak_rss_mib": median([r["peak_rss_kib"] for r in runs]) / 1024,
                    "rss_before_mib": median([r["rss_before_kib"] for r in runs]) / 1024,
                    "runs": [round(r["total_s"], 3) for r in runs],
                    "warnings": runs[0]["warnings"],
                }
            )
    return {
        "about": ABOUT,
        "columns": [
            ("case", "case"),
            ("size", "size"),
            ("extracts", "extracts"),
            ("files_mib", "files (MiB)"),
            ("validate_s", "validate (s)"),
            ("parse_s", "of which parsing (s)"),
            ("load_s", "load into networkx (s)"),
            ("median_s", "total (s)"),
            ("growth", "× smallest"),
            ("peak_rss_mib", "peak RSS (MiB)"),
            ("rss_before_mib", "before (MiB)"),
            ("runs", "runs (s)"),
        ],
        "rows": rows,
        "targets": [],
        "details": [
            "The issue sets no target for validation; the numbers show where the time goes. "
            "The generated reviews carry a few warnings each (contexts in no CMOC, CMOCs "
            "without evidence), so every run also finds the line of each warning."
        ],
    }


if __name__ == "__main__":
    print(json.dumps(child(sys.argv[1], sys.argv[2])))
