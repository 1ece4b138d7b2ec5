"""What the About sheet of a review's workbook says: each sheet, and of each column what
it holds (in the model's own words, its field descriptions, so that the sheet cannot drift
from the model), whether it is required and how to write it.

>>> from theorygraph.importers.workbook import column
>>> how(column("extracts", "stance"))
'one of: supports, refutes, refines (a drop-down)'
"""

from __future__ import annotations

from ..model import ID_RULE, Context, ReviewInfo
from .workbook import ABOUT, SHEETS, Column, Sheet

__all__ = ["ABOUT_HEADERS", "about_rows", "holds", "how", "required"]

#: the About sheet's header row
ABOUT_HEADERS = ("sheet", "column", "required", "what it holds", "how to write it")
#: what the model says of every id that has no description of its own
_ID_WORDS = Context.model_fields["id"].description


def about_rows(review: ReviewInfo) -> list[tuple[str, str, str, str, str]]:
    """The About sheet's rows under its header: the workbook, every sheet, then a row for
    each sheet and for each of its columns."""
    rows: list[tuple[str, str, str, str, str]] = [
        (
            ABOUT,
            "",
            "",
            f"The whole review {review.title!r} ({review.id}), one sheet per part, written by "
            "theorygraph export --to workbook. theorygraph import workbook FILE -o FOLDER "
            "reads it back into theory files (this sheet is not read).",
            "Edit the sheets, keep their names and headers; columns may move.",
        ),
        (
            "every sheet",
            "",
            "",
            "One row per item under the header row; an empty cell is no value.",
            "Text as it is, line breaks included; text starting with =, +, - or @ is stored "
            "as text and never run as a formula.",
        ),
    ]
    for sheet in SHEETS:
        rows.append((sheet.name, "", "", sheet.about, ""))
        for col in sheet.columns:
            rows.append(
                (
                    sheet.name,
                    col.name,
                    "yes" if required(sheet, col) else "",
                    holds(sheet, col),
                    how(col),
                )
            )
    return rows


def required(sheet: Sheet, col: Column) -> bool:
    """Whether every row must fill the column in."""
    if col.field is None:
        return True
    info = sheet.model.model_fields.get(col.field.split(".")[0])
    if info is None or col.field.startswith("link."):
        return False
    return info.is_required() or any(getattr(m, "min_length", 0) for m in info.metadata)


def holds(sheet: Sheet, col: Column) -> str:
    """What the column holds: the layout's words, then the model's description of its
    field (the rule for ids is said under how to write it)."""
    info = sheet.model.model_fields.get(col.field or "")
    described = (info.description or "") if info is not None else ""
    if described == _ID_WORDS and col.field != "id":
        described = ""  # a reference: what it refers to is said already
    described = described.replace(" " + ID_RULE, "")
    return " ".join(part for part in (col.about, described) if part)


def how(col: Column) -> str:
    """How to write the column's cells."""
    if col.kind == "id":
        if col.refers:
            return f"an id from the {col.refers} sheet (a drop-down)"
        if col.field and col.field.startswith("link."):
            return "an id of the CMOC's contexts, mechanisms or outcomes"
        if col.name == "member":
            return "an id of the CMOC's contexts, mechanisms or outcomes"
        return ID_RULE
    if col.kind == "choice":
        assert col.enum is not None
        return "one of: " + ", ".join(str(m.value) for m in col.enum) + " (a drop-down)"
    if col.kind == "truth":
        return "true or false (a drop-down); empty is false"
    if col.kind == "unknowable":
        return "true, false or unknown (a drop-down); empty is unknown"
    if col.kind == "year":
        return "a four-digit year, such as 2019"
    if col.kind == "ids":
        return (
            f"ids from the {col.refers} sheet, separated by '; ' (the drop-down offers one; "
            "type several)"
        )
    if col.kind == "texts":
        return (
            "several, separated by '; ' or line breaks; when an item holds ';' or a line "
            'break, the list in JSON: ["one; two", "three"]'
        )
    if col.kind == "attribute":
        return (
            "text; a number (12, 2.5); true or false; several texts separated by '; '. "
            'Text that would read as one of the others, or a list of one, in JSON: "12", '
            '["ward"]'
        )
    return "text"
