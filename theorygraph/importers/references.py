"""Studies from reference-manager exports: RIS (EndNote, Zotero), BibTeX and CSL JSON.

Each record becomes a :class:`~theorygraph.model.Study` with its authors, year, title,
venue, DOI and URL. The review-specific fields ride in keywords written as
``theorygraph:FIELD=VALUE`` (``design``, ``country``, ``sector``, ``participants``,
``service_user_involvement``); every other keyword becomes a tag.

The study id is the record's citation key (RIS ``ID`` or ``LB``, the BibTeX key, the CSL
``id``), made a valid id if needed, or else the first author's family name and the year
(``smith-2019``). Records that cannot be read are problems with the file and line; no
record is dropped silently. Nor is part of one: a record with any error (a year that is
not a year, an author that is not a name, a BibTeX entry closed early by a stray ``}``)
is not made into a study at all, so ``--skip-bad-rows`` skips it whole.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..errors import Problem, SourceError, UsageError
from ..model import Study
from .ids import slugify, unique_id
from .values import BadValue, read_bool, read_design, read_sector, read_year, short

__all__ = ["KEYWORD_FIELDS", "REFERENCE_SUFFIXES", "read_references"]

REFERENCE_SUFFIXES = {".ris": "ris", ".txt": "ris", ".bib": "bibtex", ".json": "csl"}
KEYWORD_PREFIX = "theorygraph:"
KEYWORD_FIELDS = ("design", "country", "sector", "participants", "service_user_involvement")
MAX_REFERENCE_BYTES = 64 * 1024 * 1024
#: what a reference manager writes for a work without a year: such a study has none
_NO_YEAR = re.compile(
    r"(in\s*press|n\.?\s*d\.?|s\.?\s*d\.?|no\s*date|undated|forthcoming|submitted|"
    r"accepted|under\s*review|in\s*preparation|unpublished)\.?",
    re.I,
)
YEAR_ALLOWED = "a four-digit year such as 2019, or 'in press' or 'n.d.' for a work without one"


def read_references(path: str | Path, *, display: str = "") -> tuple[list[Study], list[Problem]]:
    """The studies of a RIS, BibTeX or CSL JSON file, and every problem found in it."""
    path = Path(path)
    shown = display or str(path)
    kind = REFERENCE_SUFFIXES.get(path.suffix.lower())
    if kind is None:
        raise UsageError(
            f"{shown}: cannot tell the reference format from the name; "
            "use .ris (RIS), .bib (BibTeX) or .json (CSL JSON)"
        )
    if not path.is_file():
        raise UsageError(f"{shown}: no such file")
    if path.stat().st_size > MAX_REFERENCE_BYTES:
        raise SourceError(f"{shown}: larger than {MAX_REFERENCE_BYTES // 2**20} MiB")
    blob = path.read_bytes()
    if blob.startswith(b"\xef\xbb\xbf"):
        blob = blob[3:]
    try:
        text = blob.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = blob[: exc.start].count(b"\n") + 1
        return [], [
            Problem(
                f"byte 0x{blob[exc.start]:02x} is not valid UTF-8",
                file=shown,
                line=line,
                allowed="export the references as UTF-8 (EndNote: Output style encoding; "
                "Zotero exports UTF-8)",
                code="encoding",
            )
        ]
    if not text.strip():
        return [], [Problem("file is empty", file=shown, allowed="export the references again")]
    records, problems = {"ris": _ris, "bibtex": _bibtex, "csl": _csl}[kind](text, shown)
    studies: list[Study] = []
    taken: set[str] = set()
    for record in records:
        study = _study(record, shown, taken, problems)
        if study is not None:
            taken.add(study.id)
            studies.append(study)
    return studies, problems


# -- one record, whatever the format: a dict of study fields plus where it came from ----------


def _study(record: dict[str, Any], shown: str, taken: set[str], problems: list[Problem]) -> Any:
    line, label = record.pop("_line"), record.pop("_label")
    keywords = record.pop("_keywords", [])
    key = record.pop("_key", None)

    refused = record.pop("_refused", False)  # the reader found an error in this record
    year_field = record.pop("_year_field", "year")

    def problem(message: str, allowed: str | None = None, code: str = "invalid") -> None:
        nonlocal refused
        refused = True
        problems.append(
            Problem(message, file=shown, line=line, path=label, allowed=allowed, code=code)
        )

    data = {k: v for k, v in record.items() if v not in (None, "", [])}
    year = data.get("year")
    if isinstance(year, str):
        data.pop("year")
        found = _year(year)
        if found is not None:
            data["year"] = found
        elif not _NO_YEAR.fullmatch(year.strip()):  # "in press": a study without a year
            problem(f"{year_field} {short(year)!r} is not a year", YEAR_ALLOWED, code="year")
    for keyword in keywords:
        _keyword(keyword, data, problem)
    if not data.get("title"):
        problem(
            "the record has no title",
            "a study needs a title (RIS TI, BibTeX title)",
            code="missing",
        )
        return None
    wanted = _study_id(key, data)
    if wanted in taken:
        problem(
            f"citation key {wanted!r} is used by an earlier record too",
            "give each record its own key",
            code="duplicate",
        )
        wanted = unique_id(wanted, taken)
    if refused:  # a record that cannot be read faithfully is not imported half-read
        return None
    data["id"] = wanted
    if data.get("doi"):
        data["doi"] = normalise_doi(data["doi"])
    try:
        return Study.model_validate(data)
    except ValidationError as exc:
        for err in exc.errors():
            where = ".".join(str(p) for p in err["loc"])
            problem(f"{where}: {err['msg']}", code="invalid")
        return None


def _year(text: str) -> int | None:
    """``2019``, ``2019///``, ``2019-05-01``; also one year among a few words (``May 2019``)."""
    try:
        return read_year(text)
    except BadValue:
        pass
    years = re.findall(r"(?<![0-9])[12][0-9]{3}(?![0-9])", text) if len(text) <= 60 else []
    return int(years[0]) if len(years) == 1 else None


def _keyword(keyword: str, data: dict[str, Any], problem: Any) -> None:
    if not keyword.strip().casefold().startswith(KEYWORD_PREFIX):
        data.setdefault("tags", []).append(keyword.strip())
        return
    name, sep, value = keyword.strip()[len(KEYWORD_PREFIX) :].partition("=")
    name, value = name.strip().lower().replace("-", "_"), value.strip()
    if not sep or name not in KEYWORD_FIELDS:
        problem(
            f"keyword {keyword!r} does not follow the theorygraph convention",
            f"write theorygraph:FIELD=VALUE with FIELD one of {', '.join(KEYWORD_FIELDS)}",
            code="keyword",
        )
        return
    try:
        if name == "design":
            data["design"] = read_design(value)
        elif name == "sector":
            data["sector"] = read_sector(value)
        elif name == "service_user_involvement":
            data["service_user_involvement"] = read_bool(value)
        elif name == "participants":
            data.setdefault("participants", []).extend(
                p.strip() for p in value.split(";") if p.strip()
            )
        else:
            data[name] = value
    except BadValue as exc:
        problem(f"keyword {keyword!r}: {exc.message}", exc.allowed, code="enum")


def _study_id(key: str | None, data: dict[str, Any]) -> str:
    if key:
        return key if re.fullmatch(r"[a-z0-9][a-z0-9._-]{0,79}", key) else slugify(key)
    authors = data.get("authors") or []
    if authors:
        from .matching import family_name

        return slugify(f"{family_name(authors[0])} {data.get('year') or ''}")
    return slugify(data["title"])


def normalise_doi(doi: str) -> str:
    """``https://doi.org/10.1/X`` -> ``10.1/x``: DOIs are case-insensitive."""
    text = doi.strip()
    text = re.sub(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", "", text, flags=re.I)
    return text.lower()


def _ris(text: str, shown: str) -> tuple[list[dict[str, Any]], list[Problem]]:
    import rispy

    problems: list[Problem] = []
    starts = [n for n, line in enumerate(text.splitlines(), start=1) if line.startswith("TY  -")]
    ends = sum(1 for line in text.splitlines() if re.match(r"^ER  -", line))
    if not starts:
        problems.append(
            Problem(
                "no RIS records found",
                file=shown,
                line=1,
                allowed="a record starts with 'TY  - ' and ends with 'ER  - '",
                code="syntax",
            )
        )
        return [], problems
    try:
        entries = rispy.loads(text)
    except Exception as exc:  # rispy raises plain IOError/ValueError for broken files
        raise SourceError(f"{shown}: not a readable RIS file ({exc})") from exc
    if ends < len(starts) or len(entries) < len(starts):
        problems.append(
            Problem(
                f"{len(starts)} records start with 'TY  -' but {ends} end with 'ER  -'",
                file=shown,
                line=starts[min(len(entries), len(starts) - 1)],
                allowed="end every record with a line 'ER  - '",
                code="syntax",
            )
        )
    records = []
    for index, entry in enumerate(entries):
        line = starts[index] if index < len(starts) else None
        authors = entry.get("authors") or entry.get("first_authors") or []
        records.append(
            {
                "_line": line,
                "_label": f"record {index + 1}",
                "_key": entry.get("id") or entry.get("label"),
                "_keywords": entry.get("keywords") or [],
                "title": entry.get("title") or entry.get("primary_title"),
                "authors": list(authors),
                "year": entry.get("year") or entry.get("publication_year") or entry.get("date"),
                "venue": entry.get("secondary_title")
                or entry.get("journal_name")
                or entry.get("alternate_title3"),
                "doi": entry.get("doi"),
                "url": (entry.get("urls") or [None])[0],
                "notes": "\n".join(entry.get("notes") or []) or None,
            }
        )
    return records, problems


def _bibtex(text: str, shown: str) -> tuple[list[dict[str, Any]], list[Problem]]:
    import bibtexparser
    from bibtexparser import middlewares as mw
    from bibtexparser import model

    with _quiet("bibtexparser"):  # its log lines would reach stderr; the blocks say it all
        try:
            library = bibtexparser.parse_string(
                text,
                append_middleware=[
                    mw.SeparateCoAuthors(),
                    mw.SplitNameParts(),
                    mw.LatexDecodingMiddleware(),
                ],
            )
        except Exception as exc:  # the parser's own bugs: it raises whatever it hit
            raise SourceError(
                f"{shown}: not a readable BibTeX file ({type(exc).__name__}: {exc})"
            ) from exc
    problems: list[Problem] = []
    refused: dict[int, list[Problem]] = {}  # id(entry) -> why it cannot be read faithfully
    blocks = library.blocks
    for index, block in enumerate(blocks):
        if isinstance(block, model.ParsingFailedBlock):
            problems.append(_failed_block(block, shown))
        elif isinstance(block, model.ImplicitComment) and index:
            before = blocks[index - 1]
            if isinstance(before, model.Entry):
                problem = _closed_early(before, block, shown)
                if problem is not None:
                    refused.setdefault(id(before), []).append(problem)
    records = []
    for entry in library.entries:
        line = (entry.start_line or 0) + 1
        label = f"@{entry.entry_type}{{{entry.key}"
        fields: dict[str, Any] = {}
        for field in entry.fields:
            key = field.key.lower()
            if key in fields:  # bibtexparser compares field names with their case
                refused.setdefault(id(entry), []).append(
                    Problem(
                        f"field {key!r} is given twice",
                        file=shown,
                        line=line,
                        path=label,
                        allowed="keep one",
                        code="duplicate",
                    )
                )
            fields[key] = field.value
        found = refused.get(id(entry))
        if found:
            problems += found
        keywords = re.split(r"[,;]", fields.get("keywords") or "")
        records.append(
            {
                "_line": line,
                "_label": label,
                "_key": entry.key,
                "_refused": bool(found),
                "_keywords": [k for k in keywords if k.strip()],
                "title": _unbrace(fields.get("title")),
                "authors": [_bib_name(a) for a in fields.get("author") or []],
                "year": fields.get("year"),
                "venue": _unbrace(fields.get("journal") or fields.get("booktitle")),
                "doi": fields.get("doi"),
                "url": fields.get("url"),
                "notes": _unbrace(fields.get("note")),
            }
        )
    return records, problems


@contextmanager
def _quiet(name: str) -> Iterator[None]:
    """Keep a library's log records (and Python's last-resort handler) off stderr."""
    logger = logging.getLogger(name)
    handler, propagate = logging.NullHandler(), logger.propagate
    logger.addHandler(handler)
    logger.propagate = False
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate


_BIB_HEAD = re.compile(r"@\s*(\w+)\s*[{(]\s*([^,\s{}()]*)")
#: a field assignment: ``year = {2019}``, ``year = "2019"``, ``year = 2019``, ``year = jan``
_BIB_FIELD = re.compile(r"(?<![\w:.+-])([A-Za-z][\w:.+-]*)\s*=\s*(?=[{\"\w])")
_BIB_BRACE = re.compile(r"[{}]")


def _failed_block(block: Any, shown: str) -> Problem:
    """One BibTeX entry bibtexparser could not read, said as its author would want."""
    from bibtexparser import model

    line = (block.start_line or 0) + 1
    head = _BIB_HEAD.match(block.raw or "")
    label = f"@{head.group(1)}{{{head.group(2)}" if head else None
    error = block.error
    allowed = "fix the entry or export the library again"
    if isinstance(block, model.DuplicateBlockKeyBlock):
        earlier = (getattr(block.previous_block, "start_line", None) or 0) + 1
        reason = f"citation key {block.key!r} is used by an earlier entry too (line {earlier})"
        allowed = "give each entry its own key"
    elif isinstance(block, model.DuplicateFieldKeyBlock):
        names = ", ".join(repr(k) for k in sorted(block.duplicate_keys))
        several = len(block.duplicate_keys) > 1
        reason = f"field{'s' if several else ''} {names} {'are' if several else 'is'} given twice"
        allowed = "keep one"
    elif hasattr(error, "abort_reason"):
        reason = _unbalanced(block.raw or "", line) or str(error.abort_reason).strip()
        allowed = "every '{' in an entry needs its own '}'"
    else:
        reason = str(error).strip() or type(error).__name__
    return Problem(
        f"cannot read this BibTeX entry: {reason}",
        file=shown,
        line=line,
        path=label,
        allowed=allowed,
        code="syntax",
    )


def _unbalanced(raw: str, line: int) -> str | None:
    """Where an aborted entry's braces go wrong, if the text shows it.

    A field whose '{' is never closed swallows the fields after it: they show up one level
    deeper, at the start of their lines. Otherwise an entry left open lacks its last '}'.
    """
    depth, field, swallowed = 0, None, False
    for found in re.finditer(rf"{_BIB_BRACE.pattern}|{_BIB_FIELD.pattern}", raw):
        token = found.group(0)
        if token == "{":
            depth += 1
        elif token == "}":
            depth -= 1
        elif depth == 1:
            field = found
        elif field is not None:
            before = raw[raw.rfind("\n", 0, found.start()) + 1 : found.start()]
            if not before.strip(" \t,"):
                swallowed = True
                break
    if field is not None and (swallowed or depth > 1):
        where = line + raw.count("\n", 0, field.start())
        return (
            f"the '{{' opened in its {field.group(1).lower()} field (line {where}) is never closed"
        )
    if depth == 1:
        return "the entry is never closed (its last '}' is missing)"
    return None


def _closed_early(entry: Any, after: Any, shown: str) -> Problem | None:
    """A stray '}' ends an entry early: its later fields become a comment and are lost."""
    text = after.raw or ""
    if not text.lstrip().startswith(("}", ",")):
        return None  # text between entries is a comment in BibTeX
    lost = [m.group(1).lower() for m in _BIB_FIELD.finditer(text)]
    if not lost:
        return None
    line = (entry.start_line or 0) + 1
    end = line + (entry.raw or "").count("\n")
    return Problem(
        f"an extra '}}' on line {end} closes the entry early, so its "
        f"field{'s' if len(lost) > 1 else ''} {', '.join(lost)} would be lost",
        file=shown,
        line=line,
        path=f"@{entry.entry_type}{{{entry.key}",
        allowed="every '}' in a field closes a '{' of that field; remove the extra '}'",
        code="syntax",
    )


def _unbrace(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    return " ".join(value.replace("{", "").replace("}", "").split()) or None


def _bib_name(name: Any) -> str:
    last = " ".join([*name.von, *name.last])
    first = " ".join(name.first)
    text = f"{last}, {first}" if first else last
    return _unbrace(text + (f", {' '.join(name.jr)}" if name.jr else "")) or ""


def _csl(text: str, shown: str) -> tuple[list[dict[str, Any]], list[Problem]]:
    decoder = json.JSONDecoder(parse_int=_json_int)
    try:
        data = decoder.decode(text)
    except json.JSONDecodeError as exc:
        return [], [
            Problem(
                f"invalid JSON: {exc.msg} (column {exc.colno})",
                file=shown,
                line=exc.lineno,
                code="syntax",
            )
        ]
    except RecursionError:  # json recurses once per level of nesting
        return [], [
            Problem(
                "arrays and objects are nested too deeply to read",
                file=shown,
                allowed="CSL JSON is a list of items, each an object of fields; export it again",
                code="syntax",
            )
        ]
    items = data.get("items") if isinstance(data, dict) else data
    if not isinstance(items, list):
        return [], [
            Problem(
                "expected a CSL JSON list of items",
                file=shown,
                line=1,
                allowed="export as 'CSL JSON' from Zotero or another manager",
                code="type",
            )
        ]
    lines = _item_lines(text, decoder) if isinstance(data, list) else []
    records, problems = [], []
    for index, item in enumerate(items):
        line = lines[index] if index < len(lines) else None
        label = f"item {index + 1}"
        if not isinstance(item, dict):
            problems.append(
                Problem("expected an object", file=shown, line=line, path=label, code="type")
            )
            continue
        key = str(item["id"]) if item.get("id") else None
        if key:
            label += f" (id {short(key, 40)!r})"
        wrong: list[tuple[str, str]] = []  # (message, allowed): the item is refused
        authors = _csl_people(item.get("author"), wrong)
        year, year_field = _csl_year(item.get("issued"), wrong)
        problems += [
            Problem(message, file=shown, line=line, path=label, allowed=allowed, code="type")
            for message, allowed in wrong
        ]
        keywords = item.get("keyword") or ""
        keywords = keywords if isinstance(keywords, list) else re.split(r"[,;]", str(keywords))
        records.append(
            {
                "_line": line,
                "_label": label,
                "_key": key,
                "_refused": bool(wrong),
                "_year_field": year_field,
                "_keywords": [str(k) for k in keywords if str(k).strip()],
                "title": item.get("title"),
                "authors": authors,
                "year": year,
                "venue": item.get("container-title"),
                "doi": item.get("DOI"),
                "url": item.get("URL"),
                "notes": item.get("note"),
            }
        )
    return records, problems


def _json_int(digits: str) -> int | str:
    """A JSON number: Python refuses ints of over 4,300 digits, so those stay text."""
    return int(digits) if len(digits) <= 100 else digits


_JSON_SPACE = re.compile(r"[ \t\n\r]*")


def _item_lines(text: str, decoder: json.JSONDecoder) -> list[int]:
    """The line each item of a (valid) top-level JSON array starts on."""

    def skip(pos: int) -> int:  # past JSON white space
        found = _JSON_SPACE.match(text, pos)
        return found.end() if found else pos

    lines: list[int] = []
    line, counted = 1, 0
    pos = skip(0) + 1  # past the '['
    while True:
        pos = skip(pos)
        if text[pos] == "]":
            return lines
        line += text.count("\n", counted, pos)
        counted = pos
        lines.append(line)
        pos = skip(decoder.raw_decode(text, pos)[1])
        if text[pos] == ",":
            pos += 1


_PEOPLE = 'a list of names, each {"family": ..., "given": ...} or {"literal": ...}'


def _csl_people(people: Any, wrong: list[tuple[str, str]]) -> list[str]:
    """CSL ``author`` as names; what cannot be read as a name goes to ``wrong``."""
    if people is None:
        return []
    if not isinstance(people, list):
        shown = f"a string ({short(people)!r})" if isinstance(people, str) else _json_type(people)
        wrong.append((f"author is {shown}", f"CSL JSON gives author as {_PEOPLE}"))
        return []
    names = []
    for number, person in enumerate(people, start=1):
        if isinstance(person, str):  # not CSL, but plainly one name
            if person.strip():
                names.append(person.strip())
            continue
        if not isinstance(person, dict):
            wrong.append((f"author {number} is {_json_type(person)}", f"write {_PEOPLE}"))
            continue
        parts = {k: person.get(k) for k in ("family", "given", "literal")}
        odd = [k for k, v in parts.items() if v is not None and not isinstance(v, str)]
        if odd:
            wrong.append(
                (f"author {number}: {odd[0]} is {_json_type(parts[odd[0]])}", "write it as text")
            )
            continue
        family, given, literal = (v.strip() if v else "" for v in parts.values())
        name = f"{family}, {given}" if family and given else family or literal or given
        if not name:
            wrong.append(
                (f"author {number} has no family, given or literal name", f"write {_PEOPLE}")
            )
            continue
        names.append(name)
    return names


_DATE = 'CSL JSON writes a date as {"date-parts": [[2019, 5, 1]]} or {"raw": "2019"}'


def _csl_year(issued: Any, wrong: list[tuple[str, str]]) -> tuple[str | None, str]:
    """The year text of CSL ``issued`` and the field it came from (checked by _study)."""
    if issued is None:
        return None, "issued"
    if isinstance(issued, str | int) and not isinstance(issued, bool):
        return str(issued), "issued"
    if not isinstance(issued, dict):
        wrong.append((f"issued is {_json_type(issued)}", _DATE))
        return None, "issued"
    parts = issued.get("date-parts")
    if parts is not None:
        if not isinstance(parts, list):
            wrong.append((f"issued.date-parts is {_json_type(parts)}, not a list of dates", _DATE))
            return None, "issued.date-parts"
        if parts and parts[0] not in ([], None):
            first = parts[0]
            if not isinstance(first, list):
                wrong.append((f"issued.date-parts[0] is {_json_type(first)}, not a list", _DATE))
                return None, "issued.date-parts"
            year = first[0]
            if isinstance(year, bool) or not isinstance(year, str | int | float):
                wrong.append((f"the year in issued.date-parts is {_json_type(year)}", _DATE))
                return None, "issued.date-parts"
            return str(year), "issued.date-parts"
    for field in ("raw", "literal"):
        if issued.get(field) not in (None, ""):
            return str(issued[field]), f"issued.{field}"
    return None, "issued"


def _json_type(value: Any) -> str:
    names = {bool: "true or false", int: "a number", float: "a number", str: "a string"}
    names.update({list: "a list", dict: "an object", type(None): "null"})
    shown = names.get(type(value), type(value).__name__)
    if isinstance(value, int | float | str) and not isinstance(value, bool):
        shown += f" ({short(str(value))!r})" if isinstance(value, str) else f" ({value})"
    return shown
