"""Importing extraction spreadsheets: the sample, round trips, headers, merging, exports."""

from __future__ import annotations

import csv
import sys

import pytest
from conftest import ROOT, SAMPLE
from test_import_helpers import HEADER, SOURCES, errors, run, skeleton, write_sheet_file

from theorygraph.importers.sheet import HEADERS, sheet_rows, write_sheet
from theorygraph.importers.spreadsheet import read_sheet
from theorygraph.validate import read_theory

ROW = [
    "Smith 2019",
    "They came because she kept asking.",
    "p. 7",
    "Voluntary cooperation",
    "Inspiring intent",
    "Collaboration",
    "supports",
]


@pytest.mark.parametrize("name", ["extraction.xlsx", "extraction.csv"])
def test_sample_sources_reproduce_the_sample_review(tmp_path, doc, name):
    target = skeleton(tmp_path)
    result = run(
        "spreadsheet", SOURCES / name, "--references", SOURCES / "studies.ris", "--into", target
    )
    assert result.exit_code == 0, result.stderr
    back = read_theory(target)
    assert back == doc
    assert back.to_data() == doc.to_data()
    assert result.stderr.strip().endswith(
        f"imported 36 studies, 118 extracts from {SOURCES / name} (118 rows read); "
        f"merged into {target}"
    )
    # the skeleton's own files are untouched: only studies and extracts were added
    for file in ("review.yaml", "theory.yaml"):
        assert (target / file).read_bytes() == (SOURCES / "skeleton" / file).read_bytes()


@pytest.mark.parametrize("name", ["extraction.xlsx", "extraction.csv"])
def test_committed_sources_hold_what_the_scripts_write(tmp_path, name):
    document = read_theory(SAMPLE)
    fresh = write_sheet(document, tmp_path / name)
    assert _cells(SOURCES / name) == _cells(fresh)
    assert read_sheet(SOURCES / name, base=document).document == document  # nothing new
    headers, rows = sheet_rows(document)
    assert headers == HEADERS and len(rows) == 118
    sys.path.insert(0, str(ROOT / "tests" / "data" / "import"))
    from make_samples import ris_text

    assert (SOURCES / "studies.ris").read_text(encoding="utf-8") == ris_text(document)
    for file in ("review.yaml", "theory.yaml"):
        assert (SOURCES / "skeleton" / file).read_bytes() == (SAMPLE / file).read_bytes()


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_sheet_theory_sheet_round_trip_keeps_every_value(tmp_path, doc, suffix):
    first = write_sheet(doc, tmp_path / f"first{suffix}")
    # without the skeleton: nodes and CMOCs are rebuilt from the sheet alone
    result = run("spreadsheet", first, "-o", tmp_path / "theory")
    assert result.exit_code == 0, result.stderr
    second = write_sheet(read_theory(tmp_path / "theory"), tmp_path / f"second{suffix}")
    assert _cells(first) == _cells(second)
    assert len(_cells(first)) == 119


def _cells(path):
    if path.suffix == ".csv":
        with path.open(encoding="utf-8-sig", newline="") as handle:
            return list(csv.reader(handle))
    from openpyxl import load_workbook

    return [[c for c in row] for row in load_workbook(path).active.iter_rows(values_only=True)]


def test_sheet_without_references_makes_studies_nodes_and_cmocs(tmp_path):
    sheet = write_sheet_file(
        tmp_path / "x.xlsx",
        [
            [*HEADER, "year", "design"],
            [*ROW, 2019, "Qualitative"],
            [
                "Smith 2019",
                "Again and again.",
                "p. 9",
                "voluntary  COOPERATION",
                "Inspiring intent",
                "Collaboration",
                "+",
                None,
                None,
            ],
            [
                "Jones et al. 2020",
                "Old friends only.",
                "p. 2",
                "Voluntary cooperation",
                "Inspiring intent",
                "Less diversity",
                "S",
                2020,
                "case study",
            ],
        ],
    )
    result = read_sheet(sheet)
    doc = result.document
    assert [(s.id, s.title, s.year, s.design.value) for s in doc.studies] == [
        ("smith-2019", "Smith 2019", 2019, "qualitative"),
        ("jones-et-al-2020", "Jones et al. 2020", 2020, "case-study"),
    ]
    assert [c.id for c in doc.contexts] == ["c-voluntary-cooperation"]  # one node, two spellings
    assert [(c.id, c.outcomes) for c in doc.cmocs] == [
        ("cmoc-01", ["o-collaboration"]),
        ("cmoc-02", ["o-less-diversity"]),
    ]
    assert doc.cmocs[0].label == (
        "In Voluntary cooperation, Inspiring intent leads to Collaboration"
    )
    assert [(x.id, x.study, x.cmoc) for x in doc.extracts] == [
        ("x-0001", "smith-2019", "cmoc-01"),
        ("x-0002", "smith-2019", "cmoc-01"),
        ("x-0003", "jones-et-al-2020", "cmoc-02"),
    ]
    assert result.document.review.id == "x"


@pytest.mark.parametrize(
    "headers",
    [
        ["Study", "Quote", "Page", "C", "M", "O", "Stance"],
        ["STUDY ID", "Extract", "Location", "Contexts", "Mechanisms", "Outcomes", "Support"],
        ["study_id", "text", "page_number", "context", "mechanism", "outcome", "supports"],
    ],
)
def test_header_variants(tmp_path, headers):
    sheet = write_sheet_file(tmp_path / "x.csv", [headers, ROW])
    extract = read_sheet(sheet).document.extracts[0]
    assert (extract.study, extract.quote, extract.location) == ("smith-2019", ROW[1], "p. 7")


def test_columns_option_maps_other_headers(tmp_path):
    sheet = write_sheet_file(
        tmp_path / "x.csv", [["Paper", "Excerpt", "Pg", "Ctx", "Mech", "Out", "Verdict"], ROW]
    )
    result = run(
        "spreadsheet",
        sheet,
        "-o",
        tmp_path / "t",
        "--columns",
        "study=Paper,quote=Excerpt,location=Pg",
        "--columns",
        "context=ctx,mechanism=MECH,outcome=Out,stance=Verdict",
    )
    assert result.exit_code == 0, result.stderr
    extract = read_theory(tmp_path / "t").extracts[0]
    assert (extract.study, extract.location) == ("smith-2019", "p. 7")


def test_columns_option_usage_errors(tmp_path):
    sheet = write_sheet_file(tmp_path / "x.csv", [HEADER, ROW])
    result = run("spreadsheet", sheet, "-o", tmp_path / "t", "--columns", "qoute=Excerpt")
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        "error: --columns: unknown field 'qoute' (did you mean 'quote'? fields: extract_id, "
        "study, quote, location, cmoc, context, mechanism, outcome, link, stance, relevance, "
        "rigour, rationale, kind, title, year, design, country, sector)"
    )
    result = run("spreadsheet", sheet, "-o", tmp_path / "t", "--columns", "quote")
    assert result.exit_code == 2
    assert "write FIELD=HEADER" in result.stderr


def test_missing_columns_are_named_with_how_to_fix(tmp_path):
    sheet = write_sheet_file(tmp_path / "x.csv", [["Paper", "Words", "C", "M", "O"], ROW[:5]])
    result = run("spreadsheet", sheet, "-o", tmp_path / "t")
    assert result.exit_code == 1
    assert errors(result) == [
        f"error: {sheet}: no column for 'quote' in the header row (row 1) (head a column "
        "'quote' or one of its usual names (quotation, extract, extract text, text), or map "
        "one with --columns quote=HEADER; headers found: 'Paper', 'Words', 'C', 'M', 'O')",
        f"error: {sheet}: no column for 'stance' in the header row (row 1) (head a column "
        "'stance' or one of its usual names (support, supports, direction, evidence stance), "
        "or map one with --columns stance=HEADER; headers found: 'Paper', 'Words', 'C', 'M', "
        "'O')",
    ]
    assert result.stderr.splitlines()[-1] == f"{sheet}: nothing written (2 errors)"
    assert not (tmp_path / "t").exists()


def test_two_columns_for_one_field_is_an_error(tmp_path):
    sheet = write_sheet_file(tmp_path / "x.csv", [[*HEADER, "Contexts"], [*ROW, "x"]])
    result = run("spreadsheet", sheet, "-o", tmp_path / "t")
    assert result.exit_code == 1
    assert errors(result) == [
        f"error: {sheet}: columns D (context) and H (Contexts) both look like 'context'; "
        "pick one with --columns context=HEADER"
    ]


def test_unknown_columns_are_a_warning(tmp_path):
    sheet = write_sheet_file(tmp_path / "x.csv", [[*HEADER, "Reviewer"], [*ROW, "AB"]])
    result = run("spreadsheet", sheet, "-o", tmp_path / "t")
    assert result.exit_code == 0
    assert (
        f"warning: {sheet}: columns not imported: Reviewer (map one with --columns "
        "FIELD=HEADER; fields: extract_id," in result.stderr
    )


def test_sheet_option_picks_a_sheet_and_names_the_others(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "Notes"
    data = book.create_sheet("Extraction")
    for row in [HEADER, ROW]:
        data.append(row)
    book.save(tmp_path / "x.xlsx")
    result = run("spreadsheet", tmp_path / "x.xlsx", "--sheet", "Extraction", "-o", tmp_path / "t")
    assert result.exit_code == 0, result.stderr
    result = run("spreadsheet", tmp_path / "x.xlsx", "--sheet", "Data", "-o", tmp_path / "u")
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        f"error: {tmp_path / 'x.xlsx'}: no sheet named 'Data' (sheets: Notes, Extraction)"
    )


def test_merging_twice_does_not_duplicate(tmp_path, mini, write_yaml):
    theory = write_yaml(mini)
    sheet = write_sheet_file(
        tmp_path / "x.csv",
        [
            HEADER,
            [
                "s1",
                "A new quote.",
                "p. 9",
                "Voluntary cooperation",
                "inspiring intent",
                "collaboration",
                "supports",
            ],
            [
                "s1",
                "A new context.",
                "p. 10",
                "Budget pressure",
                "Inspiring intent",
                "Collaboration",
                "refutes",
            ],
        ],
    )
    first = run("spreadsheet", sheet, "--into", theory)
    assert first.exit_code == 0, first.stderr
    once = theory.read_bytes()
    doc = read_theory(theory)
    assert [c.id for c in doc.contexts] == ["c-voluntary", "c-trust", "c-budget-pressure"]
    assert [x.id for x in doc.extracts] == ["x1", "x2", "x3", "x-0001", "x-0002"]
    assert doc.extracts[3].cmoc == "cmoc-1"  # the existing CMOC with that triple
    assert doc.cmocs[-1].id == "cmoc-01" and doc.cmocs[-1].contexts == ["c-budget-pressure"]
    second = run("spreadsheet", sheet, "--into", theory)
    assert second.exit_code == 0, second.stderr
    assert "(unchanged)" in second.stderr
    assert theory.read_bytes() == once


def test_merge_into_folder_appends_to_the_file_holding_the_section(tmp_path, mini, write_yaml):
    folder = tmp_path / "t"
    extracts = mini.pop("extracts")
    write_yaml({"theorygraph": 1, **mini}, "t/main.yaml")
    write_yaml({"theorygraph": 1, "extracts": extracts}, "t/evidence.yaml")
    before = (folder / "main.yaml").read_bytes()
    sheet = write_sheet_file(
        tmp_path / "x.csv",
        [
            HEADER,
            [
                "s2",
                "More.",
                None,
                "Voluntary cooperation",
                "Inspiring intent",
                "Collaboration",
                "refines",
            ],
        ],
    )
    assert run("spreadsheet", sheet, "--into", folder).exit_code == 0
    assert (folder / "main.yaml").read_bytes() == before
    assert sorted(p.name for p in folder.iterdir()) == ["evidence.yaml", "main.yaml"]
    assert [x.id for x in read_theory(folder).extracts][-1] == "x-0001"


def test_extract_ids_from_the_sheet_update_existing_extracts(tmp_path, mini, write_yaml):
    theory = write_yaml(mini)
    sheet = write_sheet_file(
        tmp_path / "x.csv",
        [
            ["extract_id", "study", "quote", "cmoc", "stance"],
            ["x1", "s1", "Leaders rallied teams (corrected).", "cmoc-1", "refines"],
        ],
    )
    assert run("spreadsheet", sheet, "--into", theory).exit_code == 0
    extract = read_theory(theory).extracts[0]
    assert (extract.id, extract.quote, extract.stance.value, extract.location) == (
        "x1",
        "Leaders rallied teams (corrected).",
        "refines",
        "p. 3",
    )


def test_export_hook_writes_xlsx_and_csv(tmp_path, doc):
    document = doc
    for suffix in (".xlsx", ".csv"):
        path = write_sheet(document, tmp_path / f"out{suffix}")
        assert _cells(path)[0] == HEADERS
    from theorygraph.errors import UsageError

    with pytest.raises(UsageError, match="written as .xlsx or .csv"):
        write_sheet(document, tmp_path / "out.ods")


def test_an_outcome_named_as_a_context_links_cmocs(tmp_path):
    sheet = write_sheet_file(
        tmp_path / "x.csv",
        [
            ["study", "quote", "cmoc", "context", "mechanism", "outcome", "link", "stance"],
            # the outcome "Collaboration" appears as a context before it appears as an outcome
            [
                "s1",
                "Q1",
                None,
                "collaboration",
                "Creating conditions",
                "Shared purpose",
                "C-M",
                "+",
            ],
            [
                "s1",
                "Q2",
                "Leaders inspire intent",
                "Voluntary",
                "Inspiring",
                "Collaboration",
                None,
                "+",
            ],
            ["s1", "Q3", "cmoc-a; cmoc-b", "Voluntary", "Inspiring", "Collaboration", None, "+"],
        ],
    )
    with pytest.raises(Exception) as failed:
        read_sheet(sheet)
    assert str(failed.value).splitlines()[1] == (
        f"{sheet}: row 4, column C (cmoc): 'cmoc-a; cmoc-b' names several CMOCs (an extract "
        "bears on one CMOC: give each CMOC its own row)"
    )
    result = read_sheet(sheet, skip_bad_rows=True)
    doc = result.document
    assert [o.id for o in doc.outcomes] == ["o-collaboration", "o-shared-purpose"]
    assert [c.id for c in doc.contexts] == ["c-voluntary"]
    assert [(c.id, c.contexts) for c in doc.cmocs] == [
        ("cmoc-01", ["o-collaboration"]),
        ("cmoc-leaders-inspire-intent", ["c-voluntary"]),
    ]
    assert doc.cmocs[1].label == "Leaders inspire intent"
    assert doc.extracts[0].link.source == "o-collaboration"
    assert [s.row for s in result.skipped] == [4]


def test_a_study_described_differently_in_two_rows_is_a_warning(tmp_path):
    sheet = write_sheet_file(
        tmp_path / "x.csv",
        [[*HEADER, "year"], [*ROW, "2019"], ["Smith 2019", "Another.", None, *ROW[3:], "2018"]],
    )
    result = read_sheet(sheet)
    assert [str(p) for p in result.warnings] == [
        f"{sheet}: row 3, column H (year): study 'smith-2019' has year 2019 from row 2; 2018 "
        "is not used (describe each study the same way in every row)"
    ]
    header_only = write_sheet_file(tmp_path / "y.csv", [HEADER])
    assert [p.message for p in read_sheet(header_only).warnings] == [
        "nothing to import: no data rows or coded segments"
    ]
