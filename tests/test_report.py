"""`theorygraph report`: a results write-up for a paper, as HTML, Markdown and DOCX.

The numbers a report prints are read back from its HTML and Markdown and compared with the
library's own answers; its references with citeproc-py's output for the same item; its
DOCX is opened with python-docx; its HTML in Chromium with the network blocked.
"""

from __future__ import annotations

import copy
import re
import shutil
import sys
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import MINI, ROOT, SAMPLE, _in_ci

from theorygraph import TheoryGraph
from theorygraph.cli import main
from theorygraph.model import TheoryDocument
from theorygraph.report import write_report
from theorygraph.report.citations import STYLES, csl_item, style_path
from theorygraph.report.gather import illustrative
from theorygraph.report.sections import SECTIONS
from theorygraph.results import EvidenceRow

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)> & *[link](http://e.org)*'


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The sample's report in each format, written once for the tests that read them."""
    folder = tmp_path_factory.mktemp("reports")
    graph = TheoryGraph.open(SAMPLE)
    out = {}
    for suffix in ("html", "md", "docx"):
        out[suffix] = write_report(graph, folder / f"report.{suffix}").path
    return out


@pytest.fixture(scope="module")
def sample_graph() -> TheoryGraph:
    return TheoryGraph.open(SAMPLE)


def report(*args: object) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["report", *(str(a) for a in args)])
    return result.exit_code, result.output


# -- reading a report back ---------------------------------------------------------------------


class Page(HTMLParser):
    """An HTML report read back: its tables by id (cells as text), every element's tag and
    attributes, the reference list by number, and the text of each CMOC's section."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: dict[str, list[list[str]]] = {}
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.references: dict[int, tuple[str, str]] = {}
        self.sections: dict[str, str] = {}
        self._table: str | None = None
        self._cell: list[str] | None = None
        self._row: list[str] | None = None
        self._ref: tuple[int, str] | None = None
        self._ref_text: list[str] = []
        self._section: str | None = None
        self.text: list[str] = []
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        self.elements.append((tag, a))
        if tag == "table":
            self._table = a.get("id") or ""
            self.tables[self._table] = []
        elif tag == "tr" and self._table is not None:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []
        elif tag == "li" and (a.get("id") or "").startswith("ref-"):
            self._ref = (int(a["id"][4:]), a["data-study"] or "")
            self._ref_text = []
        elif tag in ("h2", "h3"):
            self._section = a.get("id") or ""
            self.sections[self._section] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append("".join(self._cell).strip())
            self._cell = None
        elif tag == "tr" and self._row is not None and self._table is not None:
            self.tables[self._table].append(self._row)
            self._row = None
        elif tag == "table":
            self._table = None
        elif tag == "li" and self._ref is not None:
            self.references[self._ref[0]] = (self._ref[1], "".join(self._ref_text))
            self._ref = None

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._cell is not None:
            self._cell.append(data)
        if self._ref is not None:
            self._ref_text.append(data)
        if self._section is not None:
            self.sections[self._section] += data


def markdown_tables(text: str) -> list[list[list[str]]]:
    """Every table of a Markdown report, each a list of rows of cell texts (unescaped)."""
    tables: list[list[list[str]]] = []
    current: list[list[str]] | None = None
    for line in text.splitlines():
        if line.startswith("|"):
            cells = [c.strip() for c in re.split(r"(?<!\\)\|", line.strip())[1:-1]]
            if all(re.fullmatch(r"-+:?", c) for c in cells):
                continue
            if current is None:
                current = []
                tables.append(current)
            current.append([re.sub(r"\\(.)", r"\1", c) for c in cells])
        else:
            current = None
    return tables


def numbers_of(text: str) -> list[int]:
    """The reference numbers cited in a text: '[1, 4]' -> [1, 4]."""
    return [int(n) for group in re.findall(r"\[([\d, ]+)\]", text) for n in group.split(",")]


# -- the numbers are the queries' --------------------------------------------------------------


def test_the_html_report_s_numbers_are_the_queries_answers(reports, sample_graph):
    page = Page(reports["html"].read_text(encoding="utf-8"))
    stats = sample_graph.stats()
    mechanisms = {row[1]: [int(v) for v in row[2:]] for row in page.tables["mechanisms"][1:]}
    assert mechanisms == {
        m.id: [m.extracts, m.studies, m.supports, m.refines, m.refutes] for m in stats.mechanisms
    }
    for by in ("design", "country", "sector"):
        read = {row[0]: int(row[1]) for row in page.tables[f"studies-by-{by}"][1:]}
        answer = sample_graph.coverage(by=by).all_studies
        assert read == {v.replace("-", " ") if by != "country" else v: n for v, n in answer.items()}
    involved = {
        row[0]: int(row[1]) for row in page.tables["studies-by-service_user_involvement"][1:]
    }
    assert involved == {"no": 36, "yes": 0}
    gaps = sample_graph.gaps()
    assert [(r[2], r[3], int(r[4]), int(r[5])) for r in page.tables["gaps"][1:]] == [
        (g.id, g.gap, g.studies, g.extracts) for g in gaps.rows
    ]
    whole = " ".join(page.text)
    counts = stats.counts
    assert (
        f"includes {counts['Study']} studies, from which {counts['Extract']} evidence extracts"
        in whole
    )
    assert stats.headline[1:] in whole and gaps.headline[1:] in whole
    chains = sample_graph.chains()
    loose = [c for c in chains.chains if not c.carried_by_one_study]
    assert len(loose) == 4 and all(c.label in page.sections["gaps-chains"] for c in loose)
    carried = [c for c in chains.chains if c.carried_by_one_study]
    assert not any(c.label in page.sections["gaps-chains"] for c in carried)


def test_each_cmoc_cites_the_studies_the_evidence_query_finds(reports, sample_graph):
    page = Page(reports["html"].read_text(encoding="utf-8"))
    study_of = {n: study for n, (study, _) in page.references.items()}
    assert len(study_of) == 36
    for number in range(1, 15):
        text = page.sections[f"cmoc-{number}"]
        cmoc = f"cmoc-{number:02d}"
        rows = sample_graph.evidence(cmoc).rows
        for stance, said in (("supports", "upported by"), ("refines", "efined by")):
            cited = re.search(rf"{said} (\[[\d, ]+\])", text)
            wanted = {r.study for r in rows if r.stance == stance}
            got = {study_of[n] for n in numbers_of(cited.group(1))} if cited else set()
            assert got == wanted, (cmoc, stance)
        refuted = re.search(r"refuted by (\[[\d, ]+\])", text)
        wanted = {r.study for r in rows if r.stance == "refutes"}
        assert ({study_of[n] for n in numbers_of(refuted.group(1))} if refuted else set()) == wanted
        if not rows:
            assert "it has no evidence" in text


def test_the_markdown_report_s_numbers_are_the_queries_answers(reports, sample_graph):
    text = reports["md"].read_text(encoding="utf-8")
    tables = {t[0][0]: t for t in markdown_tables(text)}
    stats = sample_graph.stats()
    mechanisms = {row[1]: [int(v) for v in row[2:]] for row in tables["Mechanism"][1:]}
    assert mechanisms == {
        m.id: [m.extracts, m.studies, m.supports, m.refines, m.refutes] for m in stats.mechanisms
    }
    design = {row[0]: int(row[1]) for row in tables["Study design"][1:]}
    answer = sample_graph.coverage(by="design").all_studies
    assert design == {v.replace("-", " "): n for v, n in answer.items()}
    gaps = sample_graph.gaps()
    assert [(r[2], r[3]) for r in tables["Kind"][1:]] == [(g.id, g.gap) for g in gaps.rows]
    assert "## " + SECTIONS["references"] in text
    assert len(re.findall(r"^\d+\. ", text, re.M)) == 36  # the reference list
    assert (reports["md"].parent / "report-figure.svg").read_bytes().startswith(b"<?xml")


def test_unknowns_stay_unknown_and_never_count_as_no(tmp_path):
    # s1 does not say whether service users took part; s2 says they did
    doc = TheoryDocument.model_validate(copy.deepcopy(MINI))
    out = write_report(TheoryGraph.from_document(doc), tmp_path / "r.html").path
    page = Page(out.read_text(encoding="utf-8"))
    rows = {r[0]: int(r[1]) for r in page.tables["studies-by-service_user_involvement"][1:]}
    assert rows == {"yes": 1, "no": 0, "unknown (the study does not say)": 1}
    appraisal = {r[0]: r[1:] for r in page.tables["appraisal"][1:]}
    assert appraisal["Relevance"] == ["1", "0", "0", "2"]  # two extracts not judged


# -- quotes, confidence and theory change ------------------------------------------------------


def needs(query: str) -> None:
    """Confidence and diff came to theorygraph apart from reports: a report uses each
    where it is there (and says so where it is not, as the test below checks)."""
    if not hasattr(TheoryGraph, query):
        pytest.skip(f"this theorygraph has no {query} query")


def _row(i: int, **kw: Any) -> EvidenceRow:
    base: dict[str, Any] = {
        "extract": f"x{i}",
        "cmoc": "c",
        "link_from": None,
        "link_to": None,
        "stance": "supports",
        "study": "s",
        "quote": f"words {i}",
        "kind": "quote",
    }
    return EvidenceRow(**(base | kw))


def test_the_illustrative_quote_follows_the_stated_rule():
    rows = [
        _row(1, relevance="moderate", rigour="high"),
        _row(2, relevance="high", rigour="low", kind="paraphrase"),
        _row(3, relevance="high", rigour="low"),  # a quote beats the paraphrase before it
        _row(4, relevance="high", rigour="high", stance="refutes"),  # never refuting
        _row(5, relevance="high", rigour="high", kind="citation", quote=""),  # never a citation
    ]
    assert illustrative(rows).extract == "x3"
    assert illustrative([*rows, _row(6, relevance="high", rigour="moderate")]).extract == "x6"
    assert illustrative([_row(7, stance="refines")]) is None
    assert illustrative([_row(8), _row(9, relevance="low")]).extract == "x9"  # judged first


def test_the_theory_change_comes_from_diff(reports, sample_graph):
    needs("diff")
    page = Page(reports["html"].read_text(encoding="utf-8"))
    table = page.tables["changes-rpt"]
    diff = sample_graph.diff(from_theory="ipt", to_theory="rpt")
    assert [(r[0], r[1]) for r in table[1:]] == [(c.change, c.id) for c in diff.cmocs]
    study_of = {n: study for n, (study, _) in page.references.items()}
    added = next(r for r in table[1:] if r[1] == "cmoc-11")
    driven = {study_of[n] for n in numbers_of(added[5])}
    assert driven == set(next(c for c in diff.cmocs if c.id == "cmoc-11").driver_studies)


def test_each_cmoc_s_confidence_is_the_confidence_query_s(reports, sample_graph):
    needs("confidence")
    page = Page(reports["html"].read_text(encoding="utf-8"))
    answer = {item.id: item.assessment for item in sample_graph.confidence().cmocs}
    table = {row[1]: row for row in page.tables["confidence"][1:]}
    assert set(table) == set(answer)
    for cmoc, a in answer.items():
        concerns = [c.concern.replace("none", "no or very minor") for c in a.components]
        level = a.level.replace("-", " ")
        assert table[cmoc][2:] == [*concerns, a.computed.replace("-", " "), level]
        number = int(table[cmoc][0])
        assert f"Confidence: {level} ({a.why})." in page.sections[f"cmoc-{number}"]
    assert {r[-1] for r in table.values()} == {"high", "moderate", "very low"}


def test_without_diff_or_confidence_the_report_says_they_are_not_available(
    sample_graph, tmp_path, monkeypatch
):
    from theorygraph.graph import TheoryGraph as Facade

    for name in ("diff", "confidence"):
        monkeypatch.delattr(Facade, name, raising=False)
    text = write_report(sample_graph, tmp_path / "r.md").path.read_text("utf-8")
    assert "Not available: this version of theorygraph has no diff" in text
    assert "this version of theorygraph has no confidence query" in text


def test_a_report_of_one_theory_reports_its_cmocs_and_how_it_came_about(tmp_path):
    code, said = report(SAMPLE, "--theory", "rpt", "-o", tmp_path / "rpt.html")
    assert code == 0, said
    page = Page((tmp_path / "rpt.html").read_text(encoding="utf-8"))
    cmocs = [s for s in page.sections if re.fullmatch(r"cmoc-\d+", s)]
    assert len(cmocs) == 11 and "cmoc-12" not in cmocs
    assert [r[0] for r in page.tables["theories"][1:]] == ["rpt"]
    said = " ".join(page.text)
    assert "Evidence on the CMOCs of Refined programme theory comes from 36 studies" in said
    assert "changes-rpt" in page.tables or not hasattr(TheoryGraph, "diff")


#: the 19 items of the RAMESES publication standards for realist syntheses (Wong et al.,
#: BMC Medicine 2013;11:21), in order
RAMESES = [
    "Title",
    "Abstract",
    "Rationale for review",
    "Objectives and focus of review",
    "Changes in the review process",
    "Rationale for using realist synthesis",
    "Scoping the literature",
    "Searching processes",
    "Selection and appraisal of documents",
    "Data extraction",
    "Analysis and synthesis processes",
    "Document flow diagram",
    "Document characteristics",
    "Main findings",
    "Summary of findings",
    "Strengths, limitations and future research directions",
    "Comparison with existing literature",
    "Conclusion and recommendations",
    "Funding",
]


def test_the_rameses_table_names_the_19_items_and_what_serves_each(reports):
    page = Page(reports["html"].read_text(encoding="utf-8"))
    rows = page.tables["rameses"][1:]
    assert [(int(r[0]), r[2]) for r in rows] == list(enumerate(RAMESES, start=1))
    headings = set(SECTIONS.values())
    for _, _, _, sections, served, team in rows:
        assert team
        if sections == "none":
            assert served == "team's own text"
        else:
            assert served in ("served", "in part")
            assert set(sections.split(", ")) <= headings
    served = {r[2] for r in rows if r[4] == "served"}
    assert served == {"Document characteristics", "Main findings"}


def test_a_report_of_a_first_version_says_it_refines_none(tmp_path):
    needs("diff")
    doc = TheoryDocument.model_validate(copy.deepcopy(MINI))
    out = write_report(TheoryGraph.from_document(doc), tmp_path / "r.md", theory="t1").path
    text = out.read_text(encoding="utf-8")
    assert "Initial theory (t1) refines no earlier theory version." in text
    whole = write_report(TheoryGraph.from_document(doc), tmp_path / "w.md").path
    assert "t1 -> t2" in whole.read_text(encoding="utf-8")


# -- references: formatted by citeproc-py ------------------------------------------------------


def _citeproc(item: dict[str, Any], style: str) -> str:
    """citeproc-py's own plain-text bibliography entry for one item."""
    from citeproc import (
        Citation,
        CitationItem,
        CitationStylesBibliography,
        CitationStylesStyle,
        formatter,
    )
    from citeproc.source.json import CiteProcJSON

    bib = CitationStylesBibliography(
        CitationStylesStyle(str(style_path(style)), validate=False),
        CiteProcJSON([item]),
        formatter.plain,
    )
    bib.register(Citation([CitationItem(item["id"])]))
    return str(bib.bibliography()[0])


@pytest.fixture
def cited(tmp_path) -> TheoryGraph:
    data = copy.deepcopy(MINI)
    data["studies"][0].update(
        authors=["Doe, Jane", "Roe R"],
        venue="Journal of Realist Tests",
        doi="10.1234/jrt.5",
        title="Leading together",
    )
    return TheoryGraph.from_document(TheoryDocument.model_validate(data))


@pytest.mark.parametrize("style", ["apa", "vancouver", "harvard"])
def test_a_reference_is_citeproc_s_own_output_for_that_study(cited, tmp_path, style):
    out = write_report(cited, tmp_path / "r.html", style=style).path
    page = Page(out.read_text(encoding="utf-8"))
    entry = next(text for study, text in page.references.values() if study == "s1")
    # written by hand, not by the report's code: the study as a CSL JSON item
    item = {
        "id": "s1",
        "type": "article-journal",
        "title": "Leading together",
        "author": [{"family": "Doe", "given": "Jane"}, {"family": "Roe", "given": "R"}],
        "issued": {"date-parts": [[2019]]},
        "container-title": "Journal of Realist Tests",
        "DOI": "10.1234/jrt.5",
    }
    own = _citeproc(item, style)
    number = next(n for n, (study, _) in page.references.items() if study == "s1")
    assert entry == f"[{number}] " + re.sub(rf"^{number}\.", "", own)
    assert "Doe" in entry and "Journal of Realist Tests" in entry


def test_the_sample_s_references_are_citeproc_s(reports):
    page = Page(reports["html"].read_text(encoding="utf-8"))
    number, (study, entry) = next(iter(page.references.items()))
    assert study == "study-01"
    item = {"id": study, "type": "article", "title": "Illustrative study 01"}
    item["issued"] = {"date-parts": [[2017]]}
    assert entry == f"[{number}] " + re.sub(r"^1\.", "", _citeproc(item, "vancouver"))
    assert "NLM/Vancouver" in " ".join(page.text)


def test_a_style_may_be_a_csl_file_and_a_bad_one_is_refused(mini, write_yaml, tmp_path):
    # a small review: the sample's report in APA is the test below's (the style, not the
    # review, is what this test is about)
    review = write_yaml(mini)
    own = tmp_path / "mine.csl"
    own.write_bytes(style_path("apa").read_bytes())
    code, said = report(review, "-o", tmp_path / "r.md", "--style", own)
    assert code == 0, said
    assert "APA Style 7th edition" in (tmp_path / "r.md").read_text(encoding="utf-8")
    (tmp_path / "bad.csl").write_text("<style>not closed", encoding="utf-8")
    code, said = report(review, "-o", tmp_path / "s.md", "--style", tmp_path / "bad.csl")
    assert code == 2 and "is not a CSL style file" in said
    assert not (tmp_path / "s.md").exists()
    code, said = report(review, "-o", tmp_path / "s.md", "--style", "chicago")
    assert code == 2
    assert "unknown citation style 'chicago'; use vancouver, apa, harvard" in said


def test_every_named_style_is_shipped_or_bundled_with_its_licence():
    for name in STYLES:
        assert style_path(name).is_file()
    readme = (style_path("apa").parent / "README.md").read_text(encoding="utf-8")
    assert "CC BY-SA 3.0" in readme
    for name in ("apa", "vancouver"):
        assert "creativecommons.org/licenses/by-sa" in style_path(name).read_text("utf-8")


def test_a_study_s_record_becomes_a_csl_item():
    item = csl_item(
        {
            "id": "s9",
            "title": "Policy \ue001paper",
            "design": "policy-document",
            "authors": ["World Health Organization", "Sims S", "Harris, Ruth"],
            "year": 2020,
            "url": "https://example.org/p",
        }
    )
    assert item == {
        "id": "s9",
        "type": "report",
        "title": "Policy paper",  # the characters that mark formatting are taken out
        "author": [
            {"literal": "World Health Organization"},
            {"family": "Sims", "given": "S"},
            {"family": "Harris", "given": "Ruth"},
        ],
        "issued": {"date-parts": [[2020]]},
        "URL": "https://example.org/p",
    }


# -- DOCX ----------------------------------------------------------------------------------------


def test_the_docx_opens_with_python_docx_and_holds_the_headings_and_references(reports):
    import docx

    document = docx.Document(str(reports["docx"]))
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings == list(SECTIONS.values())
    titles = [p.text for p in document.paragraphs if p.style.name == "Title"]
    assert titles == [
        "What does success look like for leaders of integrated health and social care systems?"
    ]
    references = [p.text for p in document.paragraphs if re.match(r"\[\d+\]\t", p.text)]
    assert len(references) == 36
    assert references[0] == "[1]\tIllustrative study 01. 2017."
    tables = {t.rows[0].cells[0].text for t in document.tables}
    assert {"Mechanism", "Study design", "Item"} <= tables
    if shutil.which("dot"):
        assert len(document.inline_shapes) == 1  # the theory figure


# -- files, formats and extras -------------------------------------------------------------------


def test_an_unknown_suffix_is_refused_before_any_work(tmp_path):
    code, said = report(SAMPLE, "-o", tmp_path / "r.pdf")
    assert code == 2
    assert "name a report FILE.html, FILE.md or FILE.docx" in said
    assert list(tmp_path.iterdir()) == []


def test_a_missing_extra_is_named_in_one_line(tmp_path, monkeypatch):
    import citeproc

    monkeypatch.setitem(sys.modules, "citeproc", None)
    code, said = report(SAMPLE, "-o", tmp_path / "r.html")
    assert code == 1
    assert said.strip() == (
        "error: Reports need citeproc-py, which is not installed: pip install 'theorygraph[report]'"
    )
    monkeypatch.setitem(sys.modules, "citeproc", citeproc)
    monkeypatch.setitem(sys.modules, "docx", None)
    code, said = report(SAMPLE, "-o", tmp_path / "r.docx")
    assert code == 1 and "pip install 'theorygraph[report]'" in said
    assert list(tmp_path.iterdir()) == []


def test_a_markdown_report_and_its_figure_are_written_together_or_not_at_all(tmp_path, monkeypatch):
    (tmp_path / "r.md").write_text("before", encoding="utf-8")
    import os

    import theorygraph.files as files

    real = os.replace

    def fail_on_the_figure(source: Any, target: Any) -> None:
        # the report is renamed into place first; the figure's rename then fails
        if Path(target).name == "r-figure.svg":
            raise OSError(28, "No space left on device")
        real(source, target)

    monkeypatch.setattr(files.os, "replace", fail_on_the_figure)
    code, said = report(SAMPLE, "-o", tmp_path / "r.md")
    assert code == 1 and "nothing was changed" in said
    assert (tmp_path / "r.md").read_text(encoding="utf-8") == "before"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.md"]


def test_the_cli_says_what_it_wrote(tmp_path):
    code, said = report(SAMPLE, "-o", tmp_path / "r.md", "--style", "apa")
    assert code == 0
    counts = "(14 CMOCs, 36 studies; references in APA Style 7th edition)"
    if shutil.which("dot"):
        assert said.strip() == f"wrote {tmp_path / 'r.md'}, {tmp_path / 'r-figure.svg'} {counts}"
    else:  # without Graphviz the report is written without its figure, and says so
        assert said.startswith("warning: No figure: Graphviz's dot program is not on PATH")
        assert said.strip().endswith(f"wrote {tmp_path / 'r.md'} {counts}")


# -- hostile text ------------------------------------------------------------------------------


def hostile_review() -> TheoryDocument:
    data = copy.deepcopy(MINI)
    data["review"].update(title=HOSTILE, question=HOSTILE, team=[HOSTILE], funding=HOSTILE)
    data["theories"][0]["label"] = HOSTILE
    data["contexts"][0]["label"] = HOSTILE
    data["mechanisms"][0]["label"] = HOSTILE + " \x07bell"
    data["outcomes"][1]["label"] = HOSTILE
    data["cmocs"][0]["label"] = HOSTILE
    data["studies"][0].update(title=HOSTILE, authors=[HOSTILE], venue=HOSTILE, doi=HOSTILE)
    data["extracts"][0].update(quote="\u201c" + HOSTILE + "\n# heading?", location=HOSTILE)
    return TheoryDocument.model_validate(data)


def test_hostile_text_stays_text_in_every_format(tmp_path):
    import docx

    graph = TheoryGraph.from_document(hostile_review())
    html_text = write_report(graph, tmp_path / "r.html").path.read_text(encoding="utf-8")
    page = Page(html_text)
    tags = {tag for tag, _ in page.elements}
    assert "script" not in tags
    assert not [a for _, attrs in page.elements for a in attrs if a.startswith("on")]
    images = [a.get("src") or "" for tag, a in page.elements if tag == "img"]
    assert all(src.startswith("data:image/svg+xml;base64,") for src in images)
    assert [
        a.get("href")
        for tag, a in page.elements
        if tag == "a" and not (a.get("href") or "").startswith("#ref-")
    ] == []
    assert HOSTILE in " ".join(page.text)  # shown as written
    assert page.references[1][1].count("alert") >= 1

    md = write_report(graph, tmp_path / "r.md").path.read_text(encoding="utf-8")
    assert "<script" not in md and "<img" not in md
    assert not re.search(r"(?<!\\)\]\(http", md)  # no link: its brackets are escaped
    assert "\n# heading" not in md

    doc = docx.Document(str(write_report(graph, tmp_path / "r.docx").path))
    said = "\n".join(p.text for p in doc.paragraphs)
    assert HOSTILE in said and "\ufffdbell" in said


# -- in a browser --------------------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.parametrize("which", ["sample", "hostile"])
def test_the_report_opens_offline_in_chromium(chromium, reports, tmp_path, which):
    if which == "sample":
        path = reports["html"]
    else:
        path = write_report(TheoryGraph.from_document(hostile_review()), tmp_path / "h.html").path
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    requests: list[str] = []
    errors: list[str] = []
    dialogs: list[str] = []

    def route(r: Any) -> None:
        requests.append(r.request.url)
        r.continue_() if r.request.url.startswith(("file://", "data:")) else r.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    try:
        page.goto(path.as_uri(), wait_until="load")
        assert [u for u in requests if not u.startswith(("file://", "data:"))] == []
        assert errors == [] and dialogs == []
        headings = page.eval_on_selector_all("h2", "hs => hs.map(h => h.textContent)")
        assert headings == list(SECTIONS.values())
        figure = page.eval_on_selector_all("figure img", "is => is.map(i => i.naturalWidth)")
        if shutil.which("dot"):
            assert len(figure) == 1 and figure[0] > 0  # the figure drew, from the file itself
        elif _in_ci():
            pytest.fail("Graphviz is missing; in CI the figure must be drawn")
        if which == "hostile":
            assert page.evaluate("document.scripts.length") == 0
            assert HOSTILE in page.inner_text("h1")
    finally:
        context.close()


# -- the committed example ---------------------------------------------------------------------


def test_the_docs_example_is_small_and_says_what_the_sample_says(sample_graph):
    example = ROOT / "docs" / "report-example.html"
    assert example.stat().st_size < 300_000
    page = Page(example.read_text(encoding="utf-8"))
    mechanisms = {row[1]: [int(v) for v in row[2:]] for row in page.tables["mechanisms"][1:]}
    assert mechanisms == {
        m.id: [m.extracts, m.studies, m.supports, m.refines, m.refutes]
        for m in sample_graph.stats().mechanisms
    }
    assert "theorygraph report samples/ics-leadership" in (ROOT / "docs" / "report.md").read_text(
        encoding="utf-8"
    )


# -- from Neo4j ----------------------------------------------------------------------------------


def test_a_report_from_neo4j_says_what_the_embedded_one_says(store, tmp_path):
    from theorygraph.validate import read_theory

    store.push(read_theory(SAMPLE), replace=True)
    with TheoryGraph.open(store.settings.uri, review="ics-leadership") as neo:
        from_neo4j = write_report(neo, tmp_path / "neo.md").path.read_text(encoding="utf-8")
    embedded = write_report(TheoryGraph.open(SAMPLE), tmp_path / "file.md").path
    assert from_neo4j.replace("neo-figure.svg", "file-figure.svg") == embedded.read_text("utf-8")
