"""``theorygraph init``: start a new review in one command."""

from __future__ import annotations

from pathlib import Path

import click

from .cli_common import handles_errors

__all__ = ["init"]


@click.command()
@click.argument("path", type=click.Path(file_okay=True, dir_okay=True))
@click.option("--id", "review_id", metavar="ID", help="The review's id (default: from PATH).")
@click.option("--title", help="The review's title (default: a placeholder to edit).")
@click.option(
    "--workbook",
    is_flag=True,
    help="Write one Excel workbook (PATH.xlsx) with a sheet per part of the review, an "
    "explanation sheet and drop-down lists, instead of a folder of theory files.",
)
@handles_errors
def init(path: str, review_id: str | None, title: str | None, workbook: bool) -> None:
    """Start a new review: a folder of commented theory files that validates at once.

    Each file explains its section and holds a commented example to copy. With
    --workbook, an empty workbook instead, to fill in Excel or LibreOffice.

    \b
    Example:
      theorygraph init my-review --title "Leading integrated care"
      theorygraph init my-review.xlsx --workbook
    """
    from .init import new_review, new_workbook, next_steps

    target = Path(path)
    if workbook:
        target = target if target.suffix == ".xlsx" else target.with_name(target.name + ".xlsx")
        new_workbook(target, review_id=review_id, title=title)
        click.echo(f"wrote {target}: a new review, with no parts yet", err=True)
    else:
        written = new_review(target, review_id=review_id, title=title)
        names = ", ".join(p.name for p in written)
        click.echo(f"wrote {target}/: {names}", err=True)
    click.echo("next:", err=True)
    for line in next_steps(str(target), workbook=workbook):
        click.echo(f"  {line}", err=True)
