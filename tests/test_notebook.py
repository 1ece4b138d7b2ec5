"""Answers in a notebook: every answer as a DataFrame with the CSV's columns and values, and
as an escaped HTML table; a review's summary from its counts alone."""

from __future__ import annotations

import csv
import io
import re
import sys
from html.parser import HTMLParser

import pandas as pd
import pytest
from click.testing import CliRunner
from conftest import ROOT, SAMPLE

from theorygraph import notebook
from theorygraph.cli import main
from theorygraph.errors import BackendError, MissingExtraError, TheoryGraphError
from theorygraph.graph import TheoryGraph
from theorygraph.model import TheoryDocument
from theorygraph.notebook import frame

PORTFOLIO = ROOT / "samples" / "portfolio-srl"

#: every answer: its name, the facade call, and the same question asked of the CLI
ANSWERS = [
    ("stats", SAMPLE, lambda tg: tg.stats(), ["stats"]),
    (
        "chains",
        SAMPLE,
        lambda tg: tg.chains(through="m-inspiring-intent"),
        ["query", "chains", "--through", "m-inspiring-intent"],
    ),
    (
        "evidence",
        SAMPLE,
        lambda tg: tg.evidence("m-inspiring-intent"),
        ["query", "evidence", "m-inspiring-intent"],
    ),
    ("gaps", SAMPLE, lambda tg: tg.gaps(), ["query", "gaps"]),
    ("contested", SAMPLE, lambda tg: tg.contested(), ["query", "contested"]),
    ("unintended", SAMPLE, lambda tg: tg.unintended(), ["query", "unintended"]),
    ("study", SAMPLE, lambda tg: tg.study("study-03"), ["query", "study", "study-03"]),
    ("directions", PORTFOLIO, lambda tg: tg.directions(), ["query", "directions"]),
    (
        "coverage",
        SAMPLE,
        lambda tg: tg.coverage(by="service_user_involvement"),
        ["query", "coverage", "--by", "service_user_involvement"],
    ),
    (
        "paths",
        SAMPLE,
        lambda tg: tg.paths("c-no-legal-mandate", "o-shared-purpose"),
        ["query", "paths", "c-no-legal-mandate", "o-shared-purpose"],
    ),
    (
        "neighbourhood",
        SAMPLE,
        lambda tg: tg.neighbourhood("m-inspiring-intent"),
        ["query", "neighbourhood", "m-inspiring-intent"],
    ),
]


def cli_csv(args: list[str], source) -> list[list[str]]:
    """The CSV the CLI prints for the same question: header, then rows."""
    args = [*args[:2], str(source), *args[2:]] if args[0] == "query" else [*args, str(source)]
    result = CliRunner().invoke(main, [*args, "--format", "csv"])
    assert result.exit_code == 0, result.output
    return list(csv.reader(io.StringIO(result.stdout)))


def as_csv_cell(value) -> str:
    """A DataFrame value as the CSV writes it."""
    if isinstance(value, list):
        return ", ".join(value)
    if value is None or value is pd.NA:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


@pytest.fixture(scope="module")
def graphs():
    return {SAMPLE: TheoryGraph.open(SAMPLE), PORTFOLIO: TheoryGraph.open(PORTFOLIO)}


@pytest.mark.parametrize("name, source, ask, args", ANSWERS, ids=[a[0] for a in ANSWERS])
def test_every_answer_is_a_dataframe_of_the_csv(graphs, name, source, ask, args):
    answer = ask(graphs[source])
    df = answer.to_pandas()
    header, *rows = cli_csv(args, source)
    assert rows, f"{name}: the example must have rows to compare"
    assert list(df.columns) == header
    assert len(df) == len(rows)
    got = [[as_csv_cell(v) for v in record] for record in df.astype(object).values.tolist()]
    assert got == rows
    assert df.attrs["headline"] == answer.headline


def test_counts_are_integers_and_yes_no_are_nullable_booleans(graphs):
    chains = graphs[SAMPLE].chains(through="m-inspiring-intent").to_pandas()
    assert str(chains["carried_by_one_study"].dtype) == "boolean"
    for column in ("chain", "supports", "refutes", "refines", "studies", "extracts"):
        assert str(chains[column].dtype) == "int64", column
    assert str(chains["cmoc"].dtype) == "string"
    directions = graphs[PORTFOLIO].directions().to_pandas()
    assert str(directions["opposite"].dtype) == "boolean"
    assert directions.set_index("id").loc["m-ap", "opposite"]
    evidence = graphs[SAMPLE].evidence("m-inspiring-intent").to_pandas()
    # text the review leaves out is missing, not the word "None" nor ""
    assert evidence["location"].isna().sum() == sum(
        1 for r in graphs[SAMPLE].evidence("m-inspiring-intent").rows if r.location is None
    )


def test_an_unknown_never_becomes_false():
    df = frame(["intended", "n", "m"], [[True, 1, None], [None, 2, 3], [False, 3, None]], {1, 2})
    assert str(df["intended"].dtype) == "boolean"
    assert df["intended"].isna().tolist() == [False, True, False]
    assert df["intended"].tolist()[::2] == [True, False]
    assert str(df["n"].dtype) == "int64"
    assert str(df["m"].dtype) == "Int64"  # a missing count is missing, not 0
    assert df["m"].isna().tolist() == [True, False, True]


def test_unknown_involvement_stays_a_count_of_its_own(mini):
    mini["studies"][0]["service_user_involvement"] = "unknown"
    graph = TheoryGraph.from_document(TheoryDocument.model_validate(mini))
    df = graph.coverage(by="service_user_involvement").to_pandas()
    assert list(df.columns) == ["mechanism", "label", "studies", "no", "yes", "unknown"]
    row = df.set_index("mechanism").loc["m-inspire"]
    assert (row["no"], row["yes"], row["unknown"]) == (0, 1, 1)


def test_an_empty_answer_is_an_empty_frame_with_the_csv_header(mini):
    graph = TheoryGraph.from_document(TheoryDocument.model_validate(mini))
    answer = graph.directions()
    assert answer.empty
    df = answer.to_pandas()
    assert df.shape == (0, 5)
    assert list(df.columns) == ["id", "type", "label", "directions", "opposite"]


def test_two_columns_may_share_a_name(mini):
    """A coverage value may be called like a column of its own ('label')."""
    df = frame(["mechanism", "label", "label"], [["m", "Text", 2]], {2})
    assert list(df.columns) == ["mechanism", "label", "label"]
    assert df.iloc[0].tolist() == ["m", "Text", 2]


def test_without_pandas_one_line_says_which_extra_to_install(monkeypatch, graphs):
    monkeypatch.setitem(sys.modules, "pandas", None)  # import pandas now fails
    answer = graphs[SAMPLE].gaps()
    with pytest.raises(MissingExtraError) as caught:
        answer.to_pandas()
    assert str(caught.value) == (
        "DataFrames need pandas, which is not installed: pip install 'theorygraph[notebook]'"
    )
    assert isinstance(caught.value, TheoryGraphError) and isinstance(caught.value, ImportError)
    # the HTML table needs no pandas
    assert "<table>" in answer._repr_html_()


# -- HTML -----------------------------------------------------------------------------
HOSTILE = '<script>alert("x")</script> & <b>'


class Cells(HTMLParser):
    """The elements and text of a fragment, to check its structure."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.texts: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)

    def handle_data(self, data):
        self.texts.append(data)


def parse(fragment: str) -> Cells:
    cells = Cells()
    cells.feed(fragment)
    return cells


@pytest.fixture
def hostile(mini):
    mini["review"]["title"] = HOSTILE
    mini["mechanisms"][1]["label"] = HOSTILE
    mini["contexts"][1]["label"] = HOSTILE
    return TheoryGraph.from_document(TheoryDocument.model_validate(mini), source=HOSTILE)


def test_an_answer_shows_as_an_escaped_html_table(hostile):
    answer = hostile.gaps()
    shown = answer._repr_html_()
    assert "<script" not in shown and "<b>" not in shown
    cells = parse(shown)
    assert set(cells.tags) == {"p", "table", "thead", "tbody", "tr", "th", "td"}
    assert cells.tags.count("tr") == 1 + len(answer.rows)
    assert HOSTILE in cells.texts  # the label reads as its own text
    assert answer.headline in cells.texts


@pytest.mark.parametrize("name, source, ask, args", ANSWERS, ids=[a[0] for a in ANSWERS])
def test_every_answer_shows_its_rows(graphs, name, source, ask, args):
    answer = ask(graphs[source])
    header, *rows = cli_csv(args, source)
    cells = parse(answer._repr_html_())
    assert cells.tags.count("th") == len(header)
    assert cells.tags.count("tr") == 1 + min(len(rows), notebook.MAX_HTML_ROWS)


def test_a_long_answer_shows_its_first_rows_and_says_so(graphs, monkeypatch):
    monkeypatch.setattr(notebook, "MAX_HTML_ROWS", 3)
    answer = graphs[SAMPLE].gaps()
    cells = parse(answer._repr_html_())
    assert cells.tags.count("tr") == 1 + 3
    assert f"showing the first 3 of {len(answer.rows)} rows: " in cells.texts


def test_an_empty_answer_shows_its_message_escaped(hostile):
    answer = hostile.paths("c-trust", "c-voluntary")
    assert answer.empty
    shown = answer._repr_html_()
    assert "<script" not in shown
    assert parse(shown).texts == [answer.empty_message]


# -- the review's summary ---------------------------------------------------------------
class Spy:
    """A backend that records what is asked of it."""

    def __init__(self, inner) -> None:
        self.inner = inner
        self.asked: list[str] = []

    def __getattr__(self, name):
        self.asked.append(name)
        return getattr(self.inner, name)


def test_a_review_sums_itself_up_from_its_counts_alone(mini):
    graph = TheoryGraph.from_document(TheoryDocument.model_validate(mini), source="mini.yaml")
    spy = Spy(graph.backend)
    graph.backend = spy
    assert repr(graph) == (
        "<TheoryGraph 'A small review' from mini.yaml: "
        "2 theories, 2 CMOCs, 2 mechanisms, 2 studies, 3 extracts>"
    )
    assert sorted(set(spy.asked)) == ["consistent", "counts", "review"]
    cells = parse(graph._repr_html_())
    assert cells.texts == [
        "A small review",
        " ",
        "mini.yaml",
        "2 theories, 2 CMOCs, 2 mechanisms, 2 studies, 3 extracts",
    ]


def test_the_summary_escapes_the_title_and_source(hostile):
    shown = hostile._repr_html_()
    assert "<script" not in shown and "<b>" not in shown
    assert parse(shown).texts[0] == HOSTILE


def test_the_summary_of_an_unreachable_review_says_why_and_does_not_raise(mini):
    graph = TheoryGraph.from_document(TheoryDocument.model_validate(mini), source="bolt://x")

    def gone():
        raise BackendError("Neo4j at bolt://x cannot be reached: start it\nmore detail")

    graph.backend.counts = gone  # type: ignore[method-assign]
    assert repr(graph) == (
        "<TheoryGraph from bolt://x: Neo4j at bolt://x cannot be reached: start it>"
    )
    assert "cannot be reached" in graph._repr_html_()


def test_every_backend_sums_up_the_same(open_graph, mini):
    graph = open_graph(TheoryDocument.model_validate(mini))
    assert repr(graph).endswith(": 2 theories, 2 CMOCs, 2 mechanisms, 2 studies, 3 extracts>")
    assert (
        graph.gaps()
        .to_pandas()
        .equals(TheoryGraph.from_document(TheoryDocument.model_validate(mini)).gaps().to_pandas())
    )


def test_every_table_and_text_is_registered_for_an_answer_class():
    """present.py finds an answer's rows by its class name: a misspelt name would leave
    that answer without rows; every answer of the facade has rows."""
    from theorygraph import agreement, answers, changes, present, results

    classes = {
        name: getattr(answers, name, None)
        or getattr(results, name, None)
        or getattr(agreement, name, None)
        or getattr(changes, name, None)
        for name in (*present.table.registry, *present.text.registry)
    }
    assert all(isinstance(c, type) for c in classes.values()), classes
    assert {name for name in present.table.registry} == {
        *(name for name in answers.__all__ if name.endswith("Answer") and name != "Answer"),
        "Stats",
        "AgreementAnswer",
        "DiffAnswer",
    }


def test_the_docs_example_runs(monkeypatch):
    text = (ROOT / "docs" / "queries.md").read_text(encoding="utf-8")
    section = text.split("\n## In a notebook\n", 1)[1].split("\n## ", 1)[0]
    [example] = re.findall(r"```python\n(.*?)```", section, flags=re.S)
    monkeypatch.chdir(ROOT)
    names: dict[str, object] = {}
    exec(example, names)
    df = names["df"]
    assert df.shape == (19, 12)  # as its comment says
    assert len(names["weakest"]) == len(names["chains"].chains)
    assert names["not_whole"].empty  # every chain through it is carried by one study
