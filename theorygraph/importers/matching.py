"""Finding the study an extract cites: by citation key, DOI, or author and year.

>>> from theorygraph.model import Study
>>> index = StudyIndex([
...     Study(id="smith2019", title="A", authors=["Smith, Alice"], year=2019,
...           doi="10.1000/abc"),
...     Study(id="jones-2020", title="B", authors=["Jones B"], year=2020),
... ])
>>> index.match("smith2019").study, index.match("Smith et al., 2019").study
('smith2019', 'smith2019')
>>> index.match("https://doi.org/10.1000/ABC").study, index.match("(Jones 2020)").study
('smith2019', 'jones-2020')
>>> index.match("Smith 2018").candidates
['smith2019']
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from ..model import Study
from ..words import closest_ids
from .ids import slugify

__all__ = ["Match", "StudyIndex", "family_name"]

_AUTHOR_YEAR = re.compile(
    r"^\(?\s*(?P<name>[^\d(),;]+?)"
    r"(?:\s+et\.?\s*al\.?|\s+(?:and|&)\s+[^\d,;]+?)?"
    r"\s*,?\s+(?P<year>\d{4})[a-z]?\s*\)?$",
    re.I,
)
_DOI = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)?(10\.\d{4,9}/\S+)$", re.I)


def _fold(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text)
    return "".join(c for c in plain if not unicodedata.combining(c)).casefold().strip()


def family_name(author: str) -> str:
    """``'Smith, Alice'``, ``'Smith A'`` and ``'Alice Smith'`` all give ``'Smith'``."""
    text = author.strip()
    if "," in text:
        return text.split(",", 1)[0].strip()
    words = text.split()
    if len(words) > 1 and re.fullmatch(r"[A-Z]{1,3}\.?", words[-1]):
        return " ".join(words[:-1])  # Vancouver style: "Smith AB"
    return words[-1] if words else text


@dataclass
class Match:
    """The study a citation names (``study``), or why there is none."""

    study: str | None
    #: several studies fit (ambiguous) or the closest ids (no match)
    candidates: list[str] = field(default_factory=list)
    ambiguous: bool = False


class StudyIndex:
    """Studies by id, slug of id, DOI and (first author's family name, year)."""

    def __init__(self, studies: Iterable[Study] = ()) -> None:
        self.ids: dict[str, Study] = {}
        self.slugs: dict[str, str] = {}
        self.dois: dict[str, str] = {}
        self.author_year: dict[tuple[str, int], list[str]] = defaultdict(list)
        for study in studies:
            self.add(study)

    def add(self, study: Study) -> None:
        self.ids[study.id] = study
        self.slugs.setdefault(slugify(study.id), study.id)
        if study.doi:
            self.dois.setdefault(study.doi.lower(), study.id)
        if study.authors and study.year:
            key = (_fold(family_name(study.authors[0])), study.year)
            if study.id not in self.author_year[key]:
                self.author_year[key].append(study.id)

    def match(self, citation: str, *, suggest: bool = True) -> Match:
        """The study ``citation`` names; without ``suggest``, no closest ids when none
        does (finding them compares the citation with every study)."""
        text = citation.strip()
        if text in self.ids:
            return Match(text)
        doi = _DOI.match(text)
        if doi and doi.group(1).lower() in self.dois:
            return Match(self.dois[doi.group(1).lower()])
        slug = slugify(text)
        if slug in self.slugs:
            return Match(self.slugs[slug])
        found = _AUTHOR_YEAR.match(text)
        if found:
            key = (_fold(found.group("name")), int(found.group("year")))
            hits = self.author_year.get(key, [])
            if len(hits) == 1:
                return Match(hits[0])
            if len(hits) > 1:
                return Match(None, list(hits), ambiguous=True)
        return Match(None, closest_ids(slug, self.ids) if suggest else [])
