"""The reference list of a report: included studies formatted by a CSL processor.

Every study becomes a CSL JSON item (:func:`csl_item`) and is formatted by citeproc-py in a
citation style chosen by name (:data:`STYLES`) or given as a ``.csl`` file. Numbers follow
the style's own order of the bibliography: for a numeric style (Vancouver) the order in
which the report first cites each study, for an author-date style (APA, Harvard) the
style's sort, by author and year. A numeric style's own number at the start of an entry is
left out, since the report prints every entry's number itself, as ``[n]``.

Formatting (italics, bold...) comes out as runs of text, so that the HTML, Markdown and
DOCX reports each write it their own way and every character of a study's record is
escaped by the writer, never taken as markup.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import MissingExtraError, UsageError
from .blocks import Text

__all__ = ["STYLES", "Bibliography", "csl_item", "csl_name", "style_path"]

#: the styles a report names without a file: name -> (file, what it is)
STYLES = {
    "vancouver": ("nlm-citation-sequence.csl", "NLM/Vancouver (Citing Medicine, 2nd edition)"),
    "apa": ("apa.csl", "APA 7th edition"),
    "harvard": ("harvard-cite-them-right.csl", "Harvard (Cite Them Right), bundled by citeproc-py"),
}
#: the style of a report unless told otherwise: numbered, like the report's [n]
DEFAULT_STYLE = "vancouver"

_HERE = Path(__file__).resolve().parent / "styles"

#: how citeproc's formatting is marked in its output: private-use characters, which no
#: study's record may hold (they are taken out of it first)
_MARKS = {
    "i": ("\ue001", "\ue002"),
    "b": ("\ue003", "\ue004"),
    "sup": ("\ue005", "\ue006"),
    "sub": ("\ue007", "\ue008"),
    "sc": ("\ue009", "\ue00a"),
    "u": ("\ue00b", "\ue00c"),
}
_OPENS = {start: mark for mark, (start, _) in _MARKS.items()}
_CLOSES = {end: mark for mark, (_, end) in _MARKS.items()}
_PRIVATE = re.compile("[\ue000-\ue00f]")
#: a name written 'Family Initials' ('Sims S', 'van der Berg JK', 'Ross F.-A.')
_INITIALS = re.compile(r"^(?P<family>.+?)\s+(?P<given>(?:[A-Z]\.?-?){1,4})$")


def _wrap(mark: str) -> Any:
    start, end = _MARKS[mark]
    return lambda text: f"{start}{text}{end}"


class _Marked:
    """A citeproc formatter (its ``formatter`` module's shape) that marks formatting with
    private-use characters and leaves text as it is."""

    preformat = staticmethod(lambda text: text)
    Italic = Oblique = staticmethod(_wrap("i"))
    Bold = staticmethod(_wrap("b"))
    Light = staticmethod(lambda text: text)
    Underline = staticmethod(_wrap("u"))
    Superscript = staticmethod(_wrap("sup"))
    Subscript = staticmethod(_wrap("sub"))
    SmallCaps = staticmethod(_wrap("sc"))


def style_path(style: str | None) -> Path:
    """The CSL file of ``style``: a name of :data:`STYLES` or the path of a ``.csl`` file.

    >>> style_path("apa").name
    'apa.csl'
    """
    chosen = DEFAULT_STYLE if style is None else style
    if chosen.lower() in STYLES:
        name = STYLES[chosen.lower()][0]
        shipped = _HERE / name
        if shipped.is_file():
            return shipped
        return _citeproc_style(name)
    path = Path(chosen)
    if path.suffix.lower() == ".csl":
        if not path.is_file():
            raise UsageError(f"style {chosen!r}: no such file", params=("style",))
        return path
    raise UsageError(
        f"unknown citation style {chosen!r}; use {', '.join(STYLES)} or the path of a "
        "CSL style file (.csl)",
        params=("style",),
    )


def _citeproc_style(name: str) -> Path:
    """A style citeproc-py ships (Harvard: harvard1.csl in its older releases)."""
    from citeproc import STYLES_PATH

    for candidate in (name, "harvard1.csl"):
        path = Path(STYLES_PATH) / candidate
        if path.is_file():
            return path
    raise UsageError(f"this citeproc-py ships no {name}", params=("style",))  # pragma: no cover


def csl_name(name: str) -> dict[str, str]:
    """A study's author as a CSL name: 'Family, Given' and 'Family Initials' are split;
    anything else (an organisation, 'Given Family') is kept as written.

    >>> csl_name("Sims, Sarah")
    {'family': 'Sims', 'given': 'Sarah'}
    >>> csl_name("van der Berg JK")
    {'family': 'van der Berg', 'given': 'JK'}
    >>> csl_name("World Health Organization")
    {'literal': 'World Health Organization'}
    """
    text = " ".join(name.split())
    if "," in text:
        family, _, given = text.partition(",")
        if family.strip() and given.strip():
            return {"family": family.strip(), "given": given.strip()}
    found = _INITIALS.match(text)
    if found:
        return {"family": found["family"], "given": found["given"]}
    return {"literal": text}


def csl_item(study: dict[str, Any]) -> dict[str, Any]:
    """A study's record as a CSL JSON item: an article in its venue (a journal) when it
    names one, a report for a policy document, else an article standing alone.

    >>> csl_item({"id": "s1", "title": "T", "year": 2019, "venue": "J", "authors": ["Doe J"]})
    ... # doctest: +NORMALIZE_WHITESPACE
    {'id': 's1', 'type': 'article-journal', 'title': 'T', 'author': [{'family': 'Doe',
     'given': 'J'}], 'issued': {'date-parts': [[2019]]}, 'container-title': 'J'}
    """

    def clean(value: Any) -> str:
        return _PRIVATE.sub("", str(value))

    venue = study.get("venue")
    design = study.get("design")
    kind = "article-journal" if venue else "report" if design == "policy-document" else "article"
    item: dict[str, Any] = {"id": study["id"], "type": kind, "title": clean(study["title"])}
    authors = [csl_name(clean(a)) for a in study.get("authors") or [] if clean(a).strip()]
    if authors:
        item["author"] = authors
    if study.get("year") is not None:
        item["issued"] = {"date-parts": [[int(study["year"])]]}
    if venue:
        item["container-title"] = clean(venue)
    for field, key in (("doi", "DOI"), ("url", "URL")):
        if study.get(field):
            item[key] = clean(study[field])
    return item


@dataclass(frozen=True)
class Entry:
    """One study in the reference list: its number, id and formatted text."""

    number: int
    study: str
    runs: tuple[Text, ...]

    @property
    def text(self) -> str:
        return "".join(r.text for r in self.runs)


@dataclass(frozen=True)
class Bibliography:
    """The reference list: every included study, numbered, formatted in one style."""

    style: str
    #: the style's title, as its file gives it
    title: str
    entries: tuple[Entry, ...]

    def number(self, study: str) -> int:
        return self._numbers()[study]

    def _numbers(self) -> dict[str, int]:
        return {e.study: e.number for e in self.entries}

    def numbers(self, studies: Iterable[str]) -> list[int]:
        """The numbers of ``studies``, in order."""
        known = self._numbers()
        return sorted(known[s] for s in set(studies) if s in known)

    @classmethod
    def format(
        cls, studies: list[dict[str, Any]], order: list[str], style: str | None = None
    ) -> Bibliography:
        """Every study of ``studies`` formatted in ``style``, cited first in ``order`` (the
        order the report cites them), then the others in the review's order."""
        try:
            from citeproc import (
                Citation,
                CitationItem,
                CitationStylesBibliography,
                CitationStylesStyle,
            )
            from citeproc.source.json import CiteProcJSON
        except ImportError as exc:
            raise MissingExtraError("Reports", "citeproc-py", "report") from exc
        from lxml import etree

        path = style_path(style)
        try:
            csl = CitationStylesStyle(str(path), validate=False)
        except (etree.XMLSyntaxError, OSError, ValueError, TypeError, KeyError) as exc:
            raise UsageError(
                f"style {str(path)!r} is not a CSL style file: {exc}", params=("style",)
            ) from exc
        title = _style_title(csl) or path.stem
        items = [csl_item(s) for s in studies]
        # citeproc keys items by their id in lower case; ids are lower case already
        source = CiteProcJSON(items)
        bibliography = CitationStylesBibliography(csl, source, _Marked)
        known = {s["id"] for s in studies}
        cited = [s for s in dict.fromkeys(order) if s in known]
        rest = [s["id"] for s in studies if s["id"] not in set(cited)]
        for study in [*cited, *rest]:
            bibliography.register(Citation([CitationItem(study)]))
        try:
            bibliography.sort()
            formatted = [str(entry) for entry in bibliography.bibliography()]
        except Exception as exc:  # citeproc fails in its own ways on a style it cannot run
            raise UsageError(
                f"citeproc-py cannot format references in style {str(path)!r}: "
                f"{type(exc).__name__}: {exc}",
                params=("style",),
            ) from exc
        entries = []
        for number, (key, text) in enumerate(zip(bibliography.keys, formatted, strict=True), 1):
            entries.append(Entry(number, key, tuple(runs(_unnumbered(text, number)))))
        return cls(path.stem if style is None else style, title, tuple(entries))


def _style_title(csl: Any) -> str | None:
    found = csl.xml.find(
        ".//{http://purl.org/net/xbiblio/csl}info/{http://purl.org/net/xbiblio/csl}title"
    )
    return found.text.strip() if found is not None and found.text else None


def _unnumbered(text: str, number: int) -> str:
    r"""An entry without the number a numeric style puts first ('1.', '[1]', '(1)').

    >>> _unnumbered("1.Sims S. Title. 2021.", 1)
    'Sims S. Title. 2021.'
    >>> _unnumbered("[12] Doe J. T.", 12)
    'Doe J. T.'
    >>> _unnumbered("1999 report.", 1)
    '1999 report.'
    """
    found = re.match(rf"^\s*(?:\[{number}\]|\({number}\)|{number}\.)\s*", text)
    return text[found.end() :] if found else text


def runs(marked: str) -> list[Text]:
    """Text marked by :class:`_Marked` as runs, each with the formatting it is in.

    >>> [(r.text, r.marks) for r in runs("A \ue001B \ue003C\ue004\ue002.")]
    [('A ', ()), ('B ', ('i',)), ('C', ('i', 'b')), ('.', ())]
    """
    out: list[Text] = []
    stack: list[str] = []
    buffer: list[str] = []

    def flush() -> None:
        if buffer:
            out.append(Text("".join(buffer), tuple(stack)))
            buffer.clear()

    for char in marked:
        if char in _OPENS:
            flush()
            stack.append(_OPENS[char])
        elif char in _CLOSES:
            flush()
            mark = _CLOSES[char]
            if mark in stack:
                stack.reverse()
                stack.remove(mark)
                stack.reverse()
        else:
            buffer.append(char)
    flush()
    return out
