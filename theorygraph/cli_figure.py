"""``theorygraph figure``: a static theory figure for a paper, drawn with Graphviz."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from .choices import FIGURE_DPI, FIGURE_DPI_RANGE, FIGURES
from .cli_common import (
    handles_errors,
    neo4j_options,
    open_source,
    output_option,
    review_option,
    scope_options,
    source_argument,
)
from .words import plural

if TYPE_CHECKING:
    from .graph import Neo4jOptions

__all__ = ["figure"]


@click.command()
@source_argument
@review_option
@output_option(
    f"The figure to write; its suffix chooses the format ({', '.join(FIGURES)}).", required=True
)
@scope_options
@click.option("--title", help="A title drawn above the figure (default: none; use a caption).")
@click.option(
    "--dpi",
    default=FIGURE_DPI,
    show_default=True,
    help="The resolution of a PNG, in dots per inch ({} to {}).".format(*FIGURE_DPI_RANGE),
)
@neo4j_options
@handles_errors
def figure(
    source: str,
    review: str | None,
    output: str,
    theory: str | None,
    theme: str | None,
    focus: str | None,
    depth: int,
    title: str | None,
    dpi: int,
    neo4j: Neo4jOptions,
) -> None:
    """Draw a static theory figure for a paper: SVG, PDF or PNG, with Graphviz.

    Contexts, mechanisms and outcomes left to right; each arrow's line and head say its
    evidence and its width the number of studies, so the figure reads in greyscale too.
    Each arrow is labelled with the numbers of the CMOCs that state it, and a key says
    what each mark and number means. Needs Graphviz's dot program (apt-get install
    graphviz).

    \b
    Example:
      theorygraph figure samples/ics-leadership -o ics.pdf
      theorygraph figure samples/ics-leadership --theory rpt -o rpt.png --dpi 600
      theorygraph figure samples/ics-leadership --focus m-working-with-power -o power.svg
    """
    from pathlib import Path

    from .render.figure import figure_format

    figure_format(Path(output))  # a name that is no figure is bad usage: say so first
    with open_source(source, review, neo4j) as graph:
        drawn = graph.within(theme=theme).figure(
            output, theory=theory, focus=focus, depth=depth, title=title, dpi=dpi
        )
    apart = f", {drawn.apart} in no CMOC" if drawn.apart else ""
    click.echo(
        f"wrote {drawn.path} ({plural(drawn.nodes, 'node')}, {plural(drawn.arrows, 'arrow')}"
        f"{apart}; {drawn.width:.1f} x {drawn.height:.1f} in at full size)",
        err=True,
    )
