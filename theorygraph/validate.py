"""Loading and validating theories: every problem at once, each with file, line and field.

:func:`load_theory` reads a theory file or folder, checks types, enums, ids and every
reference, and returns a :class:`Loaded` holding the document and all problems
(errors and warnings). :func:`read_theory` does the same but raises
:class:`~theorygraph.errors.InvalidTheoryError` when there is any error.
:func:`check_document` runs the same cross-reference checks on a document built
in memory (by an importer, or pulled from Neo4j).

This module assembles a review from its files (the checks of the files themselves: format
version, sections, one review); each item's fields are checked by
:mod:`theorygraph.fieldcheck` and the rules between items live in :mod:`theorygraph.rules`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from .errors import InvalidTheoryError, Problem
from .fieldcheck import validated
from .model import FORMAT_VERSION, NODE_SECTIONS, ReviewInfo, TheoryDocument
from .origin import Origin
from .rules import Items, check, hidden_characters
from .theoryfile import find_theory_files, read_raw
from .words import allowed_names, describe

__all__ = ["Loaded", "check_document", "check_items", "load_theory", "read_theory"]

TOP_LEVEL_KEYS = ("theorygraph", "review", *NODE_SECTIONS)


@dataclass
class Loaded:
    """The result of loading a theory: the document (None if there were errors) and problems."""

    document: TheoryDocument | None
    problems: list[Problem] = field(default_factory=list)
    files: list[str] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]


def read_theory(source: str | Path) -> TheoryDocument:
    """Load and validate a theory file or folder; raise if it has any error.

    >>> doc = read_theory("samples/ics-leadership")
    >>> doc.review.id
    'ics-leadership'
    """
    # warnings are not shown here, so their line numbers (a second, slower parse of each
    # file that has any) are not worked out; errors are read again with theirs
    loaded = load_theory(source, lines=False)
    if loaded.document is None:
        raise InvalidTheoryError(load_theory(source).problems, source=str(source))
    return loaded.document


def load_theory(source: str | Path, *, lines: bool = True) -> Loaded:
    """Load a theory file or folder, collecting every problem instead of stopping at one
    (each with its line number, unless ``lines`` is false)."""
    root = Path(source)
    files = find_theory_files(root)
    problems: list[Problem] = []
    review: tuple[Any, Origin] | None = None
    items: dict[str, list[tuple[Any, Origin]]] = {s: [] for s in NODE_SECTIONS}
    shown: list[str] = []

    for path in files:
        raw, found = read_raw(path, display=str(path), lines=lines)
        shown.append(str(path))
        problems += found
        if raw is None:
            continue
        top = Origin(raw, ())
        data = raw.data
        if not isinstance(data, dict):
            problems.append(
                top.problem(
                    f"a theory file must be a mapping of sections, not {describe(data)}",
                    allowed="start the file with 'theorygraph: 1'",
                    code="type",
                )
            )
            continue
        version = data.get("theorygraph")
        if "theorygraph" not in data:
            problems.append(
                top.problem(
                    "the format version key is missing",
                    allowed=f"add 'theorygraph: {FORMAT_VERSION}' as the first line",
                    code="format-version",
                )
            )
        elif version != FORMAT_VERSION or isinstance(version, bool):
            problems.append(
                top.problem(
                    f"unsupported format version {version!r}",
                    ("theorygraph",),
                    allowed=f"this theorygraph reads version {FORMAT_VERSION}",
                    code="format-version",
                )
            )
        for key in data:
            if key not in TOP_LEVEL_KEYS:
                problems.append(
                    top.problem(
                        f"unknown section {key!r}",
                        (key,),
                        allowed=allowed_names(str(key), TOP_LEVEL_KEYS),
                        code="unknown-field",
                    )
                )
        if "review" in data:
            here = Origin(raw, ("review",))
            if review is not None:
                first = review[1]
                problems.append(
                    here.problem(
                        "the review is described twice",
                        allowed=f"keep one 'review' section; the first is in "
                        f"{first.raw.display if first.raw else '?'}:"
                        f"{first.raw.line_of(first.loc) if first.raw else '?'}",
                        code="duplicate",
                    )
                )
            else:
                review = (data["review"], here)
        for section in NODE_SECTIONS:
            if section not in data or data[section] is None:
                continue
            value = data[section]
            if not isinstance(value, list):
                problems.append(
                    top.problem(
                        f"expected a list of {section}, got {describe(value)}",
                        (section,),
                        allowed=f"write each item on a line starting with '- ' under '{section}:'",
                        code="type",
                    )
                )
                continue
            for index, item in enumerate(value):
                items[section].append((item, Origin(raw, (section, index))))

    unreadable = any(p.code in ("syntax", "encoding", "empty") or p.path == "" for p in problems)
    if review is None and not unreadable:
        problems.append(
            Problem(
                "no review section",
                file=str(root),
                allowed="add 'review: {id: my-review, title: ...}' to one theory file",
                code="missing",
            )
        )

    document = check_items(review, items, problems)
    return Loaded(document, _sorted(problems), shown)


def check_items(
    review: tuple[Any, Origin] | None,
    items: dict[str, list[tuple[Any, Origin]]],
    problems: list[Problem],
    *,
    failed: Iterable[tuple[str, Any]] = (),
) -> TheoryDocument | None:
    """Check a review's raw items (each with where it came from) against their models and
    the rules between them, adding every problem to ``problems``; the document when none of
    ``problems`` is an error. ``failed`` are raw items found bad before (section, item): not
    checked again, but their ids and references count, as those of every item that fails
    its own checks do, so that one bad item does not cause further errors elsewhere."""
    info: ReviewInfo | None = None
    if review is not None:
        info = validated(ReviewInfo, review[0], review[1], problems)
        if info is not None:
            problems += hidden_characters([(info, review[1])])

    objects: dict[str, list[tuple[BaseModel, Origin]]] = {}
    # ids of items that failed validation, and what they refer to: so that one bad item
    # does not also cause "unknown id" errors or "no extracts" warnings elsewhere
    claimed: dict[str, str] = {}
    referenced: set[str] = set()

    def claim(section: str, item: Any) -> None:
        if isinstance(item, dict):
            if isinstance(item.get("id"), str):
                claimed.setdefault(item["id"], section)
            referenced.update(_raw_references(item))

    for section, item in failed:
        claim(section, item)
    for section, model in NODE_SECTIONS.items():
        good: list[tuple[BaseModel, Origin]] = []
        for item, origin in items.get(section, []):
            obj = validated(model, item, origin, problems)
            if obj is not None:
                good.append((obj, origin))
            else:
                claim(section, item)
        objects[section] = good

    problems += check(Items(objects, claimed, referenced))
    problems += hidden_characters(pair for pairs in objects.values() for pair in pairs)
    if any(p.severity == "error" for p in problems) or info is None:
        return None
    sections: dict[str, Any] = {s: [o for o, _ in objs] for s, objs in objects.items()}
    return TheoryDocument(review=info, **sections)


def check_document(document: TheoryDocument) -> list[Problem]:
    """Cross-reference problems and warnings of an in-memory document."""
    objects = {
        s: [(obj, Origin(None, (s, i))) for i, obj in enumerate(getattr(document, s))]
        for s in NODE_SECTIONS
    }
    review = hidden_characters([(document.review, Origin(None, ("review",)))])
    return _sorted(review + check(Items(objects)))


def _sorted(problems: list[Problem]) -> list[Problem]:
    # errors before warnings; within each, in file and line order
    return sorted(
        problems,
        key=lambda p: (p.severity != "error", p.file or "", p.line or 0),
    )


def _raw_references(item: dict[str, Any]) -> set[str]:
    found: set[str] = set()
    for key in ("study", "cmoc", "contexts", "mechanisms", "outcomes"):
        value = item.get(key)
        values = value if isinstance(value, list) else [value]
        found |= {v for v in values if isinstance(v, str)}
    return found
