"""The documentation's examples are real: they validate and run."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

from conftest import ROOT

from theorygraph.validate import load_theory


def yaml_blocks(name: str) -> list[str]:
    text = (ROOT / "docs" / name).read_text(encoding="utf-8")
    return re.findall(r"```yaml\n(.*?)```", text, flags=re.S)


def test_theory_file_example_is_valid_and_complete(tmp_path):
    example = yaml_blocks("theory-files.md")[0]
    assert example.startswith("theorygraph: 1")
    path = tmp_path / "example.yaml"
    path.write_text(example, encoding="utf-8")
    loaded = load_theory(path)
    assert loaded.problems == []
    document = loaded.document
    assert document is not None
    # the example shows every section
    assert all(
        getattr(document, s)
        for s in ("theories", "contexts", "mechanisms", "outcomes", "cmocs", "studies", "extracts")
    )


def test_quickstart_commands_work(tmp_path, monkeypatch):
    """Every theorygraph command of scripts/quickstart runs (the pip step aside)."""
    import shlex

    from click.testing import CliRunner

    from theorygraph.cli import main

    script = (ROOT / "scripts" / "quickstart").read_text(encoding="utf-8")
    commands = [
        shlex.split(line)[1:] for line in script.splitlines() if line.startswith("theorygraph ")
    ]
    assert len(commands) >= 5
    monkeypatch.chdir(tmp_path)
    for args in commands:
        args = [str(ROOT / a) if a.startswith("samples/") else a for a in args]
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 0, (args, result.output)
    assert (
        "evidence for 7 of 10 mechanisms"
        in CliRunner().invoke(main, ["stats", str(ROOT / "samples/ics-leadership")]).stdout
    )
    assert (tmp_path / "ics-leadership-map.html").stat().st_size > 100_000


def _plain_python() -> str:
    """A Python outside any virtual environment: Debian's own when it is externally managed."""
    import sys

    debian = Path("/usr/bin/python3")
    if debian.exists():
        marker = subprocess.run(
            [str(debian), "-c", "import sysconfig; print(sysconfig.get_path('stdlib'))"],
            capture_output=True,
            text=True,
        ).stdout.strip()
        if marker and (Path(marker) / "EXTERNALLY-MANAGED").exists():
            return str(debian)
    return str(Path(sys.base_prefix) / "bin" / "python3")


def test_scripts_make_and_use_a_virtual_environment(tmp_path):
    """The quick start works where pip refuses the system Python (PEP 668, Debian, Ubuntu)."""
    python = _plain_python()
    repo = tmp_path / "clone"
    (repo / "scripts").mkdir(parents=True)
    shutil.copytree(ROOT / "scripts" / "lib", repo / "scripts" / "lib")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "python3").symlink_to(python)
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONHOME")}
    env["PATH"] = f"{bin_dir}:/usr/bin:/bin"
    prefix = '. scripts/lib/python-env\npython3 -c "import sys; print(sys.prefix)"\n'
    probe = prefix + "python3 -m pip install --no-index theorygraph-no-such-package 2>&1 || true\n"
    bare = None
    if python == "/usr/bin/python3":
        # without the environment, this Python's pip refuses to install at all (checked
        # while the script makes its environment: the two share nothing)
        bare = subprocess.Popen(
            ["bash", "-c", "python3 -m pip install --no-index nothing 2>&1 || true"],
            cwd=repo,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
    try:
        run = subprocess.run(
            ["bash", "-c", probe], cwd=repo, env=env, capture_output=True, text=True, timeout=300
        )
        if bare is not None:
            said, _ = bare.communicate(timeout=120)
            assert "externally-managed-environment" in said
    finally:
        if bare is not None and bare.poll() is None:
            bare.kill()
            bare.communicate()
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert Path(lines[0]).resolve() == (repo / ".venv").resolve()
    assert "externally-managed-environment" not in run.stdout
    assert "theorygraph-no-such-package" in run.stdout  # pip ran, and only missed the package
    # a second run reuses the environment instead of making another (pip has been shown to
    # run in it above: this run only sources the script and asks which Python it got)
    again = subprocess.run(
        ["bash", "-c", prefix], cwd=repo, env=env, capture_output=True, text=True, timeout=300
    )
    assert again.returncode == 0, again.stderr
    assert "making a virtual environment" not in again.stderr
    assert again.stdout.splitlines() == lines[:1]


def test_every_test_the_reliability_page_names_exists():
    """docs/reliability.md names the tests that hold each guarantee; each must exist."""
    page = (ROOT / "docs" / "reliability.md").read_text(encoding="utf-8")
    named = set(re.findall(r"`(?:tests/\w+\.py::)?(test_\w+)", page))
    defined: set[str] = set()
    for path in (ROOT / "tests").glob("test_*.py"):
        defined.update(re.findall(r"^(?:async )?def (test_\w+)", path.read_text("utf-8"), re.M))
    assert len(named) > 40
    assert sorted(named - defined) == []


def test_the_cli_reference_is_current():
    """docs/cli.md is what the commands print; regenerate it after changing one."""
    from theorygraph.clidoc import render

    page = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    assert page == render(), "run: python -m theorygraph.clidoc -o docs/cli.md"


def test_the_cypher_the_docs_show_is_the_cypher_that_runs():
    """Every statement docs/queries.md quotes by name is the file theorygraph runs."""
    page = (ROOT / "docs" / "queries.md").read_text(encoding="utf-8")
    quoted = re.findall(r"```cypher\n(// name: (\w+).*?)\n```", page, flags=re.S)
    assert len(quoted) >= 8
    for text, name in quoted:
        assert text == (ROOT / "cypher" / f"{name}.cypher").read_text(encoding="utf-8").rstrip(
            "\n"
        ), name
