"""The notebook in docs/ runs: every cell in a real kernel, from the repository's root, and
its outputs are the library's answers (a DataFrame as many rows as the query has)."""

from __future__ import annotations

import nbformat
import pytest
from conftest import ROOT
from nbclient import NotebookClient

from theorygraph import present
from theorygraph.graph import TheoryGraph

NOTEBOOK = ROOT / "docs" / "notebook.ipynb"

#: seconds a cell, or the kernel's start, may take before the test fails
CELL_TIMEOUT = 60


def read() -> nbformat.NotebookNode:
    return nbformat.read(NOTEBOOK, as_version=4)


@pytest.fixture(scope="module")
def executed(tmp_path_factory, monkeypatch_module):
    """The notebook, run once; the kernel writes its files under a temporary folder."""
    home = tmp_path_factory.mktemp("kernel")
    monkeypatch_module.setenv("IPYTHONDIR", str(home / "ipython"))
    monkeypatch_module.setenv("JUPYTER_RUNTIME_DIR", str(home / "runtime"))
    monkeypatch_module.setenv("JUPYTER_PLATFORM_DIRS", "1")
    notebook = read()
    client = NotebookClient(
        notebook,
        timeout=CELL_TIMEOUT,
        startup_timeout=CELL_TIMEOUT,
        kernel_name="python3",
        resources={"metadata": {"path": str(ROOT)}},
    )
    client.execute()  # raises CellExecutionError, naming the cell, when one fails
    return {cell.id: cell for cell in notebook.cells}


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as patch:
        yield patch


def result(cell: nbformat.NotebookNode, mime: str = "text/plain") -> str:
    """What the cell's last line displays, in one MIME type."""
    [shown] = [o for o in cell.outputs if o.output_type == "execute_result"]
    return str(shown.data[mime])


def printed(cell: nbformat.NotebookNode) -> str:
    return "".join(o.text for o in cell.outputs if o.output_type == "stream")


def test_the_notebook_is_committed_without_outputs():
    """Outputs (a map is a megabyte) are made by running it, never stored."""
    code = [cell for cell in read().cells if cell.cell_type == "code"]
    assert len(code) >= 8
    assert all(cell.outputs == [] and cell.execution_count is None for cell in code)


def test_every_cell_runs_and_shows_something(executed):
    for cell in executed.values():
        if cell.cell_type != "code":
            continue
        assert cell.execution_count is not None, cell.id
        assert not [o for o in cell.outputs if o.output_type == "error"], cell.id
        assert cell.outputs, f"{cell.id} shows nothing"


def test_the_notebook_shows_the_answers_of_the_library(executed, doc):
    # the sample, named as the notebook names it (it runs from the repository's root)
    tg = TheoryGraph.from_document(doc, "samples/ics-leadership")
    assert result(executed["open"]) == repr(tg)
    assert result(executed["open"], "text/html") == tg._repr_html_()
    assert "evidence for 7 of 10 mechanisms" in result(executed["stats"], "text/html")
    gaps = tg.gaps(kinds=["mechanism"])
    assert result(executed["gaps"], "text/html") == gaps._repr_html_()

    chains = tg.chains(through="m-inspiring-intent")
    headers, rows, _ = present.table(chains)
    assert printed(executed["chains"]).strip() == chains.headline
    assert result(executed["chains"]) == str((len(rows), len(headers)))
    assert "carried_by_one_study boolean" in " ".join(result(executed["dtypes"]).split())
    assert result(executed["per-chain"]).splitlines()[0].split() == [
        "links",
        "fewest_studies",
        "carried_by_one_study",
    ]

    evidence = tg.evidence("m-inspiring-intent->o-collaborative-intent")
    assert printed(executed["evidence"]).strip() == evidence.headline
    assert "Illustrative study 01 (2017)" in result(executed["evidence"])


def test_the_map_shows_inline_in_a_sandboxed_frame(executed):
    shown = result(executed["map"], "text/html")
    assert shown.startswith('<iframe style="width:100%;height:640px;')
    assert 'sandbox="allow-scripts" srcdoc="&lt;!DOCTYPE html&gt;' in shown
    assert "m-inspiring-intent" in shown
