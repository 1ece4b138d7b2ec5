"""``theorygraph import spreadsheet|references|qdpx|workbook|reconciliation FILE``: bring a
review's own files in.

Each subcommand makes one library call (:func:`theorygraph.importers.run.run_import`)
and prints what it did. Problems go to standard error, one line each, with the file,
the row and the column; nothing is written when any row is bad, unless
``--skip-bad-rows``.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import click

from .cli_common import handles_errors, progress_bar
from .words import KIND as nouns
from .words import plural

F = TypeVar("F", bound=Callable[..., Any])

__all__ = ["import_"]


def reports_import_problems(func: F) -> F:
    """Print every problem of a failed import, then say that nothing was written."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from .importers.result import ImportFailed

        try:
            return func(*args, **kwargs)
        except ImportFailed as exc:
            for problem in exc.errors:
                click.echo(f"error: {problem}", err=True)
            n = len(exc.errors)
            what = exc.hint or plural(n, "error")
            advice = (
                "; fix them, or use --skip-bad-rows to import the other rows" if exc.hint else ""
            )
            click.echo(f"{exc.source}: nothing written ({what}){advice}", err=True)
            sys.exit(exc.exit_code)

    return handles_errors(wrapper)  # type: ignore[return-value]


def target_options(func: F) -> F:
    """Where the theory goes, and what to do with bad rows: shared by every importer."""
    options = [
        click.option(
            "-o",
            "--output",
            type=click.Path(),
            metavar="DIR",
            help="Write a new theory: a folder, or one .yaml/.json file.",
        ),
        click.option(
            "--into",
            type=click.Path(),
            metavar="SOURCE",
            help="Merge into this theory file or folder (rewritten atomically).",
        ),
        click.option("--force", is_flag=True, help="Write into a non-empty -o folder."),
        click.option(
            "--skip-bad-rows",
            is_flag=True,
            help="Import the good rows and write a report of the bad ones.",
        ),
        click.option(
            "--report",
            type=click.Path(dir_okay=False),
            metavar="PATH",
            help="Where --skip-bad-rows writes its report "
            "[default: import-report.md beside the theory].",
        ),
        click.option("--review-id", metavar="ID", help="Id of a new review (-o)."),
        click.option("--title", help="Title of a new review (-o)."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def references_option(func: F) -> F:
    return click.option(
        "--references",
        type=click.Path(dir_okay=False),
        metavar="FILE",
        help="Studies from a RIS, BibTeX (.bib) or CSL JSON (.json) file.",
    )(func)


@click.group(name="import")
def import_() -> None:
    """Import extraction sheets, reference libraries, REFI-QDA projects and workbooks.

    Each importer writes a new theory (-o DIR) or merges into an existing one
    (--into SOURCE) without duplicating what is there; a workbook holds a whole
    review, and --into makes the theory hold exactly that. See docs/import.md.

    \b
    Example:
      theorygraph import spreadsheet extraction.xlsx --references studies.ris -o theory/
    """


@import_.command()
@click.argument("file", metavar="FILE")
@target_options
@references_option
@click.option(
    "--columns",
    multiple=True,
    metavar="FIELD=HEADER,...",
    help="Map fields to headers the defaults do not know, e.g. quote=Excerpt.",
)
@click.option("--sheet", metavar="NAME", help="The sheet of an .xlsx file [default: the first].")
@reports_import_problems
def spreadsheet(file: str, columns: tuple[str, ...], sheet: str | None, **options: Any) -> None:
    """Import an extraction sheet (.xlsx or .csv): one row per extract.

    Columns: extract_id, study, quote, location, cmoc, context, mechanism, outcome,
    link, stance, relevance, rigour, rationale, kind (and title, year, design,
    country, sector for studies when there is no reference file). Headers match
    without case or spacing, and C / Context / Contexts alike.

    \b
    Example:
      theorygraph import spreadsheet extraction.xlsx -o theory/
      theorygraph import spreadsheet extraction.csv --references studies.ris --into theory/
      theorygraph import spreadsheet sheet.xlsx --columns quote=Excerpt,study=Paper -o t/
    """
    from .importers.columns import parse_column_map

    _run("spreadsheet", file, columns=parse_column_map(columns), sheet=sheet, **options)


@import_.command()
@click.argument("file", metavar="FILE")
@target_options
@reports_import_problems
def references(file: str, **options: Any) -> None:
    """Import studies from a RIS, BibTeX or CSL JSON reference file.

    Keywords theorygraph:design=..., country, sector, participants and
    service_user_involvement fill the review's own study fields.

    \b
    Example:
      theorygraph import references studies.ris --into theory/
    """
    _run("references", file, **options)


@import_.command()
@click.argument("file", metavar="FILE")
@target_options
@references_option
@reports_import_problems
def qdpx(file: str, **options: Any) -> None:
    """Import the coded text segments of a REFI-QDA project (.qdpx).

    Codes under the groups Contexts, Mechanisms, Outcomes, CMOCs and Stance (also
    Link, Relevance, Rigour, Kind) make each coded segment an extract whose quote is
    the selected text and whose study is the source document.

    \b
    Example:
      theorygraph import qdpx coded.qdpx --references studies.ris --into theory/
    """
    _run("qdpx", file, **options)


@import_.command()
@click.argument("file", metavar="FILE")
@click.option(
    "-o",
    "--output",
    type=click.Path(),
    metavar="DIR",
    help="Write a new theory: a folder, or one .yaml/.json file.",
)
@click.option(
    "--into",
    type=click.Path(),
    metavar="SOURCE",
    help="Rewrite this theory of the same review to hold what the workbook holds.",
)
@click.option("--force", is_flag=True, help="Write into a non-empty -o folder.")
@reports_import_problems
def workbook(file: str, **options: Any) -> None:
    """Import a whole review from its workbook (.xlsx): a sheet for each part.

    The workbook is what export --to workbook writes, edited or not: one sheet
    each for the review, theories, contexts, mechanisms, outcomes, CMOCs, their
    qualifiers and hand-offs, studies and extracts; the About sheet explains every
    column. --into makes that theory hold exactly the workbook's review: items
    deleted from the workbook are removed, and only the files whose items changed
    are rewritten. See docs/import.md.

    \b
    Example:
      theorygraph export samples/ics-leadership --to workbook -o review.xlsx
      theorygraph import workbook review.xlsx -o my-review/
      theorygraph import workbook review.xlsx --into my-review/
    """
    _run("workbook", file, **options)


@import_.command()
@click.argument("file", metavar="FILE")
@click.option("--a", "a", required=True, metavar="SOURCE", help="Reviewer A's coding, as compared.")
@click.option(
    "--b",
    "b",
    metavar="SOURCE",
    help="Reviewer B's coding (leave out when both codings are one review's coders).",
)
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(),
    metavar="DIR",
    help="Write the agreed review: a new folder, or one .yaml/.json file.",
)
@click.option("--force", is_flag=True, help="Write into a non-empty -o folder.")
@reports_import_problems
def reconciliation(file: str, a: str, b: str | None, output: str, force: bool) -> None:
    """Merge the agreed coding of a filled-in reconciliation sheet into one review.

    FILE is the workbook theorygraph agreement --to workbook wrote, with a decision
    on every row: A, B, both, neither, or edited (with agreed_stance). Nothing is
    written until every row reads and the merged review validates; each bad cell is
    named by sheet, row and column. See docs/agreement.md.

    \b
    Example:
      theorygraph agreement reviewer-a/ reviewer-b/ --to workbook -o reconcile.xlsx
      theorygraph import reconciliation reconcile.xlsx --a reviewer-a/ --b reviewer-b/ -o agreed/
    """
    from pathlib import Path

    from .importers.write import write_new
    from .reconcile import check_target, merge_reconciliation

    check_target(Path(output), a, b)
    merged = merge_reconciliation(file, a, b)
    target = write_new(merged.document, Path(output), force=force)
    kept = ", ".join(f"{n:,} {d}" for d, n in merged.decisions.items() if n)
    renamed = f"; {plural(len(merged.renamed), 'extract')} of B renamed" if merged.renamed else ""
    click.echo(
        f"merged {plural(merged.extracts, 'extract')} from {file} ({kept}){renamed}; "
        f"wrote {output} ({plural(len(target), 'file')})",
        err=True,
    )


def _run(kind: str, file: str, **options: Any) -> None:
    from .importers.run import run_import

    with progress_bar(minimum=1000) as progress:  # a small file is read before a bar helps
        outcome = run_import(kind, file, progress=progress, **options)  # type: ignore[arg-type]
    result = outcome.result
    for problem in result.warnings:
        click.echo(f"warning: {problem}", err=True)
    for row in result.skipped:
        for problem in row.problems:
            if problem.severity == "error":
                click.echo(f"skipped: {problem}", err=True)
    parts = [plural(n, nouns[name]) for name, n in result.counts().items() if n]
    what = ", ".join(parts) if parts else "nothing new"
    verb = "wrote"
    if options.get("into"):
        verb = "updated" if kind == "workbook" else "merged into"
    unit = _READ_UNITS[kind]
    read = f" ({plural(result.rows, unit)} read)"
    click.echo(
        f"imported {what} from {file}{read}; {verb} {outcome.target}"
        + ("" if outcome.written or not options.get("into") else " (unchanged)"),
        err=True,
    )
    if outcome.report is not None:
        n = len(result.skipped)
        click.echo(f"skipped {plural(n, 'bad row')}; report: {outcome.report}", err=True)


#: what one unit of each kind of file is, for "(1,000 rows read)"
_READ_UNITS = {
    "spreadsheet": "row",
    "qdpx": "coded segment",
    "references": "reference",
    "workbook": "row",
}
