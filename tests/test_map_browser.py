"""Maps in a real headless Chromium, opened from file:// with the network blocked."""

from __future__ import annotations

import pytest
from conftest import require_chromium

from benchmarks.runner import CHROMIUM_FLAGS
from theorygraph.graph import TheoryGraph
from theorygraph.model import TheoryDocument
from theorygraph.validate import read_theory

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def chromium():
    path = require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=path, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


class Page:
    """A page that opens a map offline and records requests, errors and dialogs."""

    def __init__(self, browser, path):
        self.context = browser.new_context(viewport={"width": 1400, "height": 900})
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.dialogs: list[str] = []

        def route(r):
            self.requests.append(r.request.url)
            if r.request.url.startswith("file://"):
                r.continue_()
            else:
                r.abort()

        self.context.route("**/*", route)
        self.page = self.context.new_page()
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)

        def dialog(d):
            self.dialogs.append(d.message)
            d.dismiss()

        self.page.on("dialog", dialog)
        self.page.goto(path.as_uri())
        self.page.wait_for_function("window.theorygraphReady === true", timeout=30000)

    def js(self, expression):
        return self.page.evaluate(expression)

    def click_node(self, node_id):
        point = self.js(
            f"(() => {{ const p = tgNetwork.getPositions([{node_id!r}])[{node_id!r}];"
            " return tgNetwork.canvasToDOM(p); })()"
        )
        box = self.page.locator("#network").bounding_box()
        self.page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])

    def offsite(self):
        return [u for u in self.requests if not u.startswith("file://")]

    def close(self):
        self.context.close()


@pytest.fixture
def open_map(chromium, tmp_path):
    pages = []

    def open_(tg_map, name="map.html"):
        path = tg_map.save(tmp_path / name)
        page = Page(chromium, path)
        pages.append(page)
        return page

    yield open_
    for page in pages:
        page.close()


def test_sample_map_opens_offline_with_every_node(open_map, sample):
    page = open_map(TheoryGraph.open(sample).map())
    document = read_theory(sample)
    members = {m for c in document.cmocs for m in (*c.contexts, *c.mechanisms, *c.outcomes)}
    assert set(page.js("tgNodes.getIds()")) == members
    assert set(page.js("Object.keys(tgNetwork.getPositions())")) == members
    assert page.js("tgEdges.length") == len(page.js("tgNetwork.body.data.edges.getIds()"))
    assert page.offsite() == []
    assert page.errors == []


def test_clicking_a_mechanism_shows_its_extracts(open_map, sample):
    page = open_map(TheoryGraph.open(sample).map())
    page.click_node("m-creating-conditions")
    page.page.wait_for_selector("#panel h2")
    assert page.page.inner_text("#panel h2") == "Creating the conditions"
    document = read_theory(sample)
    holding = {c.id for c in document.cmocs if "m-creating-conditions" in c.mechanisms}
    expected = [
        x.id
        for x in document.extracts
        if x.cmoc in holding
        and (x.link is None or "m-creating-conditions" in (x.link.source, x.link.target))
    ]
    shown = page.js("[...document.querySelectorAll('#panel .extract')].map(e => e.dataset.extract)")
    assert sorted(shown) == sorted(expected)
    first = next(x for x in document.extracts if x.id == shown[0])
    assert first.quote in page.page.inner_text("#panel")
    assert page.errors == []


def test_clicking_an_arrow_shows_its_extracts(open_map, sample):
    page = open_map(TheoryGraph.open(sample).map())
    page.js("tgShowEdge('m-inspiring-intent->o-collaborative-intent')")
    text = page.page.inner_text("#panel")
    assert "contested" in text
    assert "REFUTES (1)" in text.upper()


def test_search_box_finds_nodes(open_map, sample):
    page = open_map(TheoryGraph.open(sample).map())
    page.page.fill("#search", "power")
    page.page.wait_for_function("document.getElementById('search-result').textContent !== ''")
    selected = page.js("tgNetwork.getSelectedNodes()")
    assert "m-working-with-power" in selected
    assert page.page.inner_text("#search-result") == f"{len(selected)} matches"


def test_filters_hide_and_show(open_map, sample):
    page = open_map(TheoryGraph.open(sample).map())
    visible = "tgNetwork.body.data.nodes.getIds().length"
    everything = page.js(visible)
    page.page.select_option("#filter-theory", "rpt")
    assert "m-own-resilience" not in page.js("tgNetwork.body.data.nodes.getIds()")
    page.page.select_option("#filter-theory", "")
    page.page.uncheck("input[name=type][value=Mechanism]")
    assert page.js(visible) == everything - 10
    page.page.check("input[name=type][value=Mechanism]")
    edges = "tgNetwork.body.data.edges.getIds().length"
    all_edges = page.js(edges)
    page.page.uncheck("input[name=stance][value=none]")
    assert page.js(edges) < all_edges


def test_hostile_quotes_run_nothing(open_map, mini):
    hostile = (
        "</script><script>window.pwned=1;alert('x')</script>"
        '<img src=x onerror="window.pwned=2;alert(2)">'
    )
    mini["extracts"][0]["quote"] = hostile
    mini["mechanisms"][0]["label"] = "<img src=y onerror=alert(3)>"
    mini["studies"][0]["doi"] = "javascript:alert(4)"
    mini["studies"][0]["title"] = "<script>alert(5)</script>"
    tg_map = TheoryGraph.from_document(TheoryDocument.model_validate(mini)).map()
    page = open_map(tg_map)
    page.click_node("m-inspire")
    page.page.wait_for_selector("#panel .extract")
    panel = page.page.inner_text("#panel")
    assert hostile in panel  # shown as text, verbatim
    assert "<script>alert(5)</script>" in panel
    assert page.js("typeof window.pwned") == "undefined"
    assert page.js("document.querySelectorAll('#panel img, #panel script').length") == 0
    assert (
        page.js(
            "[...document.querySelectorAll('a')].filter(a => a.protocol === 'javascript:').length"
        )
        == 0
    )
    assert page.dialogs == []
    assert page.errors == []
    assert page.offsite() == []


def test_large_map_draws_arrowheads_only_when_zoomed_in(open_map):
    from theorygraph.generate import generate
    from theorygraph.render.map import ARROWS_FROM_SCALE, LABEL_WIDTH, PHYSICS_LIMIT

    tg_map = TheoryGraph.from_document(generate(studies=96, mechanisms=96, seed=3)).map()
    assert tg_map.nodes > PHYSICS_LIMIT
    page = open_map(tg_map)
    edge = page.js("tgEdges.getIds()[0]")
    heads = f"tgNetwork.body.edges[{edge!r}].options.arrows.to.enabled"
    assert page.js("tgNetwork.getScale()") < ARROWS_FROM_SCALE
    assert page.js(heads) is False
    # labels come wrapped from Python, no line longer than the width
    lines = page.js("tgNodes.get().flatMap(n => n.label.split('\\n'))")
    assert max(len(line) for line in lines) <= LABEL_WIDTH
    box = page.page.locator("#network").bounding_box()
    page.page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    for _ in range(40):  # wheel in until the view is close enough to show heads
        if page.js("tgNetwork.getScale()") >= ARROWS_FROM_SCALE:
            break
        page.page.mouse.wheel(0, -400)
        page.page.wait_for_timeout(30)
    page.page.wait_for_function(heads)
    for _ in range(40):
        if page.js("tgNetwork.getScale()") < ARROWS_FROM_SCALE:
            break
        page.page.mouse.wheel(0, 400)
        page.page.wait_for_timeout(30)
    page.page.wait_for_function(f"!{heads}")
    assert page.errors == []


def test_small_map_always_has_arrowheads(open_map, sample):
    page = open_map(TheoryGraph.open(sample).map())
    assert page.js("tgEdges.getIds().every(e => tgNetwork.body.edges[e].options.arrows.to.enabled)")


def test_a_cited_study_and_the_directions_in_the_panel(open_map, sample):
    """Citations show as citations (no empty quote), and each CMOC's qualifier of the node
    is in the panel."""
    page = open_map(TheoryGraph.open(sample.parent / "portfolio-srl").map())
    page.click_node("m-m")
    page.page.wait_for_selector("#panel .extract")
    panel = page.page.inner_text("#panel")
    assert "Cited for it, with no quote" in panel
    assert page.js("document.querySelectorAll('#panel blockquote').length") == 0
    assert "g-2 (not-activated: learners struggled to collect the required forms" in panel
    assert "fb-plus-1 (activated: sensitive or neglected topics" in panel
    assert page.errors == []


def test_the_review_s_own_study_attributes_filter_the_arrows(open_map, mini):
    """A study attribute of the review's own becomes a filter: unticking a value hides the
    arrows whose evidence comes only from studies with that value."""
    from theorygraph.model import TheoryDocument

    for i, study in enumerate(mini["studies"]):
        study["attributes"] = {"programme": "GP training" if i == 0 else "Nursing"}
    page = open_map(TheoryGraph.from_document(TheoryDocument.model_validate(mini)).map())
    boxes = page.js(
        "[...document.querySelectorAll('input[name=\"facet:programme\"]')].map(b => b.value)"
    )
    assert sorted(boxes) == ["GP training", "Nursing"]
    assert "study programme" in page.page.inner_text("#controls").lower()
    edges = "tgNetwork.body.data.edges.getIds().length"
    before = page.js(edges)
    page.page.uncheck('input[name="facet:programme"][value="GP training"]')
    page.page.uncheck('input[name="facet:programme"][value="Nursing"]')
    evidenced = page.js("tgEdges.get().filter(e => e.extracts.length).length")
    assert evidenced and page.js(edges) == before - evidenced  # only arrows with no evidence stay
    page.page.check('input[name="facet:programme"][value="Nursing"]')
    assert before - evidenced < page.js(edges) <= before
    assert page.errors == []
