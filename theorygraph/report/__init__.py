"""Results reports of a review: HTML, Markdown or DOCX, ready for a paper's results section
and appendix (``theorygraph report``; :meth:`theorygraph.TheoryGraph.report`).

A report holds the review (question, team, stakeholders), its included studies by design,
country, sector and service-user involvement, every CMOC as a sentence with its evidence
(studies cited by number), confidence and an illustrative quote, the evidence per
mechanism, the gaps, the unintended outcomes, how the theory changed between versions, a
theory figure, the reference list formatted by a CSL processor (citeproc-py) and a table
of the RAMESES publication standards each section serves.

How it is made: :mod:`.gather` asks the facade in one consistent read, :mod:`.sections`
turns the answers into blocks (:mod:`.blocks`), :mod:`.citations` numbers and formats the
references, and :mod:`.html`, :mod:`.markdown` and :mod:`.word` write the blocks. This
module imports nothing heavy, so the CLI can name the formats at start-up.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import MissingExtraError, UsageError

if TYPE_CHECKING:
    from ..graph import TheoryGraph
    from .blocks import Figure
    from .gather import ReportData

__all__ = ["REPORTS", "Report", "report_format", "write_report"]

#: the formats a report is written in, by the suffix of its file
REPORTS = {".html": "html", ".htm": "html", ".md": "markdown", ".docx": "docx"}
#: the resolutions the figure of a DOCX report may have, in dots per inch: 300 at the
#: width Word shows it (inches), within these
DOCX_DPI_RANGE = (100, 600)

FIGURE_CAPTION = (
    "The programme theory: contexts on the left, mechanisms in the middle, outcomes on the "
    "right. Each arrow's line and head show its evidence and its width the number of "
    "studies; the numbers on an arrow are the CMOCs that state it, as numbered in this report."
)


@dataclass(frozen=True)
class Report:
    """A report written to disk, and what it holds."""

    path: Path
    format: str
    #: every file written (a Markdown report's figure is a file of its own)
    files: tuple[Path, ...]
    studies: int
    cmocs: int
    #: the citation style's title
    style: str
    #: what the report could not include, and why (such as the figure without Graphviz)
    notes: tuple[str, ...] = field(default_factory=tuple)


def report_format(path: Path) -> str:
    """The format of a report at ``path``, by its suffix; a usage error for any other.

    >>> report_format(Path("results.MD"))
    'markdown'
    """
    fmt = REPORTS.get(path.suffix.lower())
    if fmt is None:
        raise UsageError(
            f"{path}: name a report FILE.html, FILE.md or FILE.docx (its suffix chooses the format)"
        )
    return fmt


def _check_extras(fmt: str) -> None:
    """Fail at once, before any work, when a package the report needs is missing."""
    try:
        import citeproc  # noqa: F401
    except ImportError as exc:
        raise MissingExtraError("Reports", "citeproc-py", "report") from exc
    if fmt == "docx":
        try:
            import docx  # noqa: F401
        except ImportError as exc:
            raise MissingExtraError("Word reports", "python-docx", "report") from exc


def write_report(
    graph: TheoryGraph,
    path: str | Path,
    *,
    theory: str | None = None,
    style: str | None = None,
) -> Report:
    """Write the results report of ``graph`` (or of one of its theories) to ``path``: HTML,
    Markdown (with its figure as NAME-figure.svg beside it) or DOCX, by its suffix; the
    references in citation ``style`` (a name of :data:`.citations.STYLES` or a .csl file).
    Every file is written whole, or none is."""
    from ..files import write_files
    from .blocks import cited_order
    from .citations import Bibliography, style_path
    from .gather import gather
    from .sections import build

    target = Path(path)
    fmt = report_format(target)
    _check_extras(fmt)
    style_path(style)  # an unknown style is bad usage: say so before any work
    data = gather(graph, theory=theory)
    figure = _figure(data, fmt)
    blocks = build(data, figure)
    bib = Bibliography.format(data.studies, cited_order(blocks), style)
    title = data.review.title
    files: dict[Path, str | bytes]
    if fmt == "html":
        from .html import write_html

        files = {target: write_html(blocks, bib, title)}
    elif fmt == "markdown":
        from .markdown import write_markdown

        name = f"{target.stem}-figure.svg"
        files = {target: write_markdown(blocks, bib, name if figure.svg else None)}
        if figure.svg is not None:
            files[target.with_name(name)] = figure.svg
    else:
        from .word import write_docx

        files = {target: write_docx(blocks, bib, title)}
    written = write_files(files)
    notes = (figure.missing,) if figure.missing else ()
    return Report(target, fmt, tuple(written), len(data.studies), len(data.cmocs), bib.title, notes)


def _figure(data: ReportData, fmt: str) -> Figure:
    """The theory figure for a report: SVG, or PNG for DOCX; without Graphviz, a note."""
    from ..errors import RenderError
    from ..render.figure import draw
    from .blocks import Figure
    from .word import FIGURE_WIDTH

    model, numbers = data.figure
    try:
        svg, width, _ = draw(model, "svg", numbers=numbers)
        if fmt != "docx":
            return Figure(FIGURE_CAPTION, svg=svg)
        # as many dots as print needs once Word scales the figure to the page's width
        dpi = max(DOCX_DPI_RANGE[0], min(DOCX_DPI_RANGE[1], round(300 * FIGURE_WIDTH / width)))
        png, _, _ = draw(model, "png", numbers=numbers, dpi=dpi)
    except RenderError as exc:
        return Figure(FIGURE_CAPTION, missing=f"No figure: {exc}")
    return Figure(FIGURE_CAPTION, png=png)
