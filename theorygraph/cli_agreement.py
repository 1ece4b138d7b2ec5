"""``theorygraph agreement A [B]``: how far two reviewers' codings of the same studies
agree, and the reconciliation sheet a team works through."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from .choices import OUTPUT_FORMATS
from .cli_common import (
    emit,
    format_option,
    handles_errors,
    neo4j_options,
    output_option,
    review_option,
)

if TYPE_CHECKING:
    from .graph import Neo4jOptions

__all__ = ["agreement"]


@click.command()
@click.argument("a", metavar="A")
@click.argument("b", metavar="[B]", required=False)
@click.option(
    "--coders",
    metavar="NAME,NAME",
    help="With one review whose extracts name their coder: the two coders to compare "
    "[default: the two it names].",
)
@click.option(
    "--study",
    "studies",
    multiple=True,
    metavar="ID",
    help="A study both reviewers coded (repeat for each) [default: the studies both "
    "have extracts from].",
)
@format_option(*OUTPUT_FORMATS)
@click.option(
    "--to",
    "to",
    type=click.Choice(["workbook"]),
    help="Write a reconciliation workbook (.xlsx) instead of the report.",
)
@output_option("The reconciliation workbook to write (with --to workbook).")
@review_option
@neo4j_options
@handles_errors
def agreement(
    a: str,
    b: str | None,
    coders: str | None,
    studies: tuple[str, ...],
    fmt: str,
    to: str | None,
    output: str | None,
    review: str | None,
    neo4j: Neo4jOptions,
) -> None:
    """Compare two reviewers' independent coding of the same studies.

    A and B are two theory folders (or files, workbooks, graph files), one per
    reviewer; or give one review whose extracts name their coder. Extracts are
    paired when they come from the same study, bear on the same target (the same
    CMOC, and the same link or both the whole CMOC) and overlap in quote or
    location. Reports percent agreement and Cohen's kappa with its 95% confidence
    interval over the pairs, agreement per target, every disagreement with both
    rationales and the extracts only one reviewer made (which kappa leaves out).
    Kappa needs statsmodels: pip install 'theorygraph[agreement]'. --to workbook
    writes a sheet to reconcile the codings in a meeting; theorygraph import
    reconciliation merges the decisions into one review. See docs/agreement.md.

    \b
    Example:
      theorygraph agreement samples/ics-leadership-coding/reviewer-a samples/ics-leadership-coding/reviewer-b
      theorygraph agreement coded-review/ --coders ss,rh --format markdown
      theorygraph agreement reviewer-a/ reviewer-b/ --to workbook -o reconcile.xlsx
    """  # noqa: E501
    from .agreement import load_codings, match_codings

    if to is None and output:
        raise click.UsageError("-o writes a reconciliation workbook: add --to workbook")
    if to == "workbook" and not output:
        raise click.UsageError("a reconciliation workbook is written to a file: add -o FILE.xlsx")
    names = tuple(n.strip() for n in coders.split(",")) if coders is not None else None
    first, second, left_out = load_codings(a, b, coders=names, review=review, neo4j=neo4j)
    matching = match_codings(first, second, studies=studies or None, left_out=left_out)
    if to == "workbook":
        from .reconcile import write_reconciliation
        from .words import plural

        assert output is not None
        path = write_reconciliation(matching, output)
        click.echo(f"wrote {path} ({plural(len(matching.rows), 'row')} to reconcile)", err=True)
        return
    from .agreement import agreement as measure

    answer = measure(matching)
    if fmt == "markdown":
        from .agreement_present import markdown

        click.echo(markdown(answer))
        return
    emit(answer, fmt)
