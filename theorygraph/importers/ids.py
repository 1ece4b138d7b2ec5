"""Stable ids from labels, and label keys that ignore case and spacing.

The same label always gives the same slug, so importing a sheet twice names its nodes
the same way; a clash with an id already taken gets ``-2``, ``-3``, ...

>>> slugify("Many organisations, different goals!", prefix="c-")
'c-many-organisations-different-goals'
>>> slugify("CMOC 1", prefix="cmoc-")
'cmoc-1'
>>> unique_id("c-trust", {"c-trust", "c-trust-2"})
'c-trust-3'
>>> label_key("  Inspiring   INTENT ")
'inspiring intent'
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Container

from ..model import is_valid_id
from ..words import label_key

__all__ = ["MAX_SLUG", "label_key", "slugify", "unique_id"]

#: slugs are cut (at a hyphen) to this length: ids are typed on command lines
MAX_SLUG = 60


def _ascii(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in folded if not unicodedata.combining(ch))


def slugify(label: str, prefix: str = "", fallback: str = "item") -> str:
    """A valid id made from ``label``: lowercase ASCII words joined by hyphens."""
    words = re.findall(r"[a-z0-9]+", _ascii(label).lower())
    slug = "-".join(words) or fallback
    if prefix and (slug + "-").startswith(prefix):
        slug = slug[len(prefix) :] or fallback  # "CMOC 1" -> cmoc-1, not cmoc-cmoc-1
    slug = prefix + slug
    if len(slug) > MAX_SLUG:
        cut = slug[:MAX_SLUG]
        slug = cut[: cut.rfind("-")] if cut.rfind("-") > len(prefix) else cut
    slug = slug.strip("-._")
    return slug if is_valid_id(slug) else f"{prefix}{fallback}"


def unique_id(wanted: str, taken: Container[str]) -> str:
    """``wanted``, or ``wanted-2``, ``wanted-3``, ... whichever is not taken yet."""
    if wanted not in taken:
        return wanted
    n = 2
    while f"{wanted}-{n}" in taken:
        n += 1
    return f"{wanted}-{n}"
