"""Hostile extraction sheets: wrong sizes, huge claimed ranges, damaged data, CSV guards.

Every hostile .xlsx is made here: written with openpyxl, then its sheet XML is rewritten
(the stored ``<dimension>``, empty rows, stray cells) or its bytes are damaged. The cases
that used to run for minutes or take gigabytes run in a subprocess held to 1 GiB of
address space and a 10 s timeout.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import resource
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import MINI
from hypothesis import given, settings
from hypothesis import strategies as st
from test_import_helpers import HEADER, errors, run, write_sheet_file

from theorygraph.importers.sheet import escape_csv, write_sheet
from theorygraph.importers.spreadsheet import read_sheet
from theorygraph.importers.table import CSV_ESCAPED, read_table, unescape_csv
from theorygraph.model import TheoryDocument

SHEET_XML = "xl/worksheets/sheet1.xml"
LIMIT_BYTES = 1 << 30
LIMIT_SECONDS = 10
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
DAMAGED = "not a readable .xlsx file: sheet 'Sheet1' is damaged ("
AGAIN = "); save the workbook again from the program that made it"


def row(i: int, stance: str = "supports") -> list[str | None]:
    return [f"s{i % 7}", f"Quote {i}", None, "C", "M", "O", stance]


def xlsx(path: Path, rows: list[list] = (), cells: dict[tuple[int, int], object] | None = None):
    """Write rows from row 1, then single cells at (row, column), as openpyxl does."""
    from openpyxl import Workbook

    book = Workbook()
    ws = book.active
    ws.title = "Sheet1"
    for values in rows:
        ws.append(values)
    for (r, c), value in (cells or {}).items():
        ws.cell(row=r, column=c, value=value)
    book.save(path)
    return path


def rewrite(
    path: Path, change, compression: int = zipfile.ZIP_DEFLATED, member: str = SHEET_XML
) -> Path:
    """Replace the sheet's XML by ``change(xml)``, every other member kept as it is."""
    with zipfile.ZipFile(path) as source:
        members = [(info, source.read(info.filename)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w") as target:
        for info, data in members:
            if info.filename == member:
                info.compress_type = compression
                data = change(data.decode("utf-8")).encode("utf-8")
            target.writestr(info, data)
    return path


def dimension(path: Path, ref: str) -> Path:
    def change(xml: str) -> str:
        out, n = re.subn(r'<dimension ref="[^"]*"\s*/>', f'<dimension ref="{ref}"/>', xml)
        assert n == 1
        return out

    return rewrite(path, change)


def run_limited(sheet: Path, target: Path) -> subprocess.CompletedProcess[str]:
    """``theorygraph import spreadsheet`` in a process held to 1 GiB, within 10 s."""

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (LIMIT_BYTES, LIMIT_BYTES))

    return subprocess.run(
        [sys.executable, "-m", "theorygraph", "import", "spreadsheet", str(sheet)]
        + ["-o", str(target)],
        capture_output=True,
        text=True,
        timeout=LIMIT_SECONDS,
        preexec_fn=limit,
    )


@pytest.fixture(scope="module")
def workbooks(tmp_path_factory):
    """``copy(rows, path)``: a workbook of HEADER and ``rows`` rows of :func:`row` written
    at ``path``; each size is written with openpyxl once in this module, then copied."""
    made: dict[int, bytes] = {}

    def copy(rows: int, path: Path) -> Path:
        if rows not in made:
            book = tmp_path_factory.mktemp("book") / "x.xlsx"
            made[rows] = xlsx(book, [HEADER] + [row(i) for i in range(rows)]).read_bytes()
        path.write_bytes(made[rows])
        return path

    return copy


# -- a wrong stored dimension -------------------------------------------------------


@pytest.mark.parametrize("ref", ["A1:F10", "A1", "C5:D6"])
def test_a_wrong_stored_dimension_never_truncates(tmp_path, workbooks, ref):
    sheet = dimension(workbooks(1000, tmp_path / "x.xlsx"), ref)
    result = run("spreadsheet", sheet, "-o", tmp_path / "theory")
    assert result.exit_code == 0, result.stderr
    assert "7 studies, 1,000 extracts from" in result.stderr
    assert f"{sheet} (1,000 rows read); wrote" in result.stderr  # the count is said
    imported = read_sheet(sheet)
    assert imported.rows == 1000
    assert imported.document.extracts[-1].quote == "Quote 999"
    assert imported.document.extracts[0].stance.value == "supports"  # column G was read


# -- tiny files that claim a huge range -----------------------------------------------


def _last_row_is_bad(folder: Path) -> Path:
    cells = {(1, c + 1): h for c, h in enumerate(HEADER)}
    cells.update({(1_048_576, c + 1): v for c, v in enumerate(row(1, "maybee"))})
    return dimension(xlsx(folder / "tiny.xlsx", cells=cells), "A1:XFD1048576")


# 10,000 good rows and a bad one after them: every row is read and imported, and the
# failure keeps the theory writer (which is not what these tests measure) out of it
def _ten_thousand_rows(folder: Path) -> Path:
    rows = [HEADER] + [row(i) for i in range(10_000)] + [row(10_000, "maybee")]
    return dimension(xlsx(folder / "big.xlsx", rows), "A1:XFD1048576")


def _stray_cells_in_xfd(folder: Path) -> Path:
    cells = {(1, c + 1): h for c, h in enumerate(HEADER)}
    for r in range(2, 10_003):
        stance = "maybee" if r == 10_002 else "supports"
        cells.update({(r, c + 1): v for c, v in enumerate(row(r, stance)) if v is not None})
        cells[(r, 16_384)] = "stray"
    return xlsx(folder / "stray.xlsx", cells=cells)


def _empty_rows_between(folder: Path) -> Path:
    cells = {(1, c + 1): h for c, h in enumerate(HEADER)}
    for r, stance in ((2, "supports"), (250_000, "supports"), (900_000, "maybee")):
        cells.update({(r, c + 1): v for c, v in enumerate(row(r, stance)) if v is not None})
    sheet = xlsx(folder / "gaps.xlsx", cells=cells)
    empty = "".join(f'<row r="{r}" ht="20" customHeight="1"/>' for r in range(3, 200_000))
    rewrite(sheet, lambda xml: xml.replace('<row r="250000"', empty + '<row r="250000"', 1))
    return dimension(sheet, "A1:XFD1048576")


def _lone_cell_in_the_corner(folder: Path) -> Path:
    cells = {(1, c + 1): h for c, h in enumerate(HEADER)}
    cells.update({(2, c + 1): v for c, v in enumerate(row(2)) if v is not None})
    cells[(1_048_576, 16_384)] = "x"
    return xlsx(folder / "corner.xlsx", cells=cells)


BAD_STANCE = "'maybee' is not a stance (allowed: supports, refutes, refines)"
NO_STUDY = "study is empty (the study's citation key, DOI or 'Author Year')"


@pytest.mark.parametrize(
    "make, expected",
    [
        (_last_row_is_bad, f"Sheet1 row 1048576, column G (stance): {BAD_STANCE}"),
        (_ten_thousand_rows, f"Sheet1 row 10002, column G (stance): {BAD_STANCE}"),
        (_stray_cells_in_xfd, f"Sheet1 row 10002, column G (stance): {BAD_STANCE}"),
        (_empty_rows_between, f"Sheet1 row 900000, column G (stance): {BAD_STANCE}"),
        (_lone_cell_in_the_corner, f"Sheet1 row 1048576, column A (study): {NO_STUDY}"),
    ],
    ids=["one-row-at-the-end", "10k-rows", "stray-xfd-cells", "empty-rows", "xfd1048576"],
)
def test_time_and_memory_follow_the_content_not_the_claimed_range(tmp_path, make, expected):
    sheet = make(tmp_path)
    assert sheet.stat().st_size < 1_000_000  # small files, each claiming A1:XFD1048576
    out = run_limited(sheet, tmp_path / "theory")
    assert out.returncode == 1, out.stderr
    assert "Traceback" not in out.stderr
    assert errors(out)[0].endswith(expected)
    assert out.stderr.splitlines()[-1].endswith(
        "nothing written (1 bad row); fix them, or use --skip-bad-rows to import the other rows"
    )
    assert not (tmp_path / "theory").exists()


def test_rows_are_numbered_as_the_sheet_numbers_them(tmp_path):
    sheet = _empty_rows_between(tmp_path)
    table = read_table(sheet)
    assert table.header_row == 1
    assert [number for number, _ in table.rows] == [2, 250_000, 900_000]
    assert all(len(values) == len(HEADER) for _, values in table.rows)


# -- damaged files ---------------------------------------------------------------------


def _damage_deflate(path: Path) -> None:
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(SHEET_XML)
    blob = bytearray(path.read_bytes())
    lengths = blob[info.header_offset + 26 : info.header_offset + 30]  # name, extra field
    start = info.header_offset + 30 + sum(lengths[i] | lengths[i + 1] << 8 for i in (0, 2))
    middle = start + info.compress_size // 2
    blob[middle : middle + 64] = bytes(64)  # zeros: not a valid deflate stream
    path.write_bytes(bytes(blob))


def _damage_stored(path: Path) -> None:
    rewrite(path, lambda xml: xml, compression=zipfile.ZIP_STORED)
    blob = path.read_bytes()
    at = blob.index(b"Quote 1500")
    path.write_bytes(blob[:at] + b"Quote 9500" + blob[at + 10 :])  # still valid XML


@pytest.mark.parametrize("damage", [_damage_deflate, _damage_stored], ids=["deflate", "crc"])
def test_damaged_sheet_data_is_one_line_and_writes_nothing(tmp_path, workbooks, damage):
    sheet = workbooks(3000, tmp_path / "x.xlsx")
    damage(sheet)
    result = run("spreadsheet", sheet, "-o", tmp_path / "theory")
    assert result.exit_code == 1
    [line] = result.stderr.splitlines()
    assert line.startswith(f"error: {sheet}: {DAMAGED}")
    assert line.endswith(AGAIN)
    if damage is _damage_stored:
        assert "Bad CRC-32" in line  # the altered quote is never imported
    assert not (tmp_path / "theory").exists()


@pytest.mark.parametrize(
    "change, reason",
    [
        (lambda x: x.replace('<row r="3"', '<row r="1"', 1), "row 1 comes after row 2"),
        (lambda x: x.replace('r="B2"', 'r="XFE2"', 1), "a cell of row 2 is outside"),
        (lambda x: x.replace('<row r="2"', '<row r="0"', 1), "row 0 is outside a sheet's rows"),
        (lambda x: x.replace("</sheetData>", "<row></sheetData>", 1), "mismatched tag"),
    ],
    ids=["rows-out-of-order", "column-past-xfd", "row-zero", "bad-xml"],
)
def test_sheet_xml_no_program_writes_is_refused(tmp_path, change, reason):
    sheet = rewrite(xlsx(tmp_path / "x.xlsx", [HEADER, row(1), row(2)]), change)
    result = run("spreadsheet", sheet, "-o", tmp_path / "theory")
    assert result.exit_code == 1
    [line] = result.stderr.splitlines()
    assert line.startswith(f"error: {sheet}: {DAMAGED}{reason}")
    assert line.endswith(AGAIN)


def test_a_sheet_declaring_entities_is_refused(tmp_path):
    bomb = '<!DOCTYPE w [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
    sheet = xlsx(tmp_path / "x.xlsx", [HEADER, row(1)])
    rewrite(sheet, lambda xml: bomb + xml.replace("Quote 1", "&b;", 1))
    result = run("spreadsheet", sheet, "-o", tmp_path / "theory")
    assert result.exit_code == 1
    [line] = result.stderr.splitlines()
    assert line == (
        f"error: {sheet}: {DAMAGED}it declares a DTD or entities, which a worksheet never "
        f"holds{AGAIN}"
    )
    assert not (tmp_path / "theory").exists()


def test_only_the_chosen_sheet_is_read(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "Sheet1"
    for values in (HEADER, row(1)):
        book.active.append(values)
    book.create_sheet("Notes").append(["a note"])
    sheet = tmp_path / "x.xlsx"
    book.save(sheet)
    # the other sheet declares no size and is cut short: reading Sheet1 never opens it
    rewrite(
        sheet,
        lambda xml: re.sub("<dimension[^>]*>", "", xml).split("</row>")[0],
        member=SHEET_XML[:-5] + "2.xml",
    )
    result = run("spreadsheet", sheet, "-o", tmp_path / "theory")
    assert result.exit_code == 0, result.stderr
    assert "1 extract from" in result.stderr
    result = run("spreadsheet", sheet, "--sheet", "Notes", "-o", tmp_path / "notes")
    assert result.exit_code == 1
    assert result.stderr.startswith(
        f"error: {sheet}: not a readable .xlsx file: sheet 'Notes' is damaged ("
    )


def test_a_chart_sheet_is_named_as_one(tmp_path):
    from openpyxl import Workbook
    from openpyxl.chart import BarChart, Reference

    book = Workbook()
    book.active.append(HEADER)
    book.active.append([1])
    chart = BarChart()
    chart.add_data(Reference(book.active, min_col=1, min_row=1, max_row=2))
    book.create_chartsheet("Chart").add_chart(chart)
    book.save(tmp_path / "x.xlsx")
    result = run("spreadsheet", tmp_path / "x.xlsx", "--sheet", "Chart", "-o", tmp_path / "t")
    assert result.exit_code == 2
    sheet = tmp_path / "x.xlsx"
    assert errors(result) == [f"error: {sheet}: 'Chart' is a chart sheet (sheets: Sheet)"]


# -- cell values read as before --------------------------------------------------------


def test_formulas_dates_numbers_and_rich_text_read_as_text(tmp_path):
    from openpyxl import Workbook
    from openpyxl.cell.rich_text import CellRichText, TextBlock
    from openpyxl.cell.text import InlineFont
    from openpyxl.worksheet.formula import ArrayFormula

    book = Workbook()
    ws = book.active
    ws.title = "Sheet1"
    ws.append(["a", "b", "c", "d", "e", "f", "g", "h", "i"])
    bold = TextBlock(InlineFont(b=True), "bold")
    ws.append(
        [
            "=A1&B1",
            dt.date(2019, 5, 1),
            dt.datetime(2019, 5, 1, 12, 30),
            2019.0,
            3.5,
            True,
            CellRichText("plain ", bold, " end"),
            "  spaced  ",
            "=SUM(D2:E2)",
        ]
    )
    ws["J2"] = ArrayFormula("J2", "=SUM(D2:E2*2)")
    ws["A3"] = "=B3+1"  # A3 and A4 share no formula; each is kept as written
    ws["A4"] = "=B4+1"
    sheet = tmp_path / "x.xlsx"
    book.save(sheet)
    table = read_table(sheet)
    assert table.rows[0] == (
        2,
        [
            "=A1&B1",
            "2019-05-01",
            "2019-05-01T12:30:00",
            "2019",
            "3.5",
            "true",
            "plain bold end",
            "  spaced  ",
            "=SUM(D2:E2)",
        ],
    )
    assert [values[0] for _, values in table.rows[1:]] == ["=B3+1", "=B4+1"]
    formulas = [p.path for p in table.problems if p.code == "formula"]
    assert formulas == ["Sheet1!A2", "Sheet1!I2", "Sheet1!J2", "Sheet1!A3", "Sheet1!A4"]


def test_inline_text_with_runs_and_phonetics_reads_like_openpyxl(tmp_path):
    from openpyxl import load_workbook

    sheet = xlsx(tmp_path / "x.xlsx", [["quote", "note"], ["placeholder", "x"]])
    runs = (
        '<c r="A2" t="inlineStr"><is><r><t xml:space="preserve">Tokyo </t></r>'
        '<r><rPr><b/></rPr><t>東京</t></r><rPh sb="0" eb="2"><t>トウキョウ</t></rPh></is></c>'
    )
    rewrite(sheet, lambda xml: re.sub(r'<c r="A2"[^>]*>.*?</c>', runs, xml, count=1))
    expected = load_workbook(sheet).active["A2"].value
    assert read_table(sheet).rows[0][1][0] == expected == "Tokyo 東京"


def _shared_strings(path: Path, strings: list[str]) -> Path:
    """Make cells B2, B3, ... shared-string cells holding ``strings``, as Excel writes them."""
    items = "".join(f'<si><t xml:space="preserve">{text}</t></si>' for text in strings)
    table = f'<sst xmlns="{MAIN}" count="{len(strings)}" uniqueCount="{len(strings)}">{items}</sst>'
    override = (
        '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    )

    def change(xml: str) -> str:
        for index in range(len(strings)):
            cell = rf'<c r="B{index + 2}"[^>]*>.*?</c>'
            xml = re.sub(cell, f'<c r="B{index + 2}" t="s"><v>{index}</v></c>', xml, count=1)
        return xml

    rewrite(path, change)
    with zipfile.ZipFile(path) as source:
        members = {info.filename: source.read(info) for info in source.infolist()}
    types = members["[Content_Types].xml"].decode().replace("</Types>", override + "</Types>")
    members["[Content_Types].xml"] = types.encode()
    members["xl/sharedStrings.xml"] = table.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in members.items():
            target.writestr(name, data)
    return path


def test_excels_escapes_in_cell_text_are_decoded(tmp_path):
    sheet = xlsx(tmp_path / "x.xlsx", [HEADER, row(1), row(2), row(3)])
    escaped = ["line one_x000D_\nline two", "a literal _x005F_x000D_ stays", "plain"]
    _shared_strings(sheet, escaped)
    quotes = [x.quote for x in read_sheet(sheet).document.extracts]
    assert quotes == ["line one\r\nline two", "a literal _x000D_ stays", "plain"]
    plain = xlsx(tmp_path / "plain.xlsx", [HEADER, row(1)])
    _shared_strings(plain, ["no escapes here"])  # openpyxl's own table is used as it is
    assert read_sheet(plain).document.extracts[0].quote == "no escapes here"


# -- CSV: the export's guard, and only it, is taken off -------------------------------


def test_a_teams_own_apostrophes_are_kept(tmp_path):
    quotes = ["'Tis the season", "''quoted'' word", "'", "'-ve' feelings"]
    rows = [HEADER] + [[f"s{i}", q, None, "C", "M", "O", "supports"] for i, q in enumerate(quotes)]
    sheet = write_sheet_file(tmp_path / "x.csv", rows)
    result = run("spreadsheet", sheet, "-o", tmp_path / "theory")
    assert result.exit_code == 0, result.stderr
    imported = read_sheet(sheet).document.extracts
    assert [x.quote for x in imported] == quotes[:3] + ["-ve' feelings"]
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning: ")]
    assert warnings == [
        f"warning: {sheet}: row 5, column B (quote): the leading ' was taken off: "
        "theorygraph's CSV export puts one before text that starts with - "
        "(write '' to keep one ' before =, +, - or @)"
    ]


def test_the_exports_own_guard_is_taken_off_without_a_warning(tmp_path):
    document = TheoryDocument.model_validate(
        {**MINI, "extracts": [{**MINI["extracts"][0], "quote": "-ve' feelings"}]}
    )
    sheet = write_sheet(document, tmp_path / "x.csv")
    assert "'-ve' feelings" in sheet.read_text(encoding="utf-8-sig")
    result = read_sheet(sheet)
    assert result.document.extracts[0].quote == "-ve' feelings"
    assert result.warnings == []


texts = st.tuples(
    st.sampled_from(["", "'", "''", "'''"]),
    st.sampled_from(["", *CSV_ESCAPED, "'", "T"]),
    st.text(),
).map("".join)


@given(texts)
def test_the_csv_guard_and_unguard_are_exact_inverses(value):
    guarded = escape_csv(value)
    assert unescape_csv(guarded) == value
    assert guarded[:1] not in CSV_ESCAPED  # no spreadsheet runs it
    out = io.StringIO(newline="")
    csv.writer(out).writerow([guarded])
    assert next(csv.reader(io.StringIO(out.getvalue(), newline=""))) == [guarded]


# what an extract's quote can hold after an import: no surrounding spaces (cells are
# trimmed), no control characters .xlsx cannot store (tab, newline and \r it can)
storable = st.characters(blacklist_categories=("Cs",)).filter(
    lambda c: c in "\t\n\r" or not (c < " ")
)
fragments = st.sampled_from(["_x000D_", "_x005F_", "_x005F_x000D_", "_x", "\r\n", "'", "=", "_"])
quotes = (
    st.tuples(
        st.sampled_from(["", "'", "''", "'=", "=", "+", "-", "@", "''+", "'@"]),
        st.lists(st.text(storable, max_size=12) | fragments, max_size=5).map("".join),
    )
    .map("".join)
    .map(str.strip)
    .filter(bool)
)


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
@settings(max_examples=40, deadline=None)
@given(first=quotes, second=quotes, third=quotes)
def test_any_quote_survives_export_and_import(tmp_path_factory, suffix, first, second, third):
    data = {**MINI, "extracts": [dict(x) for x in MINI["extracts"]]}
    for extract, quote in zip(data["extracts"], (first, second, third), strict=True):
        extract["quote"] = quote
    data["extracts"][0]["location"] = third
    data["extracts"][2]["rationale"] = first
    sheet = write_sheet(
        TheoryDocument.model_validate(data), tmp_path_factory.mktemp("sheet") / f"x{suffix}"
    )
    # into the theory it came from: each row updates its extract (by extract_id)
    result = read_sheet(sheet, base=TheoryDocument.model_validate(MINI))
    assert [x.quote for x in result.document.extracts] == [first, second, third]
    assert result.document.extracts[0].location == third
    assert result.document.extracts[2].rationale == first
    assert [p for p in result.warnings if p.code == "csv-guard"] == []
