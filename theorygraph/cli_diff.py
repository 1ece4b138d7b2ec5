"""``theorygraph diff``: how the programme theory changed, and which evidence changed it.

One SOURCE with ``--from`` and ``--to`` compares two theory versions of one review; two
sources (OLD NEW) compare two reviews, such as two commits of one. The command opens the
sources, makes one facade call and prints the answer like every query.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from .choices import OUTPUT_FORMATS
from .cli_common import (
    emit,
    format_option,
    handles_errors,
    neo4j_options,
    open_source,
    review_option,
)

if TYPE_CHECKING:
    from .graph import Neo4jOptions

__all__ = ["diff"]


@click.command()
@click.argument("source", metavar="SOURCE")
@click.argument("new", metavar="[NEW]", required=False)
@click.option(
    "--from",
    "from_theory",
    metavar="THEORY",
    help="The earlier theory version (id or label); with NEW, a theory of SOURCE.",
)
@click.option(
    "--to",
    "to_theory",
    metavar="THEORY",
    help="The later theory version (id or label); with NEW, a theory of NEW.",
)
@review_option
@format_option(*OUTPUT_FORMATS)
@neo4j_options
@handles_errors
def diff(
    source: str,
    new: str | None,
    from_theory: str | None,
    to_theory: str | None,
    review: str | None,
    fmt: str,
    neo4j: Neo4jOptions,
) -> None:
    """How the programme theory changed, and which evidence changed it.

    With one SOURCE, compare two of its theory versions (--from and --to): the CMOCs
    the later one added, dropped and changed (and how: contexts, mechanisms,
    outcomes, qualifiers, hand-offs), with the extracts that drove each change
    (refuting evidence behind a dropped CMOC, refining evidence behind a changed one,
    supporting evidence behind an added one) and the reviewers' change_reason. A
    CMOC of the later version that 'refines' one of the earlier takes its place: the
    two are one changed CMOC.

    With two sources OLD NEW (files, folders, workbooks, graph files or Neo4j URIs,
    for example two commits of one review), compare them by id: nodes with a new
    label are renamed, CMOCs with new parts changed. --from and --to then narrow
    OLD and NEW to one theory each.

    \b
    Example:
      theorygraph diff samples/ics-leadership --from ipt --to rpt
      theorygraph diff old-review/ samples/ics-leadership --format markdown
    """
    if new is None:
        if from_theory is None or to_theory is None:
            raise click.UsageError(
                "say which two theory versions of SOURCE to compare with --from and --to "
                "(theorygraph diff SOURCE --from ipt --to rpt), or compare two reviews: "
                "theorygraph diff OLD NEW"
            )
        with open_source(source, review, neo4j) as graph:
            answer = graph.diff(from_theory=from_theory, to_theory=to_theory)
    else:
        with open_source(source, review, neo4j) as old, open_source(new, review, neo4j) as later:
            answer = old.diff(later, from_theory=from_theory, to_theory=to_theory)
    emit(answer, fmt)
