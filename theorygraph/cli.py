"""The ``theorygraph`` command line: parse, make one library call, print.

Nothing heavy is imported at start-up: each command imports the library inside
its body, so ``theorygraph --help`` stays fast.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])

__all__ = ["main"]


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("theorygraph")
    except PackageNotFoundError:  # running from a source tree that is not installed
        return "0+unknown"


def handles_errors(func: F) -> F:
    """Turn the library's errors into one clear message each and the right exit code."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from .errors import InvalidTheoryError, TheoryGraphError

        try:
            return func(*args, **kwargs)
        except InvalidTheoryError as exc:
            for problem in exc.errors:
                click.echo(f"error: {problem}", err=True)
            n = len(exc.errors)
            click.echo(
                f"{exc.source}: invalid, {n} error{'s' if n != 1 else ''}; "
                f"run 'theorygraph validate {exc.source}' for warnings too",
                err=True,
            )
            sys.exit(exc.exit_code)
        except TheoryGraphError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            sys.exit(130)

    return wrapper  # type: ignore[return-value]


def format_option(*choices: str) -> Callable[[F], F]:
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(choices),
        default=choices[0],
        show_default=True,
        help="Output format.",
    )


source_argument = click.argument("source", metavar="SOURCE")


def review_option(func: F) -> F:
    return click.option(
        "--review",
        metavar="ID",
        help="The review to use (a Neo4j database can hold several).",
    )(func)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(_version(), prog_name="theorygraph")
def main() -> None:
    """Programme-theory modelling for realist reviews.

    SOURCE is a theory file or folder (YAML or JSON), or a graph file saved
    with 'theorygraph save'.

    \b
    Example:
      theorygraph stats samples/ics-leadership
    """


@main.command()
@source_argument
@format_option("text", "json")
@click.option("--strict", is_flag=True, help="Treat warnings as errors (exit 1).")
@handles_errors
def validate(source: str, fmt: str, strict: bool) -> None:
    """Check a theory file or folder and report every problem at once.

    Each problem names the file, the line, the field and what is allowed.
    Exit status: 0 valid, 1 invalid, 2 bad usage.

    \b
    Example:
      theorygraph validate samples/ics-leadership
    """
    from .validate import load_theory

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
            f"{source}: {state} ({files} file{'s' if files != 1 else ''}, "
            f"{len(errors)} {noun}, {len(warnings)} {wnoun})"
        )
    if failed:
        sys.exit(1)


@main.command()
@source_argument
@review_option
@format_option("table", "json")
@handles_errors
def stats(source: str, review: str | None, fmt: str) -> None:
    """Counts per node type and the evidence behind each mechanism.

    A mechanism has evidence when at least one extract supports or refines it.

    \b
    Example:
      theorygraph stats samples/ics-leadership --format json
    """
    from .graph import TheoryGraph
    from .output import table, to_json

    with TheoryGraph.open(source, review=review) as graph:
        result = graph.stats()
    if fmt == "json":
        click.echo(to_json(result.as_dict()))
        return
    click.echo(f"review: {result.review}")
    click.echo(table(["node type", "count"], list(result.counts.items()), numeric={1}))
    click.echo("")
    rows = [
        [m.id, m.label, m.extracts, m.studies, m.supports, m.refutes, m.refines]
        for m in result.mechanisms
    ]
    click.echo(
        table(
            ["mechanism", "label", "extracts", "studies", "supports", "refutes", "refines"],
            rows,
            numeric={2, 3, 4, 5, 6},
        )
    )
    click.echo("")
    click.echo(result.headline)


@main.command()
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write to this file.")
@handles_errors
def schema(output: str | None) -> None:
    """Print the JSON Schema of theory files, for editors that validate as you type.

    \b
    Example:
      theorygraph schema -o theorygraph.schema.json
    """
    from pathlib import Path

    from .model import file_schema
    from .output import to_json
    from .theoryfile import atomic_write_text

    text = to_json(file_schema()) + "\n"
    if output:
        atomic_write_text(Path(output), text)
        click.echo(f"wrote {output}", err=True)
    else:
        click.echo(text, nl=False)


@main.command()
@source_argument
@review_option
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False),
    help="A graph file (*.graph.json) or a theory file (*.yaml, *.yml, *.json).",
)
@handles_errors
def save(source: str, review: str | None, output: str) -> None:
    """Save a review to one file: the embedded graph, or a canonical theory file.

    A graph file opens again as SOURCE without re-validating the theory files.

    \b
    Example:
      theorygraph save samples/ics-leadership -o ics.graph.json
    """
    from .graph import TheoryGraph

    with TheoryGraph.open(source, review=review) as graph:
        path = graph.save(output)
    click.echo(f"wrote {path}", err=True)


if __name__ == "__main__":  # pragma: no cover
    main()
