"""Where an item of a theory came from (a file and the path inside it, or memory), so that
every problem found with it names the file, the line and the field."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .errors import Problem
from .theoryfile import RawFile

__all__ = ["Origin", "format_path"]


@dataclass
class Origin:
    """Where an object came from: a file and the path inside it (or memory)."""

    raw: RawFile | None
    loc: tuple[str | int, ...]

    def problem(
        self,
        message: str,
        sub: tuple[str | int, ...] = (),
        *,
        allowed: str | None = None,
        severity: str = "error",
        code: str = "invalid",
    ) -> Problem:
        loc = self.loc + sub
        return Problem(
            message,
            file=self.raw.display if self.raw else None,
            line=self.raw.line_of(loc) if self.raw else None,
            path=format_path(loc),
            allowed=allowed,
            severity=severity,  # type: ignore[arg-type]
            code=code,
        )

    def place(self) -> str:
        """Where the item is, for a problem found with another item: its file and line,
        or its path."""
        if self.raw is not None:
            return f"{self.raw.display}:{self.raw.line_of(self.loc)}"
        return format_path(self.loc)


def format_path(loc: Iterable[str | int]) -> str:
    text = ""
    for step in loc:
        if isinstance(step, int):
            text += f"[{step}]"
        else:
            text += ("." if text else "") + str(step)
    return text
