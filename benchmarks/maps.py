"""Interactive maps in headless Chromium: theorygraph's map against plain pyvis.

Both pages are opened from ``file://`` with every other request blocked. For
theorygraph's map: the time from navigation to ``window.theorygraphReady`` (set once the
first view is usable; read from the page's own clock), then the time from a click on a
mechanism to the side panel naming it. A map of ``OVERVIEW_FROM`` nodes or more opens on
its overview: there the first view is the overview, the drill-down is the time from a
click on its first mechanism to that mechanism's sub-map drawn, and the whole map is
drawn after a click on *Whole map*, in a page of its own. For plain pyvis (``Network``
with its default physics, the same nodes and arrows, ``write_html`` with everything
inlined, in a temporary folder): the time until vis-network's
``stabilizationIterationsDone``, with a listener added right after the network is made;
a page that has not settled within ``Mode.pyvis_cap`` seconds is reported as such, with
how far it got.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import time
from pathlib import Path
from typing import Any

from .runner import CHROMIUM_FLAGS, Context, find_chromium, median, timed

NAME = "map"
TITLE = "Maps in the browser"
REPEATS = {"full": (3, 3, 3), "quick": (2, 2), "smoke": (1, 1)}
PYVIS_REPEATS = {"full": (3, 1, 1), "quick": (2, 1), "smoke": (1, 1)}
ABOUT = """\
`TheoryGraph.from_document(doc).map().save(path)` for reviews of about 100, 1,000 and
5,000 map nodes (contexts, mechanisms and outcomes), opened in headless Chromium
(Playwright, Debian's `/usr/bin/chromium`, software rendering, network blocked).
*build* is the Python side (map data, layout, HTML). A map of 400 nodes or more opens on
its overview (a grid of mechanisms against study designs): *overview* is the time from
navigation to the overview usable (`window.theorygraphReady`), *drill* the time from a
click on the first mechanism of the grid to its configurations drawn as a sub-map with
its panel open; *whole map* the time from a click on *Whole map* to the whole network
drawn. *drawn* is the whole network's first complete draw from navigation: for a map
that opens on its overview, overview + whole map. *click* is the time from a click on
a mechanism of the whole map to the side panel showing it; *usable* = drawn + click.
The baseline is plain pyvis: a `pyvis.network.Network` with the same nodes and arrows
and its default physics, written by `write_html` with its resources inlined; *drawn* is
its first draw and *settled* its `stabilizationIterationsDone` event."""

LISTENER = """
window.__bench = {progress: 0};
network.once("afterDrawing", function () { window.__bench.drawn = performance.now(); });
network.on("stabilizationProgress", function (p) {
  window.__bench.progress = p.iterations / p.total;
});
network.once("stabilizationIterationsDone", function () {
  window.__bench.settled = performance.now();
});
"""
ANCHOR = "network = new vis.Network(container, data, options);"


def write_pyvis(model: Any, path: Path) -> None:
    """Plain pyvis, default physics: the map's nodes and arrows, nothing else."""
    from pyvis.network import Network

    net = Network(directed=True, cdn_resources="in_line")
    for node in model.nodes:
        net.add_node(node.id, label=node.label)
    for edge in model.edges:
        net.add_edge(edge.source, edge.target)
    cwd = os.getcwd()
    os.chdir(path.parent)  # pyvis writes relative to the working directory
    try:
        net.write_html(path.name)
    finally:
        os.chdir(cwd)
    page = path.read_text(encoding="utf-8")
    if ANCHOR not in page:
        raise RuntimeError("pyvis's template changed: no place to add the listener")
    path.write_text(page.replace(ANCHOR, ANCHOR + LISTENER), encoding="utf-8")


def _open(browser: Any, path: Path) -> tuple[Any, Any, list[str]]:
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    errors: list[str] = []

    def route(r: Any) -> None:
        if r.request.url.startswith("file://"):
            r.continue_()
        else:
            r.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.on("pageerror", lambda e: errors.append(str(e)))
    return context, page, errors


#: picks the first candidate that a click near its centre surely hits (on the screen, not
#: under a button, and vis's own hit test, the centre and one pixel around it); if none
#: does (in a map of thousands of nodes, fitted to the screen, nodes are under a pixel
#: apart), zooms in on the first candidate as a reader would, and waits for that draw;
#: then starts the clocks on click and panel
CLICK_PROBE = """
async (candidates) => {
  const all = tgNetwork.getPositions();
  const at = (id, dx, dy) => {
    const p = tgNetwork.canvasToDOM(all[id]);
    return tgNetwork.getNodeAt({x: p.x + dx, y: p.y + dy}) === id;
  };
  const box = document.getElementById("network").getBoundingClientRect();
  const onScreen = (id) => {
    const p = tgNetwork.canvasToDOM(all[id]);
    const hit = document.elementFromPoint(box.left + p.x, box.top + p.y);
    return p.x > 1 && p.y > 1 && p.x < box.width - 1 && p.y < box.height - 1 &&
      hit !== null && hit.closest("#network") !== null;  // not under a button or the legend
  };
  const sure = (id) => onScreen(id) &&
    [[0, 0], [1, 0], [-1, 0], [0, 1], [0, -1]].every(d => at(id, d[0], d[1]));
  let best = candidates.find(sure);
  let zoomed = false;
  if (best === undefined) {
    best = candidates[0];
    zoomed = true;
    await new Promise((resolve) => {
      tgNetwork.once("afterDrawing", () => resolve());
      tgNetwork.moveTo({position: all[best], scale: 1.0});
    });
  }
  const panel = document.getElementById("panel");
  window.__click = {id: best};
  new MutationObserver(() => {
    const h2 = panel.querySelector("h2");
    if (h2 && window.__click.at === undefined) window.__click.at = performance.now();
  }).observe(panel, {childList: true, subtree: true});
  document.getElementById("network").addEventListener(
    "pointerdown", () => { window.__click.down = performance.now(); }, {capture: true});
  return {id: best, zoomed: zoomed, point: tgNetwork.canvasToDOM(all[best])};
}
"""


#: the time of the next pointerdown on the overview, from the page's clock
MARK_DOWN = """() => {
  window.__down = undefined;
  document.getElementById("overview").addEventListener(
    "pointerdown", () => { window.__down = performance.now(); }, {capture: true, once: true});
}"""


def measure_overview(browser: Any, path: Path) -> dict[str, Any]:
    """Navigation to the overview usable, then a click on its first mechanism to the
    sub-map of its configurations drawn with its panel open."""
    context, page, errors = _open(browser, path)
    try:
        page.goto(path.as_uri())
        page.wait_for_function("window.theorygraphReady === true", timeout=120_000)
        overview = page.evaluate("window.tgTimings.drawn") / 1000
        row = page.locator("#overview tbody tr").first
        mechanism = row.get_attribute("data-mechanism")
        page.evaluate(MARK_DOWN)
        row.locator(".tgo-mech").click()
        page.wait_for_function(f"window.theorygraphDrilled === {mechanism!r}", timeout=30_000)
        drill = page.evaluate("(window.tgTimings.drilled - window.__down) / 1000")
        nodes = page.evaluate("tgNetwork.body.data.nodes.getIds().length")
        shown = page.inner_text("#panel h2")
        if errors:
            raise RuntimeError(f"{path.name}: page errors: {errors[:3]}")
        return {
            "overview_s": overview,
            "drill_s": drill,
            "drilled": mechanism,
            "sub_map_nodes": nodes,
            "shown": shown,
        }
    finally:
        context.close()


def measure_map(browser: Any, path: Path, candidates: list[str]) -> dict[str, Any]:
    context, page, errors = _open(browser, path)
    try:
        started = time.perf_counter()
        page.goto(path.as_uri())
        page.wait_for_function("window.theorygraphReady === true", timeout=120_000)
        drawn = page.evaluate("window.tgTimings.drawn") / 1000
        overview = page.evaluate("!document.getElementById('overview').hidden")
        whole = None
        if overview:  # the whole map is a click away: overview + that click to the draw
            page.evaluate(MARK_DOWN)
            page.click(".tgo-whole")
            page.wait_for_function("window.theorygraphWhole === true", timeout=120_000)
            whole = page.evaluate("(window.tgTimings.whole - window.__down) / 1000")
            drawn += whole
        wall = time.perf_counter() - started
        target = page.evaluate(CLICK_PROBE, candidates)
        point = target["point"]
        box = page.locator("#network").bounding_box()
        page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])
        page.wait_for_function("window.__click.at !== undefined", timeout=30_000)
        click = page.evaluate("(window.__click.at - window.__click.down) / 1000")
        shown = page.inner_text("#panel h2")
        if errors:
            raise RuntimeError(f"{path.name}: page errors: {errors[:3]}")
        return {
            "drawn_s": drawn,
            "opens_on": "overview" if overview else "network",
            "whole_s": whole,
            "wall_s": wall,
            "click_s": click,
            "clicked": target["id"] + (" (zoomed in)" if target["zoomed"] else ""),
            "shown": shown,
        }
    finally:
        context.close()


def measure_pyvis(browser: Any, path: Path, cap: float) -> dict[str, Any]:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    context, page, _ = _open(browser, path)
    try:
        page.goto(path.as_uri(), wait_until="commit")
        with contextlib.suppress(PlaywrightTimeout):  # it did not settle in time
            page.wait_for_function("window.__bench && window.__bench.settled", timeout=cap * 1000)
        state = page.evaluate("window.__bench || {}")
        return {
            "drawn_s": state["drawn"] / 1000 if state.get("drawn") else None,
            "settled_s": state["settled"] / 1000 if state.get("settled") else None,
            "progress": state.get("progress", 0.0),
        }
    finally:
        context.close()


def run(ctx: Context) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    from theorygraph.graph import TheoryGraph
    from theorygraph.render.map import OVERVIEW_FROM
    from theorygraph.render.mapdata import build_map

    chromium = find_chromium()
    mode = ctx.mode
    rows: list[dict[str, Any]] = []
    folder = ctx.workdir / "maps"
    folder.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_FLAGS)
        ctx.machine["chromium"] = browser.version
        try:
            warmed = False
            for index, (label, mechanisms, studies) in enumerate(mode.map_sizes):
                document = ctx.document(studies, mechanisms, ctx.review_id(f"map-{mechanisms}"))
                tg = TheoryGraph.from_document(document)
                if not warmed:  # imports, and the browser's first page, off the clock
                    tg.map().save(folder / "warm-up.html")
                build_s, tg_map = timed(lambda: tg.map())  # noqa: B023
                path = tg_map.save(folder / f"map-{mechanisms}.html")
                model = build_map(tg.backend)
                candidates = [n.id for n in model.nodes if n.type == "Mechanism" and n.extracts]
                labels = {n.id: n.label for n in model.nodes}
                overview = tg_map.nodes >= OVERVIEW_FROM
                if not warmed:
                    measure_map(browser, path, candidates)
                    warmed = True
                repeats = mode.pick(REPEATS, index)
                ctx.log(f"map {label} nodes ({tg_map.nodes}) x{repeats}")
                cases = [("theorygraph map", path, build_s)]
                measured: dict[str, list[dict[str, Any]]] = {name: [] for name, _, _ in cases}
                drills: list[dict[str, Any]] = []
                for _ in range(repeats):  # in turn, so a slow spell falls on both alike
                    for name, page_path, _ in cases:
                        measured[name].append(measure_map(browser, page_path, candidates))
                    if overview:
                        drills.append(measure_overview(browser, path))
                for d in drills:
                    if d["shown"] != labels[d["drilled"]]:
                        raise RuntimeError(
                            f"drilled into {d['drilled']}; the panel says {d['shown']!r}"
                        )
                base = {
                    "size": label,
                    "nodes": tg_map.nodes,
                    "arrows": tg_map.edges,
                    "scale": tg_map.nodes,
                }
                for name, page_path, build in cases:
                    runs = measured[name]
                    for r in runs:
                        if r["shown"] != labels[r["clicked"].split()[0]]:
                            raise RuntimeError(
                                f"clicked {r['clicked']}; the panel says {r['shown']!r}"
                            )
                    usable = [r["drawn_s"] + r["click_s"] for r in runs]
                    rows.append(
                        {
                            "case": name,
                            **base,
                            "opens_on": runs[0]["opens_on"],
                            "file_mib": page_path.stat().st_size / 1024 / 1024,
                            "build_s": build,
                            "overview_s": median([d["overview_s"] for d in drills])
                            if drills
                            else None,
                            "drill_s": median([d["drill_s"] for d in drills]) if drills else None,
                            "sub_map_nodes": drills[0]["sub_map_nodes"] if drills else None,
                            "whole_s": median([r["whole_s"] for r in runs]) if overview else None,
                            "drawn_s": median([r["drawn_s"] for r in runs]),
                            "click_s": median([r["click_s"] for r in runs]),
                            "median_s": median(usable),
                            "clicked": runs[0]["clicked"],
                            "runs": [round(u, 3) for u in usable],
                        }
                    )
                plain = folder / f"pyvis-{mechanisms}.html"
                write_pyvis(model, plain)
                repeats = mode.pick(PYVIS_REPEATS, index)
                ctx.log(f"plain pyvis {label} nodes x{repeats} (cap {mode.pyvis_cap:.0f} s)")
                plain_runs = [measure_pyvis(browser, plain, mode.pyvis_cap) for _ in range(repeats)]
                settled = [r["settled_s"] for r in plain_runs if r["settled_s"] is not None]
                drawn = [r["drawn_s"] for r in plain_runs if r["drawn_s"] is not None]
                row = {
                    "case": "plain pyvis",
                    **base,
                    "file_mib": plain.stat().st_size / 1024 / 1024,
                    "drawn_s": median(drawn) if drawn else None,
                    "runs": [
                        None if r["settled_s"] is None else round(r["settled_s"], 3)
                        for r in plain_runs
                    ],
                }
                if len(settled) == len(plain_runs):
                    row["median_s"] = median(settled)
                    row["settled"] = "yes"
                else:
                    progress = max(r["progress"] for r in plain_runs)
                    row["median_s"] = None
                    row["over_s"] = mode.pyvis_cap
                    row["settled"] = f"not within {mode.pyvis_cap:.0f} s: {progress:.0%} of the "
                    row["settled"] += "stabilization iterations done" + (
                        f", ≈ {mode.pyvis_cap / progress:.0f} s at that rate" if progress else ""
                    )
                rows.append(row)
        finally:
            browser.close()
    for row in rows:
        if row["case"].startswith("theorygraph map"):
            plain = next(r for r in rows if r["case"] == "plain pyvis" and r["size"] == row["size"])
            reference = plain["median_s"] or plain.get("over_s")
            if reference:
                row["vs_pyvis"] = reference / row["median_s"]
                row["vs_pyvis_lower_bound"] = plain["median_s"] is None
    return {
        "about": ABOUT,
        "columns": [
            ("case", "case"),
            ("size", "size"),
            ("nodes", "nodes"),
            ("arrows", "arrows"),
            ("opens_on", "opens on"),
            ("file_mib", "file (MiB)"),
            ("build_s", "build (s)"),
            ("overview_s", "overview (s)"),
            ("drill_s", "drill (s)"),
            ("sub_map_nodes", "sub-map nodes"),
            ("whole_s", "whole map (s)"),
            ("drawn_s", "drawn (s)"),
            ("click_s", "click (s)"),
            ("median_s", "usable / settled (s)"),
            ("growth", "× smallest"),
            ("vs_pyvis", "× faster than pyvis"),
            ("clicked", "clicked"),
            ("settled", "settled"),
            ("runs", "runs (s)"),
        ],
        "rows": rows,
        "targets": _targets(rows),
        "details": [],
    }


def _targets(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for key, what, limit in (
        ("overview_s", "theorygraph map: 5,000 nodes, the overview usable in under 2 s", 2.0),
        ("drill_s", "theorygraph map: 5,000 nodes, a mechanism's sub-map in under 1 s", 1.0),
    ):
        row = next(
            (r for r in rows if r["case"] == "theorygraph map" and r["size"] == "5,000"), None
        )
        if row is None or row.get(key) is None:
            out.append({"target": what, "measured": "size not run in this mode", "verdict": "n/a"})
        else:
            out.append(
                {
                    "target": what,
                    "measured": f"{row[key]:.2f} s",
                    "verdict": "PASS" if row[key] < limit else "MISS",
                }
            )
    for (size, limit), case in itertools.product(
        (("1,000", 2.0), ("5,000", 3.0)), ("theorygraph map",)
    ):
        row = next((r for r in rows if r["case"] == case and r["size"] == size), None)
        what = (
            f"{case}: {size} nodes, the whole map usable (drawn + click answered) "
            f"in under {limit:.0f} s"
        )
        if row is None:
            out.append({"target": what, "measured": "size not run in this mode", "verdict": "n/a"})
        else:
            out.append(
                {
                    "target": what,
                    "measured": f"{row['median_s']:.2f} s",
                    "verdict": "PASS" if row["median_s"] < limit else "MISS",
                }
            )
    return out
