"""DOT (Graphviz) text for a theory map: the ``dot`` export and the print figure.

One writer serves both, so what a node or an arrow looks like is decided here once. The
export carries every attribute for other tools; the figure adds what a printed page
needs: labels wrapped, a sans-serif font, the CMOCs stating each arrow (by number) and a
key. Every mark reads in greyscale: node types differ by shape, stances by line style
and arrowhead as well as by colour, and the number of studies by the pen's width.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping
from dataclasses import dataclass

from ..words import plural
from .mapdata import MapEdge, MapModel, MapNode
from .style import NODE_COLOURS, STANCE_COLOURS, UNINTENDED_COLOURS, UNSUPPORTED_COLOURS
from .text import xml_safe

__all__ = [
    "FONT",
    "STANCE_MARKS",
    "StanceMark",
    "dot_text",
    "export_dot",
    "figure_dot",
    "pen_width",
]

#: DejaVu Sans measures the text (Debian's default sans-serif, and it has the ⚠ sign);
#: an SVG opened where it is missing falls back to the reader's own sans-serif
FONT = "DejaVu Sans,sans-serif"


@dataclass(frozen=True)
class StanceMark:
    """How an arrow with one stance is drawn."""

    colour: str
    style: str  # DOT line style: solid, dashed or dotted
    arrowhead: str  # DOT arrow shape
    double: bool  # two parallel lines
    words: str  # what the figure's key says


#: the marks of each stance: each differs from every other in line or arrowhead, not
#: only in colour, so that a greyscale print keeps them apart
STANCE_MARKS = {
    "supporting": StanceMark(STANCE_COLOURS["supporting"], "solid", "normal", False, "supporting"),
    "refuting": StanceMark(STANCE_COLOURS["refuting"], "solid", "tee", False, "refuting"),
    "contested": StanceMark(
        STANCE_COLOURS["contested"], "solid", "teenormal", True, "contested (both)"
    ),
    "refining": StanceMark(STANCE_COLOURS["refining"], "dashed", "empty", False, "refining only"),
    "none": StanceMark(STANCE_COLOURS["none"], "dotted", "odot", False, "no evidence"),
    "leads-to": StanceMark(
        STANCE_COLOURS["leads-to"], "dotted", "vee", False, "leads to (CMOC to CMOC)"
    ),
}

_SHAPES = {
    "Context": {"shape": "box", "style": "filled"},
    "Mechanism": {"shape": "ellipse", "style": "filled"},
    "Outcome": {"shape": "box", "style": "rounded,filled"},
}
_NODE_STYLE = {
    kind: {**shape, "fillcolor": NODE_COLOURS[kind][0], "color": NODE_COLOURS[kind][1]}
    for kind, shape in _SHAPES.items()
}
_UNSUPPORTED = {
    "shape": "ellipse",
    "style": "dashed,filled",
    "fillcolor": UNSUPPORTED_COLOURS[0],
    "color": UNSUPPORTED_COLOURS[1],
}
_UNINTENDED = {
    "shape": "box",
    "style": "rounded,filled,bold",
    "fillcolor": UNINTENDED_COLOURS[0],
    "color": UNINTENDED_COLOURS[1],
}

#: how many characters a figure's node label holds on one line
WRAP = 26


def dot_text(text: str) -> str:
    r"""Text for a quoted DOT string that Graphviz draws as itself.

    Backslashes are doubled (Graphviz reads ``\n``, ``\l``, ``\N``... in labels as
    escapes), quotes escaped, line breaks (LF, CR or CRLF) written as ``\n``, and ``&``
    as ``&amp;`` (Graphviz reads ``&amp;``, ``&#65;``... in labels as HTML entities).
    Characters XML cannot hold become U+FFFD: Graphviz draws SVG, and a NUL would
    end its string.

    >>> print(dot_text('say "hi" \\N & &amp;\r\nnext'))
    say \"hi\" \\N &amp; &amp;amp;\nnext
    """
    text = xml_safe(text).replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return text.replace("&", "&amp;")


def _attrs(attrs: Mapping[str, object]) -> str:
    """DOT attributes: numbers as they are, anything else quoted and escaped."""
    return ", ".join(
        f"{k}={v}" if isinstance(v, int | float) else f'{k}="{dot_text(str(v))}"'
        for k, v in attrs.items()
    )


def pen_width(studies: int) -> float:
    """The width of an arrow's line: the more distinct studies, the thicker (to 12).

    >>> pen_width(0), pen_width(5), pen_width(40)
    (1.0, 3.0, 5.8)
    """
    return round(1 + min(studies, 12) * 0.4, 1)


def _node_lines(node: MapNode) -> list[str]:
    """The lines of a node's label: its name and the marks it carries."""
    name = node.label
    if node.type == "Outcome" and node.intended is False and not node.unsupported:
        name = "\u26a0 " + name
    lines = [name]
    if node.unsupported:
        lines.append("(no evidence)")
    if node.in_no_cmoc:
        lines.append("(in no CMOC)")
    if node.directions:  # the directions the CMOCs give it, as the map marks them
        lines.append("[" + " / ".join(node.directions) + "]")
    return lines


def _node_style(node: MapNode) -> dict[str, object]:
    base = _NODE_STYLE.get(node.type, _NODE_STYLE["Context"])
    style: dict[str, object] = dict(base)
    if node.unsupported:
        style.update(_UNSUPPORTED)
    elif node.type == "Outcome" and node.intended is False:
        style.update(_UNINTENDED, peripheries=2)
    if node.in_no_cmoc:
        style["style"] = f"dotted,{style['style']}"
    return style


def _edge_style(edge: MapEdge) -> dict[str, object]:
    mark = STANCE_MARKS[edge.stance]
    # two lines of the colour with a white one between them
    colour = f"{mark.colour}:white:{mark.colour}" if mark.double else mark.colour
    return {
        "color": colour,
        "style": mark.style,
        "arrowhead": mark.arrowhead,
        "penwidth": pen_width(edge.studies),
    }


def _header(name: str, font: str) -> list[str]:
    return [
        f'digraph "{dot_text(name)}" {{',
        "  rankdir=LR;",
        f'  node [fontname="{font}", fontsize=11];',
        f'  edge [fontname="{font}", fontsize=9];',
    ]


def export_dot(model: MapModel) -> str:
    """The map as DOT for other tools: every node and arrow with its attributes."""
    lines = _header(model.title, "Helvetica")
    for n in model.nodes:
        attrs = {"label": "\n".join(_node_lines(n)), **_node_style(n)}
        attrs.update(type=n.type, studies=n.studies)
        lines.append(f'  "{dot_text(n.id)}" [{_attrs(attrs)}];')
    for e in model.edges:
        label = "leads to" if e.type == "LeadsTo" else f"{e.studies} studies"
        attrs = {**_edge_style(e), "label": label, "stance": e.stance}
        attrs.update(studies=e.studies, extracts=len(e.extracts))
        lines.append(f'  "{dot_text(e.source)}" -> "{dot_text(e.target)}" [{_attrs(attrs)}];')
    lines.append("}")
    return "\n".join(lines) + "\n"


def figure_dot(
    model: MapModel,
    *,
    numbers: Mapping[str, int],
    title: str | None = None,
    dpi: int | None = None,
) -> str:
    """The map as DOT for a printed figure.

    ``numbers`` gives each CMOC's number: an arrow is labelled with the numbers of the
    CMOCs that state it (a hand-off between CMOCs as ``1→2``), and the key lists which
    CMOC each number is. ``title`` is drawn above the figure when given; ``dpi`` sets the
    resolution of a bitmap.
    """
    lines = _header(title or model.title, FONT)
    lines += [
        "  newrank=true; nodesep=0.18; ranksep=0.45; pad=0.15; margin=0;",
        '  node [margin="0.10,0.05", penwidth=1.2, height=0.3];',
        '  edge [arrowsize=0.8, fontcolor="#374151"];',
    ]
    if title:
        lines.append(f'  label="{dot_text(title)}"; labelloc=t; fontname="{FONT}"; fontsize=14;')
    if dpi is not None:
        lines.append(f"  dpi={int(dpi)};")
    for n in model.nodes:
        wrapped = [w for line in _node_lines(n) for w in _wrap(line)]
        attrs = {"label": "\n".join(wrapped), **_node_style(n)}
        attrs.update(id=f"node-{n.id}", **{"class": n.type.lower()})
        lines.append(f'  "{dot_text(n.id)}" [{_attrs(attrs)}];')
    shown: set[str] = set()
    for e in model.edges:
        tags = _cmoc_tags(e, numbers)
        shown.update(c for cmoc in e.cmocs for c in cmoc.split("->"))
        attrs = {**_edge_style(e), "label": tags, "class": f"stance-{e.stance}"}
        lines.append(f'  "{dot_text(e.source)}" -> "{dot_text(e.target)}" [{_attrs(attrs)}];')
    key, last = _key(model, {c: numbers[c] for c in shown if c in numbers})
    lines += key
    # the key in columns of its own, left of the theory: invisible arrows from it to each
    # node no arrow leads to (weight 0: they pull nothing up or down)
    targets = {e.target for e in model.edges}
    for n in model.nodes:
        if n.id not in targets:
            lines.append(f'  "{last}" -> "{dot_text(n.id)}" [style=invis, weight=0];')
    lines.append("}")
    return "\n".join(lines) + "\n"


def _wrap(line: str) -> list[str]:
    return textwrap.wrap(line, WRAP, break_long_words=False, break_on_hyphens=False) or [line]


def _cmoc_tags(edge: MapEdge, numbers: Mapping[str, int]) -> str:
    """The numbers of the CMOCs stating an arrow, in order; hand-offs as ``1→2``."""

    def number(cmoc: str) -> str:
        return str(numbers.get(cmoc, cmoc))

    if edge.type == "LeadsTo":
        pairs = [cmoc.split("->") for cmoc in edge.cmocs]
        return ", ".join("\u2192".join(number(c) for c in pair) for pair in pairs)
    ordered = sorted(dict.fromkeys(edge.cmocs), key=lambda c: (numbers.get(c, 1 << 30), c))
    return ", ".join(number(c) for c in ordered)


def _key(model: MapModel, numbers: Mapping[str, int]) -> tuple[list[str], str]:
    """The key, in two columns of its own: a sample of each node type and mark shown;
    an arrow for each stance drawn and for a few pen widths, pointing at what it means;
    then which CMOC each number on the arrows stands for. Also a node of its right column,
    halfway down, for the theory to hang from."""
    samples = [MapNode("", kind, kind, evidenced=True, cmocs=["key"]) for kind in _NODE_STYLE]
    if any(n.unsupported for n in model.nodes):
        samples.append(MapNode("", "Mechanism", "Mechanism", cmocs=["key"]))
    if any(n.type == "Outcome" and n.intended is False for n in model.nodes):
        samples.append(MapNode("", "Outcome", "Unintended outcome", intended=False, cmocs=["key"]))
    if any(n.in_no_cmoc for n in model.nodes):
        samples.append(MapNode("", "Context", "Any node", evidenced=True))
    arrows = [(STANCE_MARKS[s].words, MapEdge("", "", "Link", stance=s)) for s in STANCE_MARKS]
    arrows = [(words, e) for words, e in arrows if any(m.stance == e.stance for m in model.edges)]
    widest = max((min(e.studies, 12) for e in model.edges), default=0)
    if widest > 1:  # a few widths, from 1 study to the widest drawn
        for studies in sorted({1, (1 + widest) // 2, widest}):
            words = "12 or more studies" if studies == 12 else plural(studies, "study")
            arrows.append((words, MapEdge("", "", "Link", stance="supporting", studies=studies)))

    # each row a pair of nodes, one in each column, joined by an arrow that holds them
    # level: a sample and an empty partner, or the start of an arrow and its words
    empty = 'shape=plaintext, label="", width=0.01, height=0.2'
    # the heading as a row too: a cluster's own label, drawn left to right, would push the
    # left column down and every arrow askew
    heading = 'shape=plaintext, label="Key", fontsize=11, height=0.2, margin=0'
    rows = [(heading, empty, "style=invis")]
    for sample in samples:
        attrs = {"label": "\n".join(_node_lines(sample)), **_node_style(sample)}
        rows.append((_attrs(attrs), empty, "style=invis"))
    for words, edge in arrows:
        meaning = f'shape=plaintext, label="{dot_text(words)}", height=0.2, margin="0.1,0"'
        rows.append((empty, meaning, _attrs(_edge_style(edge))))
    if numbers:
        table, lines = _cmoc_table(numbers)
        # a partner at least as high as the table (a line of 9 points takes about 12),
        # else the whole column beside it shifts
        partner = f'shape=plaintext, label="", width=0.01, height={lines * 13 / 72:.2f}'
        rows.append((partner, f"shape=plaintext, margin=0, label=<{table}>", "style=invis"))
    out = [
        "  subgraph cluster_key {",
        '    style="rounded"; color="#9ca3af"; margin=8;',
        '    node [fontsize=9, margin="0.06,0.03"];',
    ]
    for i, (left, right, joint) in enumerate(rows):
        out.append(f'    "key-{i}" [{left}];')
        out.append(f'    "key-{i}-means" [{right}];')
        out.append(f'    "key-{i}" -> "key-{i}-means" [{joint}, weight=10];')
    for column in ("", "-means"):
        # one rank each, top to bottom in the order given (an invisible chain would hold
        # the order too, but spreads the rows apart)
        names = " ".join(f'"key-{i}{column}";' for i in range(len(rows)))
        out.append(f"    {{ rank=same; {names} }}")
    out.append("  }")
    return out, f"key-{len(rows) // 2}-means"


def _cmoc_table(numbers: Mapping[str, int]) -> tuple[str, int]:
    """An HTML-like table of which CMOC each number stands for, up to 8 rows a column;
    and its number of lines."""
    from html import escape

    entries = sorted(numbers.items(), key=lambda item: (item[1], item[0]))
    columns = -(-len(entries) // 8)
    height = -(-len(entries) // columns)  # the columns as even as they can be
    rows = []
    for r in range(height):
        cells: list[str] = []
        for c, n in entries[r::height]:
            space = ' WIDTH="24"' if cells else ""  # between one column and the next
            name = escape(xml_safe(c))
            cells.append(f'<TD ALIGN="RIGHT"{space}>{n}</TD><TD ALIGN="LEFT">{name}</TD>')
        rows.append("<TR>" + "".join(cells) + "</TR>")
    head = f'<TR><TD ALIGN="LEFT" COLSPAN="{2 * columns}">CMOCs on the arrows</TD></TR>'
    table = '<TABLE BORDER="0" CELLSPACING="0" CELLPADDING="1">' + head + "".join(rows) + "</TABLE>"
    return table, 1 + height
