"""``theorygraph query NAME SOURCE ...``: the query catalogue on the command line.

Each subcommand opens the source, makes one facade call and prints the answer in
the chosen format. An empty answer is said in words, not shown as an empty table.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

from .choices import COVERAGE_FIELDS, GAP_KINDS, OUTPUT_FORMATS
from .cli_common import (
    emit,
    handles_errors,
    neo4j_options,
    open_source,
    review_option,
    view_options,
)

F = TypeVar("F", bound=Callable[..., Any])

__all__ = ["query"]


def query_options(func: F) -> F:
    """SOURCE, --review, --theory, --theme, --format and the Neo4j options, shared by
    every query."""
    func = neo4j_options(func)
    func = view_options(func)
    func = click.option(
        "--format",
        "fmt",
        type=click.Choice(OUTPUT_FORMATS),
        default="table",
        show_default=True,
        help="Output format.",
    )(func)
    func = review_option(func)
    return click.argument("source", metavar="SOURCE")(func)


def run(kwargs: dict[str, Any], ask: Callable[[Any], Any]) -> None:
    """Open the source, ask the question, print the answer."""
    fmt = kwargs.pop("fmt")
    options = kwargs.pop("neo4j")
    theory, theme = kwargs.pop("theory"), kwargs.pop("theme")
    with open_source(kwargs.pop("source"), kwargs.pop("review"), options) as g:
        answer = ask(g.within(theory=theory, theme=theme))
    emit(answer, fmt)


@click.group()
def query() -> None:
    """Ask the theory a question: chains, evidence, gaps and more.

    Every query reads the same from a theory file, a graph file or Neo4j, and prints
    a table (or JSON, CSV, Markdown with --format).

    \b
    Example:
      theorygraph query gaps samples/ics-leadership --kind mechanism
    """


@query.command()
@query_options
@click.option("--from", "start", metavar="NODE", help="Chains that start at this node.")
@click.option("--to", "end", metavar="NODE", help="Chains that end at this node.")
@click.option("--through", metavar="NODE", help="Chains that pass through this node.")
@click.option("--max-depth", default=4, show_default=True, help="Most CMOCs in one chain.")
@handles_errors
def chains(**kwargs: Any) -> None:
    """Context -> mechanism -> outcome chains, following linked CMOCs.

    Each link shows its extracts by stance and its number of distinct studies; each
    chain says whether one study evidences every link (A->B from one study and B->C
    from another is not evidence for the chain).

    \b
    Example:
      theorygraph query chains samples/ics-leadership --through m-creating-conditions
    """
    options = {k: kwargs.pop(k) for k in ("start", "end", "through", "max_depth")}
    run(kwargs, lambda g: g.chains(**options))


@query.command()
@query_options
@click.argument("target", metavar="TARGET")
@click.option("--cmoc", metavar="ID", help="Only evidence through this CMOC.")
@handles_errors
def evidence(target: str, cmoc: str | None, **kwargs: Any) -> None:
    """Every extract bearing on a node, a CMOC or a link (FROM->TO), by stance.

    \b
    Example:
      theorygraph query evidence samples/ics-leadership m-working-with-power
      theorygraph query evidence samples/ics-leadership "c-no-legal-mandate->m-inspiring-intent"
    """
    run(kwargs, lambda g: g.evidence(target, cmoc=cmoc))


@query.command()
@query_options
@click.option(
    "--kind",
    "kinds",
    multiple=True,
    type=click.Choice(list(GAP_KINDS)),
    help="What to check (repeat for several; default: all).",
)
@click.option(
    "--min-studies",
    default=2,
    show_default=True,
    help="Fewer distinct studies than this is a gap.",
)
@handles_errors
def gaps(kinds: tuple[str, ...], min_studies: int, **kwargs: Any) -> None:
    """What has no evidence, only refuting evidence, or too few studies.

    \b
    Example:
      theorygraph query gaps samples/ics-leadership --kind mechanism
    """
    run(kwargs, lambda g: g.gaps(kinds=list(kinds) or None, min_studies=min_studies))


@query.command()
@query_options
@handles_errors
def contested(**kwargs: Any) -> None:
    """Links and CMOCs with both supporting and refuting evidence.

    \b
    Example:
      theorygraph query contested samples/ics-leadership
    """
    run(kwargs, lambda g: g.contested())


@query.command()
@query_options
@click.option("--max-depth", default=4, show_default=True, help="Most CMOCs in one chain.")
@handles_errors
def unintended(max_depth: int, **kwargs: Any) -> None:
    """Unintended outcomes and the chains that lead to them.

    \b
    Example:
      theorygraph query unintended samples/ics-leadership
    """
    run(kwargs, lambda g: g.unintended(max_depth=max_depth))


@query.command()
@query_options
@click.argument("study_id", metavar="STUDY")
@handles_errors
def study(study_id: str, **kwargs: Any) -> None:
    """What one study supports, refutes or refines, link by link.

    \b
    Example:
      theorygraph query study samples/ics-leadership study-03
    """
    run(kwargs, lambda g: g.study(study_id))


@query.command()
@query_options
@handles_errors
def directions(**kwargs: Any) -> None:
    """How CMOCs qualify each node (increased, absent, not activated, ...).

    Names the contexts, mechanisms and outcomes that appear with opposite directions
    in different configurations.

    \b
    Example:
      theorygraph query directions samples/portfolio-srl
    """
    run(kwargs, lambda g: g.directions())


@query.command()
@query_options
@click.option(
    "--by",
    default="design",
    show_default=True,
    metavar="FIELD",
    help=f"The study field to spread the evidence over: {', '.join(COVERAGE_FIELDS)}, tags, "
    "or one of the review's own study attributes.",
)
@handles_errors
def coverage(by: str, **kwargs: Any) -> None:
    """How each mechanism's evidence spreads over designs, sectors, countries, ...

    Cells count distinct studies.

    \b
    Example:
      theorygraph query coverage samples/ics-leadership --by service_user_involvement
    """
    run(kwargs, lambda g: g.coverage(by=by))


@query.command()
@query_options
@click.argument("source_node", metavar="FROM")
@click.argument("target_node", metavar="TO")
@click.option("--max-depth", default=6, show_default=True, help="Most links in one path.")
@click.option("--undirected", is_flag=True, help="Follow links against their direction too.")
@click.option(
    "--across-cmocs",
    is_flag=True,
    help="Join the links of any CMOCs at shared nodes (node-level paths, which may state "
    "chains no CMOC states).",
)
@handles_errors
def paths(
    source_node: str,
    target_node: str,
    max_depth: int,
    undirected: bool,
    across_cmocs: bool,
    **kwargs: Any,
) -> None:
    """How two nodes connect: every path between them along what the CMOCs state.

    A path steps along the links of one CMOC, and from one CMOC to the next only through
    a hand-off (leads_to); it never joins two configurations at a node they share.

    \b
    Example:
      theorygraph query paths samples/ics-leadership c-pre-existing-networks o-less-diversity
    """
    run(
        kwargs,
        lambda g: g.paths(
            source_node,
            target_node,
            max_depth=max_depth,
            undirected=undirected,
            across_cmocs=across_cmocs,
        ),
    )


@query.command()
@query_options
@click.option("--cmoc", metavar="ID", help="Only this CMOC (and its links).")
@handles_errors
def confidence(cmoc: str | None, **kwargs: Any) -> None:
    """How much confidence each CMOC and each link deserve, and why.

    In the spirit of GRADE-CERQual: four components (methodological limitations from
    rigour, coherence from refuting and refining evidence, adequacy from the studies and
    how rich their data are, relevance) and an overall level (high, moderate, low, very
    low), each with a sentence saying why; a level or component the reviewers set in the
    theory file (a CMOC's confidence) is shown beside the computed one. The rule:
    docs/confidence.md.

    \b
    Example:
      theorygraph query confidence samples/ics-leadership --cmoc cmoc-10
    """
    run(kwargs, lambda g: g.confidence(cmoc=cmoc))


@query.command()
@query_options
@click.argument("node", metavar="NODE")
@click.option("--depth", default=1, show_default=True, help="How many links away to go.")
@handles_errors
def neighbourhood(node: str, depth: int, **kwargs: Any) -> None:
    """The sub-theory around a node, to a depth.

    \b
    Example:
      theorygraph query neighbourhood samples/ics-leadership m-inspiring-intent --depth 1
    """
    run(kwargs, lambda g: g.neighbourhood(node, depth=depth))
