"""How a review is laid out as a folder of theory files, and how a large file is split.

theorygraph writes a review folder as ``review.yaml`` (review, theories), ``theory.yaml``
(contexts, mechanisms, outcomes, cmocs), ``studies.yaml`` and ``extracts.yaml``. It does
not read a theory file over :data:`theorygraph.theoryfile.MAX_FILE_BYTES`, so whatever it
writes into a folder is split, item by item, into files of at most half that
(:func:`part_bytes`): ``extracts.yaml``, then ``extracts_002.yaml``, ``extracts_003.yaml``,
... A folder is read in the order of its file names, and these sort right after the
file they continue, so the items read back in the order they were written.

>>> texts = folder_texts({"theorygraph": 1, "review": {"id": "r", "title": "R"},
...                       "studies": [{"id": f"s-{i}", "title": "A study"} for i in range(30)]},
...                      Path("out"), limit=300)
>>> [p.name for p in texts]
['review.yaml', 'studies.yaml', 'studies_002.yaml', 'studies_003.yaml', 'studies_004.yaml']
>>> max(len(t) for t in texts.values()) <= 300
True
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from . import theoryfile
from .errors import TheoryGraphError
from .yamlwrite import item_lines, section_head

__all__ = [
    "FOLDER_FILES",
    "folder_texts",
    "is_layout_name",
    "part_bytes",
    "part_path",
    "split_texts",
]

#: file -> the sections it holds, as theorygraph writes a review folder
FOLDER_FILES = {
    "review.yaml": ("review", "theories"),
    "theory.yaml": ("contexts", "mechanisms", "outcomes", "cmocs"),
    "studies.yaml": ("studies",),
    "extracts.yaml": ("extracts",),
}
_PART = re.compile(r"^(?P<stem>.+)_(?P<n>\d{3,})$")
_LAYOUT = re.compile(r"^(review|theory|studies|extracts)(_\d{3,})?\.yaml$")


def part_bytes() -> int:
    """The most bytes theorygraph puts in one file of a folder: half the readable size,
    so that a file can grow by hand before it is too large to read."""
    return theoryfile.MAX_FILE_BYTES // 2


def is_layout_name(name: str) -> bool:
    """Is this the name of a file theorygraph writes into a review folder?

    >>> [is_layout_name(n) for n in ("extracts.yaml", "extracts_002.yaml", "notes.yaml")]
    [True, True, False]
    """
    return _LAYOUT.match(name) is not None


def part_path(path: Path, n: int) -> Path:
    """The ``n``-th file (from 2) of a file split in parts; a part's own parts go on
    numbering after it.

    >>> part_path(Path("t/extracts.yaml"), 2), part_path(Path("t/extracts_002.yaml"), 3)
    (PosixPath('t/extracts_002.yaml'), PosixPath('t/extracts_003.yaml'))
    """
    found = _PART.match(path.stem)
    stem = found.group("stem") if found else path.stem
    return path.with_name(f"{stem}_{n:03d}{path.suffix}")


def _size(text: str) -> int:
    return len(text) if text.isascii() else len(text.encode("utf-8"))


def _pack(
    sizes: dict[str, list[int]], heads: dict[str, int], first: int, fresh: int, limit: int
) -> list[list[tuple[str, int, int]]]:
    """Group the items of the list sections into parts of at most ``limit`` bytes.

    ``sizes`` are the items' sizes by section (in the order of the file), ``heads`` the
    size of each section's first line, ``first`` what the first part holds before any
    item and ``fresh`` what every later part does. Each part is a list of (section,
    start, end). An item larger than the limit on its own gets a part of its own.
    """
    parts: list[list[tuple[str, int, int]]] = [[]]
    used = first
    for key, items in sizes.items():
        start = 0
        used += heads[key]
        for index, size in enumerate(items):
            if used + size > limit and (start < index or parts[-1]):
                if start < index:
                    parts[-1].append((key, start, index))
                parts.append([])
                used = fresh + heads[key]
                start = index
            used += size
        parts[-1].append((key, start, len(items)))
    return parts


def _json_size(item: Any) -> int:
    """Bytes of an item in a JSON theory file, two levels in (4 spaces a line, ',\\n')."""
    text = json.dumps(item, indent=2, ensure_ascii=False)
    return _size(text) + 4 * text.count("\n") + 6


def split_texts(data: dict[str, Any], fmt: str, limit: int | None = None) -> list[str]:
    """The text of one theory file's ``data``: one text, or several of at most ``limit``
    bytes each (default :func:`part_bytes`) when it is larger. Every text starts with
    the format version; keys that are not lists stay in the first."""
    limit = part_bytes() if limit is None else limit
    lists = [k for k, v in data.items() if isinstance(v, list) and v and k != "theorygraph"]
    version = {"theorygraph": data["theorygraph"]} if "theorygraph" in data else {}
    if fmt == "json":
        whole = theoryfile.dump_document(data, "json")
        if _size(whole) <= limit or not lists:
            return [whole]
        sizes = {k: [_json_size(i) for i in data[k]] for k in lists}
        others = {k: v for k, v in data.items() if k not in lists}
        first = _size(theoryfile.dump_document(others, "json"))
        parts = _pack(sizes, {k: len(k) + 8 for k in lists}, first, 40, limit)
        return [
            theoryfile.dump_document(_part_data(data, version, part, n == 0), "json")
            for n, part in enumerate(parts)
        ]
    heads = {k: section_head(k, v) for k, v in data.items()}
    texts = {k: [item_lines(i) for i in data[k]] for k in lists}
    sizes = {k: [_size(t) for t in items] for k, items in texts.items()}
    first = sum(_size(heads[k]) for k in data if k not in texts)
    if first + sum(_size(heads[k]) + sum(sizes[k]) for k in texts) <= limit:
        return ["".join(h + "".join(texts.get(k, ())) for k, h in heads.items())]
    fresh = _size(heads.get("theorygraph", ""))
    parts = _pack(sizes, {k: _size(heads[k]) for k in texts}, first, fresh, limit)
    out = []
    for n, part in enumerate(parts):
        pieces = [heads[k] for k in data if k not in texts and (n == 0 or k == "theorygraph")]
        for key, start, end in part:
            pieces += [heads[key], *texts[key][start:end]]
        out.append("".join(pieces))
    return out


def _part_data(
    data: dict[str, Any], version: dict[str, Any], part: list[tuple[str, int, int]], first: bool
) -> dict[str, Any]:
    out: dict[str, Any] = dict(version)
    if first:
        out.update((k, v) for k, v in data.items() if not isinstance(v, list) or not v)
    for key, start, end in part:
        out[key] = data[key][start:end]
    return out


def file_texts(
    path: Path, data: dict[str, Any], taken: Callable[[Path], bool], limit: int | None = None
) -> dict[Path, str]:
    """The files that hold ``data`` at ``path``: ``path`` itself, then parts of it
    (:func:`part_path`) when it is too large, skipping names for which ``taken`` is true."""
    texts = split_texts(data, theoryfile.format_for(path), limit)
    files = {path: texts[0]}
    n = _first_number(path)
    for text in texts[1:]:
        while taken(part_path(path, n)) or part_path(path, n) in files:
            n += 1
        files[part_path(path, n)] = text
        n += 1
    too_big = [p for p, t in files.items() if _size(t) > theoryfile.MAX_FILE_BYTES]
    if too_big:
        raise TheoryGraphError(
            f"{too_big[0]}: one item is {_size(files[too_big[0]]) / 2**20:.1f} MiB written; "
            f"theory files over {theoryfile.MAX_FILE_BYTES // 2**20} MiB are not read "
            "(shorten the text of that item)"
        )
    return files


def _first_number(path: Path) -> int:
    found = _PART.match(path.stem)
    return int(found.group("n")) + 1 if found else 2


def folder_texts(data: dict[str, Any], folder: Path, limit: int | None = None) -> dict[Path, str]:
    """The files of a new review folder holding ``data`` (a document's ``to_data()``)."""
    files: dict[Path, str] = {}
    for name, keys in FOLDER_FILES.items():
        chunk = {k: data[k] for k in keys if k in data}
        if chunk or name == "review.yaml":
            chunk = {"theorygraph": data["theorygraph"], **chunk}
            files.update(file_texts(folder / name, chunk, lambda p: False, limit))
    return files
