"""Exports of the theory map: GraphML and GEXF (Gephi), Cytoscape JSON, Mermaid, DOT.

Every format carries the same attributes as the HTML map: node type, label, whether
a mechanism has evidence or an outcome is unintended, and for each arrow its stance
and its numbers of distinct studies and extracts.
"""

from __future__ import annotations

import io
import json
from typing import Any

import networkx as nx

from ..errors import UsageError
from .mapdata import MapModel

__all__ = ["EXPORT_FORMATS", "export_text", "to_networkx"]

EXPORT_FORMATS = ("graphml", "gexf", "cytoscape", "mermaid", "dot")


def to_networkx(model: MapModel) -> nx.MultiDiGraph:
    """The map as a networkx graph with only scalar attributes (as GraphML needs)."""
    graph = nx.MultiDiGraph(title=model.title, description=model.description)
    for n in model.nodes:
        graph.add_node(
            n.id,
            type=n.type,
            label=n.label,
            studies=n.studies,
            extracts=len(n.extracts),
            evidenced=n.evidenced,
            unsupported=n.unsupported,
            intended=n.intended,
            theories=";".join(n.theories),
            cmocs=";".join(n.cmocs),
            description=n.description or "",
            level=n.level,
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
            cmocs=";".join(e.cmocs),
            theories=";".join(e.theories),
        )
    return graph


def export_text(model: MapModel, fmt: str) -> str:
    """The map in one of :data:`EXPORT_FORMATS`, as text."""
    graph = to_networkx(model)
    if fmt == "graphml":
        buf = io.BytesIO()
        nx.write_graphml(graph, buf, encoding="utf-8")
        return buf.getvalue().decode("utf-8")
    if fmt == "gexf":
        buf = io.BytesIO()
        nx.write_gexf(graph, buf, encoding="utf-8")
        return buf.getvalue().decode("utf-8")
    if fmt == "cytoscape":
        return json.dumps(nx.cytoscape_data(graph), indent=1, ensure_ascii=False) + "\n"
    if fmt == "mermaid":
        return _mermaid(model)
    if fmt == "dot":
        return _dot(model)
    raise UsageError(f"unknown export format {fmt!r}; allowed: {', '.join(EXPORT_FORMATS)}")


_MERMAID_STROKE = {
    "supporting": "#16a34a",
    "refuting": "#dc2626",
    "contested": "#ea580c",
    "refining": "#2563eb",
    "none": "#9ca3af",
    "leads-to": "#6b7280",
}


def _mermaid_text(text: str) -> str:
    # Mermaid reads #name; as an entity inside quoted labels; quotes and brackets would
    # end the label, and markup is not wanted
    out = text.replace("#", "#35;").replace('"', "#quot;").replace("<", "#lt;")
    return out.replace(">", "#gt;").replace("\n", " ")


def _mermaid(model: MapModel) -> str:
    ids = {n.id: f"n{i}" for i, n in enumerate(model.nodes)}
    lines = ["flowchart LR"]
    for n in model.nodes:
        label = _mermaid_text(n.label)
        if n.type == "Context":
            shape = f'["{label}"]'
        elif n.type == "Mechanism":
            shape = f'(["{label}"])'
        else:
            shape = f'("{label}")' if n.intended else f'{{{{"⚠ {label}"}}}}'
        cls = n.type.lower()
        if n.unsupported:
            cls = "unsupported"
        elif n.type == "Outcome" and not n.intended:
            cls = "unintended"
        lines.append(f"  {ids[n.id]}{shape}:::{cls}")
    styles = []
    for i, e in enumerate(model.edges):
        arrow = "-.->" if e.stance in ("none", "leads-to", "refining") else "-->"
        text = "leads to" if e.type == "LeadsTo" else f"{e.stance}, {e.studies} studies"
        lines.append(f'  {ids[e.source]} {arrow}|"{_mermaid_text(text)}"| {ids[e.target]}')
        width = 1 + min(e.studies, 8) // 2
        styles.append(f"  linkStyle {i} stroke:{_MERMAID_STROKE[e.stance]},stroke-width:{width}px")
    lines += styles
    lines += [
        "  classDef context fill:#dbeafe,stroke:#2563eb",
        "  classDef mechanism fill:#fef3c7,stroke:#d97706",
        "  classDef outcome fill:#dcfce7,stroke:#16a34a",
        "  classDef unsupported fill:#f3f4f6,stroke:#9ca3af,stroke-dasharray:5 4",
        "  classDef unintended fill:#fee2e2,stroke:#dc2626,stroke-width:3px",
    ]
    return "\n".join(lines) + "\n"


def _dot_text(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


_DOT_NODE = {
    "Context": 'shape=box, style="filled", fillcolor="#dbeafe", color="#2563eb"',
    "Mechanism": 'shape=ellipse, style="filled", fillcolor="#fef3c7", color="#d97706"',
    "Outcome": 'shape=box, style="rounded,filled", fillcolor="#dcfce7", color="#16a34a"',
}


def _dot(model: MapModel) -> str:
    lines = [
        f'digraph "{_dot_text(model.title)}" {{',
        "  rankdir=LR;",
        '  node [fontname="Helvetica", fontsize=11];',
        '  edge [fontname="Helvetica", fontsize=9];',
    ]
    for n in model.nodes:
        style = _DOT_NODE.get(n.type, _DOT_NODE["Context"])
        label = n.label
        if n.unsupported:
            style = 'shape=ellipse, style="dashed,filled", fillcolor="#f3f4f6", color="#9ca3af"'
            label += "\n(no evidence)"
        elif n.type == "Outcome" and not n.intended:
            style = 'shape=box, style="rounded,filled,bold", fillcolor="#fee2e2", color="#dc2626"'
            label = "⚠ " + label
        attrs: dict[str, Any] = {"type": n.type, "studies": n.studies}
        extra = ", ".join(f'{k}="{_dot_text(str(v))}"' for k, v in attrs.items())
        lines.append(f'  "{_dot_text(n.id)}" [label="{_dot_text(label)}", {style}, {extra}];')
    for e in model.edges:
        color = _MERMAID_STROKE[e.stance]
        style = (
            "dashed"
            if e.stance in ("none", "refining")
            else ("dotted" if e.stance == "leads-to" else "solid")
        )
        width = 1 + min(e.studies, 12) * 0.4
        label = "leads to" if e.type == "LeadsTo" else f"{e.studies} studies"
        lines.append(
            f'  "{_dot_text(e.source)}" -> "{_dot_text(e.target)}" [color="{color}", '
            f'style={style}, penwidth={width:.1f}, label="{label}", stance="{e.stance}", '
            f"studies={e.studies}, extracts={len(e.extracts)}];"
        )
    lines.append("}")
    return "\n".join(lines) + "\n"
