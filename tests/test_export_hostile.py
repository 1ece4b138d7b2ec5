"""Exports whatever the text holds, and force layouts of large maps.

Every export must be valid for its format for any label, title or description:
GraphML and GEXF read back with networkx, Cytoscape JSON parses, DOT parses (pydot,
and Graphviz itself when installed) and Mermaid renders each label verbatim (in
Mermaid 11 in Chromium, in the browser tests). Characters XML 1.0 cannot hold come back
as U+FFFD, the documented substitution; everything else comes back as it was.
"""

from __future__ import annotations

import io
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner
from conftest import ROOT, _in_ci, require_chromium
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from theorygraph.cli import main
from theorygraph.render.exports import REPLACEMENT, export_text, mermaid_text, xml_safe
from theorygraph.render.mapdata import MapEdge, MapModel, MapNode

# pydot 4 still calls pyparsing's old names, which pyparsing 3.3 warns about
pytestmark = pytest.mark.filterwarnings("ignore:'[a-zA-Z]+' deprecated:DeprecationWarning")

#: characters that broke an export, or could: controls, the XML non-characters, lone
#: surrogates, line and paragraph separators, what Mermaid and Graphviz read specially,
#: and the two characters Mermaid marks its entities with while it parses
HARD = list(
    "\x00\x01\x07\x08\x0b\x0c\x0e\x1b\x1f\x7f\x80\x85\x9f\t\n\r\xa0\u2028\u2029\ufeff"
    "\ufffe\uffff\ud800\udbff\udc00\udfff\ufb02\xb6\xb0\xdf\u3000"
    "\"'\\#%&<>`:;|{}[]()*_~-=!?@$^+/,. "
)
#: strings with a meaning to a format: entities, directives, escapes, keywords
TOKENS = [
    "`x`",
    "%%{init: {'theme': 'dark'}}%%",
    "%% comment",
    "#quot;",
    "#35;",
    "&amp;",
    "&#65;",
    "<br>",
    "</script>",
    "\ufb02\xb0",
    "\xb6\xdf",
    "style:#1;",
    "classDef x fill:#f00;",
    "\\N",
    "\\n",
    "\\l",
    '\\"',
    "\r\n",
    "end",
    "subgraph",
    "-->",
    "\U0001f600",
]
texts = st.lists(
    st.one_of(
        st.sampled_from(HARD),
        st.sampled_from(TOKENS),
        st.characters(exclude_categories=()),
    ),
    max_size=12,
).map("".join)


def expected_xml(text: str) -> str:
    """What GraphML and GEXF give back."""
    return xml_safe(text)


def expected_drawn(text: str) -> str:
    """What DOT draws: XML-safe, every line break a plain newline."""
    return xml_safe(text).replace("\r\n", "\n").replace("\r", "\n")


def expected_mermaid(text: str) -> str:
    """What Mermaid draws: as DOT, and a word joiner inside the pairs it uses as marks."""
    drawn = expected_drawn(text)
    return drawn.replace("\ufb02\xb0", "\ufb02\u2060\xb0").replace("\xb6\xdf", "\xb6\u2060\xdf")


def model_of(labels: list[str], title: str = "T", description: str = "") -> MapModel:
    """A map with one node per label (context, mechanism, outcome in turn), chained."""
    kinds = ("Context", "Mechanism", "Outcome")
    nodes = [
        MapNode(
            id=f"n-{i}",
            type=kinds[i % 3],
            label=label,
            description=label,
            evidenced=True,
            intended=i % 6 != 5,  # every second outcome is unintended: drawn with a "⚠ "
            theories=["t1"],
            cmocs=["cmoc-1"],  # in a CMOC: no "(in no CMOC)" mark
        )
        for i, label in enumerate(labels)
    ]
    edges = [
        MapEdge(a.id, b.id, "Link", stance="supporting", studies=1)
        for a, b in zip(nodes, nodes[1:], strict=False)
    ]
    return MapModel(title, nodes, edges, {}, {}, [], description)


def drawn_label(node: MapNode) -> str:
    """The label as the DOT and Mermaid exports draw it (evidenced, so no "no evidence")."""
    return node.label if node.intended else "\u26a0 " + node.label


# -- readers --------------------------------------------------------------------------------


def utf8(text: str) -> bytes:
    return text.encode("utf-8")  # strict: a lone surrogate would fail here


def read_graphml(text: str) -> nx.Graph:
    return nx.read_graphml(io.BytesIO(utf8(text)))


def read_gexf(text: str) -> nx.Graph:
    return nx.read_gexf(io.BytesIO(utf8(text)))


def dot_string(quoted: str) -> str:
    """A quoted DOT string as Graphviz draws it: the escapes we write, and nothing else."""
    assert quoted[0] == '"' and quoted[-1] == '"', quoted
    body = quoted[1:-1]
    out = []
    index = 0
    while index < len(body):
        char = body[index]
        if char == "\\":
            out.append({'"': '"', "\\": "\\", "n": "\n"}[body[index + 1]])
            index += 2
            continue
        assert char not in '"\r\n', f"raw {char!r} in a DOT string"
        if char == "&":
            assert body.startswith("&amp;", index), "Graphviz would read an entity here"
            index += 5
            out.append("&")
            continue
        out.append(char)
        index += 1
    return "".join(out)


def read_dot(text: str) -> tuple[str, dict[str, str]]:
    """The graph's name and each node's label, parsed by pydot (Graphviz's grammar)."""
    import pydot

    graphs = pydot.graph_from_dot_data(text)
    assert graphs is not None and len(graphs) == 1, "pydot could not parse the DOT export"
    graph = graphs[0]
    labels = {}
    for node in graph.get_nodes():
        name = node.get_name()
        if name in ("node", "edge", "graph"):
            continue
        labels[dot_string(name)] = dot_string(node.get_attributes()["label"])
    return dot_string(graph.get_name()), labels


_MERMAID_NODE = re.compile(
    r'^  n(\d+)(?:\["|\(\["|\("|\{\{")(.*?)"(?:\]|\]\)|\)|\}\}):::\w+$', re.S | re.M
)
_NAMED = {"quot": '"', "lt": "<", "gt": ">", "amp": "&"}
#: what JavaScript's String.trim removes
_JS_TRIM = "\t\n\v\f\r \xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
_JS_TRIM += "\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"


def read_mermaid(text: str) -> dict[int, str]:
    """Each node's label as Mermaid 11 reads it: trimmed, then entity codes decoded.

    The rules are Mermaid's (its preprocessing, its flowchart lexer, encodeEntities and
    decodeEntities); the browser test below checks them against Mermaid itself.
    """
    labels = {}
    for match in _MERMAID_NODE.finditer(text):
        raw = match.group(2)
        for bad in ('"', "`", "%", "&", "<", ">", ":", "\\", "\r", "\ufb02\xb0", "\xb6\xdf"):
            assert bad not in raw, f"raw {bad!r} in Mermaid label {raw!r}"
        assert not re.search(r"#(?!\w+;)", raw), f"a '#' that starts no entity in {raw!r}"
        trimmed = raw.strip(_JS_TRIM)

        def entity(m: re.Match[str]) -> str:
            name = m.group(1)
            return chr(int(name)) if name.isdigit() else _NAMED[name]

        labels[int(match.group(1))] = re.sub(r"#(\w+);", entity, trimmed)
    return labels


# -- every format, for any text ---------------------------------------------------------------


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(labels=st.lists(texts.filter(bool), min_size=1, max_size=6), title=texts)
def test_every_export_is_valid_for_any_text(labels, title):
    model = model_of(labels, title=title, description=title)

    read_back = {}
    for fmt, reader in (("graphml", read_graphml), ("gexf", read_gexf)):
        back = read_back[fmt] = reader(export_text(model, fmt))
        for node in model.nodes:
            assert back.nodes[node.id]["label"] == expected_xml(node.label), fmt
            assert back.nodes[node.id]["description"] == expected_xml(node.label), fmt
    assert read_back["graphml"].graph["title"] == expected_xml(title)

    data = json.loads(utf8(export_text(model, "cytoscape")))
    cyto = {n["data"]["id"]: n["data"] for n in data["elements"]["nodes"]}
    for node in model.nodes:
        # JSON holds every character but half a surrogate pair
        assert cyto[node.id]["label"] == re.sub("[\ud800-\udfff]", REPLACEMENT, node.label)

    name, dot_labels = read_dot(export_text(model, "dot"))
    assert name == expected_drawn(title)
    for node in model.nodes:
        assert dot_labels[node.id] == expected_drawn(drawn_label(node))

    mermaid = read_mermaid(export_text(model, "mermaid"))
    assert len(mermaid) == len(model.nodes)
    for index, node in enumerate(model.nodes):
        assert mermaid[index] == expected_mermaid(drawn_label(node))


# Mermaid: the cases of the issue, and what each must render as
MERMAID_CASES = [
    ("`x` at the start", "`x` at the start"),
    ("`x`", "`x`"),
    ("a `code` span", "a `code` span"),
    ("%%{init: {'theme': 'dark'}}%% before", "%%{init: {'theme': 'dark'}}%% before"),
    ("%% a comment", "%% a comment"),
    ('say "hi"', 'say "hi"'),
    ("#quot; and #35; typed", "#quot; and #35; typed"),
    ("C# and F#;", "C# and F#;"),
    ("&amp; &lt;b&gt;", "&amp; &lt;b&gt;"),
    (
        "<b>bold</b> <br> <img src=x onerror=alert(1)>",
        "<b>bold</b> <br> <img src=x onerror=alert(1)>",
    ),
    ("lifestyle:#1; health", "lifestyle:#1; health"),
    ("classDef x fill:#f00;", "classDef x fill:#f00;"),
    ("\ufb02\xb0 and \xb6\xdf", "\ufb02\u2060\xb0 and \xb6\u2060\xdf"),
    ("  padded  ", "  padded  "),
    ("\u3000ideographic space\xa0", "\u3000ideographic space\xa0"),
    ("two\nlines", "two\nlines"),
    ("windows\r\nline", "windows\nline"),
    ("old mac\rline", "old mac\nline"),
    ("\nleading and trailing breaks\n", "\nleading and trailing breaks\n"),
    ("tab\there", "tab\there"),
    ("bell\x07 nul\x00 esc\x1b", f"bell{REPLACEMENT} nul{REPLACEMENT} esc{REPLACEMENT}"),
    ("del\x7f and c1\x85", "del\x7f and c1\x85"),
    ("end", "end"),
    ("a --> b ; c | d", "a --> b ; c | d"),
    ("back\\slash\\", "back\\slash\\"),
    ("typed \\n and \\t and \\u0041", "typed \\n and \\t and \\u0041"),
    ("*not* _markdown_ ~x~", "*not* _markdown_ ~x~"),
    ("\U0001f600 é 中文", "\U0001f600 é 中文"),
]


@pytest.mark.parametrize("label,shown", MERMAID_CASES, ids=[c[0][:24] for c in MERMAID_CASES])
def test_mermaid_escapes_every_hard_label(label, shown):
    model = model_of([label])
    text = export_text(model, "mermaid")
    assert read_mermaid(text) == {0: shown}
    # the whole diagram stays one flowchart: no directive, front matter or comment line
    assert text.startswith("flowchart LR\n")
    assert "%%" not in text and "---" not in text.split("\n")[0]


def test_mermaid_text_examples_from_the_issue():
    assert mermaid_text("`x` y") == "#96;x#96; y"
    assert mermaid_text("%%{init: {}}%%") == "#37;#37;{init#58; {}}#37;#37;"
    assert mermaid_text(" x ") == "#32;x#32;"


# -- Graphviz itself, when it is installed ------------------------------------------------------

DOT_CASES = [
    'say "hi"',
    "back\\slash \\N \\n \\l \\G end\\",
    "&amp; &#65; &lt; & alone",
    "two\nlines",
    "windows\r\nline",
    "bell\x07 nul\x00 form\x0c feed",
    "<b>not html</b>",
    "\U0001f600 é 中文",
]


def test_graphviz_draws_every_label_verbatim(tmp_path):
    """`dot -Tsvg` parses the export and its SVG (XML) shows each label as written."""
    import xml.etree.ElementTree as ET

    dot = shutil.which("dot")
    if dot is None:
        reason = "Graphviz is not installed (apt-get install graphviz)"
        if _in_ci():
            pytest.fail(f"{reason}; in CI this test must run", pytrace=False)
        pytest.skip(reason)
    model = model_of(DOT_CASES, title='T & <b> "q"')
    path = tmp_path / "map.dot"
    path.write_text(export_text(model, "dot"), encoding="utf-8")
    done = subprocess.run([dot, "-Tsvg", str(path)], capture_output=True, timeout=60)
    assert done.returncode == 0, done.stderr.decode(errors="replace")
    svg = ET.fromstring(done.stdout)  # SVG is XML: any character XML cannot hold fails here
    ns = {"svg": "http://www.w3.org/2000/svg"}
    assert svg.find("svg:g/svg:title", ns).text == 'T & <b> "q"'
    drawn = {}
    for group in svg.iter("{http://www.w3.org/2000/svg}g"):
        if group.get("class") == "node":
            title = group.find("svg:title", ns).text
            # one <text> per line; Graphviz writes runs of spaces as no-break spaces
            lines = [t.text or "" for t in group.findall("svg:text", ns)]
            drawn[title] = "\n".join(lines).replace("\xa0", " ")
    for node in model.nodes:
        assert drawn[node.id] == expected_drawn(drawn_label(node)), node.label


# -- from a theory file, through the CLI -------------------------------------------------------

GIB = 1 << 30


def run_limited(args: list[str], cwd: Path, seconds: float = 10.0) -> subprocess.CompletedProcess:
    """`python -m theorygraph ARGS` within 1 GiB of address space and ``seconds``."""

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (GIB, GIB))

    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "theorygraph", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=seconds,
        preexec_fn=limit,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert time.monotonic() - started < seconds
    return done


HIDDEN_THEORY = """\
theorygraph: 1
review: {id: r, title: "Review\\x01 title"}
contexts:
  - id: c-a
    label: "Pasted\\vfrom a cell\\x00"
mechanisms:
  - id: m-a
    label: "From a PDF\\fpage two"
    description: "del\\x7f only"
outcomes:
  - id: o-a
    label: Plain outcome
cmocs:
  - id: cmoc-1
    label: C1
    contexts: [c-a]
    mechanisms: [m-a]
    outcomes: [o-a]
studies:
  - {id: s1, title: S1}
extracts:
  - {id: x1, study: s1, quote: "a\\x1bquote", cmoc: cmoc-1, stance: supports}
"""


def run_here(args: list[str]) -> subprocess.CompletedProcess:
    """``theorygraph ARGS`` through CliRunner, for the small theory files here: standard
    output and error kept apart, as :func:`run_limited` gives them, and any exception
    raised (fails the test) rather than caught."""
    result = CliRunner().invoke(main, args, catch_exceptions=False, prog_name="theorygraph")
    return subprocess.CompletedProcess(args, result.exit_code, result.stdout, result.stderr)


def test_validate_warns_about_each_hidden_character(tmp_path):
    path = tmp_path / "theory.yaml"
    path.write_text(HIDDEN_THEORY, encoding="utf-8")
    done = run_here(["validate", str(path)])
    assert done.returncode == 0, done.stderr
    lines = (done.stdout + done.stderr).splitlines()
    fix = "delete {} or type a space or line break instead"
    xml = "; GraphML, GEXF, DOT and Mermaid exports write U+FFFD for {}"
    expected = [
        ("2: review.title", "character U+0001", 7, fix.format("it") + xml.format("U+0001")),
        (
            "5: contexts[0].label",
            "characters U+0000, U+000B",
            7,
            fix.format("them") + xml.format("U+0000, U+000B"),
        ),
        ("8: mechanisms[0].label", "character U+000C", 11, fix.format("it") + xml.format("U+000C")),
        # DEL is invisible, but XML can hold it: no word of U+FFFD
        ("9: mechanisms[0].description", "character U+007F", 4, fix.format("it")),
        ("22: extracts[0].quote", "character U+001B", 2, fix.format("it") + xml.format("U+001B")),
    ]
    for where, what, first, allowed in expected:
        line = (
            f"warning: {path}:{where}: text holds invisible {what}, "
            f"the first at character {first} ({allowed})"
        )
        assert line in lines
    assert f"{path}: valid (1 file, 0 errors, 5 warnings)" in lines


def test_a_lone_surrogate_is_one_clear_error(tmp_path):
    path = tmp_path / "theory.yaml"
    path.write_text(
        HIDDEN_THEORY.replace("Plain outcome", '"Half \\uD83D a pair"'), encoding="utf-8"
    )
    done = run_limited(["validate", str(path)], tmp_path)
    assert done.returncode == 1
    assert (
        f"error: {path}:12: outcomes[0].label: text holds U+D83D, half of a surrogate pair, "
        "which is not a character (write the whole character, or its \\U00XXXXXX escape in "
        "double quotes)"
    ) in (done.stdout + done.stderr).splitlines()
    assert "Traceback" not in done.stdout + done.stderr


@pytest.mark.parametrize(
    "fmt,suffix",
    [
        ("graphml", "graphml"),
        ("gexf", "gexf"),
        ("cytoscape", "cyjs"),
        ("dot", "dot"),
        ("mermaid", "mmd"),
    ],
)
def test_export_of_hidden_characters_reads_back(tmp_path, fmt, suffix):
    """Before the fix, GraphML and GEXF were malformed XML: networkx could not read them."""
    path = tmp_path / "theory.yaml"
    path.write_text(HIDDEN_THEORY, encoding="utf-8")
    out = tmp_path / f"map.{suffix}"
    done = run_here(["export", str(path), "--to", fmt, "-o", str(out)])
    assert done.returncode == 0, done.stderr
    text = out.read_text(encoding="utf-8")
    context = "Pasted\ufffdfrom a cell\ufffd"
    if fmt in ("graphml", "gexf"):
        back = read_graphml(text) if fmt == "graphml" else read_gexf(text)
        assert back.nodes["c-a"]["label"] == context
        assert back.nodes["m-a"]["description"] == "del\x7f only"
    elif fmt == "cytoscape":
        nodes = {n["data"]["id"]: n["data"] for n in json.loads(text)["elements"]["nodes"]}
        assert nodes["c-a"]["label"] == "Pasted\vfrom a cell\x00"  # JSON holds them all
    elif fmt == "dot":
        name, labels = read_dot(text)
        assert name == "Review\ufffd title"
        assert labels["c-a"] == context
    else:
        assert read_mermaid(text)[0] == context


# -- Mermaid 11 in Chromium --------------------------------------------------------------------

MERMAID_JS = Path(os.environ.get("THEORYGRAPH_MERMAID_JS", ROOT / ".cache/mermaid/mermaid.min.js"))

#: a label's text as the page shows it: text as written, each <br> a line break
READ_LABELS = """
async (source) => {
  window.rendered = (window.rendered || 0) + 1;
  const { svg } = await mermaid.render("diagram" + window.rendered, source);
  const out = document.getElementById("out");
  out.innerHTML = svg;
  const read = (el) => [...el.childNodes].map((c) =>
    c.nodeType === Node.TEXT_NODE ? c.data : c.nodeName.toLowerCase() === "br" ? "\\n" : read(c)
  ).join("");
  const labels = {};
  for (const node of out.querySelectorAll("g.node")) {
    const id = node.id.match(/-n(\\d+)-/)[1];
    labels[id] = read(node.querySelector(".nodeLabel") || node.querySelector("text"));
  }
  return labels;
}
"""


@pytest.fixture(scope="module")
def mermaid_page():
    path = require_chromium()
    if not MERMAID_JS.exists():
        reason = f"no Mermaid bundle at {MERMAID_JS} (run scripts/install-mermaid)"
        if _in_ci():
            pytest.fail(f"{reason}; in CI the browser tests must run", pytrace=False)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    from benchmarks.runner import CHROMIUM_FLAGS

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=path, args=CHROMIUM_FLAGS)
        context = browser.new_context()
        context.route("**/*", lambda r: r.abort())  # offline: nothing is fetched
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.set_content('<html><body><div id="out"></div></body></html>')
        page.add_script_tag(content=MERMAID_JS.read_text(encoding="utf-8"))
        page.evaluate("mermaid.initialize({startOnLoad: false})")
        yield page, errors
        browser.close()


def render_mermaid(page, text: str) -> dict[int, str]:
    return {int(k): v for k, v in page.evaluate(READ_LABELS, text).items()}


@pytest.mark.browser
def test_mermaid_renders_every_hard_label_verbatim(mermaid_page):
    page, errors = mermaid_page
    labels = [label for label, _ in MERMAID_CASES]
    model = model_of(labels)
    shown = render_mermaid(page, export_text(model, "mermaid"))
    for index, (node, (_, expected)) in enumerate(zip(model.nodes, MERMAID_CASES, strict=True)):
        prefix = "" if node.intended else "\u26a0 "
        assert shown[index] == prefix + expected, node.label
    assert errors == []


@pytest.mark.browser
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(labels=st.lists(texts.filter(bool), min_size=1, max_size=5))
def test_mermaid_renders_any_label_verbatim(mermaid_page, labels):
    page, errors = mermaid_page
    model = model_of(labels)
    shown = render_mermaid(page, export_text(model, "mermaid"))
    assert shown == {i: expected_mermaid(drawn_label(n)) for i, n in enumerate(model.nodes)}
    assert errors == []


# -- force layout of large maps ----------------------------------------------------------------


@pytest.fixture(scope="module")
def big_document():
    """A generated review whose map has about 1,000 nodes."""
    from theorygraph.generate import generate

    return generate(studies=150, mechanisms=290, seed=3)


@pytest.fixture(scope="module")
def big_review(big_document, tmp_path_factory) -> Path:
    """The big review as a folder of theory files."""
    from theorygraph.generate import write_generated

    folder = tmp_path_factory.mktemp("big") / "review"
    write_generated(big_document, folder)
    return folder


@pytest.fixture(scope="module")
def big_graph(big_document, tmp_path_factory) -> Path:
    """The big review as a graph file (what 'theorygraph save' writes of the folder): the
    same map, opened without parsing and checking the theory files again."""
    from theorygraph.graph import TheoryGraph

    path = tmp_path_factory.mktemp("big") / "review.graph.json"
    TheoryGraph.from_document(big_document).save(path)
    return path


def test_force_layout_of_a_thousand_nodes_needs_numpy_only(big_review, tmp_path):
    """Before: networkx's spring_layout, which needs scipy from 500 nodes (a traceback)."""
    pytest.importorskip("numpy")
    out = tmp_path / "map.html"
    # scipy is made unimportable in the child: the layout must not need it
    code = "import sys; sys.modules['scipy'] = None; from theorygraph.cli import main; main()"
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-c", code, "map", str(big_review), "--layout", "force", "-o", str(out)],
        capture_output=True,
        text=True,
        timeout=10,
        preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_AS, (GIB, GIB)),
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert time.monotonic() - started < 10
    assert done.returncode == 0, done.stderr
    nodes = int(re.search(r"\((\d+) nodes", done.stdout + done.stderr).group(1))
    assert nodes >= 1000
    page = out.read_text(encoding="utf-8")
    data = json.loads(
        re.search(r'<script type="application/json" id="[^"]+">(.*?)</script>', page, re.S).group(1)
    )
    xs = [n["x"] for n in data["nodes"]]
    ys = [n["y"] for n in data["nodes"]]
    # positions computed before writing, spread in both directions, physics off
    assert data["options"]["physics"]["enabled"] is False
    assert len({(round(x), round(y)) for x, y in zip(xs, ys, strict=True)}) > 0.95 * nodes
    assert max(xs) - min(xs) > 1000 and max(ys) - min(ys) > 1000


def test_force_layout_pulls_neighbours_together():
    """Linked nodes end closer together than unlinked ones (a layout, not noise)."""
    pytest.importorskip("numpy")
    from theorygraph.render.map import force_layout

    count = 400
    start = [(float(i % 20), float(i // 20)) for i in range(count)]
    # 20 rings of 20 nodes: each node linked to the next in its ring
    edges = [(r * 20 + i, r * 20 + (i + 1) % 20) for r in range(20) for i in range(20)]
    pos = force_layout(start, edges, scale=100.0)
    assert len(pos) == count
    assert max(abs(v) for p in pos for v in p) == pytest.approx(100.0)

    def dist(a: int, b: int) -> float:
        return ((pos[a][0] - pos[b][0]) ** 2 + (pos[a][1] - pos[b][1]) ** 2) ** 0.5

    linked = sum(dist(a, b) for a, b in edges) / len(edges)
    unlinked = sum(dist(i, (i + 57) % count) for i in range(count)) / count
    assert linked < unlinked / 3
    assert force_layout(start, edges, scale=100.0) == pos  # the same map every time


def test_force_layout_without_numpy_says_which_extra(big_graph, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "numpy", None)  # import numpy now raises ImportError
    out = tmp_path / "map.html"
    result = CliRunner().invoke(main, ["map", str(big_graph), "--layout", "force", "-o", str(out)])
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        "error: a force layout of more than 300 nodes is computed before writing and needs "
        "numpy: pip install 'theorygraph[layout]', or use --layout layered"
    ]
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []
