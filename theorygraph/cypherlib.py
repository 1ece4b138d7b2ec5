"""Named Cypher statements, loaded by name from the ``cypher/`` folder.

Each ``cypher/<name>.cypher`` file holds one statement (``schema.cypher`` holds several,
split on ``;``) under a header of ``//`` comments that names its parameters::

    // name: stats_counts
    // Number of nodes per label in one review.
    // params: $review

Values always travel as ``$parameters``. The only text ever substituted into a
statement is a ``{label}`` or ``{rel}`` placeholder, and only with a name from the
schema whitelist (:mod:`theorygraph.schema`).

>>> s = statement("stats_counts")
>>> s.params
('review',)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from importlib.abc import Traversable

from .schema import check_label, check_rel_type

__all__ = ["Statement", "statement"]

_PARAM = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
_PLACEHOLDER = re.compile(r"\{(label|rel)\}")


@dataclass(frozen=True)
class Statement:
    """One named statement: its Cypher, declared parameters and placeholders."""

    name: str
    text: str
    description: str
    params: tuple[str, ...]
    placeholders: tuple[str, ...]

    def render(self, label: str | None = None, rel: str | None = None) -> str:
        """The Cypher text with whitelisted names put in for ``{label}`` / ``{rel}``."""
        wanted = set(self.placeholders)
        given = {k for k, v in (("label", label), ("rel", rel)) if v is not None}
        if wanted != given:
            raise ValueError(f"statement {self.name!r} needs {sorted(wanted)}, got {sorted(given)}")
        text = self.text
        if label is not None:
            text = text.replace("{label}", check_label(label))
        if rel is not None:
            text = text.replace("{rel}", check_rel_type(rel))
        return text

    def parts(self) -> list[str]:
        """The statements of a multi-statement file such as ``schema``."""
        return [p.strip() for p in self.text.split(";") if p.strip()]


def _files() -> Traversable:
    return resources.files("theorygraph.cypher")


@cache
def statement(name: str) -> Statement:
    """Load ``cypher/<name>.cypher``; raises ``KeyError`` for an unknown name."""
    if not re.fullmatch(r"[a-z0-9_]+", name):
        raise KeyError(name)
    path = _files() / f"{name}.cypher"
    if not path.is_file():
        raise KeyError(f"no Cypher statement named {name!r}")
    raw = path.read_text(encoding="utf-8")
    header: list[str] = []
    body: list[str] = []
    for line in raw.splitlines():
        if not body and line.startswith("//"):
            header.append(line[2:].strip())
        else:
            body.append(line)
    declared: tuple[str, ...] = ()
    description = []
    for line in header:
        if line.startswith("params:"):
            declared = tuple(_PARAM.findall(line))
        elif not line.startswith("name:"):
            description.append(line)
    text = "\n".join(body).strip()
    used = tuple(dict.fromkeys(_PARAM.findall(text)))
    undeclared = set(used) - set(declared)
    if undeclared:
        raise ValueError(f"{name}.cypher uses undeclared parameters: {sorted(undeclared)}")
    placeholders = tuple(dict.fromkeys(_PLACEHOLDER.findall(text)))
    return Statement(name, text, " ".join(description), declared, placeholders)
