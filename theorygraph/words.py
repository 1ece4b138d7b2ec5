"""Words for messages: the name of each kind of item, what a value is, the ids closest
to a mistyped one, and plurals, so that every message says these things the same way."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

__all__ = [
    "KIND",
    "allowed_names",
    "closest_ids",
    "describe",
    "plural",
    "short",
    "suggest",
]

#: section -> the human name of one of its items
KIND = {
    "theories": "theory",
    "contexts": "context",
    "mechanisms": "mechanism",
    "outcomes": "outcome",
    "cmocs": "CMOC",
    "studies": "study",
    "extracts": "extract",
}


def label_key(label: str) -> str:
    """What two labels must share to name the same node: case and spacing do not count."""
    return " ".join(label.split()).casefold()


def closest_ids(wanted: str, candidates: Iterable[str], n: int = 3) -> list[str]:
    """The existing ids closest to ``wanted``, best first."""
    pool = list(candidates)
    scored = []
    for candidate in pool:
        score = difflib.SequenceMatcher(None, wanted, candidate).ratio()
        if score >= 0.5:
            scored.append((-score, candidate))
    found = [c for _, c in sorted(scored)[:n]]
    if not found:
        found = [c for c in pool if wanted and (wanted in c or c in wanted)][:n]
    return found


def describe(value: object) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"true/false ({value!r})"
    if isinstance(value, (int, float)):
        return f"a number ({value!r})"
    if isinstance(value, str):
        return f"text ({short(value)!r})"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def short(value: object, limit: int = 60) -> str:
    text = str(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def allowed_names(wanted: str, names: Iterable[str]) -> str:
    names = list(names)
    close = difflib.get_close_matches(wanted, names, n=1, cutoff=0.6)
    hint = f"did you mean {close[0]!r}? " if close else ""
    return hint + "allowed: " + ", ".join(names)


def suggest(value: str, pool: list[str], kind: str) -> str:
    close = closest_ids(value, pool)
    if close:
        return "closest existing ids: " + ", ".join(close)
    if not pool:
        return f"no {kind} is defined yet"
    return f"existing {kind} ids include: " + ", ".join(pool[:5])


#: plurals that are not the noun plus "s"
_PLURALS = {"study": "studies", "theory": "theories", "is": "are", "was": "were"}


def plural(n: int, noun: str) -> str:
    """``n`` (with thousands separated) and ``noun``, in the plural unless ``n`` is 1.

    >>> plural(1, "study"), plural(3, "study"), plural(0, "error"), plural(1500, "bad row")
    ('1 study', '3 studies', '0 errors', '1,500 bad rows')
    """
    *head, last = noun.split(" ")
    word = last if n == 1 else _PLURALS.get(last, last + "s")
    return f"{n:,} {' '.join([*head, word])}"
