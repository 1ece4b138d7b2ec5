"""Theory data as YAML text, written directly rather than through a YAML library.

Theory data is plain (mappings of sections, lists of items, strings, numbers, booleans),
so it can be written line by line, about fifty times faster than ruamel's pure-Python
emitter: this is what keeps the import of a 100k-row sheet within seconds. Every string is written
in the one style that reads back to exactly the same string:

- plain (``label: Trust between teams``) when nothing in it could mean anything else
  to a YAML reader (no leading digit or indicator, no ``: `` or `` #``, not ``yes``,
  ``null``, ... , nothing unprintable);
- a literal block (``quote: |-`` and the lines below) for multi-line text that holds
  nothing a block cannot keep exactly (tabs, trailing spaces, a leading space or
  break, controls);
- otherwise double-quoted, with every character YAML could fold or refuse written as an
  escape (``\\n``, ``\\t``, ``\\x85``, ``\\u2028``, ...).

>>> print(dump_yaml({"theorygraph": 1, "extracts": [
...     {"id": "x-1", "quote": "Two\\nlines", "location": "p. 3: 1", "ok": True}]}), end="")
theorygraph: 1
extracts:
  - id: x-1
    quote: |-
      Two
      lines
    location: "p. 3: 1"
    ok: true
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from typing import Any

__all__ = ["dump_yaml", "item_lines", "quoted", "scalar", "section_head"]

#: strings a YAML 1.1 or 1.2 reader could take for a boolean or null when plain
_RESERVED = frozenset(["y", "n", "yes", "no", "on", "off", "true", "false", "null"])
#: characters outside YAML's printable set, and those a reader may take for a line
#: break or a byte-order mark (NEL, LS, PS, BOM): never written as themselves
_UNSAFE = "\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff"
#: a plain scalar: starts with a letter, holds only safe characters and no tab or
#: line break (': ', ' #' and a trailing ':' or space are checked apart)
_PLAIN = re.compile(rf"[^\W\d_][^{_UNSAFE}\t\n\r]*")
#: characters escaped in a double-quoted scalar
_ESCAPE = re.compile(rf'[{_UNSAFE}\t\n\r"\\]')
#: multi-line text a literal block keeps exactly: no unsafe character, tab or carriage
#: return, no space before a line break, no leading space or break, no trailing space
_LITERAL = re.compile(rf"[^ \n{_UNSAFE}\t\r][^{_UNSAFE}\t\r]*")
_NAMED = {
    "\x00": "\\0",
    "\x07": "\\a",
    "\x08": "\\b",
    "\t": "\\t",
    "\n": "\\n",
    "\x0b": "\\v",
    "\x0c": "\\f",
    "\r": "\\r",
    "\x1b": "\\e",
    '"': '\\"',
    "\\": "\\\\",
    "\x85": "\\N",
    "\u2028": "\\L",
    "\u2029": "\\P",
}


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    named = _NAMED.get(char)
    if named is not None:
        return named
    code = ord(char)
    return f"\\x{code:02X}" if code < 0x100 else f"\\u{code:04X}"


def quoted(text: str) -> str:
    """``text`` as a double-quoted YAML scalar on one line.

    >>> print(quoted('say "hi"\\tand\\u2028go'))
    "say \\"hi\\"\\tand\\Lgo"
    """
    return '"' + _ESCAPE.sub(_escape, text) + '"'


def _string(text: str) -> str:
    """A one-line string: plain when it reads back as itself, else double-quoted."""
    if (
        _PLAIN.fullmatch(text) is not None
        and ": " not in text
        and " #" not in text
        and not text.endswith((":", " "))
        and (len(text) > 5 or text.lower() not in _RESERVED)
    ):
        return text
    return '"' + _ESCAPE.sub(_escape, text) + '"'


def scalar(value: Any) -> str:
    """One scalar value as YAML text on one line.

    >>> [scalar(v) for v in ("Trust", "yes", "2019", "a: b", None, False, 3, 0.5)]
    ['Trust', '"yes"', '"2019"', '"a: b"', 'null', 'false', '3', '0.5']
    """
    if isinstance(value, str):
        return _string(value)
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return ".nan"
        if math.isinf(value):
            return ".inf" if value > 0 else "-.inf"
        text = repr(value)
        return text if ("." in text or "e" in text) else text + ".0"
    raise TypeError(f"cannot write {type(value).__name__} in a theory file")


def _literal(text: str, indent: str) -> str | None:
    """A literal block for multi-line text, or None when it would not read back exactly."""
    if _LITERAL.fullmatch(text) is None or " \n" in text or text.endswith((" ", "\n\n")):
        return None
    chomp = "" if text.endswith("\n") else "-"
    body = text[:-1] if text.endswith("\n") else text
    lines = "\n".join(indent + line if line else "" for line in body.split("\n"))
    return f"|{chomp}\n{lines}"


def _multiline(text: str, indent: int) -> str:
    block = _literal(text, " " * (indent + 2))
    return block if block is not None else quoted(text)


_KEYS: dict[str, str] = {}
_SHORT: dict[str, str] = {}  # short one-line strings -> their text


def _key(key: Any) -> str:
    text = _KEYS.get(key) if isinstance(key, str) else None
    if text is None:
        if not isinstance(key, str):
            raise TypeError(f"cannot write a {type(key).__name__} key in a theory file")
        text = _string(key) + ":"
        if len(_KEYS) < 1000:  # field names: a handful, written again and again
            _KEYS[key] = text
    return text


def _mapping(data: dict[str, Any], indent: int, lines: list[str], first: str = "") -> None:
    """Append the lines of a non-empty mapping whose keys sit at column ``indent``; the
    first line starts with ``first`` (a sequence dash) when given."""
    pad = " " * indent
    prefix = first or pad
    for key, value in data.items():
        head = prefix + (_KEYS.get(key) or _key(key))
        prefix = pad
        kind = type(value)
        if kind is str:
            text = _SHORT.get(value)
            if text is None:
                if "\n" in value:
                    text = _multiline(value, indent)
                else:
                    text = _string(value)
                    if len(value) <= 40:  # ids, stances, locations: written again and again
                        if len(_SHORT) > 100_000:
                            _SHORT.clear()
                        _SHORT[value] = text
            lines.append(f"{head} {text}")
        elif kind is int:
            lines.append(f"{head} {value}")
        elif isinstance(value, dict | list):
            if not value:
                lines.append(f"{head} {{}}" if isinstance(value, dict) else f"{head} []")
            else:
                lines.append(head)
                if isinstance(value, dict):
                    _mapping(value, indent + 2, lines)
                else:
                    _sequence(value, indent + 2, lines)
        elif isinstance(value, str) and "\n" in value:
            lines.append(f"{head} {_multiline(value, indent)}")
        else:
            lines.append(f"{head} {scalar(value)}")


def _sequence(items: list[Any], indent: int, lines: list[str]) -> None:
    """Append the lines of a non-empty sequence whose dashes sit at column ``indent``."""
    dash = " " * indent + "- "
    for item in items:
        if isinstance(item, str):
            lines.append(dash + (_string(item) if "\n" not in item else quoted(item)))
        elif isinstance(item, dict) and item:
            _mapping(item, indent + 2, lines, first=dash)
        elif isinstance(item, list) and item:
            inner: list[str] = []
            _sequence(item, indent + 2, inner)
            lines.append(dash + inner[0].lstrip())
            lines += inner[1:]
        elif isinstance(item, dict | list):
            lines.append(dash + ("{}" if isinstance(item, dict) else "[]"))
        else:
            lines.append(dash + scalar(item))


def item_lines(item: Any) -> str:
    """One item of a top-level section, as the text that goes under ``section:``.

    >>> print(item_lines({"id": "c-1", "label": "Trust"}), end="")
      - id: c-1
        label: Trust
    """
    lines: list[str] = []
    _sequence([item], 2, lines)
    return "\n".join(lines) + "\n"


def section_head(key: str, value: Any) -> str:
    """A top-level key with its value, or only the ``key:`` line of a non-empty list."""
    if isinstance(value, list) and value:
        return _key(key) + "\n"
    lines: list[str] = []
    _mapping({key: value}, 0, lines)
    return "\n".join(lines) + "\n"


def chunks(data: dict[str, Any]) -> Iterator[str]:
    """The text of ``data`` in pieces: each top-level key, and each item of a list."""
    for key, value in data.items():
        yield section_head(key, value)
        if isinstance(value, list) and value:
            for item in value:
                yield item_lines(item)


def dump_yaml(data: dict[str, Any]) -> str:
    """``data`` (a mapping of sections) as YAML text."""
    return "".join(chunks(data))
