"""Studies from reference-manager exports: RIS (EndNote, Zotero), BibTeX and CSL JSON.

Each record becomes a :class:`~theorygraph.model.Study` with its authors, year, title,
venue, DOI and URL. The review-specific fields ride in keywords written as
``theorygraph:FIELD=VALUE`` (``design``, ``country``, ``sector``, ``participants``,
``service_user_involvement``); every other keyword becomes a tag.

The study id is the record's citation key (RIS ``ID`` or ``LB``, the BibTeX key, the CSL
``id``), made a valid id if needed, or else the first author's family name and the year
(``smith-2019``). Records that cannot be read are problems with the file and line; no
record is dropped silently.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..errors import Problem, SourceError, UsageError
from ..model import Study
from .ids import slugify, unique_id
from .values import BadValue, read_bool, read_design, read_sector, read_year

__all__ = ["KEYWORD_FIELDS", "REFERENCE_SUFFIXES", "read_references"]

REFERENCE_SUFFIXES = {".ris": "ris", ".txt": "ris", ".bib": "bibtex", ".json": "csl"}
KEYWORD_PREFIX = "theorygraph:"
KEYWORD_FIELDS = ("design", "country", "sector", "participants", "service_user_involvement")
MAX_REFERENCE_BYTES = 64 * 1024 * 1024


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

    def problem(message: str, allowed: str | None = None, code: str = "invalid") -> None:
        problems.append(
            Problem(message, file=shown, line=line, path=label, allowed=allowed, code=code)
        )

    data = {k: v for k, v in record.items() if v not in (None, "", [])}
    if isinstance(data.get("year"), str):
        try:
            data["year"] = read_year(data["year"])
        except BadValue:
            data.pop("year")  # "in press", "n.d.": a study without a year is still a study
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

    library = bibtexparser.parse_string(
        text,
        append_middleware=[
            mw.SeparateCoAuthors(),
            mw.SplitNameParts(),
            mw.LatexDecodingMiddleware(),
        ],
    )
    problems = [
        Problem(
            f"cannot read this BibTeX entry: {str(getattr(b, 'error', '')).strip()}",
            file=shown,
            line=(b.start_line or 0) + 1,
            allowed="fix the entry or export the library again",
            code="syntax",
        )
        for b in library.failed_blocks
    ]
    records = []
    for entry in library.entries:
        fields = {f.key.lower(): f.value for f in entry.fields}
        keywords = re.split(r"[,;]", fields.get("keywords") or "")
        records.append(
            {
                "_line": (entry.start_line or 0) + 1,
                "_label": f"@{entry.entry_type}{{{entry.key}",
                "_key": entry.key,
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
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        return [], [
            Problem(
                f"invalid JSON: {exc.msg} (column {exc.colno})",
                file=shown,
                line=exc.lineno,
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
    records, problems = [], []
    for index, item in enumerate(items):
        label = f"item {index + 1}"
        if not isinstance(item, dict):
            problems.append(Problem("expected an object", file=shown, path=label, code="type"))
            continue
        authors = []
        for person in item.get("author") or []:
            if isinstance(person, dict):
                family, given = person.get("family"), person.get("given")
                name = (
                    f"{family}, {given}"
                    if family and given
                    else family or person.get("literal") or given
                )
                if name:
                    authors.append(str(name))
        issued = item.get("issued") or {}
        parts = issued.get("date-parts") if isinstance(issued, dict) else None
        year = (
            parts[0][0]
            if parts and parts[0]
            else (issued.get("raw") if isinstance(issued, dict) else None)
        )
        keywords = item.get("keyword") or ""
        keywords = keywords if isinstance(keywords, list) else re.split(r"[,;]", str(keywords))
        records.append(
            {
                "_line": None,
                "_label": label,
                "_key": str(item["id"]) if item.get("id") else None,
                "_keywords": [str(k) for k in keywords if str(k).strip()],
                "title": item.get("title"),
                "authors": authors,
                "year": str(year) if year is not None else None,
                "venue": item.get("container-title"),
                "doi": item.get("DOI"),
                "url": item.get("URL"),
                "notes": item.get("note"),
            }
        )
    return records, problems
