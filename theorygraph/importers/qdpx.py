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
with absolute paths or ``..`` are refused, and sizes are capped: what a member unpacks to
is checked against the zip's headers before it is read and counted again while it is
read (headers can lie), and a selection longer than a quote may be is refused from its
positions, before its text is cut out.
"""

from __future__ import annotations

import functools
import re
import zipfile
import zlib
from collections.abc import Callable, Iterator
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
from .values import MAX_CELL, short

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
#: the most theorygraph unpacks from one member (project.qde, or one source's text) ...
MAX_MEMBER = 64 * 1024 * 1024
#: ... and from the whole project, every read counted (a text read twice counts twice)
MAX_READ = 256 * 1024 * 1024
MAX_ENTRIES = 20000
#: project.qde's elements: some 400 bytes each once parsed; a coded segment uses about a dozen
MAX_ELEMENTS = 500_000
#: a position is a character count: ASCII digits, and no more of them than any text needs
_POSITION = re.compile(r"[0-9]{1,12}")
#: the longest selection cut out of a source: a quote's limit plus room for white space
MAX_SPAN = MAX_CELL + 4096
#: the most quote text one project gives (a theory file holds at most 64 MiB)
MAX_QUOTES = 32 * 1024 * 1024
_CHUNK = 1024 * 1024
#: what unpacking a damaged member raises (a bad header or CRC, bad deflate data, a cut
#: stream, a flag zipfile does not support)
_CORRUPT = (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError)
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
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, NotImplementedError, UnicodeDecodeError, ValueError) as exc:
        # a damaged directory: zipfile raises more than BadZipFile for some
        raise SourceError(f"{shown}: not a .qdpx file (not a zip archive: {exc})") from exc
    with archive:
        project = _Project(archive, shown)
        segments, pre_bad, notes = project.segments()
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
        self.unpacked = 0  # bytes unpacked so far, against MAX_READ
        self.names = {i.filename: i for i in infos}
        if "project.qde" not in self.names:
            raise SourceError(
                f"{shown}: holds no project.qde; export a REFI-QDA project (.qdpx) again"
            )
        self.root = _parse(self._chunks("project.qde"), shown)
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

    def _chunks(self, name: str) -> Iterator[bytes]:
        """A member's bytes, a chunk at a time, never more than the limits allow.

        The sizes are checked from the zip's header before reading and again on every
        chunk, since a header can lie.
        """
        info = self.names[name]
        if info.flag_bits & 0x1:
            raise SourceError(
                f"{self.shown}: {name} is encrypted; export the project without a password"
            )
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            # zipfile unpacks bzip2 and lzma without an output bound: a few KB can become GB
            raise SourceError(
                f"{self.shown}: {name} is packed with zip compression method "
                f"{info.compress_type}; theorygraph unpacks only stored or deflated files "
                "(what NVivo, ATLAS.ti and MAXQDA write): export the project again"
            )
        self._check_size(name, info.file_size)
        size = 0
        try:
            with self.archive.open(info) as handle:
                while chunk := handle.read(_CHUNK):
                    size += len(chunk)
                    if size > info.file_size:  # zipfile stops there too; do not rely on it
                        raise SourceError(
                            f"{self.shown}: {name} unpacks to more than the "
                            f"{_mib(info.file_size)} its header says (the zip is damaged or "
                            "forged); export the project again"
                        )
                    self.unpacked += len(chunk)
                    yield chunk
        except _CORRUPT as exc:
            raise SourceError(
                f"{self.shown}: {name} is corrupt and cannot be unpacked ({exc}); "
                "export the project again"
            ) from exc

    def _read(self, name: str) -> bytearray:
        blob = bytearray()
        for chunk in self._chunks(name):
            blob += chunk
        return blob

    def _check_size(self, name: str, size: int) -> None:
        """Refuse a member its header says is too big, alone or with what was read before."""
        if size > MAX_MEMBER:
            raise SourceError(
                f"{self.shown}: {name} unpacks to {_mib(size)}, more than the "
                f"{MAX_MEMBER // 2**20} MiB theorygraph reads from one file of a project"
            )
        if self.unpacked + size > MAX_READ:
            raise SourceError(
                f"{self.shown}: {name} unpacks to {_mib(size)}, which takes the text read "
                f"from the project past {MAX_READ // 2**20} MiB, the most theorygraph reads "
                "from one project (a source's text counts each time a source names it)"
            )

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
            return self._read(entry).decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            return BadText(
                f"{entry} is not UTF-8 ({exc.reason} at byte {exc.start})",
                "REFI-QDA stores source text as UTF-8: export the project again",
            )

    def segments(self) -> tuple[list[Row], dict[int, list[Problem]], list[Problem]]:
        rows: list[Row] = []
        bad: dict[int, list[Problem]] = {}
        notes: list[Problem] = []
        uncoded = other = quoted = 0
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
            text = functools.cache(functools.partial(self._text, source))  # read if needed
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
                quoted += len(segment.values.get("quote", ""))
                if quoted > MAX_QUOTES:
                    raise SourceError(
                        f"{self.shown}: {segment.where}: the coded segments so far hold "
                        f"{quoted} characters of quotes, more than the "
                        f"{MAX_QUOTES // 2**20} Mi characters theorygraph imports from one "
                        "project; split the project"
                    )
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
        self,
        project: _Project,
        number: int,
        study: str,
        selection: Any,
        text: Callable[[], str | BadText],
    ) -> None:
        self.project, self.number = project, number
        self.problems: list[Problem] = []
        self.notes: list[Problem] = []
        self.names: dict[str, list[tuple[str, str | None]]] = {r: [] for r in ROLE_OF.values()}
        start, end = selection.get("startPosition", ""), selection.get("endPosition", "")
        self.span = f"{short(start, 24)}-{short(end, 24)}"
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
        quote = _slice(text(), start, end)
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


def _mib(size: int) -> str:
    """A size in MiB, rounded up (so a size just over a limit never reads as the limit)."""
    return f"{-(-size * 10 // 2**20) / 10:.1f} MiB" if size >= 2**20 else f"{size:,} bytes"


def _slice(text: str | BadText, start: str, end: str) -> str | BadText:
    """The selected text, stripped; cut out only when its span is short enough for a quote."""
    if isinstance(text, BadText):
        return text
    for name, value in (("startPosition", start), ("endPosition", end)):
        if not _POSITION.fullmatch(value):
            what = (
                f"has {len(value)} digits; no source is that long"
                if value.isascii() and value.isdigit()
                else "is not a whole number written with the digits 0-9"
            )
            return BadText(
                f"{name} {short(value, 24)!r} {what}",
                "startPosition and endPosition count characters from 0, in the digits "
                "0-9; export the project again",
            )
    first, stop = int(start), int(end)
    if not first < stop <= len(text):
        return BadText(
            f"positions {start}-{end} are not inside the source's text ({len(text)} characters)",
            "startPosition and endPosition count characters from 0; export the project again",
        )
    allowed = (
        f"a quote holds at most {MAX_CELL} characters, Excel's own limit per cell; "
        "code a shorter segment"
    )
    if stop - first > MAX_SPAN:  # refused from its positions: the text is never copied
        return BadText(f"the selection spans {stop - first} characters", allowed)
    quote = text[first:stop].strip()
    if len(quote) > MAX_CELL:
        return BadText(f"the selected text holds {len(quote)} characters", allowed)
    return quote


def _parse(chunks: Iterator[bytes], shown: str) -> Any:
    """project.qde as an element tree, parsed as it is unpacked, with its elements counted."""
    from xml.etree.ElementTree import TreeBuilder

    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import DefusedXMLParser, ParseError

    class Counted(TreeBuilder):
        count = 0

        def start(self, tag: Any, attrs: Any) -> Any:
            self.count += 1
            if self.count > MAX_ELEMENTS:
                raise SourceError(
                    f"{shown}: project.qde holds more than {MAX_ELEMENTS:,} XML elements, "
                    "the most theorygraph reads from one project; split the project"
                )
            return super().start(tag, attrs)

    parser = DefusedXMLParser(target=Counted(), forbid_dtd=True)
    try:
        for chunk in chunks:
            parser.feed(chunk)
        return parser.close()
    except DefusedXmlException as exc:
        raise SourceError(
            f"{shown}: project.qde declares a DTD or entities, which "
            f"theorygraph refuses to read ({exc})"
        ) from exc
    except ParseError as exc:
        raise SourceError(f"{shown}: project.qde is not well-formed XML ({exc})") from exc
