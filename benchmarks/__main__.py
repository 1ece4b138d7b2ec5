"""``python -m benchmarks``: run the benchmarks, write the JSON and the Markdown."""

from __future__ import annotations

import importlib
import json
import os
import sys
import tempfile
import time
import traceback
from pathlib import Path
from typing import Any

import click

from . import BENCHMARKS
from .report import write_json, write_markdown
from .runner import MODES, ROOT, Unavailable, context, in_ci

COMMITTED = (ROOT / "benchmarks" / "results.json", ROOT / "docs" / "performance.md")
MODULES = {name: {"map": "maps", "import": "imports"}.get(name, name) for name in BENCHMARKS}


@click.command()
@click.option("--quick", "mode", flag_value="quick", help="1k and 10k only, fewer repeats.")
@click.option(
    "--smoke", "mode", flag_value="smoke", help="Tiny sizes, one repeat: does it all run?"
)
@click.option("--full", "mode", flag_value="full", default=True, help="The full run (default).")
@click.option(
    "--only",
    multiple=True,
    type=click.Choice(BENCHMARKS),
    help="Run only this benchmark (repeatable); merged into earlier results of the same mode.",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="JSON results (full run: benchmarks/results.json; else a temporary folder).",
)
@click.option(
    "--docs",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Markdown page (full run: docs/performance.md; else next to the JSON).",
)
@click.option("--quiet", is_flag=True, help="No progress lines on stderr.")
@click.option(
    "--render",
    is_flag=True,
    help="Run nothing: write the Markdown again from the JSON (after editing findings.md).",
)
def main(
    mode: str,
    only: tuple[str, ...],
    out: Path | None,
    docs: Path | None,
    quiet: bool,
    render: bool,
) -> None:
    """Run theorygraph's benchmarks and write their results.

    \b
    Example:
      python -m benchmarks --smoke
    """
    out, docs = output_paths(mode, out, docs)
    if render:
        try:
            saved = json.loads(out.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise click.UsageError(f"cannot read {out}: {exc}") from None
        write_markdown(saved, docs)
        click.echo(f"wrote {docs} from {out}", err=True)
        return
    chosen = [name for name in BENCHMARKS if not only or name in only]
    results = _previous(out, mode) if only else None
    started = time.time()
    failed = []
    with context(MODES[mode], verbose=not quiet) as ctx:
        benchmarks: dict[str, Any] = dict(results["benchmarks"]) if results else {}
        for name in chosen:
            module = importlib.import_module(f"benchmarks.{MODULES[name]}")
            ctx.log(f"--- {name}")
            begun = time.perf_counter()
            load_before = os.getloadavg()[0]
            try:
                result = module.run(ctx)
            except Unavailable as exc:
                if in_ci():
                    failed.append(name)
                    result = {"error": f"{exc}; in CI every benchmark must run", "rows": []}
                else:
                    result = {"skipped": str(exc), "rows": []}
            except Exception as exc:  # noqa: BLE001 - recorded, reported, exit status 1
                failed.append(name)
                traceback.print_exc()
                result = {"error": f"{type(exc).__name__}: {exc}", "rows": []}
            result.update(
                name=name,
                title=module.TITLE,
                seconds=time.perf_counter() - begun,
                load_average=[round(load_before, 2), round(os.getloadavg()[0], 2)],
                ran_at=time.strftime("%Y-%m-%d %H:%M:%S"),
                git=ctx.machine.get("git"),
            )
            benchmarks[name] = result
        machine = ctx.machine
    results = {
        "meta": {
            "mode": mode,
            "command": "python -m benchmarks"
            + ("" if mode == "full" else f" --{mode}")
            + "".join(f" --only {n}" for n in only),
            "started": time.strftime("%Y-%m-%d %H:%M", time.localtime(started)),
            "seconds": time.time() - started,
            "sizes": [
                {"label": s.label, "studies": s.studies, "mechanisms": s.mechanisms}
                for s in MODES[mode].sizes
            ],
        },
        "machine": {**(results or {}).get("machine", {}), **machine},
        "benchmarks": {name: benchmarks[name] for name in BENCHMARKS if name in benchmarks},
    }
    write_markdown(results, docs)
    write_json(results, out)
    click.echo(f"wrote {out} and {docs}", err=True)
    if failed:
        raise click.ClickException(f"benchmarks failed: {', '.join(failed)}")


def output_paths(mode: str, out: Path | None, docs: Path | None) -> tuple[Path, Path]:
    """Where results go: the committed files for a full run, else a temporary folder."""
    if mode == "full":
        return out or COMMITTED[0], docs or COMMITTED[1]
    stamp = f"theorygraph-bench-{mode}-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}"
    folder = out.parent if out else Path(tempfile.gettempdir()) / stamp
    return out or folder / "results.json", docs or folder / "performance.md"


def _previous(path: Path, mode: str) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if data.get("meta", {}).get("mode") == mode else None


if __name__ == "__main__":
    sys.exit(main())
