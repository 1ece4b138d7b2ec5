"""Options, error handling and progress shared by every command module.

Kept apart from :mod:`theorygraph.cli` so that the command modules can import them
without importing each other. Nothing heavy is imported here.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import click

from .words import plural

__all__ = [
    "F",
    "format_option",
    "handles_errors",
    "neo4j_options",
    "progress_bar",
    "review_option",
    "source_argument",
    "version",
]

F = TypeVar("F", bound=Callable[..., Any])


def version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("theorygraph")
    except PackageNotFoundError:  # running from a source tree that is not installed
        return "0+unknown"


def handles_errors(func: F) -> F:
    """Turn the library's errors into one clear message each and the right exit code."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        interrupted, restore = _watch_ctrl_c()
        try:
            return func(*args, **kwargs)
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            sys.exit(130)
        except Exception:
            # Ctrl-C can land inside the Neo4j driver's socket read, and surface as a lost
            # connection or as the driver's clean-up failing in its own way (seen: a
            # BufferError from the rollback): it was still the user who stopped us, and
            # nothing was committed. Any other error goes on to be reported
            if interrupted():
                click.echo("interrupted", err=True)
                sys.exit(130)
            raise
        finally:
            restore()

    return _reported(wrapper)  # type: ignore[return-value]


def _watch_ctrl_c() -> tuple[Callable[[], bool], Callable[[], None]]:
    """Note a Ctrl-C (and still raise KeyboardInterrupt as Python does)."""
    import signal
    import threading

    pressed: list[bool] = []
    if threading.current_thread() is not threading.main_thread():
        return (lambda: False), (lambda: None)
    previous = signal.getsignal(signal.SIGINT)

    def on_sigint(signum: int, frame: Any) -> None:
        pressed.append(True)
        if callable(previous):
            previous(signum, frame)
        else:
            raise KeyboardInterrupt

    def restore() -> None:
        signal.signal(signal.SIGINT, previous)

    signal.signal(signal.SIGINT, on_sigint)
    return (lambda: bool(pressed)), restore


def _reported(func: F) -> F:
    """Print the library's errors as one line each, with the right exit code."""

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
                f"{exc.source}: invalid, {plural(n, 'error')}; "
                f"run 'theorygraph validate {exc.source}' for warnings too",
                err=True,
            )
            sys.exit(exc.exit_code)
        except TheoryGraphError as exc:
            click.echo(f"error: {as_flags(exc)}", err=True)
            sys.exit(exc.exit_code)

    return wrapper  # type: ignore[return-value]


#: the CLI's option for each library parameter a message may name
FLAGS = {
    "start": "--from",
    "end": "--to",
    "from_theory": "--from",
    "to_theory": "--to",
    "diff": "--diff",
    "through": "--through",
    "max_depth": "--max-depth",
    "min_studies": "--min-studies",
    "depth": "--depth",
    "cmoc": "--cmoc",
    "review": "--review",
    "theory": "--theory",
    "theme": "--theme",
    "focus": "--focus",
    "dpi": "--dpi",
    "coders": "--coders",
    "studies": "--study",
}


def as_flags(exc: Exception) -> str:
    """The error's message, with the library's parameter names put as the CLI's options.

    >>> from theorygraph.errors import UsageError
    >>> as_flags(UsageError("max_depth must be from 1 to 20, not 30", params=("max_depth",)))
    '--max-depth must be from 1 to 20, not 30'
    """
    import re

    text = str(exc)
    for param in getattr(exc, "params", ()):
        flag = FLAGS.get(param)
        if flag:
            text = re.sub(rf"(?<![\w-]){re.escape(param)}(?![\w-])", flag, text)
    return text


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


def output_option(help: str, *, required: bool = False) -> Callable[[F], F]:
    """``-o/--output FILE``: the one file a command writes (never a folder)."""
    return click.option(
        "-o", "--output", required=required, type=click.Path(dir_okay=False), help=help
    )


def review_option(func: F) -> F:
    return click.option(
        "--review",
        metavar="ID",
        help="The review to use (a Neo4j database can hold several).",
    )(func)


def neo4j_options(func: F) -> F:
    """--username, --password, --database and --timeout, on every command that may use
    Neo4j; the command receives them together as ``neo4j`` (a ``Neo4jOptions``)."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from .graph import Neo4jOptions

        kwargs["neo4j"] = Neo4jOptions(
            username=kwargs.pop("username"),
            password=kwargs.pop("password"),
            database=kwargs.pop("database"),
            timeout=kwargs.pop("timeout"),
        )
        return func(*args, **kwargs)

    options = [
        click.option(
            "--timeout",
            metavar="SECONDS",
            type=click.FloatRange(min=0, min_open=True, max=86_400),
            help="Seconds to wait for an answer from Neo4j before giving up "
            "[env NEO4J_TIMEOUT; default 30].",
        ),
        click.option(
            "--database",
            metavar="NAME",
            help="Neo4j database [env NEO4J_DATABASE; default: the server's default].",
        ),
        click.option(
            "--password",
            metavar="PASSWORD",
            help="Neo4j password [env NEO4J_PASSWORD].",
        ),
        click.option(
            "--username",
            metavar="USER",
            help="Neo4j user [env NEO4J_USERNAME; default neo4j].",
        ),
    ]
    decorated: Any = wrapper
    for option in options:
        decorated = option(decorated)
    return decorated  # type: ignore[no-any-return]


def emit(answer: Any, fmt: str) -> None:
    """Print an answer in ``fmt`` (table, json, csv or markdown), as every query does."""
    from .output import render_rows, to_json

    if fmt == "json":
        click.echo(to_json(answer.as_dict()))
        return
    from . import present

    headers, rows, numeric = present.table(answer)
    if answer.empty:
        if fmt == "csv":
            click.echo(render_rows("csv", headers, []))
            click.echo(answer.empty_message, err=True)
        else:
            click.echo(answer.empty_message)
        return
    text = present.text(answer) if fmt == "table" else None
    click.echo(text if text is not None else render_rows(fmt, headers, rows, numeric))
    if fmt in ("table", "markdown") and answer.headline:
        click.echo("")
        click.echo(answer.headline)
    elif fmt == "csv" and getattr(answer, "note", None):
        # CSV holds rows only: that the answer is partial goes to stderr
        click.echo(f"note: {answer.note}", err=True)


def open_source(source: str, review: str | None = None, neo4j: Any = None) -> Any:
    """The one way a command opens SOURCE (a theory file or folder, a graph file or a Neo4j
    URI): the library's facade, imported here so that `theorygraph --help` stays fast."""
    from .graph import TheoryGraph

    return TheoryGraph.open(source, review=review, neo4j=neo4j)


def quiet_driver_logs() -> None:
    """Keep the Neo4j driver's own log lines ("defunct connection", "Transaction failed and
    will be retried", routing notices) off the terminal: every failure reaches the user as
    theorygraph's own one line. The library leaves logging to the application."""
    import logging

    logger = logging.getLogger("neo4j")
    logger.addHandler(logging.NullHandler())
    logger.propagate = False


def progress_bar(stage: str | None = None, *, minimum: int = 10) -> Any:
    """Progress bars on standard error when it is a terminal, one per stage; nothing when
    it is piped (the context then gives None).

    With ``stage``, the context gives ``update(done, total)`` for that one stage; without,
    ``update(stage, done, total)``. Work of fewer than ``minimum`` steps is done before a
    bar would help, so it shows none.
    """
    import contextlib

    if not sys.stderr.isatty():
        return contextlib.nullcontext(None)
    return _Bars(stage, minimum)


class _Bars:
    def __init__(self, stage: str | None, minimum: int) -> None:
        self.fixed = stage
        self.minimum = minimum
        self.bar: Any = None
        self.stage: str | None = None

    def __enter__(self) -> Any:
        if self.fixed is None:
            return self.update
        fixed = self.fixed
        return lambda done, total: self.update(fixed, done, total)

    def update(self, stage: str, done: int, total: int) -> None:
        if total < self.minimum:
            return
        if stage != self.stage:
            self._close()
            self.stage = stage
            self.bar = click.progressbar(length=total, label=stage, file=sys.stderr)
            self.bar.__enter__()
        self.bar.update(max(done - self.bar.pos, 0))

    def _close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None

    def __exit__(self, *exc: object) -> None:
        self._close()


def scope_options(func: F) -> F:
    """--theory, --theme, --focus and --depth: the part of the review a drawing shows."""
    func = click.option("--depth", default=1, show_default=True, help="Links around --focus.")(func)
    func = click.option(
        "--focus",
        metavar="NODE",
        help="Only the neighbourhood of this node (for a CMOC: its configuration and its "
        "hand-offs).",
    )(func)
    return view_options(func)


def view_options(func: F) -> F:
    """--theory and --theme: answer for one programme theory and/or one theme."""
    func = click.option(
        "--theme",
        metavar="THEME",
        help="Only the CMOCs of this theme (a sub-theme as 'Theme / Sub-theme').",
    )(func)
    return click.option(
        "--theory", metavar="ID", help="Only the CMOCs of this programme theory (id or label)."
    )(func)
