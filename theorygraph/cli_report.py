"""``theorygraph report``: a results write-up of the review for a paper (HTML, Markdown, DOCX)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from .cli_common import (
    handles_errors,
    neo4j_options,
    open_source,
    output_option,
    review_option,
    source_argument,
)
from .report.citations import DEFAULT_STYLE, STYLES
from .words import plural

if TYPE_CHECKING:
    from .graph import Neo4jOptions

__all__ = ["report"]


@click.command()
@source_argument
@review_option
@output_option(
    "The report to write; its suffix chooses the format (.html, .md or .docx).", required=True
)
@click.option(
    "--theory", metavar="ID", help="Report the CMOCs of this programme theory only (id or label)."
)
@click.option(
    "--style",
    metavar="STYLE",
    default=DEFAULT_STYLE,
    show_default=True,
    help=f"The citation style of the references: {', '.join(STYLES)}, or a CSL file (.csl).",
)
@neo4j_options
@handles_errors
def report(
    source: str,
    review: str | None,
    output: str,
    theory: str | None,
    style: str,
    neo4j: Neo4jOptions,
) -> None:
    """Write the review's results as a report for a paper: HTML, Markdown or DOCX.

    The report gives the review (question, team, stakeholders); the included studies by
    design, country, sector and service-user involvement; every CMOC as a sentence with
    its supporting, refining and refuting studies as numbered references, its confidence
    (where theorygraph has the confidence query) and an illustrative quote; the evidence
    per mechanism; the gaps; the unintended outcomes; how the theory changed between
    versions; a theory figure (needs Graphviz); the reference list, formatted by
    citeproc-py in the chosen citation style; and a table of the RAMESES publication
    standards each section serves. HTML is one file that opens offline; Markdown writes
    its figure beside it (NAME-figure.svg). Needs the report extra:
    pip install 'theorygraph[report]'.

    \b
    Example:
      theorygraph report samples/ics-leadership -o report.html
      theorygraph report samples/ics-leadership --theory rpt -o rpt.docx --style apa
      theorygraph report samples/ics-leadership -o results.md --style my-journal.csl
    """
    from pathlib import Path

    from .report import report_format

    report_format(Path(output))  # a name that is no report is bad usage: say so first
    with open_source(source, review, neo4j) as graph:
        written = graph.report(output, theory=theory, style=style)
    for note in written.notes:
        click.echo(f"warning: {note}", err=True)
    also = "".join(f", {p}" for p in written.files[1:])
    click.echo(
        f"wrote {written.path}{also} ({plural(written.cmocs, 'CMOC')}, "
        f"{plural(written.studies, 'study')}; references in {written.style})",
        err=True,
    )
