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
