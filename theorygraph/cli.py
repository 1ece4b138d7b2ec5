"""The ``theorygraph`` command line: parse, make one library call, print.

Nothing heavy is imported at start-up: each command imports the library inside
its body, so ``theorygraph --help`` stays fast.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import click

__all__ = ["main"]

from .choices import EXPORTS, LAYOUTS, OUTPUT_FORMATS
from .cli_common import (
    emit,
    format_option,
    handles_errors,
    neo4j_options,
    open_source,
    output_option,
    progress_bar,
    quiet_driver_logs,
    review_option,
    scope_options,
    source_argument,
    version,
    view_options,
)
from .words import plural

if TYPE_CHECKING:
    from .graph import Neo4jOptions


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(version(), prog_name="theorygraph")
def main() -> None:
    """Programme-theory modelling for realist reviews.

    SOURCE is a theory file or folder (YAML or JSON), a review's workbook
    (.xlsx, from 'theorygraph export --to workbook' or 'theorygraph init
    --workbook'), a graph file saved with 'theorygraph save', or a Neo4j URI
    (bolt://... or neo4j://...) with --review.

    \b
    Example:
      theorygraph stats samples/ics-leadership
    """
    quiet_driver_logs()


@main.command()
@source_argument
@format_option("text", "json")
@click.option("--strict", is_flag=True, help="Treat warnings as errors (exit 1).")
@handles_errors
def validate(source: str, fmt: str, strict: bool) -> None:
    """Check a theory file or folder (or a review's workbook) and report every problem.

    Each problem names the file, the line, the field and what is allowed.
    Exit status: 0 valid, 1 invalid, 2 bad usage.

    \b
    Example:
      theorygraph validate samples/ics-leadership
    """
    from .theoryfile import is_workbook
    from .validate import load_theory

    if is_workbook(source):
        from .importers.workbook_read import load_workbook

        loaded = load_workbook(source)
    else:
        loaded = load_theory(source)
    errors, warnings = loaded.errors, loaded.warnings
    failed = bool(errors) or (strict and bool(warnings))
    if fmt == "json":
        from .output import to_json

        click.echo(
            to_json(
                {
                    "source": source,
                    "valid": not failed,
                    "errors": len(errors),
                    "warnings": len(warnings),
                    "problems": [p.as_dict() for p in loaded.problems],
                }
            )
        )
    else:
        for problem in loaded.problems:
            click.echo(f"{problem.severity}: {problem}")
        noun = "error" if len(errors) == 1 else "errors"
        wnoun = "warning" if len(warnings) == 1 else "warnings"
        state = "invalid" if failed else "valid"
        files = len(loaded.files)
        click.echo(
            f"{source}: {state} ({plural(files, 'file')}, "
            f"{len(errors)} {noun}, {len(warnings)} {wnoun})"
        )
    if failed:
        sys.exit(1)


@main.command()
@source_argument
@review_option
@view_options
@format_option(*OUTPUT_FORMATS)
@neo4j_options
@handles_errors
def stats(
    source: str,
    review: str | None,
    theory: str | None,
    theme: str | None,
    fmt: str,
    neo4j: Neo4jOptions,
) -> None:
    """Counts per node type and the evidence behind each mechanism.

    A mechanism has evidence when at least one extract supports or refines it.

    \b
    Example:
      theorygraph stats samples/ics-leadership --format json
      theorygraph stats bolt://127.0.0.1:7687 --review ics-leadership
    """
    with open_source(source, review, neo4j) as graph:
        emit(graph.within(theory=theory, theme=theme).stats(), fmt)


@main.command()
@output_option("Write to this file.")
@handles_errors
def schema(output: str | None) -> None:
    """Print the JSON Schema of theory files, for editors that validate as you type.

    \b
    Example:
      theorygraph schema -o theorygraph.schema.json
    """
    from pathlib import Path

    from .files import write_text
    from .model import file_schema
    from .output import to_json

    text = to_json(file_schema()) + "\n"
    if output:
        write_text(Path(output), text)
        click.echo(f"wrote {output}", err=True)
    else:
        click.echo(text, nl=False)


@main.command()
@source_argument
@review_option
@output_option(
    "A graph file (*.graph.json) or a theory file (*.yaml, *.yml, *.json).", required=True
)
@handles_errors
def save(source: str, review: str | None, output: str) -> None:
    """Save a review to one file: the embedded graph, or a canonical theory file.

    A graph file opens again as SOURCE without re-validating the theory files.

    \b
    Example:
      theorygraph save samples/ics-leadership -o ics.graph.json
    """
    with open_source(source, review) as graph:
        path = graph.save(output)
    click.echo(f"wrote {path}", err=True)


@main.command()
@source_argument
@click.argument("uri", metavar="URI")
@click.option("--replace", is_flag=True, help="Replace the review if it is already there.")
@neo4j_options
@handles_errors
def push(
    source: str,
    uri: str,
    replace: bool,
    neo4j: Neo4jOptions,
) -> None:
    """Load a validated theory into Neo4j, in one atomic transaction.

    Pushing the same theory twice changes nothing. If the review is already in the
    database with other content, --replace swaps it in one step; without it nothing
    is changed. Credentials come from the options or NEO4J_USERNAME / NEO4J_PASSWORD.

    \b
    Example:
      theorygraph push samples/ics-leadership bolt://127.0.0.1:7687
    """
    from .uris import check_neo4j_uri

    check_neo4j_uri(uri)  # bad usage, before anything is read or connected
    with open_source(source) as graph, progress_bar("pushing") as progress:
        result = graph.push(uri, replace=replace, neo4j=neo4j, progress=progress)
    verb = {"created": "pushed", "replaced": "replaced", "unchanged": "unchanged:"}[result.status]
    click.echo(
        f"{verb} review {result.review!r} ({result.nodes} nodes, "
        f"{result.relationships} relationships) in {result.seconds:.1f} s"
    )


@main.command()
@click.argument("uri", metavar="URI")
@review_option
@output_option("The theory file to write (*.yaml, *.yml or *.json).", required=True)
@neo4j_options
@handles_errors
def pull(
    uri: str,
    review: str | None,
    output: str,
    neo4j: Neo4jOptions,
) -> None:
    """Write a review held in Neo4j back as a theory file.

    A theory pushed and pulled again gives the same canonical file.

    \b
    Example:
      theorygraph pull bolt://127.0.0.1:7687 --review ics-leadership -o ics.yaml
    """
    from pathlib import Path

    from .theoryfile import format_for
    from .uris import check_neo4j_uri

    check_neo4j_uri(uri)  # bad usage, before anything is read or connected
    format_for(Path(output))  # refuse an unknown suffix before connecting
    with open_source(uri, review, neo4j) as g:
        path = g.save(output)
        name = g.review().id
    click.echo(f"wrote review {name!r} to {path}", err=True)


@main.command(name="map")
@source_argument
@review_option
@output_option("The HTML file to write (one file, nothing else).", required=True)
@scope_options
@click.option("--title", help="The map's title (default: the review's title).")
@click.option(
    "--layout",
    type=click.Choice(LAYOUTS),
    default="layered",
    show_default=True,
    help="layered: contexts, mechanisms, outcomes left to right; force: force-directed.",
)
@click.option(
    "--diff",
    metavar="FROM..TO",
    callback=lambda ctx, param, value: _versions(value),
    help="Draw two theory versions together, each part marked added, dropped, changed or "
    "the same, with the evidence behind the change (e.g. ipt..rpt).",
)
@neo4j_options
@handles_errors
def map_command(
    source: str,
    review: str | None,
    output: str,
    theory: str | None,
    theme: str | None,
    focus: str | None,
    depth: int,
    title: str | None,
    layout: str,
    diff: tuple[str, str] | None,
    neo4j: Neo4jOptions,
) -> None:
    """Write an interactive HTML theory map that opens offline, in one file.

    The map opens readable at the window's size. Click a node, an arrow, a CMOC
    or a study to read its evidence; search names, quotes and studies; filter by
    theory version, node type, evidence and the studies' design, sector and
    attributes (the arrows recompute). The address keeps the selection
    (map.html#cmoc=ID). A large review opens on an overview.

    \b
    Example:
      theorygraph map samples/ics-leadership -o ics-map.html
      theorygraph map samples/ics-leadership --focus m-inspiring-intent --depth 2 -o m.html
      theorygraph map samples/ics-leadership --diff ipt..rpt -o change.html
    """
    from pathlib import Path

    if not output.lower().endswith((".html", ".htm")):
        raise click.UsageError(f"{output!r}: a map is an HTML file; name it *.html")
    if not Path(output).parent.is_dir() and str(Path(output).parent):
        raise click.UsageError(f"{output!r}: folder {Path(output).parent} does not exist")
    with open_source(source, review, neo4j) as graph:
        view = graph.within(theme=theme)
        result = view.map(
            theory=theory, focus=focus, depth=depth, title=title, layout=layout, diff=diff
        )
    path = result.save(output)
    apart = f"; {result.apart} in no CMOC, drawn marked" if result.apart else ""
    click.echo(f"wrote {path} ({result.nodes} nodes, {result.edges} arrows{apart})", err=True)


def _versions(value: str | None) -> tuple[str, str] | None:
    """``FROM..TO`` as the two theory versions it names."""
    if value is None:
        return None
    earlier, dots, later = value.partition("..")
    if not dots or not earlier.strip() or not later.strip():
        raise click.BadParameter(
            f"{value!r}: name two theory versions as FROM..TO, e.g. ipt..rpt", param_hint="--diff"
        )
    return earlier.strip(), later.strip()


@main.command()
@source_argument
@review_option
@click.option(
    "--to",
    "fmt",
    required=True,
    type=click.Choice(list(EXPORTS)),
    help="The format to write.",
)
@output_option("The file to write (default: standard output).")
@scope_options
@neo4j_options
@handles_errors
def export(
    source: str,
    review: str | None,
    fmt: str,
    output: str | None,
    theory: str | None,
    theme: str | None,
    focus: str | None,
    depth: int,
    neo4j: Neo4jOptions,
) -> None:
    """Export the theory map for Gephi, Cytoscape, papers and slides.

    GraphML and GEXF open in Gephi and networkx; Cytoscape JSON in Cytoscape;
    Mermaid and DOT (Graphviz) draw the theory left to right. Every format carries
    node types, stances and study counts. --to spreadsheet writes the extraction
    sheet back (xlsx or csv), one row per extract; --to workbook writes the whole
    review to one xlsx workbook, a sheet per part, that theorygraph import
    workbook reads back.

    \b
    Example:
      theorygraph export samples/ics-leadership --to graphml -o ics.graphml
      theorygraph export samples/ics-leadership --to mermaid --theory rpt
      theorygraph export samples/ics-leadership --to spreadsheet -o extraction.xlsx
      theorygraph export samples/ics-leadership --to workbook -o review.xlsx
    """
    if fmt == "spreadsheet" and not output:
        raise click.UsageError(
            "a spreadsheet is written to a file: add -o FILE.xlsx or -o FILE.csv"
        )
    if fmt == "workbook" and not output:
        raise click.UsageError("a workbook is written to a file: add -o FILE.xlsx")
    with open_source(source, review, neo4j) as graph:
        if output:
            path = graph.within(theme=theme).write_export(
                fmt, output, theory=theory, focus=focus, depth=depth
            )
            click.echo(f"wrote {path}", err=True)
            return
        text = graph.within(theme=theme).export(fmt, theory=theory, focus=focus, depth=depth)
    click.echo(text, nl=False)


@main.command()
@click.option("--studies", type=click.IntRange(1), required=True, help="Number of studies.")
@click.option("--mechanisms", type=click.IntRange(1), default=10, show_default=True)
@click.option(
    "--extracts-per-study",
    type=click.FloatRange(0.1),
    default=4.0,
    show_default=True,
    help="Mean extracts per study (heavy-tailed around it).",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Same seed, same files.")
@click.option("--review-id", metavar="ID", help="The review id (default: generated-...).")
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(file_okay=False),
    help="The folder to write the theory files to.",
)
@handles_errors
def generate(
    studies: int,
    mechanisms: int,
    extracts_per_study: float,
    seed: int,
    review_id: str | None,
    output: str,
) -> None:
    """Generate a realistic synthetic review, for tests and benchmarks.

    Heavy-tailed extracts per study, chained CMOCs, contested links, mechanisms
    without evidence and several theory versions; the same seed gives the same files,
    which pass 'theorygraph validate'.

    \b
    Example:
      theorygraph generate --studies 500 --mechanisms 20 --seed 1 -o big-review/
    """
    from pathlib import Path

    from .errors import UsageError
    from .generate import generate as make
    from .generate import write_generated

    folder = Path(output)
    if folder.exists() and any(folder.iterdir()):
        raise UsageError(f"{output}: folder is not empty; choose a new one")
    document = make(
        studies=studies,
        mechanisms=mechanisms,
        extracts_per_study=extracts_per_study,
        seed=seed,
        review_id=review_id,
    )
    write_generated(document, folder)
    click.echo(
        f"wrote {output}: {len(document.studies)} studies, {len(document.extracts)} extracts, "
        f"{len(document.cmocs)} CMOCs",
        err=True,
    )


def _register() -> None:
    from .cli_agreement import agreement
    from .cli_diff import diff
    from .cli_figure import figure
    from .cli_import import import_
    from .cli_init import init
    from .cli_queries import query
    from .cli_report import report

    main.add_command(query)
    main.add_command(diff)
    main.add_command(import_)
    main.add_command(figure)
    main.add_command(report)
    main.add_command(agreement)
    main.add_command(init)


_register()


if __name__ == "__main__":  # pragma: no cover
    main()
