"""The documentation's examples are real: they validate and run."""

from __future__ import annotations

import re

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
