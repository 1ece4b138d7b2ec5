"""Exports of the theory map: GraphML and GEXF (Gephi), Cytoscape JSON, Mermaid, DOT.

Every format carries the same attributes as the HTML map: node type, label, whether
a mechanism has evidence or an outcome is unintended, and for each arrow its stance,
its numbers of distinct studies and extracts and its confidence level.

Every export is valid for its format whatever the text holds. XML 1.0 cannot hold
control characters other than tab, newline and carriage return, nor U+FFFE, U+FFFF or
half of a surrogate pair: GraphML, GEXF, DOT and Mermaid write each of them as U+FFFD
(the replacement character), since Graphviz and Mermaid draw SVG, which is XML
too. Cytoscape JSON keeps every character except a lone surrogate (which
no UTF-8 file can hold). ``theorygraph validate`` warns about each such character.
"""

from __future__ import annotations

import io
import json
import re
import unicodedata
from pathlib import Path
from typing import Any

import networkx as nx

from ..choices import DATA_EXPORTS, EXPORTS
from ..errors import UsageError
from .dot import STANCE_MARKS, dot_text, export_dot
from .mapdata import MapModel
from .style import NODE_COLOURS, UNINTENDED_COLOURS, UNSUPPORTED_COLOURS
from .text import REPLACEMENT, xml_safe

__all__ = [
    "EXPORT_FORMATS",
    "check_export_path",
    "REPLACEMENT",
    "dot_text",
    "export_text",
    "mermaid_text",
    "to_networkx",
    "xml_safe",
]

#: the formats that draw the map (the spreadsheet and the workbook hold the review's items)
EXPORT_FORMATS = tuple(f for f in EXPORTS if f not in DATA_EXPORTS)

_SURROGATE = re.compile(r"[\ud800-\udfff]")


def to_networkx(model: MapModel) -> nx.MultiDiGraph:
    """The map as a networkx graph with only scalar attributes (as GraphML needs)."""
    return _graph(model, lambda text: text)


def _graph(model: MapModel, clean: Any) -> nx.MultiDiGraph:
    # ``clean`` makes each piece of text fit the format it is written to
    graph = nx.MultiDiGraph(title=clean(model.title), description=clean(model.description))
    for n in model.nodes:
        graph.add_node(
            n.id,
            type=n.type,
            label=clean(n.label),
            studies=n.studies,
            extracts=len(n.extracts),
            evidenced=n.evidenced,
            unsupported=n.unsupported,
            theories=clean(";".join(n.theories)),
            cmocs=clean(";".join(n.cmocs)),
            description=clean(n.description or ""),
            level=n.level,
            qualifiers=clean("; ".join(f"{c}: {q}" for c, q in n.qualifiers.items())),
            # unknown is left out (GraphML and GEXF have no value for it): absent = unknown
            **({} if n.intended is None else {"intended": n.intended}),
        )
    for e in model.edges:
        graph.add_edge(
            e.source,
            e.target,
            key=e.id,  # GraphML and GEXF write the key as the edge's id
            kind=e.type,  # not "type": GEXF keeps that name for directed/undirected
            stance=e.stance,
            studies=e.studies,
            extracts=len(e.extracts),
            supports=e.counts.get("supports", 0),
            refutes=e.counts.get("refutes", 0),
            refines=e.counts.get("refines", 0),
            cmocs=clean(";".join(e.cmocs)),
            theories=clean(";".join(e.theories)),
            # a link's confidence level (the best its CMOCs reach), and each CMOC's; a
            # hand-off between CMOCs has none, and leaves both out
            **(
                {}
                if e.confidence is None
                else {
                    "confidence": e.confidence,
                    "confidence_by_cmoc": clean(
                        ";".join(f"{c}: {v}" for c, v in e.confidence_by_cmoc.items())
                    ),
                }
            ),
        )
    return graph


def check_export_path(fmt: str, path: Path) -> Path:
    """``path`` if its name suits ``fmt``; else a usage error saying which names do."""
    if fmt not in EXPORTS:
        raise UsageError(f"unknown export format {fmt!r}; allowed: {', '.join(EXPORTS)}")
    if not path.name.lower().endswith(EXPORTS[fmt]):
        allowed = ", ".join(EXPORTS[fmt])
        raise UsageError(f"{path}: a {fmt} file should end in {allowed}")
    return path


def export_text(model: MapModel, fmt: str) -> str:
    """The map in one of :data:`EXPORT_FORMATS`, as text."""
    if fmt in ("graphml", "gexf"):
        graph = _graph(model, xml_safe)
        buf = io.BytesIO()
        write = nx.write_graphml if fmt == "graphml" else nx.write_gexf
        write(graph, buf, encoding="utf-8")
        # A raw carriage return in element text reads back as a newline (XML normalises
        # line ends); as a character reference it reads back as itself. Attributes come
        # out of the writer with it escaped already, so a raw one is always in text.
        return buf.getvalue().decode("utf-8").replace("\r", "&#13;")
    if fmt == "cytoscape":
        graph = _graph(model, lambda text: _SURROGATE.sub(REPLACEMENT, text))
        return json.dumps(nx.cytoscape_data(graph), indent=1, ensure_ascii=False) + "\n"
    if fmt == "mermaid":
        return _mermaid(model)
    if fmt == "dot":
        return export_dot(model)
    raise UsageError(f"unknown export format {fmt!r}; allowed: {', '.join(EXPORT_FORMATS)}")


#: written as Mermaid entity codes (#NNN;) wherever they are in a label: '"' would end
#: the label, '#' starts an entity, a backtick opens a Markdown string, '%' a directive
#: or comment, '<', '>' and '&' would be read as HTML, and ':' could make Mermaid take a
#: label holding "style" for a style statement and drop a ';'; a backslash, since Mermaid
#: draws a typed backslash and "n" as a line break
_MERMAID_ENTITY = {c: f"#{ord(c)};" for c in "#%`:\\"}
_MERMAID_ENTITY.update({'"': "#quot;", "<": "#lt;", ">": "#gt;", "&": "#amp;"})
#: Mermaid marks entities with these pairs while it parses and turns every one it finds
#: in the drawn SVG into '&' and ';', whatever wrote them: a word joiner (U+2060, zero
#: width) between the two characters keeps them as they are
_MERMAID_MARKS = {"\ufb02\u00b0": "\ufb02\u2060\u00b0", "\u00b6\u00df": "\u00b6\u2060\u00df"}
#: what JavaScript's String.trim removes (Mermaid trims every label): kept as entities
#: at either end of a label
_JS_SPACE = frozenset("\t\n\v\f\r\u2028\u2029\ufeff")


def _js_space(char: str) -> bool:
    return char in _JS_SPACE or unicodedata.category(char) == "Zs"


def mermaid_text(text: str) -> str:
    r"""Text for a quoted Mermaid label that renders as itself, character for character.

    Line breaks (LF, CR or CRLF) become line breaks of the label; characters XML cannot
    hold become U+FFFD (Mermaid draws SVG); a word joiner (U+2060, invisible) goes
    between the two characters of the rare pairs Mermaid uses as marks (U+FB02 U+00B0
    and U+00B6 U+00DF); everything else renders verbatim.

    >>> mermaid_text('`x` %%{init: {}}%% "#1" <b>')
    '#96;x#96; #37;#37;{init#58; {}}#37;#37; #quot;#35;1#quot; #lt;b#gt;'
    >>> mermaid_text(" two\r\nlines ")
    '#32;two\nlines#32;'
    """
    text = xml_safe(text).replace("\r\n", "\n").replace("\r", "\n")
    for mark, kept in _MERMAID_MARKS.items():
        text = text.replace(mark, kept)
    chars = [_MERMAID_ENTITY.get(c, c) for c in text]
    # a line break or space at either end would be trimmed away
    for index in range(len(chars)):
        if not _js_space(text[index]):
            break
        chars[index] = f"#{ord(text[index])};"
    for index in range(len(chars) - 1, -1, -1):
        if not _js_space(text[index]):
            break
        chars[index] = f"#{ord(text[index])};"
    return "".join(chars)


def _mermaid(model: MapModel) -> str:
    ids = {n.id: f"n{i}" for i, n in enumerate(model.nodes)}
    lines = ["flowchart LR"]
    for n in model.nodes:
        text = n.label if n.intended is not False else "\u26a0 " + n.label
        label = mermaid_text(text + (" (in no CMOC)" if n.in_no_cmoc else ""))
        if n.type == "Context":
            shape = f'["{label}"]'
        elif n.type == "Mechanism":
            shape = f'(["{label}"])'
        else:
            shape = f'("{label}")' if n.intended is not False else f'{{{{"{label}"}}}}'
        cls = n.type.lower()
        if n.unsupported:
            cls = "unsupported"
        elif n.type == "Outcome" and n.intended is False:
            cls = "unintended"
        if n.in_no_cmoc:
            cls = "apart"
        lines.append(f"  {ids[n.id]}{shape}:::{cls}")
    styles = []
    for i, e in enumerate(model.edges):
        arrow = "-.->" if e.stance in ("none", "leads-to", "refining") else "-->"
        text = "leads to" if e.type == "LeadsTo" else f"{e.stance}, {e.studies} studies"
        lines.append(f'  {ids[e.source]} {arrow}|"{mermaid_text(text)}"| {ids[e.target]}')
        width = 1 + min(e.studies, 8) // 2
        styles.append(
            f"  linkStyle {i} stroke:{STANCE_MARKS[e.stance].colour},stroke-width:{width}px"
        )
    lines += styles
    lines += [
        f"  classDef {kind.lower()} fill:{fill},stroke:{border}"
        for kind, (fill, border) in NODE_COLOURS.items()
    ]
    lines += [
        "  classDef unsupported fill:{},stroke:{},stroke-dasharray:5 4".format(
            *UNSUPPORTED_COLOURS
        ),
        "  classDef unintended fill:{},stroke:{},stroke-width:3px".format(*UNINTENDED_COLOURS),
        f"  classDef apart fill:#f9fafb,stroke:{UNSUPPORTED_COLOURS[1]},stroke-dasharray:2 3",
    ]
    return "\n".join(lines) + "\n"
