"""Reading one cell's value: stances, judgements, links, designs, years, lists.

Each reader takes the cell's text and returns the model's value, or raises
:class:`BadValue` with what was wrong and what is allowed. They tolerate what people
type in spreadsheets: case, spacing, ``+`` and ``-`` for a stance, ``H``/``M``/``L``.

>>> read_stance(" Support ")
'supports'
>>> read_stance("-")
'refutes'
>>> read_judgement("Medium")
'moderate'
>>> read_link("m->o")
'M-O'
>>> split_list("Trust; Shared purpose\\nPower")
['Trust', 'Shared purpose', 'Power']
"""

from __future__ import annotations

import difflib
import re

from .. import evidence

__all__ = [
    "BadValue",
    "read_bool",
    "read_choice",
    "read_design",
    "read_judgement",
    "read_kind",
    "read_link",
    "read_sector",
    "read_stance",
    "read_year",
    "split_list",
]

#: the longest text one cell may hold: Excel's own limit per cell
MAX_CELL = 32767


class BadValue(ValueError):
    """A cell value theorygraph cannot read; ``allowed`` says what it would accept."""

    def __init__(self, message: str, allowed: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.allowed = allowed


def _key(text: str) -> str:
    return re.sub(r"[\s_]+", " ", text.strip().casefold())


def read_choice(text: str, what: str, choices: dict[str, str], shown: list[str]) -> str:
    """Look ``text`` up in ``choices`` (keys already lower case); say what is allowed."""
    value = choices.get(_key(text))
    if value is None:
        value = choices.get(_key(text).replace(" ", "-"))
    if value is not None:
        return value
    close = difflib.get_close_matches(_key(text), shown, n=1, cutoff=0.6)
    hint = f"did you mean {close[0]!r}? " if close else ""
    raise BadValue(f"{short(text)!r} is not {what}", f"{hint}allowed: {', '.join(shown)}")


def short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


STANCES = list(evidence.STANCES)
_STANCE = {
    **{
        k: "supports"
        for k in (
            "supports",
            "support",
            "supporting",
            "supported",
            "s",
            "+",
            "yes",
            "confirms",
            "confirm",
            "for",
        )
    },
    **{
        k: "refutes"
        for k in (
            "refutes",
            "refute",
            "refuting",
            "refuted",
            "-",
            "\u2212",
            "x",
            "no",
            "contradicts",
            "disconfirms",
            "against",
        )
    },
    **{
        k: "refines"
        for k in ("refines", "refine", "refining", "refined", "~", "+/-", "\u00b1", "nuances")
    },
}


def read_stance(text: str) -> str:
    return read_choice(text, "a stance", _STANCE, STANCES)


JUDGEMENTS = ["high", "moderate", "low"]
_JUDGEMENT = {
    **{k: "high" for k in ("high", "h", "hi")},
    **{k: "moderate" for k in ("moderate", "m", "mod", "medium", "med")},
    **{k: "low" for k in ("low", "l", "lo")},
}


def read_judgement(text: str) -> str:
    return read_choice(text, "a judgement", _JUDGEMENT, JUDGEMENTS)


KINDS = ["quote", "paraphrase", "citation"]
_KIND = {
    **{k: "quote" for k in ("quote", "q", "quotation", "verbatim", "direct quote")},
    **{k: "paraphrase" for k in ("paraphrase", "p", "paraphrased", "summary")},
    **{k: "citation" for k in ("citation", "cited", "c", "reference", "ref")},
}


def read_kind(text: str) -> str:
    return read_choice(text, "a kind of extract", _KIND, KINDS)


LINKS = "allowed: C-M, M-O, M-M (in a sequence of mechanisms), or blank for the whole CMOC"


def read_link(text: str) -> str | None:
    """``C-M``, ``M-O``, ``M-M`` or None for an extract on the whole CMOC."""
    key = re.sub(r"[\s\-\u2013\u2192>_/]+", "", text.casefold())
    if key in ("", "cmoc", "all", "whole", "cmo"):
        return None
    if key in ("cm", "contextmechanism"):
        return "C-M"
    if key in ("mo", "mechanismoutcome"):
        return "M-O"
    if key in ("mm", "mechanismmechanism"):
        return "M-M"
    raise BadValue(f"{short(text)!r} is not a link", LINKS)


DESIGNS = [
    "qualitative",
    "quantitative",
    "mixed-methods",
    "case-study",
    "evaluation",
    "review",
    "policy-document",
    "commentary",
    "other",
]
_DESIGN = (
    {d: d for d in DESIGNS}
    | {d.replace("-", " "): d for d in DESIGNS}
    | {
        "mixed method": "mixed-methods",
        "mixed": "mixed-methods",
        "case study": "case-study",
        "policy": "policy-document",
        "opinion": "commentary",
        "editorial": "commentary",
    }
)


def read_design(text: str) -> str:
    return read_choice(text, "a study design", _DESIGN, DESIGNS)


SECTORS = ["health", "social-care", "health-and-social-care", "other"]
_SECTOR = (
    {s: s for s in SECTORS}
    | {s.replace("-", " "): s for s in SECTORS}
    | {
        "health & social care": "health-and-social-care",
        "both": "health-and-social-care",
        "integrated": "health-and-social-care",
        "health care": "health",
        "healthcare": "health",
        "socialcare": "social-care",
    }
)


def read_sector(text: str) -> str:
    return read_choice(text, "a sector", _SECTOR, SECTORS)


def read_year(text: str) -> int:
    """A four-digit year, also from ``2019.0`` (Excel numbers) or ``2019///`` (RIS)."""
    match = re.match(r"^\s*(\d{4})(?:\.0+)?(?:\D.*)?$", text)
    if match is None or not 1000 <= int(match.group(1)) <= 2999:
        raise BadValue(f"{short(text)!r} is not a year", "a four-digit year such as 2019")
    return int(match.group(1))


def read_bool(text: str) -> bool | None:
    """Yes, no, or unknown (None): a fact the source may not report."""
    key = _key(text)
    if key in ("true", "yes", "y", "1"):
        return True
    if key in ("false", "no", "n", "0"):
        return False
    if key in ("unknown", "not reported", "unclear", "?"):
        return None
    raise BadValue(
        f"{short(text)!r} is not true, false or unknown",
        "allowed: true, false, yes, no, unknown",
    )


def split_list(text: str) -> list[str]:
    """Several values in one cell, separated by ``;`` or new lines."""
    return [part.strip() for part in re.split(r"[;\n]", text) if part.strip()]
