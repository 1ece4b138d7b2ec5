"""REFI-QDA projects (.qdpx), the exchange format NVivo, ATLAS.ti and MAXQDA export.

A ``.qdpx`` file is a zip holding ``project.qde`` (XML in the namespace
``urn:QDA-XML:project:1.0``) and the text of each source under ``sources/``. Each coded
text segment (``PlainTextSelection``) whose codes follow the naming convention becomes
one extract: the selected text is its quote and the source document its study.

The convention: top-level codes (code groups) named ``Contexts``, ``Mechanisms``,
``Outcomes``, ``CMOCs`` and ``Stance`` (also ``Link``, ``Relevance``, ``Rigour`` and
``Kind``); every code under a group names a value by its own name (``c-trust: Trust
between teams`` gives the id too). See docs/import.md for a picture of the code tree.

The XML is untrusted: it is parsed with defusedxml (no DTDs, no entities), zip entries
with absolute paths or ``..`` are refused, and sizes are capped.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from ..errors import Problem, SourceError, UsageError
from ..model import ReviewInfo, Study, TheoryDocument
from .builder import Builder, Row
from .columns import header_key
from .finish import finish
from .ids import slugify
from .result import ImportProblem, ImportResult

__all__ = ["GROUPS", "read_qdpx"]

NS = "{urn:QDA-XML:project:1.0}"
#: code group name (compared without case, spaces or punctuation) -> the field it fills
GROUPS = {
    "contexts": "context",
    "context": "context",
    "c": "context",
    "mechanisms": "mechanism",
    "mechanism": "mechanism",
    "m": "mechanism",
    "outcomes": "outcome",
    "outcome": "outcome",
    "o": "outcome",
    "cmocs": "cmoc",
    "cmoc": "cmoc",
    "stance": "stance",
    "stances": "stance",
    "link": "link",
    "links": "link",
    "relevance": "relevance",
    "rigour": "rigour",
    "rigor": "rigour",
    "kind": "kind",
}
#: the name docs/import.md gives each group, used in messages
GROUP_NAMES = {
    "context": "Contexts",
    "mechanism": "Mechanisms",
    "outcome": "Outcomes",
    "cmoc": "CMOCs",
    "stance": "Stance",
    "link": "Link",
    "relevance": "Relevance",
    "rigour": "Rigour",
    "kind": "Kind",
}
ROLE_OF = {"context": "contexts", "mechanism": "mechanisms", "outcome": "outcomes"}
MAX_TOTAL = 512 * 1024 * 1024
MAX_PROJECT = 64 * 1024 * 1024
MAX_ENTRIES = 20000
_ID_LABEL = re.compile(r"^([a-z0-9][a-z0-9._-]{0,79}):\s+(\S.*)$")
_DOC_SUFFIX = re.compile(r"\.(txt|pdf|docx?|rtf|odt|html?)$", re.I)


def read_qdpx(
    path: str | Path,
    *,
    base: TheoryDocument | None = None,
    references: list[Study] | None = None,
    references_name: str | None = None,
    skip_bad_rows: bool = False,
    progress: Callable[[str, int, int], None] | None = None,
    review: ReviewInfo | None = None,
    display: str = "",
) -> ImportResult:
    """Import the coded text segments of a REFI-QDA project, merged into ``base`` if given."""
    path = Path(path)
    shown = display or str(path)
    if not path.is_file():
        raise UsageError(f"{shown}: no such file")
    if path.suffix.lower() != ".qdpx":
        raise UsageError(
            f"{shown}: a REFI-QDA project is a .qdpx file (export it from NVivo "
            "or ATLAS.ti as a REFI-QDA project)"
        )
    try:
        with zipfile.ZipFile(path) as archive:
            project = _Project(archive, shown)
            segments, pre_bad, notes = project.segments()
    except zipfile.BadZipFile as exc:
        raise SourceError(f"{shown}: not a .qdpx file (not a zip archive: {exc})") from exc
    if review is None and base is None:
        review = ReviewInfo(
            id=slugify(path.stem, fallback="review"), title=f"Imported from {path.name}"
        )
    builder = Builder(base, references=references, references_name=references_name, review=review)
    builder.nodes.expect_outcomes(
        n for row in segments for n, _ in (row.names or {}).get("outcomes", [])
    )
    return finish(builder, segments, notes, shown, skip_bad_rows, progress, known_bad=pre_bad)


@dataclass
class BadText:
    """Why a source's text (or a segment of it) cannot be read."""

    message: str
    allowed: str


class _Project:
    """The codebook and sources of one project.qde."""

    def __init__(self, archive: zipfile.ZipFile, shown: str) -> None:
        self.archive, self.shown = archive, shown
        infos = archive.infolist()
        if len(infos) > MAX_ENTRIES:
            raise SourceError(f"{shown}: holds {len(infos)} files, more than {MAX_ENTRIES}")
        for info in infos:
            name = info.filename
            parts = PurePosixPath(name.replace("\\", "/")).parts
            if name.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", name) or ".." in parts:
                raise SourceError(
                    f"{shown}: refuses the entry {name!r} (an absolute path or "
                    "'..' could write outside the project)"
                )
        if sum(i.file_size for i in infos) > MAX_TOTAL:
            raise SourceError(f"{shown}: unpacks to more than {MAX_TOTAL // 2**20} MiB")
        self.names = {i.filename: i for i in infos}
        if "project.qde" not in self.names:
            raise SourceError(
                f"{shown}: holds no project.qde; export a REFI-QDA project (.qdpx) again"
            )
        self.root = _parse(self._read("project.qde", MAX_PROJECT), shown)
        if self.root.tag != f"{NS}Project":
            raise SourceError(
                f"{shown}: project.qde is not a REFI-QDA project (root element {self.root.tag!r})"
            )
        self.codes: dict[str, tuple[str | None, str, bool]] = {}  # guid -> field, name, group?
        book = self.root.find(f"{NS}CodeBook/{NS}Codes")
        for code in book.findall(f"{NS}Code") if book is not None else []:
            field = GROUPS.get(header_key(code.get("name", "")))
            self.codes[code.get("guid", "")] = (field, code.get("name", ""), True)
            for child in code.iter(f"{NS}Code"):
                if child is not code:
                    self.codes[child.get("guid", "")] = (field, child.get("name", ""), False)

    def _read(self, name: str, limit: int) -> bytes:
        with self.archive.open(self.names[name]) as handle:
            blob = handle.read(limit + 1)
        if len(blob) > limit:
            raise SourceError(f"{self.shown}: {name} is larger than {limit // 2**20} MiB")
        return blob

    def _text(self, source: Any) -> str | BadText:
        """The plain text of a source, or why it cannot be had."""
        content = source.find(f"{NS}PlainTextContent")
        if content is not None and content.text is not None:
            return str(content.text)
        where = source.get("plainTextPath", "")
        if not where.startswith("internal://"):
            return BadText(
                f"the source's text is outside the project ({where or 'no plainTextPath'})",
                "export the project with its sources embedded",
            )
        entry = "sources/" + where[len("internal://") :]
        if entry not in self.names:
            return BadText(f"the project has no {entry}", "export the project again")
        try:
            return self._read(entry, MAX_PROJECT).decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            return BadText(
                f"{entry} is not UTF-8 ({exc.reason} at byte {exc.start})",
                "REFI-QDA stores source text as UTF-8: export the project again",
            )

    def segments(self) -> tuple[list[Row], dict[int, list[Problem]], list[Problem]]:
        rows: list[Row] = []
        bad: dict[int, list[Problem]] = {}
        notes: list[Problem] = []
        uncoded = other = 0
        number = 0
        sources = self.root.find(f"{NS}Sources")
        for source in list(sources) if sources is not None else []:
            name = source.get("name") or ""
            if source.tag != f"{NS}TextSource":
                # a PDF's text layer is a TextSource-like Representation inside it
                other += sum(
                    1
                    for e in source.iter()
                    if e.tag.endswith("Selection") and e.tag != f"{NS}PlainTextSelection"
                )
                source = source.find(f"{NS}Representation")
                if source is None:
                    continue
            study = _DOC_SUFFIX.sub("", name).strip()
            text = self._text(source)
            for selection in source.findall(f"{NS}PlainTextSelection"):
                number += 1
                segment = _Segment(self, number, study, selection, text)
                if segment.values is None:
                    uncoded += 1
                    continue
                if segment.problems:
                    bad[number] = segment.problems
                    continue
                notes += segment.notes
                rows.append(Row(number, segment.values, segment.locate, segment.names))
        if uncoded:
            many = uncoded != 1
            notes.append(
                Problem(
                    f"{uncoded} coded segment{'s carry' if many else ' carries'} "
                    f"no code of the theorygraph groups and {'were' if many else 'was'}"
                    " not imported",
                    file=self.shown,
                    severity="warning",
                    code="uncoded",
                    allowed="groups: Contexts, Mechanisms, Outcomes, CMOCs, Stance",
                )
            )
        if other:
            many = other != 1
            notes.append(
                Problem(
                    f"{other} selection{'s' if many else ''} in PDF, picture, audio "
                    f"or video sources {'were' if many else 'was'} not imported "
                    "(only text is)",
                    file=self.shown,
                    severity="warning",
                    code="not-text",
                )
            )
        return rows, bad, notes


class _Segment:
    """One PlainTextSelection: its field values, or the problems that stop it."""

    def __init__(
        self, project: _Project, number: int, study: str, selection: Any, text: str | BadText
    ) -> None:
        self.project, self.number = project, number
        self.problems: list[Problem] = []
        self.notes: list[Problem] = []
        self.names: dict[str, list[tuple[str, str | None]]] = {r: [] for r in ROLE_OF.values()}
        start, end = selection.get("startPosition", ""), selection.get("endPosition", "")
        self.span = f"{start}-{end}"
        self.study = study
        self.where = f"source {study!r}, segment {self.span}"
        values: dict[str, str] = {}
        for coding in selection.findall(f"{NS}Coding"):
            ref = coding.find(f"{NS}CodeRef")
            guid = ref.get("targetGUID", "") if ref is not None else ""
            field, name, group = project.codes.get(guid, (None, "", False))
            if field is None:
                continue
            if group:
                self.problems.append(
                    self.locate(
                        field,
                        f"coded with the group {name!r} itself",
                        allowed="code it with one of the group's codes",
                    )
                )
            elif field in ROLE_OF:
                found = _ID_LABEL.match(name.strip())
                pair = (found.group(2), found.group(1)) if found else (name.strip(), None)
                self.names[ROLE_OF[field]].append(pair)
                values[field] = "; ".join(n for n, _ in self.names[ROLE_OF[field]])
            elif field in values:
                self.problems.append(
                    self.locate(
                        field,
                        f"has two {field} codes: {values[field]!r} and {name!r}",
                        allowed="keep one",
                    )
                )
            else:
                found = _ID_LABEL.match(name.strip()) if field == "cmoc" else None
                values[field] = found.group(1) if found else name.strip()
        if not values and not self.problems:
            self.values: dict[str, str] | None = None
            return
        quote = _slice(text, start, end)
        if isinstance(quote, BadText):
            self.problems.append(self.locate(None, quote.message, allowed=quote.allowed))
        elif quote:
            values["quote"] = quote
        values["study"] = study
        values["location"] = selection.get("name") or f"chars {self.span}"
        description = selection.find(f"{NS}Description")
        if description is not None and (description.text or "").strip():
            values["rationale"] = description.text.strip()
        if "stance" not in values:
            values["stance"] = "supports"
            self.notes.append(
                self.locate(
                    "stance",
                    "no Stance code; taken as 'supports'",
                    allowed="code the segment under Stance",
                    severity="warning",
                    code="default-stance",
                )
            )
        self.values = values

    def locate(self, field: str | None, message: str, **kwargs: Any) -> ImportProblem:
        group = GROUP_NAMES.get(field or "")
        where = self.where + (f", {group} code" if group else "")
        return ImportProblem(
            message,
            file=self.project.shown,
            line=self.number,
            path=f"segment {self.number}",
            where=where,
            row=self.number,
            sheet=f"source {self.study}",
            cell=f"{group} code" if group else None,
            **kwargs,
        )


def _slice(text: str | BadText, start: str, end: str) -> str | BadText:
    if isinstance(text, BadText):
        return text
    if not start.isdigit() or not end.isdigit() or not 0 <= int(start) < int(end) <= len(text):
        return BadText(
            f"positions {start}-{end} are not inside the source's text ({len(text)} characters)",
            "startPosition and endPosition count characters from 0; export the project again",
        )
    return text[int(start) : int(end)].strip()


def _parse(blob: bytes, shown: str) -> Any:
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import ParseError, fromstring

    try:
        return fromstring(blob, forbid_dtd=True)
    except DefusedXmlException as exc:
        raise SourceError(
            f"{shown}: project.qde declares a DTD or entities, which "
            f"theorygraph refuses to read ({exc})"
        ) from exc
    except ParseError as exc:
        raise SourceError(f"{shown}: project.qde is not well-formed XML ({exc})") from exc
