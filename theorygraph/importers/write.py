"""Writing an imported review: a new theory folder or file, or into an existing one.

An import first plans what it writes (:func:`plan_new`, :func:`plan_into`: every file's
text), then :func:`write_files` writes each file to a hidden temporary name beside its
target and renames them all into place only when all of them are written, so a failed
import leaves every file as it was. Merging into a folder rewrites only the files whose
items changed (new items go to the file that already holds their section, or to
``review.yaml``, ``theory.yaml``, ``studies.yaml`` or ``extracts.yaml``); files that do
not change are not touched, so their comments stay. No file is written larger than
theorygraph reads: a large section goes on in numbered parts (see
:mod:`theorygraph.layout`).
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import theoryfile
from ..errors import SourceError, UsageError
from ..layout import FOLDER_FILES, file_texts, folder_texts, is_layout_name
from ..model import NODE_SECTIONS, TheoryDocument
from ..theoryfile import THEORY_SUFFIXES, dump_document, find_theory_files, format_for, read_raw

__all__ = [
    "FOLDER_FILES",
    "Plan",
    "check_new",
    "plan_into",
    "plan_new",
    "write_files",
    "write_into",
    "write_new",
]

HOME = {section: name for name, sections in FOLDER_FILES.items() for section in sections}


@dataclass
class Plan:
    """What an import writes: each file's text, the files of an earlier import it
    replaces (removed), and the folder it makes when there is none."""

    files: dict[Path, str] = field(default_factory=dict)
    remove: list[Path] = field(default_factory=list)
    folder: Path | None = None

    def write(self, extra: Mapping[Path, str] | None = None) -> list[Path]:
        """Write the plan (and ``extra`` files, such as a report) all at once."""
        return write_files({**self.files, **(extra or {})}, remove=self.remove, folder=self.folder)


def write_new(document: TheoryDocument, target: Path, *, force: bool = False) -> list[Path]:
    """Write ``document`` as a new theory file (``*.yaml``, ``*.json``) or folder."""
    return plan_new(document, target, force=force).write()


def write_into(source: Path, before: TheoryDocument, after: TheoryDocument) -> list[Path]:
    """Rewrite the theory at ``source`` (read as ``before``) so that it holds ``after``."""
    return plan_into(source, before, after).write()


def _one_file(path: Path, data: dict[str, Any], advice: str) -> str:
    """The text of a single theory file, refused when it would be too large to read."""
    text = dump_document(data, format_for(path))
    size = len(text) if text.isascii() else len(text.encode("utf-8"))
    if size > theoryfile.MAX_FILE_BYTES:
        raise UsageError(
            f"{path}: the review would be {size / 2**20:.1f} MiB, and theory files over "
            f"{theoryfile.MAX_FILE_BYTES // 2**20} MiB are not read; {advice}"
        )
    return text


def plan_new(document: TheoryDocument, target: Path, *, force: bool = False) -> Plan:
    """Plan a new theory file (``*.yaml``, ``*.json``) or folder holding ``document``."""
    earlier = check_new(target, force=force)
    data = document.to_data()
    if target.suffix.lower() in THEORY_SUFFIXES:
        advice = f"write a folder instead (-o {target.with_suffix('')}/)"
        return Plan({target: _one_file(target, data, advice)})
    files = folder_texts(data, target)
    # the files of an earlier import that this one does not write again (a section
    # that is smaller now, or gone) would be read as part of the new review
    stale = [p for p in earlier if p not in files]
    return Plan(files, stale, folder=None if target.is_dir() else target)


def check_new(target: Path, *, force: bool = False) -> list[Path]:
    """Refuse a target for a new theory that would mix with or lose what is there;
    return the theory files of an earlier import there, which a new folder replaces."""
    if target.suffix.lower() in THEORY_SUFFIXES:
        if target.is_dir():
            raise UsageError(f"{target} is a folder; name a new .yaml or .json file")
        if target.exists() and not force:
            raise UsageError(f"{target} already exists; use --force to replace it")
        parent = target.parent if str(target.parent) else Path(".")
        if not parent.is_dir():
            why = "is not a folder" if parent.exists() else "does not exist"
            raise UsageError(f"{target}: folder {parent} {why}")
        return []
    if target.exists() and not target.is_dir():
        raise UsageError(f"{target} is a file; name a folder, or a .yaml or .json file")
    if not (target.is_dir() and any(target.iterdir())):
        return []
    if not force:
        raise UsageError(
            f"{target} is not empty; use --force to write into it, "
            "or --into to merge into the theory there"
        )
    earlier = find_theory_files(target) if _has_theory_files(target) else []
    others = [p for p in earlier if p.parent != target or not is_layout_name(p.name)]
    if others:
        names = ", ".join(str(p.relative_to(target)) for p in others)
        raise UsageError(
            f"{target} holds other theory files ({names}) that "
            "would be read as part of the review; remove them or use --into"
        )
    return earlier


def _has_theory_files(folder: Path) -> bool:
    return any(p.suffix.lower() in THEORY_SUFFIXES for p in folder.rglob("*") if p.is_file())


def plan_into(source: Path, before: TheoryDocument, after: TheoryDocument) -> Plan:
    """Plan the rewrite of the theory at ``source`` (read as ``before``) to hold ``after``."""
    if before == after:
        return Plan()
    if source.is_file():
        advice = (
            f"move {source.name} into a folder of its own and import --into that folder, "
            "where large sections are split over several files"
        )
        return Plan({source: _one_file(source, after.to_data(), advice)})
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
    plan = Plan()
    for path in sorted(changed):
        # a file grown too large goes on in parts named after it (never over a file there)
        plan.files.update(file_texts(path, files[path], lambda p: p.exists() or p in plan.files))
    return plan


def _dump(item: Any) -> dict[str, Any]:
    return item.model_dump(mode="json", by_alias=True, exclude_defaults=True)


# -- writing all or nothing -------------------------------------------------------------------


def write_files(
    files: Mapping[Path, str | bytes],
    *,
    remove: Iterable[Path] = (),
    folder: Path | None = None,
) -> list[Path]:
    """Write every file to a temporary name first, then rename them all into place.

    ``folder`` (with any missing parents) is made first and ``remove`` deleted last.
    When a file cannot be written nothing changes: the temporary files and the folders
    made for them are removed again, and a failure while renaming puts back the files
    already replaced. A file that cannot be written raises
    :class:`~theorygraph.errors.SourceError` (or :class:`~theorygraph.errors.UsageError`
    when its folder does not exist).
    """
    made = _make_folder(folder) if folder is not None else []
    staged: list[tuple[str, Path]] = []
    try:
        for path, content in files.items():
            staged.append((_stage(path, content), path))
    except BaseException:
        _discard([tmp for tmp, _ in staged])
        _unmake(made)
        raise
    done: list[tuple[Path, str | None]] = []  # each replaced or removed file, and its backup
    current = folder
    try:
        for tmp, path in staged:
            current = path
            done.append((path, _backup(path)))
            os.replace(tmp, path)
        for path in remove:
            current = path
            done.append((path, _backup(path)))
            os.unlink(path)
    except BaseException as exc:
        for path, backup in reversed(done):
            with contextlib.suppress(OSError):
                if backup is None:
                    if path in files:
                        os.unlink(path)
                    continue
                os.replace(backup, path)
                # a rename onto another name of the same file does nothing: a file that
                # was never replaced keeps its backup name, which can go now
                if os.path.lexists(backup) and os.path.samefile(backup, path):
                    os.unlink(backup)
        _discard([tmp for tmp, _ in staged])
        _unmake(made)
        if isinstance(exc, OSError):
            raise SourceError(
                f"{current}: cannot write: {exc.strerror or exc}; nothing was changed"
            ) from exc
        raise
    _discard([backup for _, backup in done if backup is not None])
    return [path for _, path in staged]


def _stage(path: Path, content: str | bytes) -> str:
    """Write ``content`` to a new temporary file beside ``path``; return its name."""
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        why = "is not a folder" if parent.exists() else "does not exist"
        raise UsageError(f"{path}: folder {parent} {why}")
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=parent)
        with os.fdopen(fd, "wb") as handle:
            handle.write(content.encode("utf-8") if isinstance(content, str) else content)
            handle.flush()
            os.fsync(handle.fileno())
        # mkstemp makes the file private (0600): give it the mode an ordinary write would
        mode = path.stat().st_mode & 0o777 if path.exists() else 0o666 & ~_umask()
        os.chmod(tmp, mode)
    except OSError as exc:
        if tmp is not None:
            _discard([tmp])
        raise SourceError(
            f"{path}: cannot write: {exc.strerror or exc}; nothing was changed"
        ) from exc
    except BaseException:
        if tmp is not None:
            _discard([tmp])
        raise
    return tmp


def _backup(path: Path) -> str | None:
    """A hidden second name for the file at ``path`` (None when there is none), to put
    it back if a later rename fails."""
    if not path.exists():
        return None
    backup = str(path.parent / f".{path.name}.{secrets.token_hex(6)}.old")
    try:
        os.link(path, backup)
    except FileExistsError:  # pragma: no cover - 48 random bits
        return _backup(path)
    except OSError:  # no hard links here: a copy does the same, more slowly
        shutil.copy2(path, backup)
    return backup


def _make_folder(folder: Path) -> list[Path]:
    """Make ``folder`` and its missing parents; return the ones made, deepest first."""
    missing = []
    here = folder
    while not here.exists() and here != here.parent:
        missing.append(here)
        here = here.parent
    made: list[Path] = []
    try:
        for path in reversed(missing):
            path.mkdir()
            made.insert(0, path)
    except OSError as exc:
        _unmake(made)
        raise SourceError(
            f"{folder}: cannot make the folder: {exc.strerror or exc}; nothing was written"
        ) from exc
    return made


def _unmake(folders: list[Path]) -> None:
    for path in folders:
        with contextlib.suppress(OSError):
            path.rmdir()


def _discard(names: Iterable[str]) -> None:
    for name in names:
        with contextlib.suppress(OSError):
            os.unlink(name)


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current
