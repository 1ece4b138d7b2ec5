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
from .style import (
    NODE_COLOURS,
    STANCE_COLOURS,
    STANCE_SIGNS,
    UNINTENDED_COLOURS,
    UNSUPPORTED_COLOURS,
)

__all__ = ["OVERVIEW_FROM", "PHYSICS_LIMIT", "TheoryMap", "force_layout", "render_map"]

#: above this many nodes, physics is off and the layout is computed before writing
PHYSICS_LIMIT = 300
#: above PHYSICS_LIMIT: labels are wrapped at this many characters before writing (instead
#: of vis-network measuring words to fit a width), and arrowheads are drawn only once the
#: view is zoomed in to this scale (at a whole-map view of thousands of nodes they are
#: under a pixel, and drawing them costs about a fifth of the first draw)
LABEL_WIDTH = 26
ARROWS_FROM_SCALE = 0.4
#: the map opens at a zoom where every label is at least this many CSS pixels high,
#: fitting the whole map when it can, else showing its start at that size
MIN_LABEL_PX = 10
FONT_SIZE = 14
FONT_FACE = "system-ui, -apple-system, Segoe UI, Roboto, sans-serif"
VIS_VERSION = "vis-9.1.2"

#: from this many nodes a map opens on its overview (a mechanism matrix), not the network
OVERVIEW_FROM = 400

NODE_STYLE: dict[str, dict[str, Any]] = {
    "Context": {"shape": "box"},
    # a rounded box rather than an ellipse: the same text in about half the area
    "Mechanism": {"shape": "box", "shapeProperties": {"borderRadius": 14}},
    "Outcome": {"shape": "box"},
}
for _type, (_fill, _border) in NODE_COLOURS.items():
    NODE_STYLE[_type]["color"] = {"background": _fill, "border": _border}
UNSUPPORTED: dict[str, str] = dict(zip(("background", "border"), UNSUPPORTED_COLOURS, strict=True))
UNINTENDED = dict(zip(("background", "border"), UNINTENDED_COLOURS, strict=True))
#: how each kind of arrow is drawn (colours and signs from style.py). Stances differ by
#: line and head as well as colour: refuting ends in a bar, contested carries a bar across
#: its middle, refining is dashed. The page draws arrows from this table, also after a
#: filter changes an arrow's stance.
_LINES: dict[str, dict[str, Any]] = {
    "supporting": {"dashes": False, "head": "arrow"},
    "refuting": {"dashes": False, "head": "bar"},
    "contested": {"dashes": False, "head": "arrow", "middle": "bar"},
    "refining": {"dashes": [8, 4], "head": "arrow"},
    "none": {"dashes": [3, 4], "head": "arrow"},
    "leads-to": {"dashes": [2, 5], "head": "vee"},
}
EDGE_STYLE: dict[str, dict[str, Any]] = {
    stance: {"color": STANCE_COLOURS[stance], "mark": STANCE_SIGNS[stance], **line}
    for stance, line in _LINES.items()
}
#: an arrow's width: 1 + WIDTH_PER_STUDY for each distinct study behind it, up to 12
WIDTH_PER_STUDY = 0.75


@dataclass(repr=False)
class TheoryMap:
    """A rendered map: the HTML text, with a notebook view and a save method."""

    html: str
    nodes: int
    edges: int
    #: contexts, mechanisms and outcomes no CMOC names (drawn, marked "in no CMOC")
    apart: int = 0

    def __repr__(self) -> str:
        """Short, for consoles and notebooks: the page itself is about a megabyte."""
        return (
            f"<TheoryMap: {self.nodes} nodes, {self.edges} arrows, {len(self.html):,} characters>"
        )

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
    if "shapeProperties" in style:
        options["shapeProperties"] = dict(style["shapeProperties"])
    if node.unsupported:
        color = dict(UNSUPPORTED)
        label += "\n(no evidence)"
        options["shapeProperties"] = {**options.get("shapeProperties", {}), "borderDashes": [5, 4]}
    if node.directions:  # the directions the CMOCs give it, marked under its name
        label += "\n[" + " / ".join(node.directions) + "]"
    if node.in_no_cmoc:
        color = dict(UNSUPPORTED)
        label += "\n(in no CMOC)"
        options["shapeProperties"] = {**options.get("shapeProperties", {}), "borderDashes": [2, 3]}
    if node.type == "Outcome" and node.intended is False:
        color = dict(UNINTENDED)
        label = "\u26a0 " + label
        options["borderWidth"] = 3
    # a selected node keeps its colours and gains a dark border
    color["highlight"] = {"background": color["background"], "border": "#111827"}
    options["color"] = color
    options["label"] = label
    return options


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
            x=node.x,
            y=node.y,
            physics=physics,
            **_change(node, model),
            **options,
        )
    edges = [
        {
            "id": edge.id,
            "from": edge.source,
            "to": edge.target,
            "kind": edge.type,
            "stance": edge.stance,
            "extracts": edge.extracts,
            "studies": edge.studies,
            "cmocs": edge.cmocs,
            "theories": edge.theories,
            "confidence": edge.confidence,
            "confidence_by_cmoc": edge.confidence_by_cmoc,
            **_change(edge, model),
        }
        for edge in model.edges
    ]
    options = {
        "physics": {
            "enabled": physics,
            "solver": "forceAtlas2Based",
            "forceAtlas2Based": {"avoidOverlap": 1, "springLength": 160},
            "stabilization": {"enabled": physics, "iterations": 200, "fit": False},
        },
        "layout": {"improvedLayout": False},
        "interaction": {
            "hover": small,
            "keyboard": {"enabled": True, "bindToWindow": False},
            "hideEdgesOnDrag": not small,
            "hideEdgesOnZoom": not small,
            "multiselect": False,
        },
        "edges": {
            "smooth": {"type": "cubicBezier", "forceDirection": "horizontal", "roundness": 0.35}
            if small
            else False,
            "arrows": {"to": {"enabled": small, "scaleFactor": 0.7}},
            "selectionWidth": 2,
        },
        "nodes": {"margin": 7, "font": {"size": FONT_SIZE, "face": FONT_FACE}},
    }
    if small:
        options["nodes"]["widthConstraint"] = {"maximum": 180}
    data = {
        "nodes": net.nodes,
        "edges": edges,
        "cmocs": model.cmocs,
        "extracts": model.extracts,
        "studies": model.studies,
        "theories": model.theories,
        "review": model.review,
        "description": model.description,
        **({"diff": model.diff} if model.diff is not None else {}),
        "layout": layout,
        "options": options,
        "edgeStyles": EDGE_STYLE,
        "nodeColours": {
            **NODE_COLOURS,
            "unsupported": UNSUPPORTED_COLOURS,
            "unintended": UNINTENDED_COLOURS,
        },
        "widthPerStudy": WIDTH_PER_STUDY,
        "minLabelPx": MIN_LABEL_PX,
        "overview": len(model.nodes) >= OVERVIEW_FROM,
        "arrowsFromScale": None if small else ARROWS_FROM_SCALE,
        "generator": f"theorygraph {_version()}",
    }
    js, css = _vis_assets()
    values = {
        "TITLE": html.escape(model.title),
        "VERSION": html.escape(_version()),
        "VIS_CSS": css,
        "VIS_JS": js,
        "OVERVIEW_CSS": _template("overview.css"),
        "OVERVIEW_JS": _template("overview.js"),
        "DATA": script_json(data),
    }
    # one pass, so text put in for one placeholder is never scanned for another
    page = re.sub(r"%%([A-Z_]+)%%", lambda m: values[m.group(1)], _template("map.html"))
    apart = sum(1 for n in model.nodes if n.in_no_cmoc)
    return TheoryMap(page, len(model.nodes), len(model.edges), apart)


def _change(item: MapNode | MapEdge, model: MapModel) -> dict[str, Any]:
    """How a node or arrow changed, in a map of two theory versions (else nothing)."""
    if model.diff is None:
        return {}
    return {"change": item.change, "change_extracts": item.change_extracts}


def _template(name: str) -> str:
    """A file of the map's page, shipped with the package (an empty text if absent)."""
    path = resources.files("theorygraph.render") / "templates" / name
    return path.read_text(encoding="utf-8") if path.is_file() else ""


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("theorygraph")
    except PackageNotFoundError:  # pragma: no cover
        return "0+unknown"
