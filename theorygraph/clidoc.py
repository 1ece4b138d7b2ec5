"""The command-line reference (``docs/cli.md``), written from the commands themselves.

Every command's ``--help``, exactly as a terminal 100 columns wide shows it, in command
order, with a table of contents. Run ``python -m theorygraph.clidoc -o docs/cli.md`` after
changing a command; a test fails while the page and the commands disagree.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import click

__all__ = ["render"]

WIDTH = 100

INTRO = """\
# Command-line reference

Every `theorygraph` command and its options, as `theorygraph COMMAND --help` prints them.
This page is generated from the commands (`python -m theorygraph.clidoc -o docs/cli.md`);
a test checks that it is current. Exit codes: 0 success, 1 bad data (invalid theory,
unknown id, unreadable file, Neo4j refused or unreachable), 2 bad usage (an unknown option,
an option value that is not allowed), 130 interrupted.
"""


def _commands(
    command: click.Command, path: list[str], parent: click.Context | None
) -> Iterator[tuple[list[str], click.Context]]:
    # the command's own settings (such as -h for help), as when it runs
    settings = {**command.context_settings, "terminal_width": WIDTH, "max_content_width": WIDTH}
    ctx = click.Context(command, info_name=path[-1], parent=parent, **settings)
    yield path, ctx
    if isinstance(command, click.Group):
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            if sub is not None and not sub.hidden:
                yield from _commands(sub, [*path, name], ctx)


def render() -> str:
    """The whole reference page, as Markdown."""
    from .cli import main

    found = list(_commands(main, ["theorygraph"], None))
    contents = []
    sections = []
    for path, ctx in found:
        title = " ".join(path)
        anchor = "-".join(path)
        depth = "  " * (len(path) - 1)
        short = ctx.command.get_short_help_str(limit=80)
        contents.append(f"{depth}- [`{title}`](#{anchor}): {short}")
        help_text = ctx.command.get_help(ctx).rstrip()
        sections.append(f'<a id="{anchor}"></a>\n\n## `{title}`\n\n```text\n{help_text}\n```\n')
    return INTRO + "\n" + "\n".join(contents) + "\n\n" + "\n".join(sections)


@click.command()
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the page here (default: standard output).",
)
def _main(output: Path | None) -> None:
    """Write the command-line reference."""
    text = render()
    if output is None:
        sys.stdout.write(text)
        return
    from .files import write_text

    write_text(output, text)


if __name__ == "__main__":  # pragma: no cover
    _main()
