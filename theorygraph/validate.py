"""Loading and validating theories: every problem at once, each with file, line and field.

:func:`load_theory` reads a theory file or folder, checks types, enums, ids and every
reference, and returns a :class:`Loaded` holding the document and all problems
(errors and warnings). :func:`read_theory` does the same but raises
:class:`~theorygraph.errors.InvalidTheoryError` when there is any error.
:func:`check_document` runs the same cross-reference checks on a document built
in memory (by an importer, or pulled from Neo4j).
"""

from __future__ import annotations

import difflib
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from .errors import InvalidTheoryError, Problem
from .model import (
    FORMAT_VERSION,
    ID_RULE,
    NODE_SECTIONS,
    ReviewInfo,
    TheoryDocument,
)
from .theoryfile import RawFile, find_theory_files, read_raw

__all__ = ["Loaded", "check_document", "closest_ids", "load_theory", "read_theory"]

TOP_LEVEL_KEYS = ("theorygraph", "review", *NODE_SECTIONS)

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


@dataclass
class Origin:
    """Where an object came from: a file and the path inside it (or memory)."""

    raw: RawFile | None
    loc: tuple[str | int, ...]

    def problem(
        self,
        message: str,
        sub: tuple[str | int, ...] = (),
        *,
        allowed: str | None = None,
        severity: str = "error",
        code: str = "invalid",
    ) -> Problem:
        loc = self.loc + sub
        return Problem(
            message,
            file=self.raw.display if self.raw else None,
            line=self.raw.line_of(loc) if self.raw else None,
            path=format_path(loc),
            allowed=allowed,
            severity=severity,  # type: ignore[arg-type]
            code=code,
        )


def format_path(loc: Iterable[str | int]) -> str:
    text = ""
    for step in loc:
        if isinstance(step, int):
            text += f"[{step}]"
        else:
            text += ("." if text else "") + str(step)
    return text


@dataclass
class Loaded:
    """The result of loading a theory: the document (None if there were errors) and problems."""

    document: TheoryDocument | None
    problems: list[Problem] = field(default_factory=list)
    files: list[str] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]


def read_theory(source: str | Path) -> TheoryDocument:
    """Load and validate a theory file or folder; raise if it has any error.

    >>> doc = read_theory("samples/ics-leadership")
    >>> doc.review.id
    'ics-leadership'
    """
    loaded = load_theory(source)
    if loaded.document is None:
        raise InvalidTheoryError(loaded.problems, source=str(source))
    return loaded.document


def load_theory(source: str | Path) -> Loaded:
    """Load a theory file or folder, collecting every problem instead of stopping at one."""
    root = Path(source)
    files = find_theory_files(root)
    problems: list[Problem] = []
    review: tuple[Any, Origin] | None = None
    items: dict[str, list[tuple[Any, Origin]]] = {s: [] for s in NODE_SECTIONS}
    shown: list[str] = []

    for path in files:
        raw, found = read_raw(path, display=str(path))
        shown.append(str(path))
        problems += found
        if raw is None:
            continue
        top = Origin(raw, ())
        data = raw.data
        if not isinstance(data, dict):
            problems.append(
                top.problem(
                    f"a theory file must be a mapping of sections, not {_kind(data)}",
                    allowed="start the file with 'theorygraph: 1'",
                    code="type",
                )
            )
            continue
        version = data.get("theorygraph")
        if "theorygraph" not in data:
            problems.append(
                top.problem(
                    "the format version key is missing",
                    allowed=f"add 'theorygraph: {FORMAT_VERSION}' as the first line",
                    code="format-version",
                )
            )
        elif version != FORMAT_VERSION or isinstance(version, bool):
            problems.append(
                top.problem(
                    f"unsupported format version {version!r}",
                    ("theorygraph",),
                    allowed=f"this theorygraph reads version {FORMAT_VERSION}",
                    code="format-version",
                )
            )
        for key in data:
            if key not in TOP_LEVEL_KEYS:
                problems.append(
                    top.problem(
                        f"unknown section {key!r}",
                        (key,),
                        allowed=_allowed_names(str(key), TOP_LEVEL_KEYS),
                        code="unknown-field",
                    )
                )
        if "review" in data:
            here = Origin(raw, ("review",))
            if review is not None:
                first = review[1]
                problems.append(
                    here.problem(
                        "the review is described twice",
                        allowed=f"keep one 'review' section; the first is in "
                        f"{first.raw.display if first.raw else '?'}:"
                        f"{first.raw.line_of(first.loc) if first.raw else '?'}",
                        code="duplicate",
                    )
                )
            else:
                review = (data["review"], here)
        for section in NODE_SECTIONS:
            if section not in data or data[section] is None:
                continue
            value = data[section]
            if not isinstance(value, list):
                problems.append(
                    top.problem(
                        f"expected a list of {section}, got {_kind(value)}",
                        (section,),
                        allowed=f"write each item on a line starting with '- ' under '{section}:'",
                        code="type",
                    )
                )
                continue
            for index, item in enumerate(value):
                items[section].append((item, Origin(raw, (section, index))))

    unreadable = any(p.code in ("syntax", "encoding", "empty") or p.path == "" for p in problems)
    if review is None and not unreadable:
        problems.append(
            Problem(
                "no review section",
                file=str(root),
                allowed="add 'review: {id: my-review, title: ...}' to one theory file",
                code="missing",
            )
        )

    info: ReviewInfo | None = None
    if review is not None:
        info = _validated(ReviewInfo, review[0], review[1], problems)
        if info is not None:
            problems += _hidden_characters([(info, review[1])])

    objects: dict[str, list[tuple[BaseModel, Origin]]] = {}
    # ids of items that failed validation, and what they refer to: so that one bad item
    # does not also cause "unknown id" errors or "no extracts" warnings elsewhere
    claimed: dict[str, str] = {}
    referenced: set[str] = set()
    for section, model in NODE_SECTIONS.items():
        good: list[tuple[BaseModel, Origin]] = []
        for item, origin in items[section]:
            obj = _validated(model, item, origin, problems)
            if obj is not None:
                good.append((obj, origin))
            elif isinstance(item, dict):
                if isinstance(item.get("id"), str):
                    claimed.setdefault(item["id"], section)
                referenced |= _raw_references(item)
        objects[section] = good

    problems += _cross_check(objects, claimed, referenced)
    problems += _hidden_characters(pair for pairs in objects.values() for pair in pairs)
    has_errors = any(p.severity == "error" for p in problems)
    document = None
    if not has_errors and info is not None:
        sections: dict[str, Any] = {s: [o for o, _ in objs] for s, objs in objects.items()}
        document = TheoryDocument(review=info, **sections)
    return Loaded(document, _sorted(problems), shown)


def check_document(document: TheoryDocument) -> list[Problem]:
    """Cross-reference problems and warnings of an in-memory document."""
    objects = {
        s: [(obj, Origin(None, (s, i))) for i, obj in enumerate(getattr(document, s))]
        for s in NODE_SECTIONS
    }
    review = _hidden_characters([(document.review, Origin(None, ("review",)))])
    return _sorted(review + _cross_check(objects, {}))


def _sorted(problems: list[Problem]) -> list[Problem]:
    # errors before warnings; within each, in file and line order
    return sorted(
        problems,
        key=lambda p: (p.severity != "error", p.file or "", p.line or 0),
    )


def _kind(value: object) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"true/false ({value!r})"
    if isinstance(value, (int, float)):
        return f"a number ({value!r})"
    if isinstance(value, str):
        return f"text ({_short(value)!r})"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def _short(value: object, limit: int = 60) -> str:
    text = str(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _allowed_names(wanted: str, names: Iterable[str]) -> str:
    names = list(names)
    close = difflib.get_close_matches(wanted, names, n=1, cutoff=0.6)
    hint = f"did you mean {close[0]!r}? " if close else ""
    return hint + "allowed: " + ", ".join(names)


def _validated(model: type[BaseModel], item: Any, origin: Origin, problems: list[Problem]) -> Any:
    if not isinstance(item, dict):
        problems.append(
            origin.problem(
                f"expected a mapping of fields, got {_kind(item)}",
                allowed=f"fields: {', '.join(_field_names(model))}",
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


def _field_names(model: type[BaseModel]) -> list[str]:
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
            allowed=_allowed_names(field_name, _field_names(owner)),
            code="unknown-field",
        )
    if kind == "string_pattern_mismatch":
        return origin.problem(
            f"{_short(value)!r} is not a valid id", loc, allowed=ID_RULE, code="id"
        )
    if kind == "enum":
        choices = re.findall(r"'([^']*)'", str(ctx.get("expected", "")))
        return origin.problem(
            f"{_short(value)!r} is not an allowed value",
            loc,
            allowed=_allowed_names(str(value), choices),
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
        if (
            kind == "string_type"
            and isinstance(value, (int, float))
            and not isinstance(value, bool)
        ):
            allowed = f"put it in quotes: '{value}'"
        return origin.problem(
            f"expected {expected}, got {_kind(value)}", loc, allowed=allowed, code="type"
        )
    return origin.problem(f"{err['msg']} (got {_short(value)!r})", loc, code="invalid")


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


def _raw_references(item: dict[str, Any]) -> set[str]:
    found: set[str] = set()
    for key in ("study", "cmoc", "contexts", "mechanisms", "outcomes"):
        value = item.get(key)
        values = value if isinstance(value, list) else [value]
        found |= {v for v in values if isinstance(v, str)}
    return found


def _cross_check(
    objects: dict[str, list[tuple[Any, Origin]]],
    claimed: dict[str, str],
    referenced: set[str] = frozenset(),  # type: ignore[assignment]
) -> list[Problem]:
    problems: list[Problem] = []
    section_of: dict[str, str] = dict(claimed)
    where: dict[str, Origin] = {}
    ids: dict[str, list[str]] = defaultdict(list)

    for section, pairs in objects.items():
        for obj, origin in pairs:
            if obj.id in where:
                first = where[obj.id]
                first_at = (
                    f"{first.raw.display}:{first.raw.line_of(first.loc)}"
                    if first.raw
                    else format_path(first.loc)
                )
                problems.append(
                    origin.problem(
                        f"duplicate id {obj.id!r}",
                        ("id",),
                        allowed=f"ids are unique within a review; first used at {first_at}",
                        code="duplicate",
                    )
                )
                continue
            where[obj.id] = origin
            section_of[obj.id] = section
            ids[section].append(obj.id)

    def ref(
        value: str,
        wanted: str,
        origin: Origin,
        loc: tuple[str | int, ...],
        also: str | None = None,
    ) -> bool:
        """Check a reference; ``also`` names a second section the id may come from."""
        actual = section_of.get(value)
        if actual == wanted or (also is not None and actual == also):
            return True
        name = KIND[wanted] + (f" or {KIND[also]}" if also else "")
        pool = ids[wanted] + (ids[also] if also else [])
        if actual is not None:
            article = "an" if KIND[actual][0] in "aeiou" else "a"
            problems.append(
                origin.problem(
                    f"{value!r} is {article} {KIND[actual]}, not a {name}",
                    loc,
                    allowed=_suggest(value, pool, name),
                    code="reference",
                )
            )
        else:
            problems.append(
                origin.problem(
                    f"unknown {name} id {value!r}",
                    loc,
                    allowed=_suggest(value, pool, name),
                    code="reference",
                )
            )
        return False

    theories = {t.id: (t, o) for t, o in objects["theories"]}
    for theory, origin in objects["theories"]:
        if theory.refines is not None:
            if theory.refines == theory.id:
                problems.append(
                    origin.problem("a theory cannot refine itself", ("refines",), code="cycle")
                )
            else:
                ref(theory.refines, "theories", origin, ("refines",))
    problems += _refinement_cycles(theories)

    cmocs = {c.id: c for c, _ in objects["cmocs"]}
    used: dict[str, int] = defaultdict(int)
    for cmoc, origin in objects["cmocs"]:
        for fld, wanted in (
            ("contexts", "contexts"),
            ("mechanisms", "mechanisms"),
            ("outcomes", "outcomes"),
            ("theories", "theories"),
            ("leads_to", "cmocs"),
        ):
            seen: set[str] = set()
            for i, value in enumerate(getattr(cmoc, fld)):
                if value in seen:
                    problems.append(
                        origin.problem(f"{value!r} is listed twice", (fld, i), code="duplicate")
                    )
                    continue
                seen.add(value)
                if fld == "leads_to" and value == cmoc.id:
                    problems.append(
                        origin.problem(
                            "a CMOC cannot lead into itself",
                            (fld, i),
                            allowed="leads_to names CMOCs whose context is this one's outcome",
                            code="cycle",
                        )
                    )
                    continue
                # an outcome of one CMOC may be the context of another: that links them
                also = "outcomes" if fld == "contexts" else None
                if ref(value, wanted, origin, (fld, i), also):
                    used[value] += 1

    producers: dict[str, list[str]] = defaultdict(list)
    for cmoc, _ in objects["cmocs"]:
        for outcome in cmoc.outcomes:
            producers[outcome].append(cmoc.id)
    for cmoc, origin in objects["cmocs"]:
        for i, context in enumerate(cmoc.contexts):
            sources = [c for c in producers.get(context, []) if c != cmoc.id]
            unlinked = [c for c in sources if cmoc.id not in cmocs[c].leads_to]
            if sources and len(unlinked) == len(sources):
                problems.append(
                    origin.problem(
                        f"context {context!r} is an outcome of {', '.join(unlinked)}, "
                        f"which does not lead to {cmoc.id!r}",
                        ("contexts", i),
                        allowed=f"add {cmoc.id} to leads_to of {unlinked[0]} to chain them",
                        severity="warning",
                        code="unlinked",
                    )
                )

    evidenced: dict[str, int] = defaultdict(int)
    cited: dict[str, int] = defaultdict(int)
    for extract, origin in objects["extracts"]:
        if ref(extract.study, "studies", origin, ("study",)):
            cited[extract.study] += 1
        if not ref(extract.cmoc, "cmocs", origin, ("cmoc",)):
            continue
        evidenced[extract.cmoc] += 1
        link = extract.link
        cmoc = cmocs.get(extract.cmoc)
        if link is None or cmoc is None:
            continue
        ok = (link.source in cmoc.contexts and link.target in cmoc.mechanisms) or (
            link.source in cmoc.mechanisms and link.target in cmoc.outcomes
        )
        if not ok:
            links = [f"{c} -> {m}" for c in cmoc.contexts for m in cmoc.mechanisms]
            links += [f"{m} -> {o}" for m in cmoc.mechanisms for o in cmoc.outcomes]
            problems.append(
                origin.problem(
                    f"{link.source} -> {link.target} is not a link of CMOC {cmoc.id!r}",
                    ("link",),
                    allowed="its links: " + _short("; ".join(links), 200),
                    code="reference",
                )
            )

    for section in ("contexts", "mechanisms", "outcomes"):
        for node, origin in objects[section]:
            if not used.get(node.id) and node.id not in referenced:
                problems.append(
                    origin.problem(
                        f"{KIND[section]} {node.id!r} is in no CMOC",
                        allowed="add it to a CMOC, or remove it",
                        severity="warning",
                        code="unused",
                    )
                )
    for cmoc, origin in objects["cmocs"]:
        if not evidenced.get(cmoc.id) and cmoc.id not in referenced:
            problems.append(
                origin.problem(
                    f"CMOC {cmoc.id!r} has no evidence",
                    allowed="no extract targets it",
                    severity="warning",
                    code="no-evidence",
                )
            )
    for study, origin in objects["studies"]:
        if not cited.get(study.id) and study.id not in referenced:
            problems.append(
                origin.problem(
                    f"study {study.id!r} has no extracts",
                    allowed="no extract names it as its study",
                    severity="warning",
                    code="no-extracts",
                )
            )
    return problems


#: characters a reader cannot see and an export cannot always hold: control characters
#: other than tab, newline and carriage return (C0, DEL, C1), and U+FFFE and U+FFFF
HIDDEN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")
#: the part of HIDDEN that XML 1.0 cannot hold at all
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _hidden_characters(pairs: Iterable[tuple[Any, Origin]]) -> list[Problem]:
    """A warning for each text field holding a character in :data:`HIDDEN`.

    Such characters usually come from a spreadsheet cell or a PDF copied into one (a
    vertical tab for a line break, a form feed for a page break, a NUL from a damaged
    export); they pass every other check and are invisible on screen.
    """
    problems: list[Problem] = []
    for obj, origin in pairs:
        for loc, text in _texts(obj):
            found = HIDDEN.search(text)
            if found is None:
                continue
            codes = sorted({ord(c) for c in HIDDEN.findall(text)})
            many = len(codes) > 1
            message = (
                f"text holds invisible character{'s' if many else ''} {_codes(codes)}, "
                f"the first at character {found.start() + 1}"
            )
            allowed = f"delete {'them' if many else 'it'} or type a space or line break instead"
            replaced = [c for c in codes if _NOT_XML.match(chr(c))]
            if replaced:
                allowed += (
                    f"; GraphML, GEXF, DOT and Mermaid exports write U+FFFD for {_codes(replaced)}"
                )
            problems.append(
                origin.problem(
                    message, loc, allowed=allowed, severity="warning", code="hidden-character"
                )
            )
    return problems


def _codes(codes: list[int]) -> str:
    return ", ".join(f"U+{c:04X}" for c in codes)


def _texts(model: BaseModel) -> list[tuple[tuple[str | int, ...], str]]:
    """The texts of a model that are not plainly printable, with their paths as in files.

    Runs over every object of a review, so it looks at the fields directly and keeps
    only what :meth:`str.isprintable` (fast, in C) does not clear.
    """
    found: list[tuple[tuple[str | int, ...], str]] = []
    for name, value in model.__dict__.items():
        if type(value) is str:
            if not value.isprintable():
                found.append(((_alias(model, name),), value))
        elif type(value) is list:
            for index, item in enumerate(value):
                if type(item) is str and not item.isprintable():
                    found.append(((_alias(model, name), index), item))
        elif isinstance(value, BaseModel):
            found += [((_alias(model, name), *loc), text) for loc, text in _texts(value)]
    return found


def _alias(model: BaseModel, name: str) -> str:
    return type(model).model_fields[name].alias or name


def _suggest(value: str, pool: list[str], kind: str) -> str:
    close = closest_ids(value, pool)
    if close:
        return "closest existing ids: " + ", ".join(close)
    if not pool:
        return f"no {kind} is defined yet"
    return f"existing {kind} ids include: " + ", ".join(pool[:5])


def _refinement_cycles(theories: dict[str, tuple[Any, Origin]]) -> list[Problem]:
    problems = []
    reported: set[str] = set()
    for start in theories:
        seen = [start]
        current = theories[start][0].refines
        while current in theories and current != start and current not in seen:
            seen.append(current)
            current = theories[current][0].refines
        if current == start and len(seen) > 1 and not reported & set(seen):
            reported |= set(seen)
            origin = theories[start][1]
            problems.append(
                origin.problem(
                    "theories refine each other in a cycle: " + " -> ".join([*seen, start]),
                    ("refines",),
                    allowed="a refined theory points to an earlier version, never back",
                    code="cycle",
                )
            )
    return problems
