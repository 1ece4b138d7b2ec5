"""Interactive HTML theory maps: one self-contained file that opens offline.

The network is assembled with pyvis and written through theorygraph's own template:
vis-network is inlined from the installed pyvis package, the data travels as JSON in
a ``<script type="application/json">`` block (with ``<``, ``>`` and ``&`` escaped, so
no quote can close the script), and the page puts every piece of user text into the
document with ``textContent``, never as HTML. Nothing is fetched when the map opens,
and nothing is written except the output file.
"""

from __future__ import annotations

import html
import json
import re
import textwrap
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from ..choices import LAYOUTS
from ..errors import UsageError
from .mapdata import MapEdge, MapModel, MapNode

__all__ = ["PHYSICS_LIMIT", "TheoryMap", "force_layout", "render_map"]

#: above this many nodes, physics is off and the layout is computed before writing
PHYSICS_LIMIT = 300
#: above PHYSICS_LIMIT: labels are wrapped at this many characters before writing (instead
#: of vis-network measuring words to fit a width), and arrowheads are drawn only once the
#: view is zoomed in to this scale (at a whole-map view of thousands of nodes they are
#: under a pixel, and drawing them costs about a fifth of the first draw)
LABEL_WIDTH = 26
ARROWS_FROM_SCALE = 0.4
VIS_VERSION = "vis-9.1.2"

NODE_STYLE: dict[str, dict[str, Any]] = {
    "Context": {"shape": "box", "color": {"background": "#dbeafe", "border": "#2563eb"}},
    "Mechanism": {"shape": "ellipse", "color": {"background": "#fef3c7", "border": "#d97706"}},
    "Outcome": {"shape": "box", "color": {"background": "#dcfce7", "border": "#16a34a"}},
}
UNSUPPORTED: dict[str, str] = {"background": "#f3f4f6", "border": "#9ca3af"}
UNINTENDED = {"background": "#fee2e2", "border": "#dc2626"}
EDGE_STYLE: dict[str, dict[str, Any]] = {
    "supporting": {"color": "#16a34a", "dashes": False},
    "refuting": {"color": "#dc2626", "dashes": False},
    "contested": {"color": "#ea580c", "dashes": False},
    "refining": {"color": "#2563eb", "dashes": [8, 4]},
    "none": {"color": "#9ca3af", "dashes": [4, 4]},
    "leads-to": {"color": "#6b7280", "dashes": [2, 4]},
}


@dataclass
class TheoryMap:
    """A rendered map: the HTML text, with a notebook view and a save method."""

    html: str
    nodes: int
    edges: int
    #: contexts, mechanisms and outcomes no CMOC names (drawn, marked "in no CMOC")
    apart: int = 0

    def save(self, path: str | Path) -> Path:
        """Write the map as one UTF-8 file (atomically; nothing else is written)."""
        from ..files import write_text

        target = Path(path)
        write_text(target, self.html)
        return target

    def _repr_html_(self) -> str:
        """Show the map inline in Jupyter, sandboxed in an iframe of its own."""
        return (
            '<iframe style="width:100%;height:640px;border:1px solid #e5e7eb" '
            'sandbox="allow-scripts" srcdoc="' + html.escape(self.html, quote=True) + '"></iframe>'
        )


def _vis_assets() -> tuple[str, str]:
    try:
        lib = resources.files("pyvis") / "templates" / "lib" / VIS_VERSION
        js = (lib / "vis-network.min.js").read_text(encoding="utf-8")
        css = (lib / "vis-network.css").read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError) as exc:  # pragma: no cover
        raise UsageError(
            f"the installed pyvis does not ship vis-network ({VIS_VERSION}); "
            "reinstall with: pip install 'pyvis>=0.3.2'"
        ) from exc
    # an inline script ends at the first "</script": make sure the library holds none
    return re.sub(r"</(script)", r"<\\/\1", js, flags=re.I), css


def script_json(data: Any) -> str:
    """JSON that is safe inside a <script> element: no '<', '>' or '&' survives raw.

    >>> script_json({"q": "</script><b>&"})
    '{"q": "\\\\u003c/script\\\\u003e\\\\u003cb\\\\u003e\\\\u0026"}'
    """
    text = json.dumps(data, ensure_ascii=False)
    for raw, escaped in (
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("&", "\\u0026"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(raw, escaped)
    return text


def _intended(node: MapNode) -> str:
    """An outcome's intent as the panel says it ('' for other nodes)."""
    if node.type != "Outcome":
        return ""
    return {True: "intended", False: "unintended", None: "unknown"}[node.intended]


def _node_options(node: MapNode) -> dict[str, Any]:
    style = NODE_STYLE.get(node.type, NODE_STYLE["Context"])
    color = dict(style["color"])
    label = node.label
    options: dict[str, Any] = {"shape": style["shape"], "borderWidth": 2}
    if node.unsupported:
        color = dict(UNSUPPORTED)
        label += "\n(no evidence)"
        options["shapeProperties"] = {"borderDashes": [5, 4]}
    if node.directions:  # the directions the CMOCs give it, marked under its name
        label += "\n[" + " / ".join(node.directions) + "]"
    if node.in_no_cmoc:
        color = dict(UNSUPPORTED)
        label += "\n(in no CMOC)"
        options["shapeProperties"] = {"borderDashes": [2, 3]}
    if node.type == "Outcome" and node.intended is False:
        color = dict(UNINTENDED)
        label = "\u26a0 " + label
        options["borderWidth"] = 3
    color["highlight"] = {"background": "#fde68a", "border": "#111827"}
    options["color"] = color
    options["label"] = label
    return options


def _edge_options(edge: MapEdge) -> dict[str, Any]:
    style = EDGE_STYLE[edge.stance]
    width = 1.0 if edge.type == "LeadsTo" else 1.0 + min(edge.studies, 12) * 0.75
    return {
        "color": {"color": style["color"], "highlight": "#111827"},
        "dashes": style["dashes"],
        "width": width,
    }


def wrap_label(label: str, width: int = LABEL_WIDTH) -> str:
    r"""Break a label into lines of at most ``width`` characters, keeping its own breaks.

    >>> wrap_label("Shared purpose across organisations builds trust", 20)
    'Shared purpose\nacross organisations\nbuilds trust'
    """
    return "\n".join(textwrap.fill(part, width) or part for part in label.split("\n"))


#: rounds of the force layout computed before writing (above PHYSICS_LIMIT nodes)
FORCE_ITERATIONS = 30


def _force_positions(model: MapModel) -> None:
    """A force-directed layout computed here, for maps too large for in-browser physics.

    It starts from the layered positions, so the same review always gets the same map.
    """
    try:
        import numpy  # noqa: F401
    except ImportError as exc:
        raise UsageError(
            f"a force layout of more than {PHYSICS_LIMIT} nodes is computed before writing "
            "and needs numpy: pip install 'theorygraph[layout]', or use --layout layered"
        ) from exc
    index = {n.id: i for i, n in enumerate(model.nodes)}
    pairs = [(index[e.source], index[e.target]) for e in model.edges if e.source != e.target]
    start = [(n.x, n.y) for n in model.nodes]
    scale = 60.0 * max(1.0, len(model.nodes) ** 0.5)
    for node, (x, y) in zip(model.nodes, force_layout(start, pairs, scale=scale), strict=True):
        node.x, node.y = x, y


def force_layout(
    start: list[tuple[float, float]],
    edges: list[tuple[int, int]],
    *,
    scale: float = 1.0,
    iterations: int = FORCE_ITERATIONS,
) -> list[tuple[float, float]]:
    """Fruchterman-Reingold positions for nodes ``0..n-1``, from ``start``, with numpy only.

    Every pair of nodes repels and every edge attracts; each round moves a node at most
    a "temperature" that cools to nothing. Repulsion is computed for a block of rows at
    a time, so memory stays at a few megabytes however many nodes there are: 1,000
    nodes take about 0.4 s and 5,000 about 3 s (networkx's spring_layout needs scipy
    from 500 nodes and took 2 s and 36 s). The result is centred on 0 and fits in
    ``[-scale, scale]``.

    >>> pos = force_layout([(0.0, 0.0), (1.0, 0.0), (0.0, 1.0)], [(0, 1)], scale=10)
    >>> round(max(abs(v) for p in pos for v in p), 6)
    10.0
    """
    import numpy as np

    count = len(start)
    if count == 0:
        return []
    pos = np.asarray(start, dtype=np.float64).reshape(count, 2)
    span = float(np.ptp(pos, axis=0).max()) or 1.0
    pos = (pos - pos.mean(axis=0)) / span  # about the unit square
    # nodes that start on the same spot would never move apart: nudge them, the same
    # way every time
    pos += np.random.default_rng(1).uniform(-1e-4, 1e-4, pos.shape)
    x, y = pos[:, 0].astype(np.float32), pos[:, 1].astype(np.float32)
    pairs = np.asarray(edges, dtype=np.int64).reshape(-1, 2)
    src, dst = pairs[:, 0], pairs[:, 1]
    k = 1.0 / count**0.5  # the ideal distance between nodes in a unit square
    k2 = np.float32(k * k)
    temperature = 0.1
    cooling = temperature / (iterations + 1)
    rows = min(count, max(1, 1_000_000 // count))  # a block of rows x count pairs at a time
    dx_block = np.empty((rows, count), np.float32)
    dy_block = np.empty((rows, count), np.float32)
    weight_block = np.empty((rows, count), np.float32)
    square_block = np.empty((rows, count), np.float32)
    for _ in range(iterations):
        fx = np.zeros(count, np.float32)
        fy = np.zeros(count, np.float32)
        for first in range(0, count, rows):
            last = min(count, first + rows)
            n = last - first
            dx, dy, weight = dx_block[:n], dy_block[:n], weight_block[:n]
            np.subtract(x[first:last, None], x[None, :], out=dx)
            np.subtract(y[first:last, None], y[None, :], out=dy)
            np.multiply(dx, dx, out=weight)
            weight += np.multiply(dy, dy, out=square_block[:n])
            np.maximum(weight, np.float32(1e-9), out=weight)
            np.divide(k2, weight, out=weight)  # repulsion k^2/d along the unit vector
            fx[first:last] += np.einsum("ij,ij->i", dx, weight)
            fy[first:last] += np.einsum("ij,ij->i", dy, weight)
        ex, ey = x[src] - x[dst], y[src] - y[dst]
        pull = np.sqrt(ex * ex + ey * ey) / np.float32(k)  # attraction d^2/k
        for force, along in ((fx, ex * pull), (fy, ey * pull)):
            force -= np.bincount(src, along, minlength=count).astype(np.float32)
            force += np.bincount(dst, along, minlength=count).astype(np.float32)
        length = np.sqrt(fx * fx + fy * fy)
        np.maximum(length, np.float32(1e-9), out=length)
        step = np.minimum(length, np.float32(temperature)) / length
        x += fx * step
        y += fy * step
        temperature -= cooling
    out = np.stack([x, y], axis=1).astype(np.float64)
    out -= out.mean(axis=0)
    limit = float(np.abs(out).max()) or 1.0
    out *= scale / limit
    return [(float(a), float(b)) for a, b in out]


def render_map(model: MapModel, *, layout: str = "layered") -> TheoryMap:
    """Render a map model to a self-contained HTML page."""
    from pyvis.network import Network

    if layout not in LAYOUTS:
        raise UsageError(f"unknown layout {layout!r}; allowed: {', '.join(LAYOUTS)}")
    small = len(model.nodes) <= PHYSICS_LIMIT
    physics = layout == "force" and small
    if layout == "force" and not small:
        _force_positions(model)

    net = Network(directed=True, cdn_resources="remote")
    for node in model.nodes:
        options = _node_options(node)
        label = options.pop("label")
        if not small:
            label = wrap_label(label)
        extra: dict[str, Any] = {} if physics else {"x": node.x, "y": node.y, "physics": False}
        net.add_node(
            node.id,
            label=label,
            plain=node.label,
            ntype=node.type,
            extracts=node.extracts,
            studies=node.studies,
            cmocs=node.cmocs,
            theories=node.theories,
            unsupported=node.unsupported,
            unintended=node.type == "Outcome" and node.intended is False,
            intended=_intended(node),
            qualifiers=node.qualifiers,
            apart=node.in_no_cmoc,
            description=node.description or "",
            level=node.level,
            **options,
            **extra,
        )
    for edge in model.edges:
        net.add_edge(
            edge.source,
            edge.target,
            id=edge.id,
            stance=edge.stance,
            extracts=edge.extracts,
            studies=edge.studies,
            cmocs=edge.cmocs,
            theories=edge.theories,
            **_edge_options(edge),
        )
    for options_of_edge in net.edges:  # pyvis gives each arrow a head; the options decide
        options_of_edge.pop("arrows", None)
    options = {
        "physics": {
            "enabled": physics,
            "solver": "forceAtlas2Based",
            "stabilization": {"enabled": physics, "iterations": 150, "fit": True},
        },
        "layout": {"improvedLayout": False},
        "interaction": {
            "hover": small,
            "keyboard": True,
            "hideEdgesOnDrag": not small,
            "hideEdgesOnZoom": not small,
        },
        "edges": {
            "smooth": {"type": "cubicBezier", "forceDirection": "horizontal", "roundness": 0.35}
            if small
            else False,
            "arrows": {"to": {"enabled": small, "scaleFactor": 0.6}},
        },
        "nodes": {"margin": 6, "font": {"size": 13}},
    }
    if small:
        options["nodes"]["widthConstraint"] = {"maximum": 190}
    data = {
        "nodes": net.nodes,
        "edges": net.edges,
        "extracts": model.extracts,
        "studies": model.studies,
        "theories": model.theories,
        "description": model.description,
        "options": options,
        "arrowsFromScale": None if small else ARROWS_FROM_SCALE,
    }
    js, css = _vis_assets()
    values = {
        "TITLE": html.escape(model.title),
        "VERSION": html.escape(_version()),
        "VIS_CSS": css,
        "VIS_JS": js,
        "DATA": script_json(data),
    }
    template = (resources.files("theorygraph.render") / "templates" / "map.html").read_text(
        encoding="utf-8"
    )
    # one pass, so text put in for one placeholder is never scanned for another
    page = re.sub(r"%%([A-Z_]+)%%", lambda m: values[m.group(1)], template)
    apart = sum(1 for n in model.nodes if n.in_no_cmoc)
    return TheoryMap(page, len(model.nodes), len(model.edges), apart)


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("theorygraph")
    except PackageNotFoundError:  # pragma: no cover
        return "0+unknown"
