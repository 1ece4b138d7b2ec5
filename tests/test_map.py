"""Maps and exports: structure of the HTML, escaping, nothing fetched, attributes kept."""

from __future__ import annotations

import json
import os
import re
from html.parser import HTMLParser

import networkx as nx
import pytest
from click.testing import CliRunner

from theorygraph.cli import main
from theorygraph.graph import TheoryGraph
from theorygraph.model import TheoryDocument
from theorygraph.render.map import script_json
from theorygraph.validate import read_theory

HOSTILE = '</script><script>window.pwned=1</script><img src=x onerror="window.pwned=2">'


class Resources(HTMLParser):
    """Collects every resource reference and every inline script."""

    def __init__(self) -> None:
        super().__init__()
        self.refs: list[tuple[str, str, str]] = []
        self.scripts: list[dict[str, str | None]] = []
        self._in_script = False
        self.data: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name in ("src", "href", "data", "poster", "srcset"):
            if attrs.get(name):
                self.refs.append((tag, name, attrs[name]))
        if tag == "script":
            self.scripts.append(attrs)
            self._in_script = True

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.data.append(data)


def parse(html: str) -> Resources:
    parser = Resources()
    parser.feed(html)
    return parser


def map_data(html: str) -> dict:
    match = re.search(r'<script type="application/json" id="tg-data">(.*?)</script>', html, re.S)
    assert match, "the map carries its data as JSON"
    return json.loads(match.group(1))


@pytest.fixture
def sample_graph(open_graph, sample):
    """The sample in each backend in turn: these tests run on the embedded graph and Neo4j."""
    return open_graph(read_theory(sample))


@pytest.fixture
def sample_map(sample_graph):
    return sample_graph.map()


def test_map_is_self_contained(sample_map):
    html = sample_map.html
    parsed = parse(html)
    assert parsed.refs == []  # no src, href, ... at all: nothing to fetch
    assert all("src" not in s for s in parsed.scripts)
    assert not re.search(r"<link\b", html, re.I)
    assert not re.search(r"@import", html)
    styles = "".join(re.findall(r"<style>(.*?)</style>", html, re.S))
    assert all(
        u.startswith(("data:", '"data:', "'data:")) for u in re.findall(r"url\((.*?)\)", styles)
    )
    assert "bootstrap" not in html.lower()
    assert "vis.Network" in html and "vis-network" in html  # the library is inlined


def test_node_and_edge_counts_equal_the_graph(sample, sample_map):
    document = read_theory(sample)
    data = map_data(sample_map.html)
    members = {m for c in document.cmocs for m in (*c.contexts, *c.mechanisms, *c.outcomes)}
    assert len(data["nodes"]) == len(members) == sample_map.nodes
    pairs = {(a, b) for c in document.cmocs for a in c.contexts for b in c.mechanisms}
    pairs |= {(a, b) for c in document.cmocs for a in c.mechanisms for b in c.outcomes}
    assert len(data["edges"]) == len(pairs) == sample_map.edges
    assert len(data["extracts"]) == len(document.extracts)


def test_encoding_marks_unsupported_and_unintended(sample_map):
    data = map_data(sample_map.html)
    nodes = {n["id"]: n for n in data["nodes"]}
    assert nodes["m-own-resilience"]["unsupported"] is True
    assert nodes["m-own-resilience"]["label"].endswith("(no evidence)")
    assert nodes["m-inspiring-intent"]["unsupported"] is False
    assert nodes["o-less-diversity"]["unintended"] is True
    assert nodes["o-less-diversity"]["label"].startswith("\u26a0 ")
    # left to right: contexts before mechanisms before their outcomes
    assert nodes["c-pre-existing-networks"]["x"] < nodes["m-inspiring-intent"]["x"]
    assert nodes["m-inspiring-intent"]["x"] < nodes["o-less-diversity"]["x"]
    edges = {e["id"]: e for e in data["edges"]}
    contested = edges["m-inspiring-intent->o-collaborative-intent"]
    assert contested["stance"] == "contested"
    no_evidence = edges["m-own-resilience->o-leaders-sustained"]
    assert no_evidence["stance"] == "none" and no_evidence["studies"] == 0
    assert contested["studies"] > 1
    # the page draws each stance from the style table, and no two stances look alike in
    # greyscale: each differs from the others in its dashes, head or middle mark
    styles = data["edgeStyles"]
    looks = {(str(s["dashes"]), s["head"], s.get("middle")) for name, s in styles.items()}
    assert len(looks) == len(styles)


def test_theory_and_focus_filters(sample_graph):
    graph = sample_graph
    refined = map_data(graph.map(theory="rpt").html)
    assert "m-own-resilience" not in {n["id"] for n in refined["nodes"]}
    focused = map_data(graph.map(focus="m-own-resilience", depth=1).html)
    assert {n["id"] for n in focused["nodes"]} == {
        "c-sustained-difficulty",
        "m-own-resilience",
        "o-leaders-sustained",
    }


def test_hostile_text_is_escaped(open_graph, mini):
    mini["extracts"][0]["quote"] = HOSTILE
    mini["mechanisms"][0]["label"] = HOSTILE
    mini["review"]["title"] = "<b>bold</b> & </title><script>x</script>"
    html = open_graph(TheoryDocument.model_validate(mini)).map().html
    assert "window.pwned" not in html.split('id="tg-data">')[0]
    assert "</script><script>window.pwned" not in html
    assert "<img src=x" not in html
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; &lt;/title&gt;" in html
    data = map_data(html)
    assert HOSTILE in {e["quote"] for e in data["extracts"].values()}  # kept verbatim


def test_script_json_escapes_markup():
    text = script_json({"q": HOSTILE + "\u2028&"})
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text)["q"] == HOSTILE + "\u2028&"


def test_map_command_writes_one_file_and_nothing_else(sample, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["map", str(sample), "-o", "out.html"])
    assert result.exit_code == 0, result.output
    assert sorted(os.listdir(tmp_path)) == ["out.html"]  # no lib/ folder, no temp files
    html = (tmp_path / "out.html").read_bytes().decode("utf-8")
    assert html.startswith("<!DOCTYPE html>")
    assert '<meta charset="utf-8">' in html


@pytest.mark.parametrize("command", ["map", "export"])
def test_map_and_export_commands_read_neo4j_like_a_file(store, sample, tmp_path, command):
    document = read_theory(sample)
    store.push(document, replace=True)
    runner = CliRunner()
    outputs = []
    for source in (store.settings.uri, str(sample)):
        out = tmp_path / f"{len(outputs)}.{'html' if command == 'map' else 'dot'}"
        args = [command, source, "-o", str(out)] + (["--to", "dot"] if command == "export" else [])
        if source == store.settings.uri:
            args += ["--review", document.review.id]
        result = runner.invoke(main, args)
        assert result.exit_code == 0, result.output
        text = out.read_text(encoding="utf-8")
        outputs.append(map_data(text) if command == "map" else text)
    assert outputs[0] == outputs[1]


def test_map_command_bad_usage(sample, tmp_path):
    runner = CliRunner()
    wrong = runner.invoke(main, ["map", str(sample), "-o", str(tmp_path / "map.png")])
    assert wrong.exit_code == 2
    assert "a map is an HTML file" in wrong.output
    unknown = runner.invoke(
        main, ["map", str(sample), "--theory", "rtp", "-o", str(tmp_path / "m.html")]
    )
    assert unknown.exit_code == 1
    assert "no theory with id or label 'rtp'; did you mean rpt?" in unknown.stderr
    assert not (tmp_path / "m.html").exists()


def test_notebook_display(sample_map):
    shown = sample_map._repr_html_()
    assert shown.startswith("<iframe") and 'sandbox="allow-scripts"' in shown
    assert "<script>" not in shown  # the page is inside srcdoc, escaped


# -- exports ------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt,reader", [("graphml", nx.read_graphml), ("gexf", nx.read_gexf)])
def test_graphml_and_gexf_keep_every_attribute(sample_graph, tmp_path, fmt, reader):
    from theorygraph.render.exports import to_networkx
    from theorygraph.render.mapdata import build_map

    graph = sample_graph
    path = tmp_path / f"ics.{fmt}"
    path.write_text(graph.export(fmt), encoding="utf-8")
    back = reader(path)
    expected = to_networkx(build_map(graph.backend))
    assert back.number_of_nodes() == expected.number_of_nodes()
    assert back.number_of_edges() == expected.number_of_edges()
    for node, attrs in expected.nodes(data=True):
        assert {k: back.nodes[node][k] for k in attrs} == attrs
    for source, target, attrs in expected.edges(data=True):
        got = back.get_edge_data(source, target)
        got = got if "stance" in got else next(iter(got.values()))
        assert {k: got[k] for k in attrs} == attrs
    assert back.nodes["m-own-resilience"]["unsupported"] is True


def test_cytoscape_export(sample_graph):
    data = json.loads(sample_graph.export("cytoscape"))
    nodes = {n["data"]["id"]: n["data"] for n in data["elements"]["nodes"]}
    assert nodes["m-inspiring-intent"]["type"] == "Mechanism"
    assert all("stance" in e["data"] and "studies" in e["data"] for e in data["elements"]["edges"])


def test_mermaid_export_runs_left_to_right(sample_graph):
    text = sample_graph.export("mermaid")
    lines = text.splitlines()
    assert lines[0] == "flowchart LR"
    assert sum(1 for line in lines if ":::" in line) == 30
    assert sum(1 for line in lines if re.match(r"\s+n\d+ -(->|\.->)", line)) == 37
    assert "classDef unintended" in text


def test_mermaid_and_dot_escape_labels(open_graph, mini):
    mini["mechanisms"][0]["label"] = 'Say "hi" <b>#1</b>\\'
    graph = open_graph(TheoryDocument.model_validate(mini))
    mermaid = graph.export("mermaid")
    assert '"Say #quot;hi#quot; #lt;b#gt;#35;1#lt;/b#gt;#92;"' in mermaid
    dot = graph.export("dot")
    assert 'label="Say \\"hi\\" <b>#1</b>\\\\"' in dot
    assert dot.startswith('digraph "A small review" {')


def test_the_export_command_writes_graphml_that_networkx_reads(sample, tmp_path):
    path = tmp_path / "ics.graphml"
    result = CliRunner().invoke(main, ["export", str(sample), "--to", "graphml", "-o", str(path)])
    assert result.exit_code == 0, result.output
    back = nx.read_graphml(path)
    assert back.number_of_nodes() == TheoryGraph.open(sample).map().nodes


@pytest.mark.parametrize("fmt", ["graphml", "gexf", "cytoscape", "mermaid", "dot"])
def test_every_export_and_the_map_data_are_the_same_on_both_backends(open_graph, sample, fmt):
    """Neo4j gives the same files as the theory file, byte for byte."""
    document = read_theory(sample)
    embedded = TheoryGraph.from_document(document)
    graph = open_graph(document)
    assert graph.export(fmt) == embedded.export(fmt)
    assert map_data(graph.map().html) == map_data(embedded.map().html)


def test_export_to_stdout_and_bad_suffix(sample, tmp_path):
    runner = CliRunner()
    out = runner.invoke(main, ["export", str(sample), "--to", "dot"])
    assert out.exit_code == 0 and out.stdout.startswith("digraph")
    bad = runner.invoke(
        main, ["export", str(sample), "--to", "gexf", "-o", str(tmp_path / "x.dot")]
    )
    assert bad.exit_code == 2


def test_focus_on_a_cmoc_draws_the_configuration_and_its_hand_offs(sample):
    document = read_theory(sample)
    cmoc = next(c for c in document.cmocs if c.leads_to)
    near = [c for c in document.cmocs if c.id == cmoc.id or c.id in cmoc.leads_to]
    near += [c for c in document.cmocs if cmoc.id in c.leads_to]
    members = {m for c in near for m in (*c.contexts, *c.mechanisms, *c.outcomes)}
    tg_map = TheoryGraph.open(sample).map(focus=cmoc.id)
    assert tg_map.nodes == len(members)
    assert f"configuration {cmoc.id}" in tg_map.html
    # each CMOC drawn with only its own arrows: nothing of another CMOC comes along
    from theorygraph.render.mapdata import build_map

    model = build_map(TheoryGraph.open(sample).backend, focus=cmoc.id)
    assert {c["id"] for c in model.cmocs} == {c.id for c in near}


def test_a_map_prints_short(sample):
    tg_map = TheoryGraph.open(sample).map()
    assert repr(tg_map) == (
        f"<TheoryMap: {tg_map.nodes} nodes, {tg_map.edges} arrows, {len(tg_map.html):,} characters>"
    )
