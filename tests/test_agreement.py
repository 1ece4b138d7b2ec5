"""Agreement between two reviewers' codings: the matching rule, kappa against a case worked
by hand and against statsmodels, what only one reviewer coded, the outputs, and the
reconciliation sheet written, filled in and merged back into one review."""

from __future__ import annotations

import copy
import json
import sys

import pytest
from click.testing import CliRunner
from conftest import MINI, ROOT

from theorygraph.agreement import (
    Coding,
    agreement,
    cohens_kappa,
    match_codings,
    overlap,
    pages,
    split_by_coder,
)
from theorygraph.cli import main
from theorygraph.errors import MissingExtraError
from theorygraph.model import Extract, TheoryDocument

CODING = ROOT / "samples" / "ics-leadership-coding"
STANCE_ORDER = ("supports", "refutes", "refines")


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def ex(id_: str, stance: str = "supports", **fields) -> dict:
    """An extract of study s1 on the whole of cmoc-1, unless ``fields`` say otherwise."""
    return {"id": id_, "study": "s1", "cmoc": "cmoc-1", "stance": stance, "quote": id_} | fields


def review(extracts: list[dict]) -> TheoryDocument:
    data = copy.deepcopy(MINI)
    data["extracts"] = extracts
    return TheoryDocument.model_validate(data)


def coding(name: str, extracts: list[dict]) -> Coding:
    document = review(extracts)
    return Coding(name, name, document, tuple(document.extracts))


def write_review(folder, extracts: list[dict]):
    from theorygraph.importers.write import write_new

    write_new(review(extracts), folder)
    return folder


def dumped(coding: Coding) -> list[dict]:
    return [x.model_dump(mode="json", by_alias=True, exclude_none=True) for x in coding.extracts]


def table_codings(table: list[list[int]]) -> tuple[Coding, Coding]:
    """Two codings whose pairs have the stances of ``table`` (rows A, columns B), each pair
    sharing its own quote and page."""
    a, b, n = [], [], 0
    for i, stance_a in enumerate(STANCE_ORDER):
        for j, stance_b in enumerate(STANCE_ORDER):
            for _ in range(table[i][j]):
                n += 1
                quote = f"Pair {n}: leaders rallied every partner team around a shared aim."
                where = {"quote": quote, "location": f"p. {n}"}
                a.append(ex(f"a-{n}", stance_a, **where))
                b.append(ex(f"b-{n}", stance_b, **where))
    return coding("A", a), coding("B", b)


# -- kappa ----------------------------------------------------------------------------------
def test_kappa_is_the_hand_computed_value_and_statsmodels():
    # 20 matched pairs; rows A's stance, columns B's (supports, refutes, refines):
    #              supports  refutes  refines | total
    #   supports       10        1        1   |  12
    #   refutes         1        3        0   |   4
    #   refines         1        0        3   |   4
    #   total          12        4        4   |  20
    # observed agreement po = (10 + 3 + 3) / 20 = 0.8
    # chance agreement pe = (12*12 + 4*4 + 4*4) / 20**2 = 176 / 400 = 0.44
    # kappa = (po - pe) / (1 - pe) = 0.36 / 0.56 = 9/14 = 0.642857...
    table = [[10, 1, 1], [1, 3, 0], [1, 0, 3]]
    a, b = table_codings(table)
    answer = agreement(match_codings(a, b))
    assert answer.stance_table() == table
    assert answer.pairs == 20 and answer.count("agree") == 16
    assert answer.percent == pytest.approx(80.0)
    assert answer.kappa.value == pytest.approx(9 / 14)

    from statsmodels.stats.inter_rater import cohens_kappa as library

    expected = library(table)
    assert answer.kappa.value == pytest.approx(float(expected["kappa"]))
    assert answer.kappa.low == pytest.approx(float(expected["kappa_low"]))
    assert answer.kappa.high == pytest.approx(float(expected["kappa_upp"]))
    assert answer.kappa.standard_error == pytest.approx(float(expected["std_kappa"]))


def test_the_confidence_interval_is_reported_in_every_form(tmp_path):
    first, second = table_codings([[4, 1, 0], [1, 2, 0], [0, 0, 2]])
    a = write_review(tmp_path / "a", dumped(first))
    b = write_review(tmp_path / "b", dumped(second))
    result = run("agreement", a, b, "--format", "json")
    assert result.exit_code == 0, result.output
    kappa = json.loads(result.stdout)["kappa"]
    assert kappa["low"] < kappa["value"] < kappa["high"]
    assert kappa["level"] == 0.95 and kappa["standard_error"] > 0
    text = run("agreement", a, b).stdout
    assert f"95% confidence interval {kappa['low']:.2f} to {kappa['high']:.2f}" in text
    markdown = run("agreement", a, b, "--format", "markdown").stdout
    assert f"95% confidence interval {kappa['low']:.2f} to {kappa['high']:.2f}" in markdown
    csv = run("agreement", a, b, "--format", "csv")
    assert f"95% CI {kappa['low']:.2f} to {kappa['high']:.2f}" in csv.stderr


def test_extracts_of_one_reviewer_stay_out_of_kappa():
    table = [[10, 1, 1], [1, 3, 0], [1, 0, 3]]
    a, b = table_codings(table)
    more_a = dumped(a) + [ex("a-extra", "refutes", quote="Nothing like it in B.", location="p. 99")]
    answer = agreement(match_codings(coding("A", more_a), b))
    assert answer.kappa.value == pytest.approx(9 / 14)  # as without the extra extract
    assert [r.a.id for r in answer.only("A")] == ["a-extra"]
    assert answer.count("disagree") == 4 and answer.pairs == 20


def test_kappa_is_unknown_when_chance_agreement_is_total():
    a, b = table_codings([[3, 0, 0], [0, 0, 0], [0, 0, 0]])
    answer = agreement(match_codings(a, b))
    assert answer.percent == 100.0
    assert answer.kappa.value is None and answer.kappa.low is None
    assert "kappa is undefined" in answer.kappa.unknown_because
    empty = cohens_kappa([[0, 0, 0], [0, 0, 0], [0, 0, 0]])
    assert empty.value is None and empty.unknown_because == "no matched pairs to compare"


def test_a_missing_statsmodels_is_named_with_its_extra(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "statsmodels", None)
    monkeypatch.setitem(sys.modules, "statsmodels.stats", None)
    monkeypatch.setitem(sys.modules, "statsmodels.stats.inter_rater", None)
    with pytest.raises(MissingExtraError) as caught:
        cohens_kappa([[1, 0, 0], [0, 1, 0], [0, 0, 0]])
    assert str(caught.value) == (
        "Agreement statistics need statsmodels, which is not installed: "
        "pip install 'theorygraph[agreement]'"
    )
    result = run("agreement", CODING / "reviewer-a", CODING / "reviewer-b")
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [f"error: {caught.value}"]
    # the reconciliation sheet needs no statistics
    sheet = tmp_path / "r.xlsx"
    written = run(
        "agreement", CODING / "reviewer-a", CODING / "reviewer-b", "--to", "workbook", "-o", sheet
    )
    assert written.exit_code == 0, written.output
    assert sheet.is_file()


# -- the matching rule ----------------------------------------------------------------------
LINK = {"from": "c-voluntary", "to": "m-inspire"}


@pytest.mark.parametrize(
    "b_fields,paired,reason",
    [
        ({"quote": "a1"}, True, "same quote"),
        ({"location": "pp. 4-6", "quote": "other"}, True, "pages overlap"),
        ({"location": "P.5", "quote": "other"}, True, "same location"),
        ({"location": "p. 9", "quote": "other"}, False, None),
        ({"location": None, "quote": "other"}, False, None),
        ({"link": LINK, "quote": "a1"}, False, None),  # a link, not the whole CMOC
        ({"cmoc": "cmoc-2", "quote": "a1"}, False, None),
        ({"study": "s2", "quote": "a1"}, False, None),
        ({"kind": "citation", "location": None, "quote": None}, True, "citation of the study"),
    ],
)
def test_extracts_pair_on_study_target_and_overlap(b_fields, paired, reason):
    a = coding("A", [ex("a1", location="p. 5"), ex("a9", study="s2", quote="z")])
    b = coding("B", [ex("b1", **b_fields), ex("b9", study="s2", quote="y", location="p. 1")])
    matching = match_codings(a, b)
    rows = [r for r in matching.rows if "a1" in (getattr(r.a, "id", None),)]
    assert len(rows) == 1
    assert (rows[0].b is not None) == paired
    assert rows[0].matched_by == reason
    if not paired:
        assert "b1" in [r.b.id for r in matching.rows if r.status == "only B"]


def test_quotes_overlap_from_five_words_in_a_row():
    def pair(quote_a: str, quote_b: str):
        a = Extract(id="a", study="s", cmoc="k", stance="supports", quote=quote_a)
        b = Extract(id="b", study="s", cmoc="k", stance="supports", quote=quote_b)
        return overlap(a, b)

    found = pair(
        "Leaders rallied every partner team today.", "So: leaders rallied EVERY partner team!"
    )
    assert found is not None and found.reason == "quotes share 5 words"
    assert pair("Leaders rallied every partner.", "leaders rallied every other partner") is None
    # a short quote overlaps when the other holds all of it
    assert pair("Intent faded.", "Over the year, intent faded.").reason == "quotes share 2 words"
    assert pages("pp. 112-14; p. 120") == [(112, 114), (120, 120)]


def test_pairs_are_closest_first_and_the_same_every_time():
    quote = "leaders rallied every partner team around a shared aim"
    a = coding(
        "A",
        [
            ex("a1", quote="Leaders wrote a memo.", location="p. 5"),  # B's b1 by page only
            ex("a2", quote=quote, location="p. 5"),  # the same quote as b1
        ],
    )
    b = coding("B", [ex("b1", quote=quote, location="p. 5"), ex("b2", quote="x", location="p. 5")])
    first = [(r.a and r.a.id, r.b and r.b.id, r.matched_by) for r in match_codings(a, b).rows]
    assert first == [("a1", "b2", "same location"), ("a2", "b1", "same quote")]
    again = [(r.a and r.a.id, r.b and r.b.id, r.matched_by) for r in match_codings(a, b).rows]
    assert again == first


def test_only_studies_both_coded_are_compared():
    a = coding("A", [ex("a1", location="p. 1"), ex("a2", study="s2", quote="q", location="p. 2")])
    b = coding("B", [ex("b1", location="p. 1")])
    answer = agreement(match_codings(a, b))
    assert answer.matching.studies == ["s1"]
    assert [r.status for r in answer.rows] == ["agree", "not double-coded"]
    assert answer.only("A") == []
    # naming the studies both coded makes A's extract of s2 one B did not make
    answer = agreement(match_codings(a, b, studies=["s1", "s2"]))
    assert [r.a.id for r in answer.only("A")] == ["a2"]


# -- the report -----------------------------------------------------------------------------
def test_the_sample_codings_report_as_the_docs_say():
    result = run("agreement", CODING / "reviewer-a", CODING / "reviewer-b", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert (data["pairs"], data["agreed"], data["disagreed"]) == (21, 17, 4)
    assert (data["only_a"], data["only_b"]) == (4, 2)
    assert data["not_double_coded"] == {"a": 2, "b": 0}
    # supports, refutes, refines: po = 17/21, pe = (14*15 + 2*3 + 5*3) / 21**2 = 231/441,
    # kappa = (357 - 231) / (441 - 231) = 126/210 = 0.6
    assert data["stances"]["supports"] == {"supports": 13, "refutes": 0, "refines": 1}
    assert data["kappa"]["value"] == pytest.approx(0.6)
    assert {r["a"]["id"] for r in data["rows"] if r["status"] == "only A"} == {
        "x-003",
        "x-026",
        "x-052",
        "x-058",
    }
    disagreements = [r for r in data["rows"] if r["status"] == "disagree"]
    assert [(r["a"]["id"], r["b"]["id"]) for r in disagreements] == [
        ("x-002", "b-02"),
        ("x-006", "b-05"),
        ("x-081", "b-19"),
        ("x-092", "b-23"),
    ]
    text = run("agreement", CODING / "reviewer-a", CODING / "reviewer-b").stdout
    for r in disagreements:  # every disagreement with both rationales
        assert r["a"]["rationale"] in text and r["b"]["rationale"] in text
    assert "Only in reviewer-a (4):" in text and "Only in reviewer-b (2):" in text
    assert "Cohen's kappa: 0.60 (95% confidence interval" in text


def test_csv_rows_are_the_dataframe_s():
    from theorygraph.agreement import load_codings

    a, b, _ = load_codings(str(CODING / "reviewer-a"), str(CODING / "reviewer-b"))
    answer = agreement(match_codings(a, b))
    csv = run("agreement", CODING / "reviewer-a", CODING / "reviewer-b", "--format", "csv")
    lines = csv.stdout.splitlines()
    df = answer.to_pandas()
    assert lines[0] == ",".join(df.columns)
    assert len(df) == len(answer.rows) == 29
    assert df.attrs["headline"] == answer.headline
    assert "Cohen&#x27;s kappa 0.60" in answer._repr_html_()


# -- one review, coded by two ---------------------------------------------------------------
def coded_review() -> list[dict]:
    return [
        ex("x1", coder="ann", location="p. 1"),
        ex("x2", "refutes", coder="bob", location="p. 1"),
        ex("x3", coder="ann", location="p. 2"),
        ex("x4", coder="bob", location="p. 2"),
        ex("x5", coder="ann", location="p. 3", quote="Only Ann saw this."),
        ex("x6", "refines", location="p. 8"),  # the team's own, with no coder
    ]


def test_one_review_with_coders_compares_them(tmp_path):
    folder = write_review(tmp_path / "coded", coded_review())
    a, b, left_out = split_by_coder(review(coded_review()), "coded")
    assert (a.name, b.name, [x.id for x in left_out]) == ("ann", "bob", ["x6"])
    result = run("agreement", folder, "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert (data["pairs"], data["agreed"], data["only_a"], data["left_out"]) == (2, 1, 1, 1)
    wrong = run("agreement", folder, "--coders", "ann,bobby")
    assert wrong.exit_code == 2
    assert "no extract names the coder 'bobby'; did you mean bob?" in wrong.stderr


def test_a_coder_is_kept_by_every_backend(open_graph):
    document = review(coded_review())
    graph = open_graph(document)
    back = {x.id: x.coder for x in graph.document().extracts}
    assert back == {"x1": "ann", "x2": "bob", "x3": "ann", "x4": "bob", "x5": "ann", "x6": None}


# -- reconciliation -------------------------------------------------------------------------
def fill(path, decisions: dict[str, tuple]) -> None:
    """Set each row's (by its ``row`` id) decision, agreed stance and rationale."""
    from openpyxl import load_workbook

    book = load_workbook(path)
    ws = book["reconcile"]
    headers = [c.value for c in ws[1]]
    for row in ws.iter_rows(min_row=2):
        wanted = decisions.get(row[0].value)
        if wanted is None:
            continue
        for name, value in zip(
            ("decision", "agreed_stance", "agreed_rationale"), wanted, strict=False
        ):
            row[headers.index(name)].value = value
    book.save(path)


def rows_of(path) -> dict[str, dict]:
    from openpyxl import load_workbook

    ws = load_workbook(path)["reconcile"]
    headers = [c.value for c in ws[1]]
    return {
        r[0]: dict(zip(headers, r, strict=True)) for r in ws.iter_rows(min_row=2, values_only=True)
    }


@pytest.fixture(scope="module")
def sample_sheet(tmp_path_factory) -> bytes:
    """The sample codings' reconciliation sheet, written once by the CLI; each test fills
    in a copy of its own."""
    sheet = tmp_path_factory.mktemp("reconcile") / "reconcile.xlsx"
    written = run(
        "agreement", CODING / "reviewer-a", CODING / "reviewer-b", "--to", "workbook", "-o", sheet
    )
    assert written.exit_code == 0, written.output
    return sheet.read_bytes()


def test_the_reconciliation_sheet_round_trips_into_an_agreed_review(tmp_path, sample_sheet):
    from openpyxl import load_workbook

    from theorygraph.validate import load_theory

    a = CODING / "reviewer-a"
    b = CODING / "reviewer-b"
    sheet = tmp_path / "reconcile.xlsx"
    sheet.write_bytes(sample_sheet)
    ws = load_workbook(sheet)["reconcile"]
    assert ws.freeze_panes == "B2"
    lists = {str(v.sqref): v.formula1 for v in ws.data_validations.dataValidation}
    assert lists == {"I2:I30": '"A,B,both,neither,edited"', "J2:J30": '"supports,refutes,refines"'}
    rows = rows_of(sheet)
    by_pair = {(r["a_extract"], r["b_extract"]): k for k, r in rows.items()}
    assert rows[by_pair[("x-001", "b-01")]]["decision"] == "A"  # agreed: filled in
    assert rows[by_pair[("x-002", "b-02")]]["decision"] is None  # to discuss

    decisions = {
        by_pair[("x-002", "b-02")]: ("B",),
        by_pair[("x-006", "b-05")]: ("edited", "refines", "Agreed in the meeting."),
        by_pair[("x-081", "b-19")]: ("neither",),
        by_pair[("x-092", "b-23")]: ("both",),
        by_pair[("x-003", None)]: ("A",),
        by_pair[("x-026", None)]: ("neither",),
        by_pair[("x-052", None)]: ("edited", "refutes"),
        by_pair[("x-058", None)]: ("A",),
        by_pair[(None, "b-11")]: ("B",),
        by_pair[(None, "b-13")]: ("neither",),
    }
    fill(sheet, decisions)
    out = tmp_path / "agreed"
    merged = run("import", "reconciliation", sheet, "--a", a, "--b", b, "-o", out)
    assert merged.exit_code == 0, merged.output
    assert "merged 27 extracts" in merged.stderr

    loaded = load_theory(out)
    assert loaded.errors == []
    extracts = {x.id: x for x in loaded.document.extracts}
    assert extracts["b-02"].stance.value == "supports" and "x-002" not in extracts
    assert extracts["x-006"].stance.value == "refines"
    assert extracts["x-006"].rationale == "Agreed in the meeting."
    assert "b-05" not in extracts
    assert "x-081" not in extracts and "b-19" not in extracts
    assert extracts["x-092"].stance.value == "refines"
    assert extracts["b-23"].stance.value == "refutes"
    assert "x-026" not in extracts and "b-13" not in extracts
    assert extracts["x-052"].stance.value == "refutes"
    assert extracts["x-052"].rationale.startswith("Supports the mechanism-to-outcome link")
    assert "b-11" in extracts and "x-003" in extracts and "x-058" in extracts
    assert {"x-028", "x-029"} <= set(extracts)  # study-06, coded by A only
    assert "b-01" not in extracts and "x-001" in extracts  # agreed rows keep A's
    assert len(extracts) == 27


def test_bad_cells_are_named_and_nothing_is_written(tmp_path, sample_sheet):
    a = CODING / "reviewer-a"
    b = CODING / "reviewer-b"
    sheet = tmp_path / "reconcile.xlsx"
    sheet.write_bytes(sample_sheet)
    rows = rows_of(sheet)
    first = next(k for k, r in rows.items() if r["status"] == "disagree")
    only_a = next(k for k, r in rows.items() if r["status"] == "only A")
    agreed = next(k for k, r in rows.items() if r["status"] == "agree")
    pending = {k: r for k, r in rows.items() if r["decision"] is None}
    fill(sheet, {k: ("A" if r["a_extract"] else "B",) for k, r in pending.items()})
    fill(sheet, {first: ("maybe",), only_a: ("B",), agreed: ("edited", "refuses")})
    number = {k: i for i, k in enumerate(rows, start=2)}
    out = tmp_path / "agreed"
    result = run("import", "reconciliation", sheet, "--a", a, "--b", b, "-o", out)
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert errors == sorted(
        [
            f"error: {sheet}: reconcile row {number[first]}, column I (decision): 'maybe' is "
            "not a decision (one of A, B, both, neither, edited)",
            f"error: {sheet}: reconcile row {number[only_a]}, column I (decision): 'B', but B "
            "made no extract here (A, neither or edited)",
            f"error: {sheet}: reconcile row {number[agreed]}, column J (agreed_stance): "
            "'refuses' is not a stance (supports, refutes, refines)",
        ],
        key=lambda line: int(line.split(" row ")[1].split(",")[0]),
    )
    assert result.stderr.splitlines()[-1] == f"{sheet}: nothing written (3 errors)"
    assert not out.exists()


def test_a_coded_review_reconciles_into_one_without_coders(tmp_path):
    folder = write_review(tmp_path / "coded", coded_review())
    sheet = tmp_path / "r.xlsx"
    assert run("agreement", folder, "--to", "workbook", "-o", sheet).exit_code == 0
    rows = rows_of(sheet)
    pending = {k: ("A",) for k, r in rows.items() if r["decision"] is None}
    fill(sheet, pending)
    wrong = run("import", "reconciliation", sheet, "--a", folder, "--b", folder, "-o", "x")
    assert wrong.exit_code == 2 and "give it as --a, without --b" in wrong.stderr
    out = tmp_path / "agreed"
    result = run("import", "reconciliation", sheet, "--a", folder, "-o", out)
    assert result.exit_code == 0, result.output
    from theorygraph.validate import read_theory

    merged = read_theory(out)
    assert {x.id: x.coder for x in merged.extracts} == {
        "x6": None,
        "x1": None,
        "x3": None,
        "x5": None,
    }


def test_a_kept_extract_of_b_with_a_s_id_is_renamed(tmp_path):
    a = write_review(tmp_path / "a", [ex("x1", location="p. 1")])
    b = write_review(tmp_path / "b", [ex("x1", "refutes", location="p. 1", quote="other")])
    sheet = tmp_path / "r.xlsx"
    run("agreement", a, b, "--to", "workbook", "-o", sheet)
    fill(sheet, {"r-001": ("both",)})
    out = tmp_path / "agreed.yaml"
    result = run("import", "reconciliation", sheet, "--a", a, "--b", b, "-o", out)
    assert result.exit_code == 0, result.output
    assert "1 extract of B renamed" in result.stderr
    from theorygraph.validate import read_theory

    stances = {x.id: x.stance.value for x in read_theory(out).extracts}
    assert stances == {"x1": "supports", "x1-b": "refutes"}
    refused = run("import", "reconciliation", sheet, "--a", a, "--b", b, "-o", a)
    assert refused.exit_code == 2 and "where A's coding is" in refused.stderr


def test_the_docs_python_example_runs(monkeypatch):
    import re

    text = (ROOT / "docs" / "agreement.md").read_text(encoding="utf-8")
    [example] = re.findall(r"```python\n(.*?)```", text, flags=re.S)
    monkeypatch.chdir(ROOT)
    names: dict[str, object] = {}
    exec(example, names)
    assert names["answer"].kappa.value == pytest.approx(0.6)
    # the walk-through shows the command's real output
    shown = run("agreement", *(f"samples/ics-leadership-coding/reviewer-{x}" for x in "ab"))
    assert f"```text\n{shown.stdout}```" in text


def test_coders_are_asked_for_in_the_cli_s_words(tmp_path):
    three = coded_review() + [ex("x7", coder="cat", location="p. 4")]
    folder = write_review(tmp_path / "three", three)
    result = run("agreement", folder)
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        f"error: {folder}: its extracts name 3 people as coder (ann, bob, cat); "
        "choose two with --coders"
    )
    assert run("agreement", folder, "--coders", "ann,cat").exit_code == 0
    plain = write_review(tmp_path / "plain", [ex("x1")])
    assert run("agreement", plain).stderr.strip() == (
        f"error: {plain}: its extracts name no coder, and agreement compares two; compare "
        "two sources (theorygraph agreement A B), or give each extract a coder"
    )
    both = run("agreement", plain, plain, "--coders", "ann,bob")
    assert both.stderr.strip() == (
        "error: --coders compares two people's coding in one review; with two sources leave it out"
    )
