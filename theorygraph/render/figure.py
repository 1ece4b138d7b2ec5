"""Static figures of a theory map for papers: SVG, PDF or PNG, drawn by Graphviz.

The DOT comes from :func:`theorygraph.render.dot.figure_dot`; the ``graphviz`` package runs
Graphviz's ``dot`` program on it and hands back the drawing, which is written only once
it is whole. A PNG says its resolution in the file (a ``pHYs`` chunk), so that word
processors and page layout place it at its printed size.
"""

from __future__ import annotations

import re
import struct
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from ..choices import FIGURE_DPI, FIGURE_DPI_RANGE, FIGURES
from ..errors import RenderError, UsageError
from .dot import figure_dot
from .mapdata import MapModel

__all__ = ["INSTALL_GRAPHVIZ", "Figure", "draw", "figure_format"]

#: the most pixels a side of a PNG Graphviz draws (cairo's limit)
PNG_MOST = 32767
#: the one line that says how to get Graphviz's programs
INSTALL_GRAPHVIZ = (
    "install Graphviz (Debian, Ubuntu: apt-get install graphviz; "
    "others: https://graphviz.org/download/)"
)


@dataclass(frozen=True)
class Figure:
    """A figure written to a file, and what it shows."""

    path: Path
    format: str
    nodes: int
    arrows: int
    #: nodes that no CMOC names (drawn, marked)
    apart: int
    #: the drawing's size in inches at 100 %, as it prints
    width: float
    height: float


def figure_format(path: Path) -> str:
    """The format a figure at ``path`` is drawn in; a usage error naming the allowed
    suffixes when its name has none of them.

    >>> figure_format(Path("fig.PDF"))
    'pdf'
    """
    fmt = FIGURES.get(path.suffix.lower())
    if fmt is None:
        *rest, last = (f"FILE{suffix}" for suffix in FIGURES)
        raise UsageError(
            f"{path}: name a figure {', '.join(rest)} or {last} (its suffix chooses the format)"
        )
    return fmt


def draw(
    model: MapModel,
    fmt: str,
    *,
    numbers: Mapping[str, int],
    title: str | None = None,
    dpi: int = FIGURE_DPI,
) -> tuple[bytes, float, float]:
    """The figure as ``fmt`` (svg, pdf or png), with its size in inches."""
    low, high = FIGURE_DPI_RANGE
    if not low <= dpi <= high:
        raise UsageError(f"dpi must be from {low} to {high}, not {dpi}", params=("dpi",))
    source = figure_dot(model, numbers=numbers, title=title, dpi=dpi if fmt == "png" else None)
    data = _run_dot(source, fmt)
    width, height = _size(data, fmt, dpi)
    if fmt == "png" and max(width, height) * dpi >= PNG_MOST:
        # Graphviz shrinks a bitmap past its limit to fit, text and all: say so instead
        width, height = _size(_run_dot(figure_dot(model, numbers=numbers, title=title), "svg"))
        if max(width, height) * dpi > PNG_MOST:
            raise UsageError(
                f"at dpi {dpi} the figure would be {width * dpi:,.0f} x {height * dpi:,.0f} "
                f"pixels, more than Graphviz draws ({PNG_MOST:,} a side): use dpi "
                f"{int(PNG_MOST / max(width, height))} or less, or draw part of the review "
                "(theory, focus)",
                params=("dpi", "theory", "focus"),
            )
    if fmt == "png":
        data = _with_resolution(data, dpi)
    return data, width, height


def _run_dot(source: str, fmt: str) -> bytes:
    """``source`` drawn by Graphviz's dot as ``fmt``."""
    try:
        import graphviz
    except ImportError as exc:  # a core dependency: only a broken install lacks it
        raise RenderError(
            "figures need the graphviz package: pip install 'graphviz>=0.20'"
        ) from exc
    try:
        return graphviz.pipe("dot", fmt, source.encode("utf-8"), quiet=True)
    except graphviz.ExecutableNotFound as exc:
        raise RenderError(f"Graphviz's dot program is not on PATH: {INSTALL_GRAPHVIZ}") from exc
    except graphviz.CalledProcessError as exc:
        said = (exc.stderr or b"").decode("utf-8", "replace").strip().splitlines()
        raise RenderError(
            f"Graphviz's dot failed ({said[-1] if said else f'exit status {exc.returncode}'})"
        ) from exc


def _size(data: bytes, fmt: str = "svg", dpi: int = FIGURE_DPI) -> tuple[float, float]:
    """The drawing's width and height in inches, read from what Graphviz wrote."""
    if fmt == "png":
        width, height = struct.unpack(">II", data[16:24])
        return width / dpi, height / dpi
    pattern = rb'<svg width="([\d.]+)pt" height="([\d.]+)pt"' if fmt == "svg" else None
    if pattern is None:  # pdf
        pattern = rb"/MediaBox \[\s*0 0 ([\d.]+) ([\d.]+)\s*\]"
    found = re.search(pattern, data)
    if found is None:
        return 0.0, 0.0
    return float(found.group(1)) / 72, float(found.group(2)) / 72


def _with_resolution(png: bytes, dpi: int) -> bytes:
    r"""The PNG with a ``pHYs`` chunk saying ``dpi`` (unless it has one), after its header.

    >>> png = b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + b"IHDR" + bytes(13 + 4)
    >>> struct.unpack(">I4sIIB", _with_resolution(png, 300)[33:50])  # 300 dpi: 11811 a metre
    (9, b'pHYs', 11811, 11811, 1)
    """
    if b"pHYs" in png[: png.find(b"IDAT")]:
        return png
    per_metre = round(dpi / 0.0254)
    body = b"pHYs" + struct.pack(">IIB", per_metre, per_metre, 1)
    chunk = struct.pack(">I", 9) + body + struct.pack(">I", zlib.crc32(body))
    header_end = 8 + 4 + 4 + 13 + 4  # signature; IHDR's length, type, data and CRC
    return png[:header_end] + chunk + png[header_end:]
