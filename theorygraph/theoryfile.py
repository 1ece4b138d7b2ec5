"""Reading and writing theory files (YAML or JSON; one file or a folder of files).

Reading keeps the line of every mapping key and sequence item, so that
:mod:`theorygraph.validate` can say exactly where a problem sits. Writing is
canonical (model field order, defaults left out) and atomic: the file is written
to a temporary neighbour and renamed over the target, so a failed write leaves the
old file as it was.
"""

from __future__ import annotations

import functools
import io
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import Problem, SourceError, UsageError
from .files import write_text

__all__ = [
    "THEORY_SUFFIXES",
    "RawFile",
    "dump_document",
    "find_theory_files",
    "read_raw",
    "write_document",
]

THEORY_SUFFIXES = (".yaml", ".yml", ".json")
#: larger theory files are refused before parsing: split a big review into a folder
MAX_FILE_BYTES = 64 * 1024 * 1024
#: deeper than this, a file is refused before parsing (see _structure_problem)
MAX_FLOW_DEPTH = 1000
MAX_INDENT = 1000


@dataclass
class RawFile:
    """One parsed theory file: its data and a way back to line numbers.

    The data comes from a fast parser; line numbers need ruamel's round-trip parser,
    which is several times slower, so it runs only when a problem asks for a line.
    """

    path: Path
    data: Any
    display: str
    text: str | None = None
    _located: Any = None

    def _with_lines(self) -> Any:
        if self._located is None:
            self._located = self.data
            if self.text is not None:
                try:
                    self._located = _yaml().load(io.StringIO(self.text))
                except Exception:  # the fast parser read it; keep going without lines
                    self.text = None
        return self._located

    def line_of(self, loc: tuple[str | int, ...]) -> int | None:
        """1-based line of the value at ``loc`` (or of the nearest enclosing value)."""
        node = self._with_lines()
        line: int | None = _start_line(node)
        for step in loc:
            lc = getattr(node, "lc", None)
            if isinstance(step, int) and isinstance(node, list) and 0 <= step < len(node):
                if lc is not None:
                    line = lc.item(step)[0] + 1
                node = node[step]
            elif isinstance(node, dict) and step in node:
                if lc is not None:
                    line = lc.key(step)[0] + 1
                node = node[step]
            else:
                break
        return line


def _start_line(node: Any) -> int | None:
    lc = getattr(node, "lc", None)
    return lc.line + 1 if lc is not None and lc.line is not None else None


def _yaml() -> Any:
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    yaml.allow_duplicate_keys = False
    return yaml


#: a run of block indicators ("- - - ..." or "? ? ...") nesting this deep on one line
_CHAINED = re.compile(rf"^[ \t]*(?:[-?][ \t]+){{{MAX_INDENT}}}", flags=re.M)
#: a line indented this far that starts a collection or a key
_INDENTED = re.compile(rf"^[ \t]{{{MAX_INDENT},}}(?:[-?[{{]|[^\s#:]+:)", flags=re.M)
#: the start of a block line up to where its value begins: indentation, "- " and "? "
#: indicators, a "---" marker, and a key ("key: ", "'key': ", '"key": ')
_BLOCK_LEAD = re.compile(
    r"""[ \t]*
    (?: (?:---|[-?]) (?:[ \t]+|$)
      | (?:'[^'\n]*' | "[^"\n]*" | [^\s\#'"\[\]{}][^\n\#]*?) : (?:[ \t]+|$)
    )*""",
    re.X,
)
#: a block scalar's header ("|", ">-", "|2+" ...) and nothing after it but a comment
_BLOCK_SCALAR = re.compile(r"[|>][-+0-9]*[ \t]*(?:#.*)?$")
#: inside a flow collection: quoted text and comments (which hold no brackets that count)
_FLOW_SKIP = re.compile(r"""'(?:[^']|'')*'|"(?:[^"\\]|\\.)*"|(?<=[ \t\n])\#[^\n]*""", re.S)


def _structure_problem(text: str, shown: str) -> Problem | None:
    """A problem when the file's structure alone rules it out, found without parsing.

    A theory file is a mapping nesting a few levels. A file whose top level is a list,
    or which nests more than 1,000 levels (flow collections, chained "- - -", or
    indentation), is refused at once: parsing a large one takes minutes, and deep
    nesting can overflow the C parser's stack.
    """
    first = _first_content(text)
    if first is not None:
        line, content = first
        if content.startswith("[") or content == "-" or content.startswith(("- ", "-\t")):
            return Problem(
                "a theory file must be a mapping of sections, not a list",
                file=shown,
                line=line,
                path="",
                allowed="start the file with 'theorygraph: 1'",
                code="type",
            )
    if _flow_depth(text) > MAX_FLOW_DEPTH or _CHAINED.search(text) or _INDENTED.search(text):
        return _too_deep(shown)
    return None


def _first_content(text: str) -> tuple[int, str] | None:
    """The line number and text of the first line that is not blank, a comment, a
    directive or a document marker (what follows "--- " counts)."""
    for number, match in enumerate(re.finditer(r"[^\n]*\n?", text), start=1):
        content = match.group().strip()
        if content.startswith("---"):
            content = content[3:].strip()
        if not content or content.startswith(("#", "%")) or content == "...":
            continue
        return number, content
    return None


def _flow_depth(text: str) -> int:
    """How deep "[" and "{" collections nest, not counting brackets in text.

    Line by line in block context: a collection opens only where a value starts (after
    indentation, "- ", "? " and a key); the lines of a block scalar ("|" or ">") are text.
    Inside a collection, quoted strings and comments are skipped. A quick count first:
    most files hold too few brackets to come close.
    """
    if text.count("[") + text.count("{") <= MAX_FLOW_DEPTH:
        return 0
    deepest = 0
    pos, end = 0, len(text)
    scalar_indent: int | None = None  # inside a block scalar: lines indented past this
    while pos < end:
        newline = text.find("\n", pos)
        line_end = end if newline < 0 else newline
        line = text[pos:line_end]
        indent = len(line) - len(line.lstrip(" "))
        if scalar_indent is not None:
            if not line.strip() or indent > scalar_indent:
                pos = line_end + 1
                continue
            scalar_indent = None
        lead = _BLOCK_LEAD.match(text, pos, line_end)  # always matches, perhaps nothing
        start = lead.end() if lead else pos
        if start < line_end and text[start] in "[{":
            pos, depth = _flow_end(text, start)
            deepest = max(deepest, depth)
            if deepest > MAX_FLOW_DEPTH:
                return deepest
            continue
        if _BLOCK_SCALAR.match(text, start, line_end):
            scalar_indent = indent
        pos = line_end + 1
    return deepest


def _flow_end(text: str, pos: int) -> tuple[int, int]:
    """Where the flow collection opening at ``pos`` ends, and how deep it nests (the
    scan stops once deeper than :data:`MAX_FLOW_DEPTH`)."""
    depth = deepest = 0
    end = len(text)
    while pos < end:
        char = text[pos]
        if char in "[{":
            depth += 1
            deepest = max(deepest, depth)
            if deepest > MAX_FLOW_DEPTH:
                return end, deepest
        elif char in "]}":
            depth -= 1
            if depth == 0:
                newline = text.find("\n", pos)
                return (end if newline < 0 else newline + 1), deepest
        elif char in "'\"#":
            skipped = _FLOW_SKIP.match(text, pos)
            if skipped is not None:
                pos = skipped.end()
                continue
        pos += 1
    return end, deepest


def _fast_load(text: str, is_json: bool) -> Any:
    """The data only, as fast as we can: json, or ruamel's C-based safe loader."""
    if is_json:
        return json.loads(text)
    from ruamel.yaml import YAML

    yaml = YAML(typ="safe", pure=False)  # C parser when ruamel.yaml.clib is installed
    yaml.allow_duplicate_keys = False
    yaml.Resolver = _resolver_class()
    return yaml.load(io.StringIO(text))


@functools.cache
def _resolver_class() -> type:
    """ruamel's resolver, asked which YAML version applies once per file instead of once
    per value: with the C parser the answer is always the default (1.2), and working it out
    raises and catches an AttributeError each time (a fifth of the time a large file
    takes to load)."""
    from ruamel.yaml.resolver import VersionedResolver

    class OnceResolver(VersionedResolver):  # type: ignore[misc]
        _chosen: Any = None

        @property
        def versioned_resolver(self) -> Any:
            if self._chosen is None:
                self._chosen = VersionedResolver.versioned_resolver.fget(self)  # type: ignore[attr-defined]
            return self._chosen

    return OnceResolver


def is_workbook(source: str | Path) -> bool:
    """Whether ``source`` names a review's workbook (.xlsx), which opens as a review too;
    decided from the name alone, so that opening a theory folder imports no xlsx reader."""
    return Path(source).suffix.lower() in (".xlsx", ".xlsm")


def find_theory_files(source: Path) -> list[Path]:
    """The theory files of a source: the file itself, or every theory file in a folder."""
    if not source.exists():
        raise UsageError(f"{source}: no such file or folder")
    if source.is_file():
        return [source]
    files = sorted(
        p
        for p in source.rglob("*")
        if p.is_file()
        and p.suffix.lower() in THEORY_SUFFIXES
        and not any(part.startswith(".") for part in p.relative_to(source).parts)
    )
    if not files:
        raise SourceError(
            f"{source}: folder holds no theory files (.yaml, .yml or .json); "
            "see docs/theory-files.md"
        )
    return files


def read_raw(
    path: Path, display: str | None = None, *, lines: bool = True
) -> tuple[RawFile | None, list[Problem]]:
    """Parse one file. Syntax errors come back as problems, never as exceptions. Without
    ``lines``, problems found later in the file's data carry no line number: the slow
    parser that finds them is never run."""
    shown = display or str(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            return None, [
                Problem(
                    f"file is {size / 1024 / 1024:.1f} MiB; theory files over "
                    f"{MAX_FILE_BYTES // 1024 // 1024} MiB are not read",
                    file=shown,
                    allowed="split the review into a folder of smaller files",
                    code="too-large",
                )
            ]
        blob = path.read_bytes()
    except OSError as exc:
        raise SourceError(f"{shown}: cannot read: {exc.strerror or exc}") from exc
    if blob.startswith(b"\xef\xbb\xbf"):
        blob = blob[3:]  # a UTF-8 byte-order mark, as Excel and Notepad write
    try:
        text = blob.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = blob[: exc.start].count(b"\n") + 1
        return None, [
            Problem(
                f"byte 0x{blob[exc.start]:02x} is not valid UTF-8",
                file=shown,
                line=line,
                allowed="save the file as UTF-8",
                code="encoding",
            )
        ]
    if not text.strip():
        return None, [
            Problem(
                "file is empty",
                file=shown,
                line=1,
                allowed="a theory file starts with 'theorygraph: 1'",
                code="empty",
            )
        ]
    is_json = path.suffix.lower() == ".json"
    refused = _structure_problem(text, shown)
    if refused is not None:
        return None, [refused]
    try:
        return RawFile(path, _fast_load(text, is_json), shown, text=text if lines else None), []
    except Exception:  # noqa: S110 - read it again below, for a precise message
        pass
    if is_json:
        try:
            json.loads(text)
        except RecursionError:
            return None, [_too_deep(shown)]
        except json.JSONDecodeError as exc:
            return None, [
                Problem(
                    f"invalid JSON: {exc.msg} (column {exc.colno})",
                    file=shown,
                    line=exc.lineno,
                    code="syntax",
                )
            ]
    try:
        data = _yaml().load(io.StringIO(text))
    except RecursionError:
        return None, [_too_deep(shown)]
    except Exception as exc:  # ruamel raises many unrelated classes for bad syntax
        if path.suffix.lower() == ".json":
            # valid JSON that YAML cannot read (tabs, odd escapes): keep the data, lose lines
            return RawFile(path, json.loads(text), shown), []
        return None, [_yaml_problem(exc, shown, text)]
    return RawFile(path, data, shown), []


def _too_deep(shown: str) -> Problem:
    return Problem(
        "nesting is too deep to read",
        file=shown,
        allowed="a theory file nests a few levels: sections, items, fields",
        code="syntax",
    )


def _yaml_problem(exc: Exception, shown: str, text: str = "") -> Problem:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    line = mark.line + 1 if mark is not None else None
    position = getattr(exc, "position", None)
    character = getattr(exc, "character", None)
    if character is not None and isinstance(position, int):
        # a control character YAML does not allow (ruamel's ReaderError)
        line = text[:position].count("\n") + 1
        return Problem(
            f"control character U+{ord(character) if isinstance(character, str) else character:04X}"
            " is not allowed in YAML",
            file=shown,
            line=line,
            allowed="remove it, or write it as an escape inside a double-quoted string",
            code="syntax",
        )
    what = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    return Problem(f"invalid YAML: {what}", file=shown, line=line, code="syntax")


def dump_document(data: dict[str, Any], fmt: str) -> str:
    """Canonical text for theory data: ``fmt`` is ``yaml`` or ``json``.

    YAML is written by :mod:`theorygraph.yamlwrite`, which picks for every string the
    style that reads back exactly (plain, a literal block or double-quoted).
    """
    if fmt == "json":
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    from .yamlwrite import dump_yaml

    return dump_yaml(data)


def format_for(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix == ".json":
        return "json"
    if suffix in (".yaml", ".yml"):
        return "yaml"
    raise UsageError(f"{path}: cannot tell the format from the name; use .yaml, .yml or .json")


def write_document(data: dict[str, Any], path: Path) -> None:
    """Write theory data to ``path`` atomically, in the format its suffix names."""
    write_text(path, dump_document(data, format_for(path)))
