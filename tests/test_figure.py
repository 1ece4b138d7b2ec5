"""`theorygraph figure`: static SVG, PDF and PNG figures drawn by Graphviz.

Every test but the one without Graphviz needs its `dot` program; outside CI they skip
where it is missing (scripts/install-system-deps installs it).
"""

from __future__ import annotations

import shutil
import struct
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import SAMPLE, _in_ci

from theorygraph import TheoryGraph
from theorygraph.cli import main
from theorygraph.render.mapdata import build_map

SVG = "{http://www.w3.org/2000/svg}"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
INSTALL_LINE = (
    "error: Graphviz's dot program is not on PATH: install Graphviz (Debian, Ubuntu: "
    "apt-get install graphviz; others: https://graphviz.org/download/)"
)


def need_dot() -> None:
    """Skip without Graphviz's dot program (fail, in CI)."""
    if shutil.which("dot"):
        return
    reason = "Graphviz is not installed (apt-get install graphviz)"
    if _in_ci():
        pytest.fail(f"{reason}; in CI these tests must run", pytrace=False)
    pytest.skip(reason)


@pytest.fixture
def dot():
    """Graphviz's dot program: the test skips without it (fails, in CI)."""
    need_dot()


def figure(*args: object) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["figure", *(str(a) for a in args)])
    return result.exit_code, result.output


def draw_svg(tmp_path: Path, source: Path, *options: str) -> ET.Element:
    out = tmp_path / "fig.svg"
    code, said = figure(source, "-o", out, *options)
    assert code == 0, said
    return ET.fromstring(out.read_bytes())


def groups(svg: ET.Element, kind: str) -> dict[str, ET.Element]:
    """The node or edge groups of a Graphviz SVG, by their title (node id, or 'a->b')."""
    found = {}
    for group in svg.iter(f"{SVG}g"):
        if kind in (group.get("class") or "").split():
            found[group.find(f"{SVG}title").text] = group
    return found


def words(group: ET.Element) -> str:
    """A group's text, its lines joined by spaces (how a wrapped label reads)."""
    lines = [t.text or "" for t in group.iter(f"{SVG}text")]
    return " ".join(lines).replace("\xa0", " ")


def marks(edge: ET.Element) -> tuple[object, ...]:
    """What tells an arrow apart in greyscale: its line's dashes and number of strokes,
    and the shapes of its head (hollow or filled); never a colour."""
    paths = [p for p in edge.iter(f"{SVG}path") if p.get("stroke") not in (None, "white")]
    head = []
    for shape in [*edge.iter(f"{SVG}polygon"), *edge.iter(f"{SVG}ellipse")]:
        points = len((shape.get("points") or "").split())
        head.append((shape.tag, points, shape.get("fill") == "none"))
    return (paths[0].get("stroke-dasharray"), len(paths), tuple(sorted(head)))


@pytest.fixture(scope="module")
def sample_svg(tmp_path_factory: pytest.TempPathFactory) -> tuple[ET.Element, list[str]]:
    """The sample's whole figure, drawn once through the CLI for the tests that only read
    it, with what its folder held afterwards."""
    need_dot()
    folder = tmp_path_factory.mktemp("sample-figure")
    svg = draw_svg(folder, SAMPLE)
    return svg, sorted(p.name for p in folder.iterdir())


@pytest.fixture
def every_stance(mini, write_yaml) -> Path:
    """The small theory with an arrow of every stance: refuting, supporting, contested,
    refining, no evidence, and a hand-off (leads to)."""
    mini["cmocs"].append(  # no evidence of its own on c-trust -> m-inspire
        {
            "id": "cmoc-3",
            "label": "Trust: inspiring intent gives collaboration",
            "contexts": ["c-trust"],
            "mechanisms": ["m-inspire"],
            "outcomes": ["o-collab"],
            "theories": ["t2"],
        }
    )
    extracts = mini["extracts"]
    extracts[0]["link"] = {"from": "m-inspire", "to": "o-collab"}  # x1: supporting only
    # x3 refutes c-voluntary -> m-inspire, alone: refuting
    extracts.append(
        {
            "id": "x4",
            "study": "s1",
            "quote": "It was the other way round.",
            "cmoc": "cmoc-2",
            "link": {"from": "m-power", "to": "o-narrow"},
            "stance": "refutes",
        }
    )  # with x2: contested
    extracts.append(
        {
            "id": "x5",
            "study": "s1",
            "quote": "Only where trust was mutual.",
            "cmoc": "cmoc-2",
            "link": {"from": "c-trust", "to": "m-power"},
            "stance": "refines",
        }
    )
    return write_yaml(mini)


def test_the_samples_svg_holds_every_label_and_the_key(dot, sample_svg, doc):
    svg, written = sample_svg
    assert written == ["fig.svg"]  # nothing else
    with TheoryGraph.from_document(doc) as graph:
        model = build_map(graph.backend)
    nodes = groups(svg, "node")
    for node in model.nodes:
        assert node.label in words(nodes[node.id]), node.id
    assert "(no evidence)" in words(nodes["m-own-resilience"])
    assert words(nodes["o-less-diversity"]).startswith("\u26a0 Reduced diversity")
    assert any(g.find(f"{SVG}title").text == "cluster_key" for g in svg.iter(f"{SVG}g"))
    text = " ".join(words(g) for name, g in nodes.items() if name.startswith("key-"))
    for entry in ("Key", "Context", "Mechanism", "Outcome", "Unintended outcome"):
        assert entry in text
    for entry in ("supporting", "contested (both)", "no evidence", "12 or more studies"):
        assert entry in text
    assert "CMOCs on the arrows" in text and "14 cmoc-14" in text


def test_each_arrow_names_the_cmocs_that_state_it_by_their_number_in_the_review(
    tmp_path, dot, sample_svg
):
    edges = groups(sample_svg[0], "edge")
    assert words(edges["c-power-imbalance->m-working-with-power"]) == "5"
    assert words(edges["m-working-with-power->o-collective-responsibility"]) == "3, 5"
    # a CMOC keeps its number in a figure of part of the review
    edges = groups(draw_svg(tmp_path, SAMPLE, "--theory", "ipt"), "edge")
    assert words(edges["m-own-resilience->o-leaders-sustained"]) == "12"


def test_a_hand_off_is_drawn_from_one_cmoc_to_the_next(tmp_path, every_stance, dot):
    edges = groups(draw_svg(tmp_path, every_stance), "edge")
    assert words(edges["o-collab->c-trust"]) == "1\u21922"
    assert "stance-leads-to" in edges["o-collab->c-trust"].get("class")


def test_theory_leaves_out_what_only_another_theory_holds(tmp_path, dot, sample_svg):
    every = groups(sample_svg[0], "node")
    refined = groups(draw_svg(tmp_path, SAMPLE, "--theory", "rpt"), "node")
    # the resilience candidate is in the initial theory only
    assert "m-own-resilience" in every
    assert "m-own-resilience" not in refined
    assert "o-less-diversity" in refined  # found in the evidence, added in the refined one
    assert set(refined) < set(every)


def test_focus_draws_the_neighbourhood_of_one_node(tmp_path, dot, doc):
    nodes = groups(draw_svg(tmp_path, SAMPLE, "--focus", "m-working-with-power"), "node")
    drawn = {n for n in nodes if not n.startswith("key-")}
    with TheoryGraph.from_document(doc) as graph:
        near = {n.id for n in graph.neighbourhood("m-working-with-power").nodes}
    assert drawn == near
    assert "m-working-with-power" in drawn and "m-clarifying-complexity" not in drawn


def test_theme_and_an_unknown_focus_answer_as_for_maps(tmp_path, dot):
    code, said = figure(SAMPLE, "-o", tmp_path / "f.svg", "--focus", "m-nothing")
    assert code == 1 and "no context, mechanism, outcome or CMOC" in said
    code, said = figure(SAMPLE, "-o", tmp_path / "f.svg", "--theme", "Nothing")
    assert code == 2 and "no CMOC has the theme 'Nothing'" in said
    assert list(tmp_path.iterdir()) == []


def test_pdf_and_png_are_what_their_names_say(tmp_path, every_stance, dot):
    code, said = figure(every_stance, "-o", tmp_path / "fig.pdf")
    assert code == 0, said
    assert (tmp_path / "fig.pdf").read_bytes().startswith(b"%PDF-")
    code, said = figure(every_stance, "-o", tmp_path / "fig.png")
    assert code == 0, said
    png = (tmp_path / "fig.png").read_bytes()
    assert png.startswith(PNG_SIGNATURE)
    assert resolution(png) == 300  # the default: print


def test_a_png_has_the_size_its_dpi_implies(tmp_path, dot, sample_svg):
    svg = sample_svg[0]
    width_pt, height_pt = (float(svg.get(side).removesuffix("pt")) for side in ("width", "height"))
    code, said = figure(SAMPLE, "-o", tmp_path / "fig.png", "--dpi", "150")
    assert code == 0, said
    png = (tmp_path / "fig.png").read_bytes()
    width, height = struct.unpack(">II", png[16:24])  # from the IHDR chunk
    assert abs(width - width_pt / 72 * 150) <= 2
    assert abs(height - height_pt / 72 * 150) <= 2
    assert resolution(png) == 150
    assert f"{width_pt / 72:.1f} x {height_pt / 72:.1f} in at full size" in said


def resolution(png: bytes) -> int:
    """The dots per inch a PNG's pHYs chunk says."""
    at = png.index(b"pHYs")
    per_metre, _, unit = struct.unpack(">IIB", png[at + 4 : at + 13])
    assert unit == 1  # metres
    return round(per_metre * 0.0254)


@pytest.mark.parametrize("name", ["fig.jpg", "fig.svg.txt", "fig", "fig.html"])
def test_a_name_that_is_no_figure_is_bad_usage(tmp_path, name, dot):
    # said before SOURCE is read: this one does not exist
    code, said = figure(tmp_path / "missing", "-o", tmp_path / name)
    assert code == 2
    assert said == (
        f"error: {tmp_path / name}: name a figure FILE.svg, FILE.pdf or FILE.png "
        "(its suffix chooses the format)\n"
    )
    assert list(tmp_path.iterdir()) == []


def test_dpi_out_of_range_is_bad_usage(tmp_path, dot):
    code, said = figure(SAMPLE, "-o", tmp_path / "fig.png", "--dpi", "20")
    assert (code, said) == (2, "error: --dpi must be from 50 to 1200, not 20\n")
    assert list(tmp_path.iterdir()) == []


def test_without_graphviz_one_line_says_how_to_install_it_and_nothing_is_written(
    tmp_path, monkeypatch
):
    empty = tmp_path / "bin"  # PATH holds nothing: no dot
    empty.mkdir()
    out = tmp_path / "fig.svg"
    out.write_text("an older figure", encoding="utf-8")
    monkeypatch.setenv("PATH", str(empty))  # Graphviz is looked for on PATH when it is run
    done = CliRunner().invoke(main, ["figure", str(SAMPLE), "-o", str(out)])
    assert done.exit_code == 1
    assert done.stderr == INSTALL_LINE + "\n"
    assert done.stdout == ""
    assert out.read_text(encoding="utf-8") == "an older figure"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bin", "fig.svg"]


def test_refuting_and_supporting_arrows_differ_in_more_than_colour(tmp_path, every_stance, dot):
    edges = groups(draw_svg(tmp_path, every_stance), "edge")
    refuting = edges["c-voluntary->m-inspire"]
    supporting = edges["m-inspire->o-collab"]
    assert "stance-refuting" in refuting.get("class")
    assert "stance-supporting" in supporting.get("class")
    assert marks(refuting) != marks(supporting)


def test_every_stance_reads_apart_in_greyscale(tmp_path, every_stance, dot):
    edges = groups(draw_svg(tmp_path, every_stance), "edge")
    by_stance = {}
    for edge in edges.values():
        for cls in edge.get("class").split():
            if cls.startswith("stance-"):
                by_stance[cls.removeprefix("stance-")] = marks(edge)
    assert set(by_stance) == {
        "supporting",
        "refuting",
        "contested",
        "refining",
        "none",
        "leads-to",
    }
    assert len(set(by_stance.values())) == 6, by_stance


def test_the_library_writes_the_figure_and_says_what_it_holds(tmp_path, dot):
    with TheoryGraph.open(SAMPLE) as graph:
        drawn = graph.figure(tmp_path / "fig.SVG", title="Figure 1")
    assert (drawn.format, drawn.nodes, drawn.arrows, drawn.apart) == ("svg", 30, 37, 0)
    assert drawn.width > 10 and drawn.height > 5
    svg = ET.fromstring((tmp_path / "fig.SVG").read_bytes())
    assert "Figure 1" in [t.text for t in svg.iter(f"{SVG}text")]


def test_a_png_too_large_for_graphviz_is_refused_with_the_dpi_that_would_fit(tmp_path, monkeypatch):
    from theorygraph.render import figure as drawing

    def dot(source: str, fmt: str) -> bytes:
        if fmt == "png":  # what Graphviz gives past its limit: shrunk to 32,767 pixels
            return PNG_SIGNATURE + struct.pack(">I4sII", 13, b"IHDR", 32767, 8191) + bytes(9)
        return b'<svg width="2880pt" height="720pt"'  # the drawing: 40 x 10 in

    monkeypatch.setattr(drawing, "_run_dot", dot)
    code, said = figure(SAMPLE, "-o", tmp_path / "fig.png", "--dpi", "1200")
    assert code == 2
    assert said == (
        "error: at --dpi 1200 the figure would be 48,000 x 12,000 pixels, more than "
        "Graphviz draws (32,767 a side): use --dpi 819 or less, or draw part of the review "
        "(--theory, --focus)\n"
    )
    assert list(tmp_path.iterdir()) == []


def test_a_figure_from_neo4j_is_the_figure_from_the_theory_file(open_graph, tmp_path, dot):
    from theorygraph.validate import read_theory

    document = read_theory(SAMPLE)
    open_graph(document).figure(tmp_path / "store.svg", theory="rpt")
    TheoryGraph.from_document(document).figure(tmp_path / "file.svg", theory="rpt")
    assert (tmp_path / "store.svg").read_bytes() == (tmp_path / "file.svg").read_bytes()
