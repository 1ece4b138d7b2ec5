"""Maps in a real headless Chromium, opened from file:// with the network blocked."""

from __future__ import annotations

import pytest
from conftest import MapPage

from theorygraph.graph import TheoryGraph
from theorygraph.model import TheoryDocument
from theorygraph.validate import read_theory

pytestmark = pytest.mark.browser


@pytest.fixture
def open_map(chromium, tmp_path):
    pages = []

    def open_(tg_map, name="map.html", size=(1440, 900), hash_=""):
        path = tg_map.save(tmp_path / name)
        page = MapPage(chromium, path, size, hash_)
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
    page.js("TG.select('edge', 'm-inspiring-intent->o-collaborative-intent')")
    text = page.page.inner_text("#panel")
    assert "contested" in text
    assert "Refutes (1)" in text


def test_filters_hide_and_show(open_map, sample):
    page = open_map(TheoryGraph.open(sample).map())
    visible = "tgNetwork.body.data.nodes.getIds().length"
    everything = page.js(visible)
    page.page.click("#toggle-side")
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
    if page.page.locator("#overview").is_visible():  # a large map opens on its overview
        page.page.evaluate("new Promise(done => TG.whole(done))")
    page.page.click("#fit")  # the whole map, as a reader asks for it
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
    assert "(g-2; not-activated: learners struggled to collect the required forms" in panel
    assert "(fb-plus-1; activated: sensitive or neglected topics" in panel
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
    page.page.click("#toggle-side")
    assert "study programme" in page.page.inner_text("#side").lower()
    edges = "tgNetwork.body.data.edges.getIds().length"
    before = page.js(edges)
    page.page.uncheck('input[name="facet:programme"][value="GP training"]')
    page.page.uncheck('input[name="facet:programme"][value="Nursing"]')
    evidenced = page.js("tgEdges.get().filter(e => e.extracts.length).length")
    assert evidenced and page.js(edges) == before - evidenced  # only arrows with no evidence stay
    page.page.check('input[name="facet:programme"][value="Nursing"]')
    assert before - evidenced < page.js(edges) <= before
    assert page.errors == []


# -- readable on open, at the sizes readers use ------------------------------------------

#: every node's drawn box (its label inside) on screen, in CSS pixels relative to the page
#: (vis's own bounding box of a rounded box adds the corner radius on every side)
BOXES = """(() => {
  const box = document.getElementById('network').getBoundingClientRect();
  return tgNetwork.body.data.nodes.getIds().map(id => {
    const n = tgNetwork.body.nodes[id];
    const w = n.shape.width / 2, h = n.shape.height / 2;
    const tl = tgNetwork.canvasToDOM({x: n.x - w, y: n.y - h});
    const br = tgNetwork.canvasToDOM({x: n.x + w, y: n.y + h});
    return {id: id, left: box.left + tl.x, top: box.top + tl.y,
            right: box.left + br.x, bottom: box.top + br.y};
  });
})()"""


def overlapping(boxes):
    return [
        (a["id"], b["id"])
        for i, a in enumerate(boxes)
        for b in boxes[i + 1 :]
        if a["left"] < b["right"]
        and b["left"] < a["right"]
        and a["top"] < b["bottom"]
        and b["top"] < a["bottom"]
    ]


@pytest.mark.parametrize("size", [(1440, 900), (1024, 768)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_sample_opens_whole_and_readable(open_map, sample, size):
    """Every label at least MIN_LABEL_PX CSS pixels high, and every node on screen."""
    from theorygraph.render.map import FONT_SIZE, MIN_LABEL_PX

    page = open_map(TheoryGraph.open(sample).map(), size=size)
    assert page.js("tgNetwork.getScale()") * FONT_SIZE >= MIN_LABEL_PX
    screen = page.page.locator("#network").bounding_box()
    boxes = page.js(BOXES)
    assert len(boxes) == page.js("tgNodes.length")
    for b in boxes:
        assert b["left"] >= screen["x"] - 0.5 and b["right"] <= screen["x"] + screen["width"] + 0.5
        assert b["top"] >= screen["y"] - 0.5 and b["bottom"] <= screen["y"] + screen["height"] + 0.5
    assert page.page.locator("#side").is_hidden() and page.page.locator("#panel").is_hidden()
    assert page.errors == []


def test_on_a_phone_the_map_fills_the_screen(open_map, sample):
    page = open_map(TheoryGraph.open(sample).map(), size=(390, 844))
    screen = page.page.locator("#network").bounding_box()
    assert screen["width"] >= 380 and screen["height"] >= 600
    inside = [
        b
        for b in page.js(BOXES)
        if b["right"] > screen["x"] and b["left"] < screen["x"] + screen["width"]
    ]
    assert inside  # something is drawn where the reader looks
    page.page.click("#toggle-side")  # the CMOCs and filters come as a drawer over the map
    side = page.page.locator("#side").bounding_box()
    assert side["width"] >= 380
    page.page.click("#cmoc-list button[data-cmoc='cmoc-02']")
    assert page.page.locator("#side").is_hidden()  # out of the way of the answer
    assert page.page.inner_text("#panel h2")
    assert page.errors == []


@pytest.mark.parametrize("layout", ["layered", "force"])
def test_no_label_boxes_overlap(open_map, sample, layout):
    page = open_map(TheoryGraph.open(sample).map(layout=layout))
    assert overlapping(page.js(BOXES)) == []


def test_a_force_layout_settles_and_stays_still(open_map, sample):
    page = open_map(TheoryGraph.open(sample).map(layout="force"))
    assert page.js("tgTimings.drawn - tgTimings.start") < 3000
    before = page.js("tgNetwork.getPositions()")
    page.page.wait_for_timeout(1500)
    assert page.js("tgNetwork.getPositions()") == before
    assert page.js("tgNetwork.physics.physicsEnabled") is False


# -- CMOCs ---------------------------------------------------------------------------------


def test_a_cmoc_click_highlights_exactly_its_members(open_map, sample):
    document = read_theory(sample)
    cmoc = next(c for c in document.cmocs if len(c.contexts) > 1)
    page = open_map(TheoryGraph.open(sample).map())
    page.page.click("#toggle-side")
    page.page.click(f"#cmoc-list button[data-cmoc='{cmoc.id}']")
    members = {*cmoc.contexts, *cmoc.mechanisms, *cmoc.outcomes}
    assert set(page.js("tgNetwork.getSelectedNodes()")) == members
    links = {f"{c}->{m}" for c in cmoc.contexts for m in cmoc.mechanisms} | {
        f"{m}->{o}" for m in cmoc.mechanisms for o in cmoc.outcomes
    }
    assert set(page.js("tgNetwork.getSelectedEdges()")) == links
    # everything else is faded; the joint contexts are bracketed together
    faded = set(page.js("tgNodes.get().filter(n => n.opacity < 1).map(n => n.id)"))
    assert faded == set(page.js("tgNodes.getIds()")) - members
    assert set(page.js("window.tgJoint")) == set(cmoc.contexts)
    panel = page.page.inner_text("#panel")
    assert page.page.inner_text("#panel h2") == cmoc.label
    assert "Contexts, acting together" in panel
    shown = page.js("[...document.querySelectorAll('#panel .extract')].map(e => e.dataset.extract)")
    assert sorted(shown) == sorted(x.id for x in document.extracts if x.cmoc == cmoc.id)
    assert page.js("location.hash") == f"#cmoc={cmoc.id}"
    assert page.errors == []


def test_an_arrow_names_the_cmocs_that_state_it_by_label(open_map, sample):
    document = read_theory(sample)
    stating = [c for c in document.cmocs if "m-working-with-power" in c.mechanisms]
    assert len(stating) > 1
    page = open_map(TheoryGraph.open(sample).map())
    page.js("TG.select('edge', 'm-working-with-power->o-collective-responsibility')")
    panel = page.page.inner_text("#panel")
    assert f"Stated by {len(stating)} CMOCs" in panel
    for c in stating:
        assert c.label in panel
    labels = {n.id: n.label for n in [*document.mechanisms, *document.outcomes]}
    heading = page.page.inner_text("#panel h2")
    assert (
        heading
        == f"{labels['m-working-with-power']} \u2192 {labels['o-collective-responsibility']}"
    )
    page.page.click(f"#panel a.ref:has-text({stating[0].label!r})")
    assert page.page.inner_text("#panel h2") == stating[0].label


# -- filters recompute ---------------------------------------------------------------------


def _contested_by_one_design(sample):
    """A contested arrow with a supporting extract from a study of a design that no
    refuting extract comes from: hiding the refuting designs leaves it supporting."""
    from theorygraph.render.mapdata import build_map

    document = read_theory(sample)
    design = {s.id: s.design.value if s.design else "unknown" for s in document.studies}
    extracts = {x.id: x for x in document.extracts}
    for edge in build_map(TheoryGraph.open(sample).backend).edges:
        on = [extracts[x] for x in edge.extracts]
        refuting = {design[x.study] for x in on if x.stance == "refutes"}
        supporting = {design[x.study] for x in on if x.stance == "supports"}
        if refuting and supporting - refuting:
            return edge.id, sorted(refuting), on, design
    raise AssertionError("the sample has no such arrow")


def test_a_filter_changes_an_arrow_s_stance_and_the_panel_s_extracts(open_map, sample):
    edge, designs, on, design = _contested_by_one_design(sample)
    page = open_map(TheoryGraph.open(sample).map())
    stance = f"tgEdges.get({edge!r}).stanceNow"
    assert page.js(stance) == "contested"
    page.js(f"TG.select('edge', {edge!r})")
    count = "document.querySelectorAll('#panel .extract').length"
    assert page.js(count) == len(on)
    page.page.click("#toggle-side")
    for d in designs:
        page.page.uncheck(f"input[name=design][value={d!r}]")
    assert page.js(stance) == "supporting"
    color = page.js(f"tgNetwork.body.edges[{edge!r}].options.color.color")
    assert color == page.js("TG.data.edgeStyles.supporting.color")
    left = [x for x in on if design[x.study] not in designs]
    assert page.js(count) == len(left)
    assert f"{len(on) - len(left)} extract" in page.page.inner_text("#panel .hidden-note")
    width = page.js(f"tgNetwork.body.edges[{edge!r}].options.width")
    assert width == pytest.approx(1 + min(len({x.study for x in left}), 12) * 0.75)
    assert "hidden by the study filters" in page.page.inner_text("#filter-note")


def test_the_page_s_stance_rule_is_the_library_s(open_map, sample):
    """With every filter on, each arrow's stance in the page equals the one Python gave."""
    from theorygraph.render.mapdata import build_map

    model = build_map(TheoryGraph.open(sample).backend)
    page = open_map(TheoryGraph.open(sample).map())
    stances = page.js("Object.fromEntries(tgEdges.get().map(e => [e.id, e.stanceNow]))")
    assert stances == {e.id: e.stance for e in model.edges}
    assert {e.stance for e in model.edges} >= {"supporting", "contested", "none"}


# -- the panel -------------------------------------------------------------------------------


def test_a_contested_link_lists_refuting_first_grouped_by_study(open_map, sample):
    page = open_map(TheoryGraph.open(sample).map())
    page.js("TG.select('edge', 'm-inspiring-intent->o-collaborative-intent')")
    heads = page.js(
        "[...document.querySelectorAll('#panel h3.stance-head')].map(h => h.textContent)"
    )
    assert heads[0].endswith("Refutes (1)") and heads[1].startswith("\u2713")
    groups = page.js(
        "[...document.querySelectorAll('#panel .study-group')].map(g =>"
        " [g.dataset.study, [...g.querySelectorAll('.extract')].map(e => e.dataset.extract)])"
    )
    document = read_theory(sample)
    study_of = {x.id: x.study for x in document.extracts}
    seen = set()
    for study, extracts in groups:
        assert {study_of[x] for x in extracts} == {study}
        seen.update(extracts)
    counts = page.page.inner_text("#panel .counts")
    assert "\u2717 1 refuting" in counts and "supporting" in counts
    # a study's profile on click
    page.page.click("#panel .study-group h4 a.ref >> nth=0")
    assert page.page.inner_text("#panel .kind").startswith("Study \u00b7 ")
    assert "Design" in page.page.inner_text("#panel dl")


def test_a_selected_arrow_keeps_its_stance_colour(open_map, sample):
    page = open_map(TheoryGraph.open(sample).map())
    edge = "m-inspiring-intent->o-collaborative-intent"
    page.js(f"TG.select('edge', {edge!r})")
    options = page.js(f"tgNetwork.body.edges[{edge!r}].options.color")
    assert options["highlight"] == options["color"] == page.js("TG.data.edgeStyles.contested.color")
    assert page.js("tgNetwork.getSelectedEdges()") == [edge]


# -- deep links, PNG, search ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("hash_", "heading"),
    [("#cmoc=cmoc-04", "cmoc"), ("#node=m-working-with-power", "node"), ("#study=", "study")],
)
def test_a_deep_link_restores_the_selection(open_map, sample, hash_, heading):
    document = read_theory(sample)
    if hash_ == "#study=":
        hash_ += document.studies[0].id
    ident = hash_.split("=", 1)[1]
    expected = {
        "cmoc": {c.id: c.label for c in document.cmocs},
        "node": {m.id: m.label for m in document.mechanisms},
        "study": {s.id: s.title for s in document.studies},
    }[heading][ident]
    page = open_map(TheoryGraph.open(sample).map(), hash_=hash_)
    assert expected in page.page.inner_text("#panel")
    if heading == "node":
        assert page.js("tgNetwork.getSelectedNodes()") == [ident]
    if heading == "cmoc":
        cmoc = next(c for c in document.cmocs if c.id == ident)
        assert set(page.js("tgNetwork.getSelectedNodes()")) == {
            *cmoc.contexts,
            *cmoc.mechanisms,
            *cmoc.outcomes,
        }
    # and a selection made by hand is written back to the address
    page.page.click("#panel .close")
    assert page.js("location.hash") == ""
    page.page.click("#fit")
    page.click_node("m-inspiring-intent")
    assert page.js("location.hash") == "#node=m-inspiring-intent"


def test_the_png_download_is_an_image_of_the_view(open_map, sample, tmp_path):
    import struct

    page = open_map(TheoryGraph.open(sample).map())
    with page.page.expect_download() as download:
        page.page.click("#png")
    saved = tmp_path / "view.png"
    download.value.save_as(saved)
    data = saved.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    canvas = page.js(
        "[document.querySelector('#network canvas').width,"
        " document.querySelector('#network canvas').height]"
    )
    assert [width, height] == canvas
    assert download.value.suggested_filename.endswith(".png")
    assert page.offsite() == []


def test_search_steps_through_every_match_and_finds_quotes_and_studies(open_map, sample):
    document = read_theory(sample)
    page = open_map(TheoryGraph.open(sample).map())
    word = "power"
    expected_nodes = [
        n.id
        for n in [*document.contexts, *document.mechanisms, *document.outcomes]
        if word in n.label.lower() or word in n.id
    ]
    quoted = [x.id for x in document.extracts if x.quote and word in x.quote.lower()]
    assert expected_nodes and quoted
    page.page.fill("#search", word)
    total = page.js("document.getElementById('search-result').textContent")
    count = int(total.split(" of ")[1].split()[0])
    assert count >= len(expected_nodes) + len(quoted)
    kinds = []
    for _ in range(count):
        kinds.append(page.js("location.hash").split("=")[0])
        page.page.press("#search", "Enter")
    assert "#node" in kinds and "#extract" in kinds
    assert page.js("location.hash").startswith("#node")  # round to the first again
    # a study by its author or title
    study = document.studies[0]
    page.page.fill("#search", study.title[:12])
    assert f"#study={study.id}" in [page.js("location.hash")] or "(study)" in page.page.inner_text(
        "#search-result"
    )


def test_the_help_box_says_how_to_read_and_what_made_the_map(open_map, sample):
    page = open_map(TheoryGraph.open(sample).map())
    page.page.click("#help-button")
    text = page.page.inner_text("#help")
    assert "Left to right" in text and "theorygraph " in text
    assert read_theory(sample).review.title in text


def test_printing_leaves_out_the_controls(open_map, sample):
    page = open_map(TheoryGraph.open(sample).map())
    page.page.emulate_media(media="print")
    assert page.page.locator("header .tools").is_hidden()
    assert page.page.locator("#print-about").is_visible()
    assert "theorygraph" in page.page.inner_text("#print-about")


def test_a_large_force_layout_has_no_overlapping_labels_either(open_map):
    """Above the browser's physics limit, positions come from Python; the page moves each
    node to the nearest free cell of a grid, so the whole map is no smear of boxes."""
    from theorygraph.generate import generate
    from theorygraph.render.map import PHYSICS_LIMIT

    tg_map = TheoryGraph.from_document(generate(studies=96, mechanisms=96, seed=3)).map(
        layout="force"
    )
    assert tg_map.nodes > PHYSICS_LIMIT
    page = open_map(tg_map)
    if page.page.locator("#overview").is_visible():
        page.page.evaluate("new Promise(done => TG.whole(done))")
    page.page.click("#fit")
    boxes = page.js(BOXES)
    assert len(boxes) == tg_map.nodes
    assert overlapping(boxes) == []
    assert page.errors == []


# -- a map of two theory versions (map --diff) ------------------------------------------


def test_a_diff_map_marks_what_changed_and_the_evidence_that_drove_it(open_map, sample):
    """The sample's refined theory added cmoc-11 and dropped cmoc-12..14: the page marks
    each part by its change, filters by it, and opens the evidence behind a change."""
    from theorygraph.render.mapdiff import build_diff_map

    graph = TheoryGraph.open(sample)
    model = build_diff_map(graph.backend, "ipt", "rpt")
    change = {n.id: n.change for n in model.nodes}
    cmocs = {c["id"]: c for c in model.cmocs}
    added = next(c for c in cmocs.values() if c["change"] == "added")
    dropped = [n for n, c in change.items() if c == "dropped"]
    assert added["change_extracts"] and dropped
    page = open_map(graph.map(diff=("ipt", "rpt")))
    assert "Comparing" in page.page.inner_text("#diff-bar")
    labels = page.js("Object.fromEntries(tgNodes.get().map(n => [n.id, n.label]))")
    signs = {"added": "+ ", "dropped": "\u2212 ", "changed": "\u0394 "}
    for node, how in change.items():
        marked = [sign for sign in signs.values() if labels[node].startswith(sign)]
        assert marked == ([signs[how]] if how in signs else []), (node, how, labels[node])
    # the change filter hides what was dropped
    page.page.click("#toggle-side")
    page.page.uncheck("input[name=change][value=dropped]")
    visible = set(page.js("tgNetwork.body.data.nodes.getIds()"))
    assert visible.isdisjoint(dropped) and visible
    page.page.check("input[name=change][value=dropped]")
    # the added CMOC's panel: its reason and exactly the extracts that drove it
    page.js(f"TG.select('cmoc', {added['id']!r})")
    panel = page.page.inner_text("#panel")
    assert "Added in rpt only" in panel
    if added["change_reason"]:
        assert added["change_reason"] in panel
    drove = page.js(
        "[...document.querySelectorAll('#panel .change-evidence .extract')]"
        ".map(e => e.dataset.extract)"
    )
    assert drove == added["change_extracts"]
    assert page.errors == []


def test_confidence_in_the_panel_the_cmoc_list_and_a_filter(open_map, sample):
    """Each CMOC shows its level and the sentence for each component; 'at least' a level
    hides the arrows below it and keeps hand-offs, which have no level."""
    from theorygraph.render.mapdata import build_map

    graph = TheoryGraph.open(sample)
    model = build_map(graph.backend)
    cmoc = next(c for c in model.cmocs if c["confidence"]["level"] == "moderate")
    page = open_map(graph.map())
    page.js(f"TG.select('cmoc', {cmoc['id']!r})")
    panel = page.page.inner_text("#panel")
    assert "Confidence: moderate" in panel
    for part in cmoc["confidence"]["components"].values():
        assert part["why"] in panel
    page.page.click("#toggle-side")
    button = page.page.inner_text(f"#cmoc-list button[data-cmoc='{cmoc['id']}']")
    assert "confidence moderate" in button
    page.page.select_option("#filter-confidence", "high")
    shown = set(page.js("tgNetwork.body.data.edges.getIds()"))
    assert shown == {e.id for e in model.edges if e.confidence in (None, "high")}
    assert any(e.confidence == "moderate" for e in model.edges)  # so something was hidden
    assert page.errors == []
