"""``theorygraph init``: a new review that validates at once, and examples that do too."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from theorygraph.cli import main
from theorygraph.graph import TheoryGraph
from theorygraph.init import FILES
from theorygraph.validate import read_theory

SHEETS = "samples/ics-leadership-sources"


def run(*args: object):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_a_new_review_validates_and_says_what_to_run_next(tmp_path):
    folder = tmp_path / "My Review"
    done = run("init", folder)
    assert done.exit_code == 0, done.output
    assert sorted(p.name for p in folder.iterdir()) == sorted(FILES)
    assert run("validate", folder).exit_code == 0
    document = read_theory(folder)
    assert document.review.id == "my-review"
    assert not document.cmocs and not document.studies and not document.extracts
    steps = [line.strip() for line in done.output.splitlines()[2:]]
    assert steps == [
        f"theorygraph validate {folder}",
        f"theorygraph import spreadsheet extraction.xlsx --into {folder}",
        f"theorygraph map {folder} -o my-review-map.html",
    ]


def uncomment(text: str) -> str:
    """The file with its example in use: the example's lines without their '# ', and the
    empty lists the example replaces left out."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("# --- example"))
    end = next(i for i, line in enumerate(lines) if line.startswith("# --- end of example"))
    example = [line[2:] for line in lines[start + 1 : end]]
    keys = {m.group(1) for line in example if (m := re.match(r"^([a-z_]+):", line))}
    kept = [line for line in lines[:start] if not re.match(rf"^({'|'.join(keys)}): \[\]$", line)]
    return "\n".join([*kept, *example, *lines[end + 1 :]]) + "\n"


def test_every_example_in_the_new_files_is_valid_once_uncommented(tmp_path):
    folder = tmp_path / "review"
    assert run("init", folder).exit_code == 0
    for name in FILES:
        path = folder / name
        path.write_text(uncomment(path.read_text(encoding="utf-8")), encoding="utf-8")
    done = run("validate", folder, "--strict")
    assert done.exit_code == 0, done.output
    document = read_theory(folder)
    assert [c.id for c in document.cmocs] == ["cmoc-01"]
    assert [t.id for t in document.theories] == ["ipt"]
    assert len(document.studies) == 1 and len(document.extracts) == 1
    assert TheoryGraph.open(folder).stats().headline == "evidence for 1 of 1 mechanisms"


@pytest.mark.parametrize(
    "title", ['Leading: "integrated" care', "# not a comment", "- a list? no", "Ünïcode & <b>"]
)
def test_any_title_is_kept_as_written(tmp_path, title):
    folder = tmp_path / "r"
    assert run("init", folder, "--title", title).exit_code == 0
    assert read_theory(folder).review.title == title


def test_a_folder_with_anything_in_it_is_left_alone(tmp_path):
    folder = tmp_path / "busy"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine", encoding="utf-8")
    done = run("init", folder)
    assert done.exit_code == 2
    assert done.output.strip().splitlines()[-1] == (
        f"error: {folder}: already exists and is not an empty folder; a new review is made "
        "only where nothing would be overwritten"
    )
    assert [p.name for p in folder.iterdir()] == ["notes.txt"]


def test_a_bad_id_is_bad_usage_and_writes_nothing(tmp_path):
    done = run("init", tmp_path / "r", "--id", "Not An Id")
    assert done.exit_code == 2
    assert "'Not An Id' cannot be a review id" in done.output
    assert not (tmp_path / "r").exists()


def test_the_readme_s_import_example_works_on_a_new_review(tmp_path):
    """init, then the extraction sheet and the reference library merged into it."""
    folder = tmp_path / "my-review"
    assert run("init", folder).exit_code == 0
    done = run(
        "import",
        "spreadsheet",
        f"{SHEETS}/extraction.xlsx",
        "--references",
        f"{SHEETS}/studies.ris",
        "--into",
        folder,
    )
    assert done.exit_code == 0, done.output
    document = read_theory(folder)
    assert document.review.id == "my-review"
    assert len(document.studies) == 36 and len(document.extracts) == 118


def test_a_new_workbook_validates_and_opens_as_a_source(tmp_path):
    """The workbook form: one .xlsx with the explanation sheet and drop-downs, which every
    command reads as a review."""
    from openpyxl import load_workbook

    done = run("init", tmp_path / "my-review", "--workbook", "--title", "Leading care")
    assert done.exit_code == 0, done.output
    path = tmp_path / "my-review.xlsx"
    assert run("validate", path).exit_code == 0
    book = load_workbook(path)
    assert book.sheetnames[0] == "About"
    assert book["extracts"].data_validations.dataValidation  # drop-downs, even when empty
    graph = TheoryGraph.open(path)
    assert graph.backend.review().title == "Leading care"
    assert graph.stats().headline == "evidence for 0 of 0 mechanisms"
    again = run("init", path, "--workbook")
    assert again.exit_code == 2 and "already exists" in again.output


def test_a_filled_workbook_is_a_source_for_every_command(tmp_path):
    """The sample exported to a workbook answers as the sample does."""
    path = tmp_path / "ics.xlsx"
    assert run("export", "samples/ics-leadership", "--to", "workbook", "-o", path).exit_code == 0
    from_book = run("query", "gaps", path, "--kind", "mechanism", "--format", "json")
    from_files = run(
        "query", "gaps", "samples/ics-leadership", "--kind", "mechanism", "--format", "json"
    )
    assert from_book.exit_code == 0 and from_book.output == from_files.output


def test_a_broken_workbook_fails_validation_with_the_cell_named(tmp_path):
    from openpyxl import load_workbook

    path = tmp_path / "ics.xlsx"
    assert run("export", "samples/ics-leadership", "--to", "workbook", "-o", path).exit_code == 0
    book = load_workbook(path)
    sheet = book["extracts"]
    header = [c.value for c in sheet[1]]
    sheet.cell(row=2, column=header.index("stance") + 1, value="maybe")
    book.save(path)
    done = run("validate", path)
    assert done.exit_code == 1
    column = chr(ord("A") + header.index("stance"))
    assert done.output.splitlines()[0] == (
        f"error: {path}: extracts row 2, column {column} (stance): 'maybe' is not a stance "
        "(allowed: supports, refutes, refines)"
    )
