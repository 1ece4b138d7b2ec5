"""The results of a run as JSON, and as the Markdown of docs/performance.md.

docs/performance.md is generated: the tables, targets and machine come from the JSON,
and the findings (profiles, causes, fixes with before and after) from ``benchmarks/findings.md``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

FINDINGS = Path(__file__).with_name("findings.md")
RERUN = """\
```console
$ python -m benchmarks                  # the full run: this page and benchmarks/results.json
$ python -m benchmarks --only push      # one benchmark again, merged into the results
$ python -m benchmarks --quick          # 1k and 10k only, fewer repeats (to a temp folder)
$ python -m benchmarks --smoke          # tiny sizes: checks everything still runs (CI)
```

Neo4j: `NEO4J_URI` (with `NEO4J_USERNAME`, `NEO4J_PASSWORD`) when set, else
`scripts/neo4j-dev` is started, and stopped again afterwards. The benchmarks only ever
write and delete reviews whose id starts with `bench-`, but they clear the server's
query caches: run them against a development server, not a shared one. Chromium is
`/usr/bin/chromium` (or `THEORYGRAPH_CHROMIUM`), driven by Playwright. Reading YAML
is fastest with `ruamel.yaml.clib` installed (a dependency of theorygraph).
"""


def write_json(results: dict[str, Any], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=1, ensure_ascii=False, default=str) + "\n")


# -- formatting ---------------------------------------------------------------------------------


def seconds(value: float) -> str:
    if value >= 100:
        return f"{value:,.0f}"
    if value >= 10:
        return f"{value:.1f}"
    if value >= 1:
        return f"{value:.2f}"
    if value >= 0.01:
        return f"{value:.3f}"
    return f"{value:.4f}"


def cell(key: str, row: dict[str, Any]) -> str:
    value = row.get(key)
    if value is None or value == "":
        return "–"
    if key == "runs":
        shown = [">cap" if v is None else seconds(v) for v in value[:5]]
        return ", ".join(shown) + (f", … ({len(value)})" if len(value) > 5 else "")
    if key in ("vs_naive", "vs_pyvis"):
        bound = "≥ " if row.get(f"{key}_lower_bound") else ""
        return f"{bound}×{value:,.1f}"
    if key == "growth":
        return f"×{value:,.1f}"
    if key == "median_s" and row.get("estimated"):
        return f"≈ {seconds(value)} (est.)"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        if key.endswith("_mib"):
            return f"{value:,.1f}" if value >= 1 else f"{value:.2f}"
        return seconds(value)
    return str(value).replace("|", "\\|")


def add_growth(rows: list[dict[str, Any]]) -> list[str]:
    """Set each row's ``growth`` (time against the smallest size of its case); summary lines."""
    lines = []
    cases: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        if row.get("scale") and row.get("median_s"):
            cases.setdefault(row["case"], []).append(row)
    for case, found in cases.items():
        found.sort(key=lambda r: r["scale"])
        first, last = found[0], found[-1]
        for row in found:
            row["growth"] = row["median_s"] / first["median_s"]
        if len(found) > 1:
            est = " (estimated)" if last.get("estimated") or first.get("estimated") else ""
            lines.append(
                f"- {case}: size ×{_factor(last['scale'] / first['scale'])} ({first['size']} → "
                f"{last['size']}), time ×{last['median_s'] / first['median_s']:,.1f}{est}"
            )
    return lines


def _factor(value: float) -> str:
    return f"{value:,.0f}" if value >= 10 else f"{value:.1f}"


def table(columns: list[tuple[str, str]], rows: list[dict[str, Any]]) -> str:
    used = [(k, h) for k, h in columns if any(r.get(k) not in (None, "") for r in rows)]
    out = ["| " + " | ".join(h for _, h in used) + " |", "|" + "---|" * len(used)]
    for row in rows:
        out.append("| " + " | ".join(cell(k, row) for k, _ in used) + " |")
    return "\n".join(out)


# -- the page ---------------------------------------------------------------------------------


def _machine(results: dict[str, Any]) -> str:
    m = results["machine"]
    meta = results["meta"]
    neo = m.get("neo4j", {})
    packages = ", ".join(f"{k} {v}" for k, v in m["packages"].items() if v)
    rows = [
        ("cores", f"{m['cores']} ({m['usable_cores']} usable by this process)"),
        ("memory", f"{m['memory_gib']} GiB"),
        ("CPU", m["cpu"]),
        ("OS", m["os"]),
        ("Python", m["python"]),
        ("packages", packages),
        (
            "Neo4j server",
            f"{neo.get('version', '–')} {neo.get('edition', '')}, "
            f"heap {neo.get('heap_gib', '?')} GiB, "
            f"{neo.get('nodes_before_run', 0):,} nodes in the database before the run"
            if neo
            else "–",
        ),
        ("Chromium", m.get("chromium", "–")),
        (
            "commit",
            f"{m['git'].get('commit', '?')} ({m['git'].get('modified_files', 0)} files modified)"
            " for the last run; each benchmark's own is under its table"
            if m.get("git")
            else "–",
        ),
        ("load average at start", ", ".join(str(x) for x in m["load_average_at_start"])),
        (
            "run",
            f"`{meta['command']}`, mode {meta['mode']}, {meta['started']}, "
            f"{meta['seconds'] / 60:.1f} min",
        ),
    ]
    return "| | |\n|---|---|\n" + "\n".join(f"| {k} | {v} |" for k, v in rows)


def render(results: dict[str, Any]) -> str:
    from . import BENCHMARKS

    parts = [
        "# Performance",
        "",
        "How fast theorygraph validates, loads, imports, pushes, queries and draws reviews "
        "from 1k to 100k extracts, each measured against a baseline in the same run. This page is "
        "written by `python -m benchmarks` from `benchmarks/results.json` (the findings at "
        "the end come from `benchmarks/findings.md`); rerun it rather than edit it.",
        "",
        "## Rerunning",
        "",
        RERUN,
        "## The machine",
        "",
        _machine(results),
        "",
        "Reviews come from `theorygraph generate` (seed 1, 4 extracts per study on average): "
        + ", ".join(
            f"{s['label']} = {s['studies']:,} studies and {s['mechanisms']} mechanisms"
            for s in results["meta"]["sizes"]
        )
        + ". Medians are over the runs listed in each table. Numbers marked *est.* are "
        "estimates, each saying how it was made. The 1-minute load average under each "
        "benchmark shows how busy the machine was (2 = both cores busy): other work can "
        "share it, and the ratios against baselines measured in the same run are the "
        "numbers to trust most.",
        "",
        "## Targets",
        "",
        "| benchmark | target | measured | verdict |",
        "|---|---|---|---|",
    ]
    benchmarks = results["benchmarks"]
    for name in BENCHMARKS:
        result = benchmarks.get(name)
        if not result:
            continue
        for t in result.get("targets", []):
            verdict = f"**{t['verdict']}**" if t["verdict"] == "MISS" else t["verdict"]
            parts.append(f"| {result['title']} | {t['target']} | {t['measured']} | {verdict} |")
    parts.append("")
    for name in BENCHMARKS:
        result = benchmarks.get(name)
        if not result:
            continue
        parts += [f"## {result['title']}", ""]
        if result.get("skipped") or result.get("error"):
            parts += [f"Not measured: {result.get('skipped') or result.get('error')}", ""]
            continue
        parts += [result["about"], ""]
        growth = add_growth(result["rows"])
        parts += [table(result["columns"], result["rows"]), ""]
        if growth:
            parts += ["Growth from the smallest size to the largest:", "", *growth, ""]
        for detail in result.get("details", []):
            parts += [detail, ""]
        load = result.get("load_average")
        shown = f"; load average {load[0]} before, {load[1]} after" if load else ""
        git = result.get("git") or {}
        if result.get("ran_at"):
            shown += f"; finished {result['ran_at'][:16]}"
        if git.get("commit"):
            dirty = git.get("modified_files", 0)
            shown += f" at commit {git['commit']}" + (f" ({dirty} files modified)" if dirty else "")
        parts += [f"_({result['seconds']:.0f} s to run{shown}.)_", ""]
    if FINDINGS.exists():
        parts += [FINDINGS.read_text(encoding="utf-8").strip(), ""]
    return "\n".join(parts)


def write_markdown(results: dict[str, Any], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(results), encoding="utf-8")
