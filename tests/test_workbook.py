"""The whole review in one workbook: export --to workbook, import workbook.

Round trips (the samples, a review without extracts, every field of the model generated
with hypothesis), the drop-downs, formula-like text read by a second reader (calamine),
a bad cell in every sheet, and the CLI both ways.
"""

from __future__ import annotations

import copy
import shutil
import string

import pytest
from click.testing import CliRunner
from conftest import MINI, ROOT, SAMPLE
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from theorygraph.cli import main
from theorygraph.errors import TheoryGraphError
from theorygraph.importers.result import ImportFailed
from theorygraph.importers.workbook import ABOUT, SHEETS, cell_value
from theorygraph.importers.workbook_about import holds
from theorygraph.importers.workbook_read import read_workbook
from theorygraph.importers.workbook_write import columns_of, write_workbook
from theorygraph.model import (
    CMOC,
    MECHANISM_QUALIFIERS,
    ContextKind,
    Extract,
    HandOff,
    MemberQualifier,
    Qualifier,
    ReviewInfo,
    Study,
    TheoryDocument,
    configuration_links,
)
from theorygraph.validate import check_document, read_theory

PORTFOLIO = ROOT / "samples" / "portfolio-srl"
SHEET_NAMES = [
    "review",
    "theories",
    "contexts",
    "mechanisms",
    "outcomes",
    "cmocs",
    "qualifiers",
    "hand-offs",
    "studies",
    "extracts",
]


def invoke(*args):
    """``theorygraph ARGS`` through CliRunner, standard error kept apart."""
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def round_trip(document: TheoryDocument, path) -> TheoryDocument:
    write_workbook(document, path)
    return read_workbook(path).document


def assert_same(back: TheoryDocument, document: TheoryDocument) -> None:
    assert back == document
    assert back.to_data() == document.to_data()


#: MINI with a qualifier, a hand-off and the review's own study attributes: a row in
#: every sheet
FULL = copy.deepcopy(MINI)
FULL["review"].update(question="What works?", team=["Ann Lee", "Bo Chen"])
FULL["cmocs"][0]["qualifiers"] = [{"id": "c-voluntary", "qualifier": "present", "note": "n"}]
FULL["cmocs"][0]["hand_offs"] = [
    {"cmoc": "cmoc-2", "role": "mechanism", "outcome": "o-collab", "provenance": "inferred"}
]
FULL["studies"][0]["attributes"] = {"programme": "GP training", "sites": 3}
FULL["studies"][1]["attributes"] = {"programme": "Ward", "funded": True}


@pytest.fixture
def full() -> TheoryDocument:
    return TheoryDocument.model_validate(copy.deepcopy(FULL))


# -- round trips ---------------------------------------------------------------------------------


@pytest.mark.parametrize("source", [SAMPLE, PORTFOLIO], ids=["ics-leadership", "portfolio-srl"])
def test_the_samples_round_trip(tmp_path, source):
    document = read_theory(source)
    assert_same(round_trip(document, tmp_path / "review.xlsx"), document)


def test_a_review_without_extracts_keeps_every_study_and_cmoc(tmp_path, full):
    document = full.model_copy(update={"extracts": []})
    back = round_trip(document, tmp_path / "review.xlsx")
    assert_same(back, document)
    assert [s.id for s in back.studies] == ["s1", "s2"]
    assert [c.id for c in back.cmocs] == ["cmoc-1", "cmoc-2"]


def test_a_review_with_nothing_but_its_review_round_trips(tmp_path):
    document = TheoryDocument(review=ReviewInfo(id="empty", title="Nothing yet"))
    assert_same(round_trip(document, tmp_path / "review.xlsx"), document)


def test_every_sheet_has_a_row_for_every_part(tmp_path, full):
    from openpyxl import load_workbook

    write_workbook(full, tmp_path / "review.xlsx")
    book = load_workbook(tmp_path / "review.xlsx")
    assert book.sheetnames == [ABOUT, *SHEET_NAMES]
    rows = {name: book[name].max_row - 1 for name in SHEET_NAMES}
    assert rows == {
        "review": 1,
        "theories": 2,
        "contexts": 2,
        "mechanisms": 2,
        "outcomes": 2,
        "cmocs": 2,
        "qualifiers": 1,
        "hand-offs": 1,
        "studies": 2,
        "extracts": 3,
    }
    header = [c.value for c in book["studies"][1]]
    assert header[-3:] == ["attr.programme", "attr.sites", "attr.funded"]
    assert [c.value for c in book["hand-offs"][2]] == [
        "cmoc-1",
        "cmoc-2",
        "mechanism",
        "o-collab",
        "inferred",
        None,
    ]
    assert book["studies"]["D2"].value == 2019  # a year is a number
    assert book["studies"]["L3"].value == "true" and book["studies"]["L2"].value == "unknown"


# -- every field of the model, generated ------------------------------------------------------

#: any character a cell can hold: no control characters but tab, LF and CR, no surrogates,
#: no U+FFFE or U+FFFF
CHARACTERS = st.characters(
    blacklist_categories=("Cs",),
    blacklist_characters="".join(chr(c) for c in range(32) if chr(c) not in "\t\n\r")
    + "\x7f\ufffe\uffff",
)
#: text a cell keeps: an empty cell is no value, so text holds more than spaces
TEXT = st.text(CHARACTERS, min_size=1, max_size=12).filter(str.strip)
#: items of a list: anything, ';', line breaks and empty items included
ITEMS = st.lists(st.text(CHARACTERS, max_size=8), max_size=3)
TRICKY = st.sampled_from(["=1+1", "+44", "-ve", "@home", "#N/A", "'quoted", "a_x000D_b", "1\r\n2"])
ANY_TEXT = TEXT | TRICKY


#: ``st.none() | strategy`` for each strategy drawn from below, made once: hypothesis works out
#: what a new strategy can draw the first time it draws from it, and doing that again for a
#: fresh ``none() | ...`` at every draw was nearly a third of the time spent generating
#: documents (the documents drawn are the same, seed for seed)
_OR_NONE: dict[st.SearchStrategy, st.SearchStrategy] = {}


def maybe(draw, strategy):
    either = _OR_NONE.get(strategy)
    if either is None:
        either = _OR_NONE[strategy] = st.none() | strategy
    return draw(either)


def some(draw, data: dict, **fields) -> dict:
    """Set each field to a value drawn from its strategy, or leave it out."""
    for name, strategy in fields.items():
        value = maybe(draw, strategy)
        if value is not None:
            data[name] = value
    return data


def enum_values(enum) -> st.SearchStrategy[str]:
    return st.sampled_from([m.value for m in enum])


ATTRIBUTE_VALUES = (
    ANY_TEXT
    | st.text(string.digits + ".; ", min_size=1, max_size=5)
    | st.integers(-(10**20), 10**20)
    | st.floats(allow_nan=False)
    | st.booleans()
    | ITEMS
)


@st.composite
def documents(draw) -> TheoryDocument:
    review = some(
        draw,
        {"id": "gen", "title": draw(ANY_TEXT)},
        **{f: ANY_TEXT for f in ("question", "description", "stakeholders", "citation")},
        **{f: ANY_TEXT for f in ("doi", "funding", "notes")},
        team=ITEMS,
    )
    theories = [
        some(draw, {"id": "t1", "label": draw(ANY_TEXT)}, version=ANY_TEXT, description=TEXT),
        some(
            draw,
            {"id": "t2", "label": draw(ANY_TEXT), "refines": "t1"},
            status=st.sampled_from(["draft", "initial", "refined", "final"]),
        ),
        {"id": "t3", "label": draw(ANY_TEXT), "kind": "part"},
    ]

    def nodes(prefix: str, **fields) -> list[dict]:
        count = draw(st.integers(1, 3))
        return [
            some(draw, {"id": f"{prefix}-{i}", "label": draw(ANY_TEXT)}, **fields)
            for i in range(count)
        ]

    common = {"description": ANY_TEXT, "tags": ITEMS}
    contexts = nodes("c", kind=enum_values(ContextKind), **common)
    mechanisms = nodes("m", resource=ANY_TEXT, reasoning=ANY_TEXT, **common)
    outcomes = nodes(
        "o",
        intended=st.sampled_from([True, False]),
        level=st.sampled_from(["proximal", "intermediate", "distal"]),
        **common,
    )
    ids = {
        k: [n["id"] for n in v] for k, v in (("c", contexts), ("m", mechanisms), ("o", outcomes))
    }
    cmocs: list[dict] = []
    for i in range(draw(st.integers(1, 3))):
        cmoc = some(
            draw,
            {
                "id": f"cmoc-{i}",
                "label": draw(ANY_TEXT),
                "contexts": draw(st.lists(st.sampled_from(ids["c"]), max_size=2, unique=True)),
                "mechanisms": draw(
                    st.lists(st.sampled_from(ids["m"]), min_size=1, max_size=3, unique=True)
                ),
                "outcomes": draw(
                    st.lists(st.sampled_from(ids["o"]), min_size=1, max_size=2, unique=True)
                ),
                "theories": draw(st.lists(st.sampled_from(["t1", "t2", "t3"]), unique=True)),
            },
            sequence=st.booleans(),
            strategy=ANY_TEXT,
            actors=ITEMS,
            theme=ANY_TEXT,
            description=ANY_TEXT,
            tags=ITEMS,
        )
        members = [*cmoc["contexts"], *cmoc["mechanisms"], *cmoc["outcomes"]]
        qualifiers = []
        for member in draw(st.lists(st.sampled_from(members), unique=True, max_size=3)):
            words = [q.value for q in Qualifier]
            if member not in cmoc["mechanisms"]:
                words = [w for w in words if Qualifier(w) not in MECHANISM_QUALIFIERS]
            qualifiers.append(
                some(draw, {"id": member}, qualifier=st.sampled_from(words), note=ANY_TEXT)
            )
        if qualifiers:
            cmoc["qualifiers"] = qualifiers
        cmocs.append(cmoc)
    for i, cmoc in enumerate(cmocs):  # hand on to later CMOCs only: no loops needed
        onward = draw(st.lists(st.sampled_from([c["id"] for c in cmocs[i + 1 :]] or ["-"])))
        onward = [c for c in dict.fromkeys(onward) if c != "-"]
        if not onward:
            continue
        cmoc["leads_to"] = onward
        hand_offs = []
        for target in draw(st.lists(st.sampled_from(onward), unique=True)):
            hand_offs.append(
                some(
                    draw,
                    {"cmoc": target},
                    role=st.sampled_from(["context", "mechanism"]),
                    outcome=st.sampled_from(cmoc["outcomes"]),
                    provenance=st.sampled_from(["stated", "inferred"]),
                    note=ANY_TEXT,
                )
            )
        if hand_offs:
            cmoc["hand_offs"] = hand_offs
    names = ["programme", "sites", "funded", "wards"]
    studies = [
        some(
            draw,
            {"id": f"s-{i}", "title": draw(ANY_TEXT)},
            authors=ITEMS,
            year=st.integers(1000, 2999),
            venue=ANY_TEXT,
            doi=ANY_TEXT,
            url=ANY_TEXT,
            design=st.sampled_from(["qualitative", "mixed-methods", "policy-document", "other"]),
            country=ANY_TEXT,
            sector=st.sampled_from(["health", "social-care", "health-and-social-care"]),
            participants=ITEMS,
            service_user_involvement=st.sampled_from([True, False]),
            notes=ANY_TEXT,
            tags=ITEMS,
            attributes=st.dictionaries(st.sampled_from(names), ATTRIBUTE_VALUES, min_size=1),
        )
        for i in range(draw(st.integers(1, 3)))
    ]
    extracts = []
    for i in range(draw(st.integers(0, 5))):
        cmoc = draw(st.sampled_from(cmocs))
        links = configuration_links(
            cmoc["contexts"], cmoc["mechanisms"], cmoc["outcomes"], cmoc.get("sequence", False)
        )
        kind = draw(st.sampled_from(["quote", "paraphrase", "citation"]))
        extract = some(
            draw,
            {
                "id": f"x-{i}",
                "study": draw(st.sampled_from([s["id"] for s in studies])),
                "cmoc": cmoc["id"],
                "stance": draw(st.sampled_from(["supports", "refutes", "refines"])),
                "kind": kind,
            },
            location=ANY_TEXT,
            rationale=ANY_TEXT,
            relevance=st.sampled_from(["high", "moderate", "low"]),
            rigour=st.sampled_from(["high", "moderate", "low"]),
            coder=ANY_TEXT,
        )
        quote = draw(st.none() | ANY_TEXT) if kind == "citation" else draw(ANY_TEXT)
        if quote is not None:
            extract["quote"] = quote
        link = draw(st.none() | st.sampled_from(links))
        if link is not None:
            extract["link"] = {"from": link[0], "to": link[1]}
        extracts.append(extract)
    return TheoryDocument.model_validate(
        {
            "review": review,
            "theories": theories,
            "contexts": contexts,
            "mechanisms": mechanisms,
            "outcomes": outcomes,
            "cmocs": cmocs,
            "studies": studies,
            "extracts": extracts,
        }
    )


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(document=documents())
def test_every_field_of_the_model_round_trips(tmp_path, document):
    assert [p for p in check_document(document) if p.severity == "error"] == []
    assert_same(round_trip(document, tmp_path / "generated.xlsx"), document)


def test_the_layout_has_a_column_for_every_field_of_the_model():
    """A field added to the model fails here until the workbook holds it."""
    written = {
        (sheet.model, c.field.split(".")[0]) for sheet in SHEETS for c in sheet.columns if c.field
    }
    written |= {(CMOC, "qualifiers"), (CMOC, "hand_offs")}  # sheets of their own
    for sheet in SHEETS:
        for name in sheet.model.model_fields:
            assert (sheet.model, name) in written, f"{sheet.name}: no column for {name}"
    assert {s.model for s in SHEETS} >= {MemberQualifier, HandOff, Study, Extract}


# -- the About sheet -------------------------------------------------------------------------------


def test_the_about_sheet_explains_every_column_in_the_models_words(tmp_path, full):
    from openpyxl import load_workbook

    write_workbook(full, tmp_path / "review.xlsx")
    about = load_workbook(tmp_path / "review.xlsx")[ABOUT]
    rows = [[c.value for c in row] for row in about.iter_rows(min_row=2)]
    explained = {(r[0], r[1]): r for r in rows if r[1]}
    for sheet in SHEETS:
        for col in sheet.columns:
            row = explained[(sheet.name, col.name)]
            assert row[3] and row[4], (sheet.name, col.name)
            assert row[3] == holds(sheet, col)
    sequence = explained[("cmocs", "sequence")]
    assert sequence[3] == CMOC.model_fields["sequence"].description
    assert sequence[4] == "true or false (a drop-down); empty is false"
    assert explained[("extracts", "stance")][2] == "yes"
    assert explained[("extracts", "rationale")][2] is None
    assert about.freeze_panes == "A2"


# -- Excel conveniences ----------------------------------------------------------------------------

IDS = "$A$2:$A$1048576"
#: sheet -> column header -> (the list's formula, whether other values are refused)
DROP_DOWNS = {
    "theories": {
        "kind": ('"version,part"', True),
        "status": ('"draft,initial,refined,final"', True),
        "refines": (f"'theories'!{IDS}", True),
    },
    "contexts": {"kind": ('"organisational,relational,policy,individual,other"', True)},
    "mechanisms": {},
    "outcomes": {
        "intended": ('"true,false,unknown"', True),
        "level": ('"proximal,intermediate,distal"', True),
    },
    "cmocs": {
        "contexts": (f"'contexts'!{IDS}", False),
        "mechanisms": (f"'mechanisms'!{IDS}", False),
        "outcomes": (f"'outcomes'!{IDS}", False),
        "sequence": ('"true,false"', True),
        "leads_to": (f"'cmocs'!{IDS}", False),
        "theories": (f"'theories'!{IDS}", False),
        "refines": (f"'cmocs'!{IDS}", True),
    },
    "qualifiers": {
        "cmoc": (f"'cmocs'!{IDS}", True),
        "qualifier": ('"increased,decreased,present,absent,activated,not-activated"', True),
    },
    "hand-offs": {
        "cmoc": (f"'cmocs'!{IDS}", True),
        "leads_to": (f"'cmocs'!{IDS}", True),
        "role": ('"context,mechanism"', True),
        "outcome": (f"'outcomes'!{IDS}", True),
        "provenance": ('"stated,inferred"', True),
    },
    "studies": {
        "design": (
            '"qualitative,quantitative,mixed-methods,case-study,evaluation,review,'
            'policy-document,commentary,other"',
            True,
        ),
        "sector": ('"health,social-care,health-and-social-care,other"', True),
        "service_user_involvement": ('"true,false,unknown"', True),
    },
    "extracts": {
        "study": (f"'studies'!{IDS}", True),
        "cmoc": (f"'cmocs'!{IDS}", True),
        "stance": ('"supports,refutes,refines"', True),
        "kind": ('"quote,paraphrase,citation"', True),
        "relevance": ('"high,moderate,low"', True),
        "rigour": ('"high,moderate,low"', True),
    },
}


def test_drop_downs_freeze_and_widths(tmp_path, full):
    from openpyxl import load_workbook

    write_workbook(full, tmp_path / "review.xlsx")
    book = load_workbook(tmp_path / "review.xlsx")
    for name, expected in DROP_DOWNS.items():
        ws = book[name]
        headers = [c.value for c in ws[1]]
        found = {}
        for check in ws.data_validations.dataValidation:
            assert check.type == "list" and check.allow_blank
            (cells,) = [str(r) for r in check.sqref.ranges]
            letter = cells.split(":")[0].rstrip("2")
            assert cells == f"{letter}2:{letter}1048576"
            header = headers[[c.column_letter for c in ws[1]].index(letter)]
            found[header] = (check.formula1, bool(check.showErrorMessage))
        assert found == expected, name
        assert ws.freeze_panes == "B2"
        assert all(c.font.b for c in ws[1])
        widths = {c.column_letter: ws.column_dimensions[c.column_letter].width for c in ws[1]}
        assert min(widths.values()) >= 8 and widths["A"] == 18, name
    assert book["extracts"].column_dimensions["H"].width == 70  # the quote


# -- formula-like text, and a second reader --------------------------------------------------------

HOSTILE = [
    "=cmd|' /C calc'!A0",
    "+1 555",
    "-ve feelings",
    "@SUM(A1)",
    "#N/A",
    "\r\nline",
    "_x000D_",
]


def hostile(full: TheoryDocument) -> TheoryDocument:
    data = full.model_dump(by_alias=True)
    for i, text in enumerate(HOSTILE[:3]):
        data["extracts"][i]["quote"] = text
    data["contexts"][0]["label"] = HOSTILE[3]
    data["contexts"][1]["label"] = HOSTILE[4]
    data["mechanisms"][0]["description"] = HOSTILE[5]
    data["studies"][0]["title"] = HOSTILE[6]
    data["studies"][0]["attributes"]["sites"] = -3
    data["studies"][1]["attributes"]["programme"] = "=HYPERLINK(1)"
    return TheoryDocument.model_validate(data)


def test_formula_like_text_is_stored_as_text_and_read_back_exactly(tmp_path, full):
    from openpyxl import load_workbook

    document = hostile(full)
    path = tmp_path / "review.xlsx"
    assert_same(round_trip(document, path), document)
    book = load_workbook(path)
    cells = [book["extracts"][f"H{r}"] for r in (2, 3, 4)]
    cells += [book["contexts"]["B2"], book["contexts"]["B3"], book["studies"]["P2"]]
    for cell in cells:
        assert cell.data_type == "s" and cell.quotePrefix, cell.coordinate
    assert [c.value for c in cells] == [*HOSTILE[:5], "-3"]


def expected_cells(document: TheoryDocument) -> dict[str, list[list[object]]]:
    """What each sheet shows, made from the layout (not by reading the file)."""
    from theorygraph.importers.workbook_write import _field, _items

    out = {}
    for sheet in SHEETS:
        columns = columns_of(sheet, document)
        rows = [[c.name for c in columns]]
        for _, item, owner in _items(sheet, document):
            rows.append([cell_value(c, _field(item, owner, c)) for c in columns])
        out[sheet.name] = rows
    return out


@pytest.mark.parametrize("source", ["full", "sample"])
def test_a_second_reader_sees_every_value(tmp_path, full, doc, source):
    """python-calamine (Rust, independent of openpyxl) reads each sheet as written."""
    from python_calamine import CalamineWorkbook

    document = hostile(full) if source == "full" else doc
    path = write_workbook(document, tmp_path / "review.xlsx")
    book = CalamineWorkbook.from_path(str(path))
    assert book.sheet_names == [ABOUT, *SHEET_NAMES]
    for name, expected in expected_cells(document).items():
        rows = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
        width = len(expected[0])
        seen = [[None if v == "" else v for v in row[:width]] for row in rows]
        seen = [row + [None] * (width - len(row)) for row in seen]
        # calamine gives a number as a float (a year, here)
        seen = [[int(v) if isinstance(v, float) else v for v in row] for row in seen]
        assert seen == expected, name


# -- bad cells: one line each, naming sheet, row and column -------------------------------------

BAD_CELLS = [
    ("review", "A2", "Mini Review", "review row 2, column A (id): 'Mini Review' is not a valid id"),
    (
        "theories",
        "E3",
        "refind",
        "theories row 3, column E (status): 'refind' is not a theory status "
        "(did you mean 'refined'? allowed: draft, initial, refined, final)",
    ),
    (
        "contexts",
        "C2",
        "organizational",
        "contexts row 2, column C (kind): 'organizational' is not a kind of context "
        "(did you mean 'organisational'? allowed: organisational, relational, policy, "
        "individual, other)",
    ),
    ("mechanisms", "B3", None, "mechanisms row 3, column B (label): required field is missing"),
    (
        "outcomes",
        "C2",
        "maybe",
        "outcomes row 2, column C (intended): 'maybe' is not true, false or unknown "
        "(allowed: true, false, yes, no, unknown)",
    ),
    (
        "cmocs",
        "D2",
        "m-inspire; m-nope",
        "cmocs row 2, column D (mechanisms): unknown mechanism id 'm-nope' "
        "(closest existing ids: m-inspire, m-power)",
    ),
    (
        "qualifiers",
        "C2",
        "activated",
        "qualifiers row 2, column C (qualifier): 'activated' qualifies a mechanism, and "
        "'c-voluntary' is not a mechanism of 'cmoc-1' (a context or an outcome is increased, "
        "decreased, present or absent)",
    ),
    (
        "hand-offs",
        "B2",
        "cmoc-1",
        "hand-offs row 2, column B (leads_to): 'cmoc-1' is not a CMOC that 'cmoc-1' leads to "
        "(cmoc-2)",
    ),
    (
        "studies",
        "D3",
        "twenty twenty",
        "studies row 3, column D (year): 'twenty twenty' is not a year "
        "(a four-digit year such as 2019)",
    ),
    (
        "extracts",
        "F2",
        "maybee",
        "extracts row 2, column F (stance): 'maybee' is not a stance "
        "(allowed: supports, refutes, refines)",
    ),
]


def edited(tmp_path, document: TheoryDocument, changes) -> object:
    """The document's workbook with some cells changed, as a team would edit it."""
    from openpyxl import load_workbook

    path = write_workbook(document, tmp_path / "review.xlsx")
    book = load_workbook(path)
    for sheet, cell, value in changes:
        book[sheet][cell] = value
    book.save(path)
    return path


@pytest.mark.parametrize("sheet, cell, value, message", BAD_CELLS, ids=[b[0] for b in BAD_CELLS])
def test_a_bad_cell_in_each_sheet_is_one_line_and_nothing_is_written(
    tmp_path, full, sheet, cell, value, message
):
    path = edited(tmp_path, full, [(sheet, cell, value)])
    result = invoke("import", "workbook", path, "-o", tmp_path / "out")
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines[0].startswith(f"error: {path}: {message}")
    if sheet != "review":  # the id rule follows in its own words
        assert lines[0] == f"error: {path}: {message}"
    assert lines[-1] == f"{path}: nothing written (1 error)"
    assert "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


def test_every_bad_cell_is_listed_at_once_sheet_by_sheet(tmp_path, full):
    path = edited(
        tmp_path,
        full,
        [("extracts", "F3", "maybee"), ("studies", "D2", "soon"), ("contexts", "C3", "x")],
    )
    with pytest.raises(ImportFailed) as caught:
        read_workbook(path)
    assert [p.where for p in caught.value.errors] == [
        "contexts row 3, column C (kind)",
        "studies row 2, column D (year)",
        "extracts row 3, column F (stance)",
    ]


@pytest.mark.parametrize(
    "changes, message",
    [
        (
            [("extracts", "D2", "c-voluntary")],
            "extracts row 2, column E (link_to): a link needs both its ends (link_from a "
            "context or mechanism of the CMOC and link_to a mechanism or outcome of it; both "
            "empty for the whole CMOC)",
        ),
        (
            [("qualifiers", "A2", "cmoc-9")],
            "qualifiers row 2, column A (cmoc): unknown CMOC id 'cmoc-9' "
            "(closest existing ids: cmoc-1, cmoc-2)",
        ),
        (
            [("review", "A3", "other"), ("review", "B3", "Another review")],
            "review row 3: a workbook holds one review (keep the review in row 2 and remove "
            "this row)",
        ),
        (
            [("studies", "R1", "attr.Funder")],
            "studies row 1, column R (attr.Funder): 'attr.Funder' does not name an attribute "
            "(head the column attr.NAME; an attribute's name uses lowercase letters, digits, "
            "'_' and '-', starts with a letter and has at most 40 characters, e.g. "
            "'programme')",
        ),
        (
            [("outcomes", "A4", "c-trust"), ("outcomes", "B4", "Trust, again")],
            "outcomes row 4, column A (id): duplicate id 'c-trust' (ids are unique within a "
            "review; first used at contexts row 3)",
        ),
        (
            [("contexts", "B1", "name")],
            "contexts: no column 'label' in the header row (row 1) (the contexts sheet's "
            "columns: id, label, kind, description, tags)",
        ),
    ],
    ids=["half-a-link", "unknown-owner", "two-reviews", "attribute-name", "duplicate", "header"],
)
def test_what_only_a_whole_workbook_can_get_wrong(tmp_path, full, changes, message):
    path = edited(tmp_path, full, changes)
    with pytest.raises(ImportFailed) as caught:
        read_workbook(path)
    assert [str(p) for p in caught.value.errors][0] == f"{path}: {message}"


def test_a_missing_sheet_and_unread_columns_and_sheets(tmp_path, full):
    from openpyxl import load_workbook

    path = write_workbook(full, tmp_path / "review.xlsx")
    book = load_workbook(path)
    book["studies"]["R1"] = "Remarks"
    book["studies"]["R2"] = "kept aside"
    book.create_sheet("our notes")
    book.save(path)
    result = read_workbook(path)
    assert [str(p) for p in result.warnings] == [
        f"{path}: sheets not imported: our notes (a review's workbook reads only its own "
        "sheets: " + ", ".join(SHEET_NAMES) + ")",
        f"{path}: studies: columns not imported: Remarks (the studies sheet's columns: id, "
        "title, authors, year, venue, doi, url, design, country, sector, participants, "
        "service_user_involvement, notes, tags, attr.NAME; a study's own attribute is "
        "headed attr.NAME)",
    ]
    del book["hand-offs"]
    book.save(path)
    with pytest.raises(ImportFailed) as caught:
        read_workbook(path)
    assert str(caught.value.errors[0]).startswith(
        f"{path}: the workbook has no sheet 'hand-offs' (a review's workbook has the sheets "
    )


def test_what_a_team_types_is_read_as_the_sheet_importer_reads_it(tmp_path, full):
    path = edited(
        tmp_path,
        full,
        [
            ("extracts", "F2", "+"),
            ("extracts", "K2", "H"),
            ("studies", "H2", "Case study"),
            ("studies", "L2", True),  # Excel's own TRUE
            ("studies", "D2", 2019.0),
            ("cmocs", "F2", "TRUE"),
            ("cmocs", "D3", "m-power ;\nm-inspire"),
            ("studies", "P3", 12),
        ],
    )
    back = read_workbook(path).document
    assert (back.extracts[0].stance.value, back.extracts[0].relevance.value) == ("supports", "high")
    assert back.studies[0].design.value == "case-study"
    assert back.studies[0].service_user_involvement is True and back.studies[0].year == 2019
    assert back.cmocs[0].sequence is True
    assert back.cmocs[1].mechanisms == ["m-power", "m-inspire"]
    assert back.studies[1].attributes == {"programme": "Ward", "sites": 12, "funded": True}


# -- what an export cannot hold -----------------------------------------------------------------


@pytest.mark.parametrize(
    "text, why",
    [
        ("bell\x07", "control character 0x07 cannot be stored in .xlsx; remove it"),
        ("x\ufffe", "U+FFFE cannot be stored in .xlsx; remove it"),
        (
            "q" * 32768,
            "32768 characters are more than an .xlsx cell holds (32767, Excel's own limit); "
            "shorten it",
        ),
    ],
    ids=["control", "fffe", "too-long"],
)
def test_text_a_cell_cannot_hold_is_refused_not_cut(tmp_path, full, text, why):
    from theorygraph.importers.sheet import write_sheet

    data = full.model_dump(by_alias=True)
    data["extracts"][0]["quote"] = text
    document = TheoryDocument.model_validate(data)
    with pytest.raises(TheoryGraphError) as caught:
        write_workbook(document, tmp_path / "review.xlsx")
    assert str(caught.value) == f"extract 'x1', quote: {why}"
    with pytest.raises(TheoryGraphError) as caught:
        write_sheet(document, tmp_path / "sheet.xlsx")
    assert str(caught.value) == f"extract 'x1', quote: {why}, or export to .csv"
    assert not list(tmp_path.iterdir())
    data["extracts"][0]["quote"] = "q" * 32767  # the most a cell holds is kept whole
    document = TheoryDocument.model_validate(data)
    assert round_trip(document, tmp_path / "review.xlsx").extracts[0].quote == "q" * 32767


# -- the CLI ---------------------------------------------------------------------------------------


def test_export_then_import_through_the_cli(tmp_path, doc):
    path = tmp_path / "review.xlsx"
    result = invoke("export", SAMPLE, "--to", "workbook", "-o", path)
    assert result.exit_code == 0, result.output
    assert result.stderr == f"wrote {path}\n"
    result = invoke("import", "workbook", path, "-o", tmp_path / "theory")
    assert result.exit_code == 0, result.output
    assert result.stderr == (
        f"imported 6 contexts, 10 mechanisms, 14 outcomes, 14 CMOCs, 36 studies, 118 extracts "
        f"from {path} (201 rows read); wrote {tmp_path / 'theory'}\n"
    )
    assert_same(read_theory(tmp_path / "theory"), doc)
    assert invoke("validate", tmp_path / "theory").exit_code == 0


def test_into_makes_the_theory_hold_what_the_workbook_holds(tmp_path):
    from openpyxl import load_workbook

    theory = tmp_path / "theory"
    shutil.copytree(SAMPLE, theory)
    before = {p.name: p.read_bytes() for p in theory.iterdir()}
    path = tmp_path / "review.xlsx"
    assert invoke("export", theory, "--to", "workbook", "-o", path).exit_code == 0
    result = invoke("import", "workbook", path, "--into", theory)
    assert result.exit_code == 0 and result.stderr.endswith(f"updated {theory} (unchanged)\n")
    book = load_workbook(path)
    book["studies"]["B2"] = "A retitled study"
    book["studies"]["I2"] = None  # its country, cleared
    book["extracts"].delete_rows(book["extracts"].max_row)  # the last extract is dropped
    book.save(path)
    result = invoke("import", "workbook", path, "--into", theory)
    assert result.exit_code == 0, result.output
    after = read_theory(theory)
    assert after.studies[0].title == "A retitled study" and after.studies[0].country is None
    sample = read_theory(SAMPLE)  # read again: the sample itself is left as it was
    assert sample.studies[0].country == "England"
    assert [x.id for x in after.extracts] == [x.id for x in sample.extracts][:-1]
    changed = {p.name for p in theory.iterdir() if p.read_bytes() != before.get(p.name)}
    assert changed == {"studies.yaml", "extracts.yaml"}


def test_into_another_review_and_bad_usage_are_refused(tmp_path, full, doc):
    path = write_workbook(full, tmp_path / "review.xlsx")
    theory = tmp_path / "theory"
    shutil.copytree(SAMPLE, theory)
    result = invoke("import", "workbook", path, "--into", theory)
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == (
        f"error: {path} holds review 'mini', and the theory it would replace holds "
        "'ics-leadership'; import it with -o into a new folder"
    )
    result = invoke("import", "workbook", path, "-o", path)
    assert result.exit_code == 2 and "that is the file being imported" in result.stderr
    result = invoke("export", SAMPLE, "--to", "workbook")
    assert result.exit_code == 2 and "a workbook is written to a file" in result.output
    result = invoke("export", SAMPLE, "--to", "workbook", "-o", tmp_path / "x.csv")
    assert result.exit_code == 2 and "a workbook file should end in .xlsx" in result.stderr
    result = invoke("export", SAMPLE, "--to", "workbook", "--theory", "rpt", "-o", path)
    assert result.exit_code == 2
    assert "--theory and --focus do not apply to the workbook" in result.stderr
    assert read_theory(theory) == doc
