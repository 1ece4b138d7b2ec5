"""CLI start-up: ``theorygraph --help`` against ``python -c pass``, in the same run.

The commands run in turn (pass, console script, ``-m``, pass, ...), so that a slow
spell of a shared machine falls on all of them alike.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from .runner import Context, median

NAME = "startup"
TITLE = "CLI start-up"
REPEATS = {"full": (15,), "quick": (10,), "smoke": (2,)}
TARGET_EXTRA_S = 0.3
ABOUT = """\
Wall time of a fresh process: `python -c pass` (the interpreter alone), the
`theorygraph --help` console script, and `python -m theorygraph --help`, run in turn.
*extra* is the median minus the median of `python -c pass`. The slowest imports of
`theorygraph --help` (`python -X importtime`, cumulative) are listed below the table."""


def _script() -> str:
    beside = Path(sys.executable).with_name("theorygraph")
    return str(beside) if beside.exists() else (shutil.which("theorygraph") or "theorygraph")


def _time(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def slowest_imports(min_ms: float = 5.0) -> list[tuple[int, str, float]]:
    """(depth, module, cumulative seconds) of the imports of ``theorygraph --help`` that
    take at least ``min_ms``, top-level imports and the ones they make directly."""
    out = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "theorygraph", "--help"],
        capture_output=True,
        text=True,
        check=True,
    )
    found: list[tuple[int, str, float]] = []
    pending: list[tuple[int, str, float]] = []  # -X importtime lists children first
    for line in out.stderr.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        _, _, rest = line.partition(":")
        _, cumulative, name = rest.split("|")
        depth = (len(name) - len(name.lstrip()) - 1) // 2
        item = (depth, name.strip(), int(cumulative) / 1e6)
        if depth == 1 and item[2] * 1000 >= min_ms:
            pending.append(item)
        elif depth == 0:
            if item[2] * 1000 >= min_ms:
                found += [item, *pending]
            pending = []
    return found


def run(ctx: Context) -> dict[str, Any]:
    commands = {
        "python -c pass": [sys.executable, "-c", "pass"],
        "theorygraph --help": [_script(), "--help"],
        "python -m theorygraph --help": [sys.executable, "-m", "theorygraph", "--help"],
    }
    repeats = ctx.mode.pick(REPEATS, 0)
    times: dict[str, list[float]] = {name: [] for name in commands}
    for command in commands.values():  # warm the file cache once, untimed
        _time(command)
    ctx.log(f"startup x{repeats}")
    for _ in range(repeats):
        for name, command in commands.items():
            times[name].append(_time(command))
    base = median(times["python -c pass"])
    rows = []
    for name, runs in times.items():
        rows.append(
            {
                "case": name,
                "median_s": median(runs),
                "extra_s": median(runs) - base,
                "min_s": min(runs),
                "runs": [round(r, 3) for r in runs],
            }
        )
    script = next(r for r in rows if r["case"] == "theorygraph --help")
    imports = slowest_imports()
    return {
        "about": ABOUT,
        "columns": [
            ("case", "command"),
            ("median_s", "median (s)"),
            ("extra_s", "extra (s)"),
            ("min_s", "fastest (s)"),
            ("runs", "runs (s)"),
        ],
        "rows": rows,
        "targets": [
            {
                "target": f"`theorygraph --help` under {TARGET_EXTRA_S} s more than "
                "`python -c pass`",
                "measured": f"+{script['extra_s']:.3f} s",
                "verdict": "PASS" if script["extra_s"] < TARGET_EXTRA_S else "MISS",
            }
        ],
        "details": [
            "Slowest top-level imports of `python -m theorygraph --help` "
            "(`-X importtime`, cumulative, one run):\n\n"
            + "\n".join(
                f"{'  ' * depth}- `{name}`: {seconds * 1000:.0f} ms"
                for depth, name, seconds in imports
            )
        ],
    }
