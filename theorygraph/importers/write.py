"""Writing an imported review: a new theory folder or file, or into an existing one.

An import first plans what it writes (:func:`plan_new`, :func:`plan_into`: every file's
text), then :func:`theorygraph.files.write_files` writes them all or none, so a failed
import leaves every file as it was. Merging into a folder rewrites only the files whose
items changed (new items go to the file that already holds their section, or to
``review.yaml``, ``theory.yaml``, ``studies.yaml`` or ``extracts.yaml``); files that do
not change are not touched, so their comments stay. No file is written larger than
theorygraph reads: a large section goes on in numbered parts (see
:mod:`theorygraph.layout`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import theoryfile
from ..errors import UsageError
from ..files import write_files
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
