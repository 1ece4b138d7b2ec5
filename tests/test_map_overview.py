"""The overview a large map opens on, in a real headless Chromium (offline, from file://)."""

from __future__ import annotations

from collections import defaultdict

import pytest
from conftest import MapPage

from theorygraph.generate import generate
from theorygraph.graph import TheoryGraph
from theorygraph.model import TheoryDocument
from theorygraph.render.map import OVERVIEW_FROM
from theorygraph.validate import read_theory

pytestmark = pytest.mark.browser

#: the cells of every row drawn, as the page holds them
GRID = """() => [...document.querySelectorAll('#overview tbody tr[data-mechanism]')].map(tr => ({
  id: tr.dataset.mechanism,
  total: Number(tr.querySelector('.tgo-mech').dataset.studies),
  candidate: tr.classList.contains('tgo-candidate'),
  cells: Object.fromEntries([...tr.querySelectorAll('td[data-column]')].map(td => {
    const cell = td.querySelector('.tgo-cell');
    return [td.dataset.column, {
      studies: Number(cell.dataset.studies), stance: cell.dataset.stance,
      label: cell.getAttribute('aria-label'),
      width: td.querySelector('.tgo-bubble').getBoundingClientRect().width}];
  }))}))"""
VISIBLE = "tgNetwork.body.data.nodes.getIds()"
#: how many of the grid's buttons the Tab key stops at
TAB_STOPS = (
    "[...document.querySelectorAll('.tgo-grid button')].filter(b => b.tabIndex === 0).length"
)


@pytest.fixture(scope="module")
def large() -> TheoryDocument:
    """A generated review just large enough to open on its overview."""
    return generate(studies=120, mechanisms=120, seed=5)


class Page(MapPage):
    """A map opened offline, with the overview's own reading aids."""

    def grid(self):
        return {row["id"]: row for row in self.js(GRID)}

    def show_all(self):
        """Every row (a click from here: scrolling to the button may add the rows first)."""
        self.js("document.querySelector('.tgo-show:last-child').click()")
        self.page.wait_for_function("document.querySelector('.tgo-show').hidden")

    def drill_from(self, selector, mechanism):
        self.page.click(selector)
        self.page.wait_for_function(f"window.theorygraphDrilled === {mechanism!r}", timeout=30000)


@pytest.fixture
def open_map(chromium, tmp_path):
    pages = []

    def open_(document_or_map, size=(1440, 900)):
        tg_map = (
            TheoryGraph.from_document(document_or_map).map()
            if isinstance(document_or_map, TheoryDocument)
            else document_or_map
        )
        page = Page(chromium, tg_map.save(tmp_path / f"map-{len(pages)}.html"), size)
        pages.append(page)
        return page

    yield open_
    for page in pages:
        page.context.close()


# -- the evidence as Python counts it from the document ----------------------------------------


def evidence_on(doc: TheoryDocument, mechanism: str) -> list:
    """The extracts bearing on a mechanism: its CMOCs' extracts on the whole CMOC or on a
    link that touches it."""
    holding = {c.id for c in doc.cmocs if mechanism in c.mechanisms}
    return [
        x
        for x in doc.extracts
        if x.cmoc in holding and (x.link is None or mechanism in (x.link.source, x.link.target))
    ]


def studies_by_design(doc: TheoryDocument, mechanism: str) -> dict[str, set[str]]:
    design = {s.id: s.design.value if s.design else "unknown" for s in doc.studies}
    out: dict[str, set[str]] = defaultdict(set)
    for x in evidence_on(doc, mechanism):
        out[design[x.study]].add(x.study)
    return out


def configuration_members(doc: TheoryDocument, mechanism: str) -> set[str]:
    return {
        n
        for c in doc.cmocs
        if mechanism in c.mechanisms
        for n in (*c.contexts, *c.mechanisms, *c.outcomes)
    }


def label(doc: TheoryDocument, node: str) -> str:
    return next(n.label for n in (*doc.mechanisms, *doc.outcomes) if n.id == node)


# -- opening -----------------------------------------------------------------------------------


def test_a_large_review_opens_on_the_overview_offline(open_map, large):
    tg_map = TheoryGraph.from_document(large).map()
    assert tg_map.nodes >= OVERVIEW_FROM
    page = open_map(tg_map)
    assert page.js("document.getElementById('overview').hidden") is False
    assert page.js(VISIBLE) == []  # the network waits until asked for
    assert page.js("document.getElementById('tgo-columns').value") == "design"
    summary = page.page.inner_text(".tgo-summary")
    assert f"{len(large.mechanisms)} mechanisms" in summary
    assert f"{len(large.studies)} studies" in summary
    rows = page.js(GRID)
    assert 0 < len(rows) < len(large.mechanisms)  # the first rows, the rest on demand
    totals = [r["total"] for r in rows]
    assert totals == sorted(totals, reverse=True)
    assert page.errors == []
    assert page.offsite() == []


def test_a_small_review_opens_on_the_network(open_map, sample):
    page = open_map(TheoryGraph.open(sample).map())
    assert page.js("typeof window.TGOverview") == "object"
    assert page.js("document.getElementById('overview').hidden") is True
    document = read_theory(sample)
    members = {m for c in document.cmocs for m in (*c.contexts, *c.mechanisms, *c.outcomes)}
    assert set(page.js(VISIBLE)) == members
    assert page.errors == []


# -- what the cells say ------------------------------------------------------------------------


def test_bubbles_count_the_distinct_studies_of_each_design(open_map, large):
    page = open_map(large)
    grid = page.grid()
    designs = page.js(
        "[...document.querySelectorAll('#overview thead th[data-column]')]"
        ".map(th => th.dataset.column)"
    )
    assert "qualitative" in designs
    for mechanism, row in grid.items():
        expected = studies_by_design(large, mechanism)
        assert row["total"] == len(set().union(*expected.values())), mechanism
        assert {d: c["studies"] for d, c in row["cells"].items()} == {
            d: len(expected.get(d, ())) for d in designs
        }, mechanism
    # the bubble's area grows with the studies, and its label says how many
    cells = [c for row in grid.values() for c in row["cells"].values() if c["studies"]]
    by_count = sorted(cells, key=lambda c: c["studies"])
    assert [c["width"] for c in by_count] == sorted(c["width"] for c in by_count)
    assert by_count[0]["width"] < by_count[-1]["width"]
    for c in cells:
        word = "study" if c["studies"] == 1 else "studies"
        assert f": {c['studies']} {word}" in c["label"]


def test_a_gap_is_drawn_exactly_where_no_study_bears_on_the_mechanism(open_map, large):
    page = open_map(large)
    gaps = 0
    for mechanism, row in page.grid().items():
        expected = studies_by_design(large, mechanism)
        for design, cell in row["cells"].items():
            is_gap = cell["stance"] == "gap"
            assert is_gap == (not expected.get(design)), (mechanism, design)
            assert ("gap" in cell["label"]) == is_gap
            gaps += is_gap
    assert gaps
    assert page.js("document.querySelectorAll('.tgo-bubble.tgo-gap').length") >= gaps


def test_mechanisms_without_evidence_are_marked_as_candidates(open_map, large):
    page = open_map(large)
    page.show_all()
    grid = page.grid()
    assert len(grid) == len(large.mechanisms)
    supported = {
        m.id
        for m in large.mechanisms
        if any(x.stance.value in ("supports", "refines") for x in evidence_on(large, m.id))
    }
    candidates = {m for m, row in grid.items() if row["candidate"]}
    assert candidates
    assert candidates == set(grid) - supported
    # the rows added later are reached with the arrow keys: still one tab stop in the grid
    assert page.js(TAB_STOPS) == 1


# -- drilling in and back ----------------------------------------------------------------------


def test_a_row_header_opens_the_mechanism_s_configurations(open_map, large):
    page = open_map(large)
    mechanism = page.js("document.querySelector('#overview tbody tr').dataset.mechanism")
    page.drill_from(f"tr[data-mechanism={mechanism!r}] .tgo-mech", mechanism)
    assert set(page.js(VISIBLE)) == configuration_members(large, mechanism)
    assert page.js("document.getElementById('overview').hidden") is True
    assert page.page.inner_text("#panel h2") == label(large, mechanism)
    shown = page.js("[...document.querySelectorAll('#panel .extract')].map(e => e.dataset.extract)")
    assert sorted(shown) == sorted(x.id for x in evidence_on(large, mechanism))
    page.page.click("#back")
    assert page.js("document.getElementById('overview').hidden") is False
    assert page.js("document.getElementById('back').hidden") is True
    assert page.js("document.activeElement.closest('tr').dataset.mechanism") == mechanism
    assert page.errors == []


def test_a_cell_opens_the_same_configurations(open_map, large):
    page = open_map(large)
    row = page.js(GRID)[1]
    design = next(d for d, c in row["cells"].items() if c["studies"])
    page.drill_from(
        f"tr[data-mechanism={row['id']!r}] td[data-column={design!r}] .tgo-cell", row["id"]
    )
    assert set(page.js(VISIBLE)) == configuration_members(large, row["id"])
    assert page.page.inner_text("#panel h2") == label(large, row["id"])


def test_the_whole_map_is_a_click_away(open_map, large):
    page = open_map(large)
    page.page.click(".tgo-whole")
    page.page.wait_for_function(f"{VISIBLE}.length > 0")
    assert len(page.js(VISIBLE)) == page.js("tgNodes.length")
    assert page.js("document.getElementById('back').hidden") is False


def test_the_keyboard_moves_through_the_grid_and_opens_a_cell(open_map, large):
    page = open_map(large)
    assert page.js(TAB_STOPS) == 1
    page.page.focus("#overview tbody tr:first-child .tgo-mech")
    page.page.keyboard.press("ArrowRight")
    page.page.keyboard.press("ArrowDown")
    focused = "[document.activeElement.dataset.r, document.activeElement.dataset.c]"
    assert page.js(focused) == ["1", "1"]
    assert page.js(TAB_STOPS) == 1
    mechanism = page.js("document.activeElement.closest('tr').dataset.mechanism")
    page.page.keyboard.press("Enter")
    page.page.wait_for_function(f"window.theorygraphDrilled === {mechanism!r}")
    assert set(page.js(VISIBLE)) == configuration_members(large, mechanism)


# -- filters, the find box, columns ------------------------------------------------------------


def test_a_design_filter_changes_the_counts(open_map, large):
    page = open_map(large)
    grid = page.grid()
    mechanism = next(
        m for m, row in grid.items() if row["cells"]["qualitative"]["studies"] and row["total"] > 1
    )
    before = grid[mechanism]
    page.page.click("#toggle-side")
    page.page.uncheck("#side input[name=design][value=qualitative]")
    after = page.grid()[mechanism]
    expected = studies_by_design(large, mechanism)
    assert after["cells"]["qualitative"]["studies"] == 0
    assert after["cells"]["qualitative"]["stance"] == "gap"
    assert "filters" in after["cells"]["qualitative"]["label"]
    rest = set().union(*(s for d, s in expected.items() if d != "qualitative"))
    assert after["total"] == len(rest) < before["total"]
    page.page.check("#side input[name=design][value=qualitative]")
    assert page.grid()[mechanism] == before


def test_the_find_box_narrows_the_rows(open_map, large):
    page = open_map(large)
    target = large.mechanisms[-1]
    page.page.fill("#tgo-find", target.label)
    page.page.wait_for_function(
        "document.querySelectorAll('#overview tbody tr[data-mechanism]').length === 1"
    )
    assert list(page.grid()) == [target.id]
    page.page.fill("#tgo-find", "no mechanism is called this")
    page.page.wait_for_selector(".tgo-empty")
    assert page.grid() == {}


def test_a_theory_filter_leaves_the_mechanisms_of_that_theory(open_map, large):
    page = open_map(large)
    page.show_all()
    theory = large.theories[-1].id
    holding = {m for c in large.cmocs if theory in c.theories for m in c.mechanisms}
    assert 0 < len(holding) < len(large.mechanisms)
    page.page.click("#toggle-side")
    page.page.select_option("#filter-theory", theory)
    page.show_all()
    assert set(page.grid()) == holding
    page.page.select_option("#filter-theory", "")
    page.show_all()
    assert len(page.grid()) == len(large.mechanisms)


def test_scrolling_to_the_end_adds_rows(open_map, large):
    page = open_map(large)
    count = "document.querySelectorAll('#overview tbody tr[data-mechanism]').length"
    first = page.js(count)
    assert first < len(large.mechanisms)
    page.js("document.querySelector('.tgo-scroll').scrollTo(0, 1e6)")
    page.page.wait_for_function(f"{count} > {first}")
    every = len(large.mechanisms)
    assert f"showing {every} of {every}" in page.page.inner_text(".tgo-status")


def test_theory_versions_as_columns(open_map, large):
    page = open_map(large)
    page.page.select_option("#tgo-columns", "theory")
    cmoc_theories = {c.id: set(c.theories) for c in large.cmocs}
    for mechanism, row in page.grid().items():
        for theory, cell in row["cells"].items():
            studies = {
                x.study for x in evidence_on(large, mechanism) if theory in cmoc_theories[x.cmoc]
            }
            assert cell["studies"] == len(studies), (mechanism, theory)


def test_few_outcomes_make_the_columns_and_a_cell_opens_its_arrow(open_map, sample):
    """A review with few outcomes (the sample, its overview opened by hand) gets them as
    columns: a cell counts the studies of its CMOCs' evidence on both, and opens the arrow."""
    page = open_map(TheoryGraph.open(sample).map())
    page.js(
        "document.getElementById('overview').hidden = false;"
        "TGOverview.open(document.getElementById('overview'), TG)"
    )
    assert page.js("document.getElementById('tgo-columns').value") == "outcome"
    document = read_theory(sample)
    mechanism, outcome = "m-inspiring-intent", "o-collaborative-intent"
    holding = {c.id for c in document.cmocs if mechanism in c.mechanisms and outcome in c.outcomes}
    studies = {
        x.study
        for x in document.extracts
        if x.cmoc in holding
        and (x.link is None or (x.link.source, x.link.target) == (mechanism, outcome))
    }
    grid = page.grid()
    assert grid[mechanism]["cells"][outcome]["studies"] == len(studies) > 0
    assert grid[mechanism]["cells"][outcome]["stance"] == "contested"
    not_joined = {
        o.id
        for o in document.outcomes
        if not any(mechanism in c.mechanisms and o.id in c.outcomes for c in document.cmocs)
    }
    assert not_joined
    for o in not_joined & set(grid[mechanism]["cells"]):
        assert grid[mechanism]["cells"][o]["stance"] == "not-stated"
    page.drill_from(
        f"tr[data-mechanism={mechanism!r}] td[data-column={outcome!r}] .tgo-cell", mechanism
    )
    assert page.js("tgNetwork.getSelectedEdges()") == [f"{mechanism}->{outcome}"]
    assert page.page.inner_text("#panel h2") == (
        f"{label(document, mechanism)} \u2192 {label(document, outcome)}"
    )
    assert page.errors == []


def test_hostile_names_in_the_overview_stay_text(open_map, large):
    data = large.model_dump(mode="json", by_alias=True, exclude_none=True)
    hostile = '<img src=x onerror="window.pwned=1">Trust</b>'
    data["mechanisms"][0]["label"] = hostile
    page = open_map(TheoryDocument.model_validate(data))
    page.show_all()
    mechanism = data["mechanisms"][0]["id"]
    name = page.page.inner_text(f"tr[data-mechanism={mechanism!r}] .tgo-name")
    assert name == hostile
    assert page.js("document.querySelectorAll('#overview img, #overview b').length") == 0
    assert page.js("typeof window.pwned") == "undefined"
    assert page.errors == []


@pytest.mark.parametrize("size", [(1440, 900), (1024, 768), (390, 844)])
def test_readable_on_every_screen(open_map, large, size):
    """The grid scrolls inside the page; its row heads stay put and nothing spills out."""
    page = open_map(large, size)
    assert page.js("document.documentElement.scrollWidth <= window.innerWidth")
    page.js(
        "(() => { const s = [...document.querySelectorAll('#overview, .tgo-scroll')]"
        ".filter(e => e.scrollWidth > e.clientWidth || e.scrollHeight > e.clientHeight);"
        " s.forEach(e => e.scrollTo(400, 600)); })()"
    )
    head = page.js(
        "document.querySelector('#overview tbody tr:nth-child(14) .tgo-rowhead')"
        ".getBoundingClientRect().left"
    )
    stage = page.js("document.getElementById('overview').getBoundingClientRect().left")
    assert head == pytest.approx(stage, abs=1)
    top = page.js("document.querySelector('#overview thead th').getBoundingClientRect().top")
    assert top >= page.js("document.getElementById('overview').getBoundingClientRect().top") - 1
    assert (
        page.js("document.querySelector('#overview thead th').getBoundingClientRect().bottom") > 0
    )
    assert page.errors == []
