"""Writing an imported review: a new theory folder or file, or into an existing one.

Every file is first written to a hidden temporary name beside its target, and only when
all of them are written are they renamed into place, so a failed import leaves the
folder as it was. Merging into a folder rewrites only the files whose items changed
(new items go to the file that already holds their section, or to ``review.yaml``,
``theory.yaml``, ``studies.yaml`` or ``extracts.yaml``); files that do not change are not
touched, so their comments stay.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..errors import UsageError
from ..model import NODE_SECTIONS, TheoryDocument
from ..theoryfile import THEORY_SUFFIXES, dump_document, find_theory_files, format_for, read_raw

__all__ = ["FOLDER_FILES", "write_files", "write_into", "write_new"]

#: file -> the sections it holds, as theorygraph writes a review folder
FOLDER_FILES = {
    "review.yaml": ("review", "theories"),
    "theory.yaml": ("contexts", "mechanisms", "outcomes", "cmocs"),
    "studies.yaml": ("studies",),
    "extracts.yaml": ("extracts",),
}
HOME = {section: name for name, sections in FOLDER_FILES.items() for section in sections}


def write_new(document: TheoryDocument, target: Path, *, force: bool = False) -> list[Path]:
    """Write ``document`` as a new theory file (``*.yaml``, ``*.json``) or folder."""
    data = document.to_data()
    if target.suffix.lower() in THEORY_SUFFIXES:
        if target.exists() and not force:
            raise UsageError(f"{target} already exists; use --force to replace it")
        return write_files({target: dump_document(data, format_for(target))})
    if target.exists() and not target.is_dir():
        raise UsageError(f"{target} is a file; name a folder, or a .yaml or .json file")
    if target.is_dir() and any(target.iterdir()):
        if not force:
            raise UsageError(
                f"{target} is not empty; use --force to write into it, "
                "or --into to merge into the theory there"
            )
        others = (
            [p.name for p in find_theory_files(target) if p.name not in FOLDER_FILES]
            if _has_theory_files(target)
            else []
        )
        if others:
            raise UsageError(
                f"{target} holds other theory files ({', '.join(others)}) that "
                "would be read as part of the review; remove them or use --into"
            )
    files = {}
    for name, keys in FOLDER_FILES.items():
        chunk = {k: data[k] for k in keys if k in data}
        if chunk or name == "review.yaml":
            files[target / name] = dump_document(
                {"theorygraph": data["theorygraph"], **chunk}, "yaml"
            )
    target.mkdir(parents=True, exist_ok=True)
    return write_files(files)


def _has_theory_files(folder: Path) -> bool:
    return any(p.suffix.lower() in THEORY_SUFFIXES for p in folder.rglob("*") if p.is_file())


def write_into(source: Path, before: TheoryDocument, after: TheoryDocument) -> list[Path]:
    """Rewrite the theory at ``source`` (read as ``before``) so that it holds ``after``."""
    if before == after:
        return []
    if source.is_file():
        return write_files({source: dump_document(after.to_data(), format_for(source))})
    old = {s: {i.id: i for i in getattr(before, s)} for s in NODE_SECTIONS}
    new = {s: {i.id: i for i in getattr(after, s)} for s in NODE_SECTIONS}
    layout: list[tuple[Path, dict[str, Any]]] = []
    holder: dict[str, Path] = {}
    for path in find_theory_files(source):
        raw, _ = read_raw(path)
        data = raw.data if raw is not None and isinstance(raw.data, dict) else {}
        layout.append((path, data))
        for section in ("review", *NODE_SECTIONS):
            if section in data:
                holder[section] = path
    files: dict[Path, dict[str, Any]] = {}
    changed: set[Path] = set()
    for path, data in layout:
        out: dict[str, Any] = {"theorygraph": data.get("theorygraph", 1)}
        for key in data:
            if key == "review":
                out["review"] = after.review.model_dump(mode="json", exclude_defaults=True)
                changed |= {path} if before.review != after.review else set()
            elif key in NODE_SECTIONS:
                items = []
                for item in data[key] or []:
                    item_id = item.get("id") if isinstance(item, dict) else None
                    if item_id in new[key]:
                        items.append(_dump(new[key][item_id]))
                        if new[key][item_id] != old[key].get(item_id):
                            changed.add(path)
                    else:
                        changed.add(path)  # the import dropped it: cannot happen, but be safe
                out[key] = items
        files[path] = out
    for section in NODE_SECTIONS:
        added = [i for i in getattr(after, section) if i.id not in old[section]]
        if not added:
            continue
        path = holder.get(section) or source / HOME[section]
        chunk = files.setdefault(path, {"theorygraph": 1})
        chunk.setdefault(section, []).extend(_dump(i) for i in added)
        changed.add(path)
    return write_files({p: dump_document(files[p], format_for(p)) for p in changed})


def _dump(item: Any) -> dict[str, Any]:
    return item.model_dump(mode="json", by_alias=True, exclude_defaults=True)


def write_files(files: Mapping[Path, str | bytes]) -> list[Path]:
    """Write every file to a temporary name first, then rename them all into place."""
    staged: list[tuple[str, Path]] = []
    try:
        for path, content in files.items():
            parent = path.parent if str(path.parent) else Path(".")
            if not parent.is_dir():
                raise UsageError(f"{path}: folder {parent} does not exist")
            fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=parent)
            staged.append((tmp, path))
            blob = content.encode("utf-8") if isinstance(content, str) else content
            with os.fdopen(fd, "wb") as handle:
                handle.write(blob)
                handle.flush()
                os.fsync(handle.fileno())
            mode = path.stat().st_mode & 0o777 if path.exists() else 0o666 & ~_umask()
            os.chmod(tmp, mode)
    except BaseException:
        for tmp, _ in staged:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        raise
    for tmp, path in staged:
        os.replace(tmp, path)
    return [path for _, path in staged]


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current
