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

Lists and a study's own attributes are also *written* here (:func:`list_cell`,
:func:`attribute_cell`), so that what a cell holds and how it reads back have one home:
every value written reads back as itself.

>>> list_cell(["leaders", "carers"]), list_cell(["one; two"])
('leaders; carers', '["one; two"]')
>>> [read_attribute(t) for t in ("GP training", "12", "2.5", "true", "ward; school", '"12"')]
['GP training', 12, 2.5, True, ['ward', 'school'], '12']
"""

from __future__ import annotations

import difflib
import json
import math
import re
from enum import Enum
from typing import Any

from .. import evidence

__all__ = [
    "BadValue",
    "attribute_cell",
    "list_cell",
    "read_attribute",
    "read_enum",
    "read_text_list",
    "read_truth",
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


def read_enum(text: str, enum: type[Enum], what: str) -> str:
    """One value of a closed list (an enum of the model), in any case or spacing."""
    shown = [str(member.value) for member in enum]
    return read_choice(text, what, {v: v for v in shown}, shown)


def read_truth(text: str) -> bool:
    """True or false, for a fact that is always known."""
    value = read_bool(text)
    if value is None:
        raise BadValue(f"{short(text)!r} is not true or false", "allowed: true, false")
    return value


def split_list(text: str) -> list[str]:
    """Several values in one cell, separated by ``;`` or new lines."""
    return [part.strip() for part in re.split(r"[;\n]", text) if part.strip()]


# -- cells that read back exactly: lists of text, and a study's own attributes -------------------
#
# A cell is written the plain way a team types it ("leaders; carers", "12", "true") when
# that reads back as the value; otherwise as JSON, which reads back as itself: a list
# whose items hold ";" or line breaks, a one-item list, or text that would read as a
# number, true/false or a list ('"12"'). A cell starting with [ or " is read as JSON
# when it is valid JSON of the right kind, and as plain text otherwise.

_INT = re.compile(r"[+-]?\d+")
_FLOAT = re.compile(r"[+-]?(\d+\.\d*|\.\d+|\d+(?=[eE]))([eE][+-]?\d+)?|[+-]?(inf|nan)", re.I)
_NO_JSON = object()


def _json(text: str) -> Any:
    """The value of a cell written as JSON, or ``_NO_JSON``."""
    if text.lstrip()[:1] not in ("[", '"'):
        return _NO_JSON
    try:
        return json.loads(text)
    except ValueError:
        return _NO_JSON


def _texts(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def read_text_list(text: str) -> list[str]:
    """Several texts in one cell: separated by ``;`` or line breaks, or a JSON list."""
    value = _json(text)
    return value if _texts(value) else split_list(text)


def list_cell(values: list[str]) -> str | None:
    """The cell of a list of texts (None for an empty list): read back by
    :func:`read_text_list` as the same list."""
    if not values:
        return None
    plain = "; ".join(values)
    return plain if read_text_list(plain) == values else _dumps(values)


def read_attribute(text: str) -> str | int | float | bool | list[str]:
    """A study attribute of the review's own: true or false, a number, a list (``;``) or
    text; JSON (``"12"``, ``["ward"]``) for a value that would otherwise read as another."""
    value = _json(text)
    if isinstance(value, str) or _texts(value):
        return value  # type: ignore[no-any-return]
    key = text.strip()
    if key.lower() in ("true", "false"):
        return key.lower() == "true"
    if _INT.fullmatch(key):
        return int(key)
    if _FLOAT.fullmatch(key):
        return float(key)
    if ";" in text or "\n" in text:
        return split_list(text)
    return text


def attribute_cell(value: str | int | float | bool | list[str]) -> str:
    """The cell of an attribute's value, read back by :func:`read_attribute` as the same
    value of the same type."""
    if isinstance(value, bool):
        plain = "true" if value else "false"
    elif isinstance(value, list):
        plain = "; ".join(value)
    else:
        plain = str(value) if not isinstance(value, float) else repr(value)
    # an empty cell is no value at all, so blank text is written as JSON too
    return plain if plain.strip() and _same(read_attribute(plain), value) else _dumps(value)


def _same(a: Any, b: Any) -> bool:
    if type(a) is not type(b):
        return False
    if isinstance(a, float) and math.isnan(a):
        return math.isnan(b)
    return bool(a == b)


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)
