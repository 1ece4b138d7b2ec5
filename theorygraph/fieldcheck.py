"""One item's fields, checked against its model: each pydantic error as a problem that
names the field, says what is wrong in the reader's words and what is allowed."""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, ValidationError

from .errors import Problem
from .model import ID_RULE
from .origin import Origin
from .words import allowed_names, describe, short

__all__ = ["field_names", "validated"]


def validated(model: type[BaseModel], item: Any, origin: Origin, problems: list[Problem]) -> Any:
    if not isinstance(item, dict):
        problems.append(
            origin.problem(
                f"expected a mapping of fields, got {describe(item)}",
                allowed=f"fields: {', '.join(field_names(model))}",
                code="type",
            )
        )
        return None
    try:
        return model.model_validate(dict(item))
    except ValidationError as exc:
        for err in exc.errors():
            problems.append(_from_pydantic(model, err, origin))
        return None


def field_names(model: type[BaseModel]) -> list[str]:
    return [f.alias or name for name, f in model.model_fields.items()]


def _from_pydantic(model: type[BaseModel], err: Any, origin: Origin) -> Problem:
    loc = tuple(err["loc"])
    kind = err["type"]
    value = err.get("input")
    ctx = err.get("ctx") or {}
    field_name = str(loc[-1]) if loc else ""
    if kind == "missing":
        return origin.problem("required field is missing", loc, code="missing")
    if kind == "extra_forbidden":
        owner = _model_at(model, loc[:-1])
        return origin.problem(
            f"unknown field {field_name!r}",
            loc,
            allowed=allowed_names(field_name, field_names(owner)),
            code="unknown-field",
        )
    if kind == "string_pattern_mismatch":
        return origin.problem(
            f"{short(value)!r} is not a valid id", loc, allowed=ID_RULE, code="id"
        )
    if kind == "enum":
        choices = re.findall(r"'([^']*)'", str(ctx.get("expected", "")))
        return origin.problem(
            f"{short(value)!r} is not an allowed value",
            loc,
            allowed=allowed_names(str(value), choices),
            code="enum",
        )
    if kind == "string_unicode" and isinstance(value, str):
        half = next((c for c in value if 0xD800 <= ord(c) <= 0xDFFF), "\ud800")
        return origin.problem(
            f"text holds U+{ord(half):04X}, half of a surrogate pair, which is not a character",
            loc,
            allowed="write the whole character, or its \\U00XXXXXX escape in double quotes",
            code="encoding",
        )
    if kind == "string_too_short":
        return origin.problem("must not be empty", loc, code="empty")
    if kind == "too_short":
        return origin.problem(
            f"needs at least {ctx.get('min_length', 1)} item",
            loc,
            allowed="a list of ids",
            code="empty",
        )
    if kind in (
        "string_type",
        "int_type",
        "int_parsing",
        "bool_type",
        "bool_parsing",
        "list_type",
        "model_type",
        "dict_type",
        "model_attributes_type",
        "int_from_float",
        "float_type",
    ):
        expected = {
            "string_type": "text",
            "int_type": "a whole number",
            "int_parsing": "a whole number",
            "int_from_float": "a whole number",
            "float_type": "a number",
            "bool_type": "true or false",
            "bool_parsing": "true or false",
            "list_type": "a list",
            "model_type": "a mapping of fields",
            "dict_type": "a mapping of fields",
            "model_attributes_type": "a mapping of fields",
        }[kind]
        allowed = None
        if kind.startswith("bool_") and _may_be_unknown(model, loc):
            expected = "true, false or unknown"
        if (
            kind == "string_type"
            and isinstance(value, (int, float))
            and not isinstance(value, bool)
        ):
            allowed = f"put it in quotes: '{value}'"
        return origin.problem(
            f"expected {expected}, got {describe(value)}", loc, allowed=allowed, code="type"
        )
    return origin.problem(f"{err['msg']} (got {short(value)!r})", loc, code="invalid")


def _may_be_unknown(model: type[BaseModel], loc: tuple[Any, ...]) -> bool:
    """Whether the field at ``loc`` is a yes/no fact that may be unknown (``Unknowable``)."""
    if not loc:
        return False
    owner = _model_at(model, loc[:-1])
    info = owner.model_fields.get(str(loc[-1]))
    return info is not None and type(None) in getattr(info.annotation, "__args__", ())


def _model_at(model: type[BaseModel], loc: tuple[Any, ...]) -> type[BaseModel]:
    current = model
    for step in loc:
        if isinstance(step, int):
            continue
        info = current.model_fields.get(str(step))
        if info is None:
            info = next((f for f in current.model_fields.values() if f.alias == step), None)
        annotation = getattr(info, "annotation", None)
        for candidate in getattr(annotation, "__args__", ()) + (annotation,):
            if isinstance(candidate, type) and issubclass(candidate, BaseModel):
                current = candidate
                break
    return current
