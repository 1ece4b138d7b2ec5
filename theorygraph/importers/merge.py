"""Merging imported items into a theory without ever duplicating what is there.

Two items are the same when they share an id, or (for contexts, mechanisms and outcomes)
a label of the same type (case and spacing do not count), or (for CMOCs) the same
contexts, mechanisms and outcomes, or (for studies) the same DOI, or (for extracts) the
same study, quote, CMOC and link. The base keeps its order and its ids; what the incoming
item sets replaces the base's value; new items are appended in their incoming order, and
references to a renamed item follow it.

>>> from theorygraph.model import TheoryDocument
>>> base = TheoryDocument.model_validate({"review": {"id": "r", "title": "R"},
...     "contexts": [{"id": "c-trust", "label": "Trust"}]})
>>> extra = TheoryDocument.model_validate({"review": {"id": "r", "title": "R"},
...     "contexts": [{"id": "c-trust-2", "label": " trust"}, {"id": "c-power", "label": "Power"}]})
>>> [c.id for c in merge(base, extra).contexts]
['c-trust', 'c-power']
"""

from __future__ import annotations

from typing import Any

from ..model import NODE_SECTIONS, TheoryDocument
from .ids import label_key

__all__ = ["merge"]


def merge(base: TheoryDocument | None, incoming: TheoryDocument) -> TheoryDocument:
    """``base`` with ``incoming`` merged in (``incoming`` itself when there is no base)."""
    if base is None:
        return incoming
    renamed: dict[str, str] = {}
    sections: dict[str, list[Any]] = {}
    for section in NODE_SECTIONS:
        items = list(getattr(base, section))
        position = {item.id: i for i, item in enumerate(items)}
        same = _identity(section, items, renamed)
        for item in getattr(incoming, section):
            item = _renamed(item, renamed)
            target = item.id if item.id in position else same(item)
            if target is None:
                position[item.id] = len(items)
                items.append(item)
                continue
            if target != item.id:
                renamed[item.id] = target
            index = position[target]
            changes = item.model_dump(exclude_unset=True, exclude={"id"})
            if section in ("contexts", "mechanisms", "outcomes", "cmocs") and target != item.id:
                changes = {}  # the same node under another name: keep the theory's own
            if changes:
                current = items[index]
                items[index] = type(current).model_validate(
                    {**current.model_dump(exclude_unset=True), **changes}
                )
        sections[section] = items
    return TheoryDocument(review=base.review, theorygraph=base.theorygraph, **sections)


def _identity(section: str, items: list[Any], renamed: dict[str, str]) -> Any:
    """A function giving the id of the base item an incoming item duplicates, or None."""
    keys: dict[Any, str] = {}
    for item in items:
        key = _key(section, item)
        if key is not None:
            keys.setdefault(key, item.id)

    def same(item: Any) -> str | None:
        key = _key(section, item)
        return keys.get(key) if key is not None else None

    return same


def _key(section: str, item: Any) -> Any:
    if section in ("contexts", "mechanisms", "outcomes"):
        return label_key(item.label)
    if section == "cmocs":
        return (frozenset(item.contexts), frozenset(item.mechanisms), frozenset(item.outcomes))
    if section == "studies":
        return item.doi.lower() if item.doi else None
    if section == "extracts":
        link = (item.link.source, item.link.target) if item.link else None
        return (item.study, label_key(item.quote or ""), item.cmoc, link)
    return None


def _renamed(item: Any, renamed: dict[str, str]) -> Any:
    """``item`` with its references to renamed items pointing at the theory's ids."""
    if not renamed:
        return item
    data = item.model_dump(by_alias=True, exclude_unset=True)
    changed = False

    def swap(value: Any) -> Any:
        nonlocal changed
        if isinstance(value, str) and value in renamed:
            changed = True
            return renamed[value]
        return value

    for name in (
        "contexts",
        "mechanisms",
        "outcomes",
        "leads_to",
        "theories",
        "refines",
        "study",
        "cmoc",
    ):
        if name in data:
            value = data[name]
            data[name] = [swap(v) for v in value] if isinstance(value, list) else swap(value)
    if isinstance(data.get("link"), dict):
        data["link"] = {k: swap(v) for k, v in data["link"].items()}
    return type(item).model_validate(data) if changed else item
