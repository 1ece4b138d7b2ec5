"""A new review: a folder of commented theory files that validates as it is written.

Each file explains its section and carries a commented example; removing the ``# `` of
an example (and the empty list it replaces) gives a valid review, which a test checks.
"""

from __future__ import annotations

import json
import re
from importlib import resources
from pathlib import Path

from .errors import UsageError
from .model import ID_PATTERN

__all__ = ["FILES", "new_review", "next_steps", "review_id_for"]

#: the files of a new review, in the order they are written and explained
FILES = ("review.yaml", "theory.yaml", "studies.yaml", "extracts.yaml")


def review_id_for(path: Path) -> str:
    """An id for a review made at ``path``: its name, lower case, other characters as '-'.

    >>> review_id_for(Path("My Review 2026"))
    'my-review-2026'
    """
    name = path.name[: -len(path.suffix)] if path.suffix == ".xlsx" else path.name
    text = re.sub(r"[^a-z0-9._-]+", "-", name.lower()).strip("-._")[:80]
    return text or "review"


def _check(folder: Path, review_id: str) -> None:
    if not re.match(ID_PATTERN, review_id):
        raise UsageError(
            f"{review_id!r} cannot be a review id: use lower-case letters, digits, '.', "
            "'_' and '-', starting with a letter or digit (at most 80)",
            params=("review_id",),
        )
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise UsageError(
            f"{folder}: already exists and is not an empty folder; a new review is made "
            "only where nothing would be overwritten"
        )
    if not folder.parent.is_dir():
        raise UsageError(f"{folder}: folder {folder.parent} does not exist")


def new_review(
    folder: Path, *, review_id: str | None = None, title: str | None = None
) -> list[Path]:
    """Write a new review's commented theory files into ``folder`` (new, or empty).

    Returns the files written. Nothing is written when the folder holds anything.
    """
    from .files import write_files

    review_id = review_id or review_id_for(folder)
    _check(folder, review_id)
    values = {
        "ID": review_id,
        # a JSON string is a YAML scalar: any title stays text, quotes and colons included
        "TITLE": json.dumps(title or f"A realist review ({review_id})", ensure_ascii=False),
        "FOLDER": str(folder),
    }
    templates = resources.files("theorygraph") / "templates" / "new-review"
    files = {
        folder / name: re.sub(
            r"%%([A-Z]+)%%",
            lambda m: values[m.group(1)],
            (templates / name).read_text(encoding="utf-8"),
        )
        for name in FILES
    }
    return write_files(files, folder=folder)


def next_steps(target: str, *, workbook: bool = False) -> list[str]:
    """The three commands a team runs next on a new review."""
    if workbook:
        return [
            f"open {target} in Excel or LibreOffice: the first sheet explains every column",
            f"theorygraph validate {target}",
            f"theorygraph import workbook {target} -o {review_id_for(Path(target))}/",
        ]
    return [
        f"theorygraph validate {target}",
        f"theorygraph import spreadsheet extraction.xlsx --into {target}",
        f"theorygraph map {target} -o {review_id_for(Path(target))}-map.html",
    ]


def new_workbook(path: Path, *, review_id: str | None = None, title: str | None = None) -> Path:
    """Write a new review as one empty workbook: the explanation sheet, a sheet per part
    of the review with its header row and drop-down lists, and the review's own row."""
    from .graph import TheoryGraph
    from .model import TheoryDocument

    review_id = review_id or review_id_for(path)
    if not re.match(ID_PATTERN, review_id):
        _check(path.with_suffix(""), review_id)  # says what a review id may hold
    if path.exists():
        raise UsageError(f"{path}: already exists; a new review never overwrites a file")
    if not path.parent.is_dir():
        raise UsageError(f"{path}: folder {path.parent} does not exist")
    document = TheoryDocument.model_validate(
        {
            "theorygraph": 1,
            "review": {"id": review_id, "title": title or f"A realist review ({review_id})"},
        }
    )
    return TheoryGraph.from_document(document).write_export("workbook", path)
