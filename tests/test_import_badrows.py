"""Bad rows and hostile input: exact messages, nothing written, --skip-bad-rows and its report."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from conftest import MINI
from test_import_helpers import HEADER, errors, run, snapshot, write_sheet_file

from theorygraph.importers.sheet import write_sheet
from theorygraph.importers.spreadsheet import read_sheet
from theorygraph.theoryfile import dump_document
from theorygraph.validate import read_theory

COLUMNS = [
    "extract_id",
    "study",
    "quote",
    "location",
    "cmoc",
    "context",
    "mechanism",
    "outcome",
    "link",
    "stance",
    "relevance",
    "rigour",
]
BAD_ROWS = [
    COLUMNS,
    ["x-a", "s1", "Fine.", "p. 1", "cmoc-1", None, None, None, None, "supports"],
    ["x-b", "s1", "Q3", None, "cmoc-1", None, None, None, None, "maybee"],
    ["x-c", "s1", None, None, "cmoc-1", None, None, None, None, "supports"],
    [
        "x-d",
        "s1",
        "Q5",
        None,
        "cmoc-1",
        "Trust between teams",
        "Inspiring intent",
        None,
        "C-M",
        "supports",
    ],
    ["x-e", "s1", "Q6", None, "cmoc-1", None, None, None, "X-Y", "supports"],
    ["x-f", "s1", "Q7", None, "cmoc-1", None, None, None, None, "supports", "very"],
    ["X 1", "s1", "Q8", None, "cmoc-1", None, None, None, None, "supports"],
    ["x-a", "s1", "Q9", None, "cmoc-1", None, None, None, None, "supports"],
    ["x-g", "s1", "Q10", None, None, None, None, None, None, "supports"],
    ["x-h", "s1", "Q11", None, "cmoc-9", None, None, None, None, "supports"],
    ["x-i", "s1", "Q12", None, "cmoc-2", None, None, None, "M-O", "refutes", "H", "l"],
    [
        "x-j",
        "s1",
        "Q13",
        None,
        "cmoc-1",
        "c-voluntary; c-trust",
        "m-inspire",
        None,
        "C-M",
        "refutes",
    ],
]
EXPECTED = [
    "Sheet1 row 3, column J (stance): 'maybee' is not a stance "
    "(allowed: supports, refutes, refines)",
    "Sheet1 row 4, column C (quote): quote is empty (the text of the extract, or kind "
    "'citation' for a study cited for it)",
    "Sheet1 row 5, column F (context): 'Trust between teams' (c-trust) is not a context of "
    "CMOC 'cmoc-1' (its contexts: c-voluntary; leave the cmoc column empty to make a new CMOC)",
    "Sheet1 row 6, column I (link): 'X-Y' is not a link "
    "(allowed: C-M, M-O, M-M (in a sequence of mechanisms), or blank for the whole CMOC)",
    "Sheet1 row 7, column K (relevance): 'very' is not a judgement (allowed: high, moderate, low)",
    "Sheet1 row 8, column A (extract_id): 'X 1' is not a valid id "
    "(lowercase letters, digits, '-', '_' and '.', e.g. x-001)",
    "Sheet1 row 9, column A (extract_id): extract id 'x-a' is already used in row 2 "
    "(give each row its own id)",
    "Sheet1 row 10, column E (cmoc): the row names no CMOC and no context, mechanism or "
    "outcome (fill the cmoc column, or the context, mechanism and outcome columns)",
    "Sheet1 row 11, column E (cmoc): CMOC 'cmoc-9' has no mechanism and no outcome (a new "
    "CMOC needs a mechanism and an outcome (and, when known, a context): name them in a row "
    "(or coded segment) on the whole CMOC, or import with --into a theory that defines the "
    "CMOC)",
    "Sheet1 row 13, column F (context): 'c-trust' is not a context of CMOC 'cmoc-1' "
    "(its contexts: c-voluntary; leave the cmoc column empty to make a new CMOC)",
    "Sheet1 row 13, column F (context): a C-M link needs one context, the row names 2 "
    "(name the context the link starts or ends at)",
]


@pytest.fixture
def theory(tmp_path) -> Path:
    folder = tmp_path / "theory"
    folder.mkdir()
    (folder / "theory.yaml").write_text(dump_document(MINI, "yaml"), encoding="utf-8")
    return folder


def test_every_bad_row_is_reported_and_nothing_is_written(tmp_path, theory):
    sheet = write_sheet_file(tmp_path / "bad.xlsx", BAD_ROWS)
    before = snapshot(theory)
    result = run("spreadsheet", sheet, "--into", theory)
    assert result.exit_code == 1
    assert errors(result) == [f"error: {sheet}: {line}" for line in EXPECTED]
    assert result.stderr.splitlines()[-1] == (
        f"{sheet}: nothing written (10 bad rows); fix them, or use --skip-bad-rows to import "
        "the other rows"
    )
    assert "Traceback" not in result.output
    assert snapshot(theory) == before


def test_skip_bad_rows_imports_the_rest_and_writes_a_report(tmp_path, theory):
    sheet = write_sheet_file(tmp_path / "bad.xlsx", BAD_ROWS)
    result = run("spreadsheet", sheet, "--into", theory, "--skip-bad-rows")
    assert result.exit_code == 0
    assert [x.id for x in read_theory(theory).extracts] == ["x1", "x2", "x3", "x-a", "x-i"]
    report = (theory / "import-report.md").read_text(encoding="utf-8")
    assert "- Rows read: 12; imported: 2; skipped: 10" in report
    assert (
        f"| {sheet} | Sheet1 | 3 | J (stance) | 'maybee' is not a stance (allowed: "
        "supports, refutes, refines) |"
    ) in report
    assert report.count(f"| {sheet} | Sheet1 |") == 11
    assert result.stderr.splitlines()[-1] == (
        f"skipped 10 bad rows; report: {theory / 'import-report.md'}"
    )
    assert f"skipped: {sheet}: {EXPECTED[0]}" in result.stderr


def test_report_option_puts_the_report_elsewhere(tmp_path, theory):
    sheet = write_sheet_file(tmp_path / "bad.csv", BAD_ROWS[:3])
    result = run(
        "spreadsheet",
        sheet,
        "--into",
        theory,
        "--skip-bad-rows",
        "--report",
        tmp_path / "skipped.md",
    )
    assert result.exit_code == 0
    report = (tmp_path / "skipped.md").read_text(encoding="utf-8")
    assert f"| {sheet} |  | 3 | J (stance) | 'maybee' is not a stance" in report


def test_unmatched_study_with_references_is_a_bad_row(tmp_path, theory):
    refs = tmp_path / "refs.ris"
    refs.write_text(
        "TY  - JOUR\nID  - smith2019\nAU  - Smith, Alice\nTI  - One\nPY  - 2019\n"
        "ER  - \n\nTY  - JOUR\nAU  - Jones, Bob\nTI  - Two\nPY  - 2020\nER  - \n",
        encoding="utf-8",
    )
    sheet = write_sheet_file(
        tmp_path / "x.csv",
        [
            HEADER,
            [
                "Smith et al. 2019",
                "Q1",
                None,
                "Voluntary cooperation",
                "Inspiring intent",
                "Collaboration",
                "supports",
            ],
            [
                "Smith 2018",
                "Q2",
                None,
                "Voluntary cooperation",
                "Inspiring intent",
                "Collaboration",
                "supports",
            ],
        ],
    )
    result = run("spreadsheet", sheet, "--references", refs, "--into", theory)
    assert result.exit_code == 1
    assert errors(result) == [
        f"error: {sheet}: row 3, column A (study): 'Smith 2018' matches no study in {refs} "
        "(closest: smith2019; use a citation key, DOI or 'Author Year' of the reference file, "
        "or add the reference)"
    ]
    result = run("spreadsheet", sheet, "--references", refs, "--into", theory, "--skip-bad-rows")
    assert result.exit_code == 0
    assert (
        f"warning: {refs}: 1 reference is cited by no extract, kept as a study without "
        "evidence: jones-2020"
    ) in result.stderr
    doc = read_theory(theory)
    assert [s.id for s in doc.studies] == ["s1", "s2", "smith2019", "jones-2020"]
    from theorygraph.importers.references import read_references

    studies, _ = read_references(refs)
    again = read_sheet(
        sheet, base=doc, references=studies, references_name="refs.ris", skip_bad_rows=True
    )
    assert [p.row for p in again.unmatched_extracts] == [3]
    assert again.unmatched_studies == ["jones-2020"]
    assert doc.extracts[-1].study == "smith2019"


def test_ambiguous_author_year_lists_the_candidates(tmp_path):
    refs = tmp_path / "refs.bib"
    refs.write_text(
        "@article{a, author={Smith, A}, title={One}, year=2019}\n"
        "@article{b, author={Smith, B}, title={Two}, year=2019}\n",
        encoding="utf-8",
    )
    sheet = write_sheet_file(
        tmp_path / "x.csv", [HEADER, ["Smith 2019", *["Q", None, "C", "M", "O", "supports"]]]
    )
    result = run("spreadsheet", sheet, "--references", refs, "-o", tmp_path / "t")
    assert errors(result) == [
        f"error: {sheet}: row 2, column A (study): 'Smith 2019' matches "
        "several studies: a, b (use the citation key)"
    ]


def test_formula_looking_cells_stay_text_and_are_never_written_as_formulas(tmp_path):
    attack = "=cmd|' /C calc'!A0"
    sheet = write_sheet_file(
        tmp_path / "x.csv", [HEADER, ["s1", attack, "@SUM(1)", "+C", "-M", "O", "supports"]]
    )
    document = read_sheet(sheet).document
    assert document.extracts[0].quote == attack
    assert document.extracts[0].location == "@SUM(1)"
    csv_out = write_sheet(document, tmp_path / "out.csv").read_text(encoding="utf-8-sig")
    assert "'=cmd|' /C calc'!A0" in csv_out and "'@SUM(1)" in csv_out and ",'+C," in csv_out
    assert read_sheet(tmp_path / "out.csv").document.extracts[0].quote == attack
    xlsx = write_sheet(document, tmp_path / "out.xlsx")
    with zipfile.ZipFile(xlsx) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml  # no formula anywhere in the sheet
    from openpyxl import load_workbook

    cell = load_workbook(xlsx).active["C2"]
    assert (cell.value, cell.data_type, cell.quotePrefix) == (attack, "s", True)
    assert read_sheet(xlsx).document.extracts[0].quote == attack


def test_a_formula_in_an_xlsx_is_imported_as_its_text_with_a_warning(tmp_path):
    sheet = write_sheet_file(
        tmp_path / "x.xlsx", [HEADER, ["s1", "=A1&B1", None, "C", "M", "O", "supports"]]
    )
    result = run("spreadsheet", sheet, "-o", tmp_path / "t")
    assert result.exit_code == 0
    assert (
        f"warning: {sheet}: Sheet1 row 2, column B (quote): the cell holds a formula; its "
        "text is imported, never run (replace formulas with their values (Paste Special > "
        "Values) to import what they show)"
    ) in result.stderr
    assert read_theory(tmp_path / "t").extracts[0].quote == "=A1&B1"


def test_csv_that_is_not_utf8_names_the_row_and_column(tmp_path):
    path = tmp_path / "latin1.csv"
    text = ",".join(HEADER) + "\ns1,Fine,p. 1,C,M,O,supports\ns1,Caf\u00e9 talk,p. 2,C,M,O,+\n"
    path.write_bytes(text.encode("cp1252"))
    result = run("spreadsheet", path, "-o", tmp_path / "t")
    assert result.exit_code == 1
    assert errors(result) == [
        f"error: {path}: row 3, column B: byte 0xe9 is not valid UTF-8 (save the file as 'CSV "
        "UTF-8' (Excel: File > Save As), or convert it, e.g. iconv -f windows-1252 -t utf-8)"
    ]
    assert not (tmp_path / "t").exists()


def test_utf8_with_bom_and_semicolons_is_read(tmp_path):
    path = tmp_path / "excel.csv"
    path.write_bytes(
        b"\xef\xbb\xbf" + ";".join(HEADER).encode() + "\ns1;Caf\u00e9;p. 1;C;M;O;+\n".encode()
    )
    assert read_sheet(path).document.extracts[0].quote == "Caf\u00e9"


@pytest.mark.parametrize("name", ["empty.csv", "empty.xlsx"])
def test_empty_files(tmp_path, name):
    path = tmp_path / name
    if name.endswith(".csv"):
        path.write_bytes(b"\n\n")
    else:
        write_sheet_file(path, [])
    result = run("spreadsheet", path, "-o", tmp_path / "t")
    assert result.exit_code == 1
    where = ": Sheet1" if name.endswith(".xlsx") else ""
    assert errors(result) == [
        f"error: {path}{where}: the file is empty (the first row names the columns: extract_id, "
        "study, quote, location, cmoc, context, mechanism, outcome, link, stance, relevance, "
        "rigour, rationale, kind, title, year, design, country, sector)"
    ]


def test_huge_cells(tmp_path):
    big = "x" * 40000
    sheet = write_sheet_file(tmp_path / "x.csv", [HEADER, ["s1", big, None, "C", "M", "O", "+"]])
    result = run("spreadsheet", sheet, "-o", tmp_path / "t")
    assert errors(result) == [
        f"error: {sheet}: row 2, column B (quote): the cell holds 40000 "
        "characters (at most 32767, Excel's own limit per cell)"
    ]
    huge = tmp_path / "huge.csv"
    huge.write_text(",".join(HEADER) + "\ns1," + "y" * 200_000 + ",p,C,M,O,+\n", encoding="utf-8")
    result = run("spreadsheet", huge, "-o", tmp_path / "t")
    assert result.exit_code == 1
    assert errors(result) == [
        f"error: {huge}: row 2: cannot read the row: field larger than field limit (131072) "
        "(a cell holds at most 32767 characters (Excel's own limit); check for an unclosed "
        "double quote)"
    ]


def test_not_a_spreadsheet(tmp_path):
    fake = tmp_path / "fake.xlsx"
    fake.write_text("not a zip", encoding="utf-8")
    result = run("spreadsheet", fake, "-o", tmp_path / "t")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"error: {fake}: not a readable .xlsx file")
    old = tmp_path / "old.xls"
    old.write_bytes(b"\xd0\xcf")
    result = run("spreadsheet", old, "-o", tmp_path / "t")
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        f"error: {old}: theorygraph reads .xlsx and .csv; save the sheet as .xlsx (Excel "
        "Workbook) or as CSV UTF-8 first"
    )


def test_an_xlsx_zip_bomb_is_refused(tmp_path, monkeypatch):
    from theorygraph.importers import cells

    sheet = write_sheet_file(tmp_path / "x.xlsx", [HEADER, ["s1", "Q", None, "C", "M", "O", "+"]])
    monkeypatch.setattr(cells, "MAX_XLSX_BYTES", 1000)
    result = run("spreadsheet", sheet, "-o", tmp_path / "t")
    assert result.exit_code == 1
    assert "more than theorygraph reads (0 MiB); split the sheet" in result.stderr
