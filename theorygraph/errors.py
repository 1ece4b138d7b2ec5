"""One exception hierarchy for theorygraph.

Every error a user can cause is a :class:`TheoryGraphError`. Its message says what is
wrong and how to fix it; the CLI prints the message on one line (or one line per
problem) and exits with :attr:`TheoryGraphError.exit_code`, never with a traceback.

>>> issubclass(InvalidTheoryError, TheoryGraphError)
True
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

__all__ = [
    "BackendError",
    "ConnectionFailed",
    "InvalidTheoryError",
    "MissingExtraError",
    "Problem",
    "RenderError",
    "SourceError",
    "TheoryGraphError",
    "UnknownIdError",
    "UsageError",
]

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Problem:
    """One thing wrong (or worth a look) in a theory, located as precisely as we can.

    ``path`` is the field path inside the file, such as ``extracts[3].stance``.
    ``allowed`` says what would be accepted, for example the enum values or the
    closest existing ids.
    """

    message: str
    file: str | None = None
    line: int | None = None
    path: str | None = None
    allowed: str | None = None
    severity: Severity = "error"
    code: str = "invalid"
    column: int | None = field(default=None, compare=False)

    def location(self) -> str:
        where = self.file or "<input>"
        if self.line is not None:
            where += f":{self.line}"
        return where

    def __str__(self) -> str:
        text = f"{self.location()}: "
        if self.path:
            text += f"{self.path}: "
        text += self.message
        if self.allowed:
            text += f" ({self.allowed})"
        return text

    def as_dict(self) -> dict[str, object]:
        return {
            "severity": self.severity,
            "code": self.code,
            "file": self.file,
            "line": self.line,
            "path": self.path,
            "message": self.message,
            "allowed": self.allowed,
        }


class TheoryGraphError(Exception):
    """Base of every error theorygraph raises on purpose."""

    #: exit status of the CLI: 1 for bad data or an unreachable store, 2 for bad usage
    exit_code = 1


class UsageError(TheoryGraphError):
    """The call itself is wrong: a missing option, a path that does not exist, ...

    The message names the library's parameters (``max_depth``); ``params`` lists them, so
    that the CLI can say its option names instead (``--max-depth``).
    """

    exit_code = 2

    def __init__(self, message: str, *, params: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.params = params


class SourceError(TheoryGraphError):
    """A theory source cannot be read at all (unknown format, unreadable file)."""


class InvalidTheoryError(TheoryGraphError):
    """A theory has errors; :attr:`problems` lists every one of them (and the warnings)."""

    def __init__(self, problems: list[Problem], source: str | None = None) -> None:
        self.problems = problems
        self.source = source
        errors = [p for p in problems if p.severity == "error"]
        noun = "error" if len(errors) == 1 else "errors"
        head = f"{source}: " if source else ""
        lines = [f"{head}{len(errors)} {noun}"] + [str(p) for p in errors]
        super().__init__("\n".join(lines))

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]


class UnknownIdError(TheoryGraphError):
    """An id asked for does not exist; the message names the closest existing ids."""

    def __init__(
        self, kind: str, wanted: str, suggestions: list[str], *, labels: bool = False
    ) -> None:
        self.kind = kind
        self.wanted = wanted
        self.suggestions = suggestions
        hint = f"; did you mean {', '.join(suggestions)}?" if suggestions else ""
        what = "id or label" if labels else "id"
        super().__init__(f"no {kind} with {what} {wanted!r}{hint}")


class BackendError(TheoryGraphError):
    """A graph store failed in a way the user can act on."""


class ConnectionFailed(BackendError):
    """The graph store cannot be reached or refuses the credentials."""


class RenderError(TheoryGraphError):
    """A figure cannot be drawn: Graphviz is not installed, or it failed."""


class MissingExtraError(TheoryGraphError, ImportError):
    """A feature needs a package of an optional extra that is not installed; the message
    says which extra to install. It is an :class:`ImportError` too.

    >>> print(MissingExtraError("DataFrames", "pandas", "notebook"))
    DataFrames need pandas, which is not installed: pip install 'theorygraph[notebook]'
    """

    def __init__(self, feature: str, package: str, extra: str) -> None:
        self.extra = extra
        super().__init__(
            f"{feature} need {package}, which is not installed: pip install 'theorygraph[{extra}]'",
            name=package,
        )
