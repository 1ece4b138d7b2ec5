"""Confidence in a CMOC or one of its links, in the spirit of GRADE-CERQual: computed from
the graph, every judgement explained in a sentence, the reviewers' own judgements beside.

Four components, each judged as concerns (``none``, ``minor``, ``moderate``, ``serious``,
or ``unclear`` when the review does not say enough), from the extracts that bear on the
CMOC or link (:mod:`theorygraph.evidence` says which do):

- **Methodological limitations**, from the rigour judgements. A study counts once: its
  rigour here is the lowest given to any of its extracts on it (unknown when none of them
  is judged). Serious when more than half of the judged studies are rated low; moderate
  when a quarter or more are; minor when some are rated low or moderate; none when every
  judged study is rated high.
- **Coherence**, from the balance of the evidence, in studies: serious when nothing
  supports or refines it (only refuting evidence), or when more than half of its studies
  refute it; moderate when a quarter or more do; minor when fewer do, or when none does
  but some study refines it (it holds, sharpened); none when every study supports it.
- **Adequacy**, from the studies that support or refine it and how rich their data are:
  none with three or more, minor with two, moderate with one, serious with none; one step
  worse when more than half of them only cite it (``kind: citation``, no quote or
  paraphrase).
- **Relevance**, from the relevance judgements, as methodological limitations are judged
  from rigour.

Unknown judgements are never taken for low ones. They are counted and reported ("2 more
studies have no rigour judgement"); the component is judged from the judged studies, and
when most studies (more than half) have no judgement, the component is **unclear**.

The overall level (:func:`overall`):

1. Nothing supports or refines it: **very low**.
2. Otherwise start at **high**; go down one level for each component with moderate
   concerns and two for each with serious concerns (minor concerns lower nothing), to
   very low at most.
3. An unclear component caps the level at **moderate**: high confidence needs judgements.

The reviewers may set a component or the overall level, each with a reason (a CMOC's
``confidence`` in the theory file, :class:`theorygraph.model.Confidence`). A component
they set takes the computed one's place in rule 2 and 3; an overall level they set is the
level. The computed level, from the graph alone, is always reported beside it.

>>> from theorygraph.results import EvidenceRow
>>> rows = [
...     EvidenceRow("x1", "c1", None, None, "supports", "s1", rigour="high", relevance="high"),
...     EvidenceRow("x2", "c1", None, None, "supports", "s2", rigour="low", relevance="high"),
...     EvidenceRow("x3", "c1", None, None, "refutes", "s3", rigour="moderate"),
... ]
>>> a = assess(rows)
>>> [(c.name, c.computed) for c in a.components]
[('limitations', 'moderate'), ('coherence', 'moderate'), ('adequacy', 'minor'), ('relevance', 'none')]
>>> a.components[0].why
'1 of 3 studies rated low rigour, 1 moderate'
>>> a.level, a.why
('low', 'from high, down one for moderate concerns about methodological limitations and one for moderate concerns about coherence')
"""  # noqa: E501

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from .evidence import SUPPORTING, Row, is_citation, is_contested
from .model import (
    CONFIDENCE_COMPONENTS,
    Confidence,
    ConfidenceJudgement,
    LinkConfidence,
    Stance,
)
from .words import plural

__all__ = [
    "COMPONENT_NAMES",
    "CONCERNS",
    "LEVELS",
    "RULE",
    "UNCLEAR",
    "Assessment",
    "Component",
    "assess",
    "link_judgement",
    "overall",
    "weakest",
]

#: the overall levels, best first
LEVELS: tuple[str, ...] = ("high", "moderate", "low", "very-low")
#: a component's concerns, least first
CONCERNS: tuple[str, ...] = ("none", "minor", "moderate", "serious")
#: a component the review does not judge enough to say
UNCLEAR = "unclear"
#: the components, in GRADE-CERQual's order, with their names in words
COMPONENT_NAMES: dict[str, str] = dict(
    zip(
        CONFIDENCE_COMPONENTS,
        ("methodological limitations", "coherence", "adequacy", "relevance"),
        strict=True,
    )
)
#: how many levels a component's concerns take off the overall level
STEPS_DOWN = {"none": 0, "minor": 0, "moderate": 1, "serious": 2}
#: the overall rule, as the answers state it
RULE: tuple[str, ...] = (
    "nothing supports or refines it: very low",
    "otherwise start at high and go down one level for each component with moderate "
    "concerns and two for each with serious concerns (minor concerns lower nothing), to "
    "very low at most",
    "an unclear component (most of its studies without a judgement, or no extract at all) "
    "caps the level at moderate",
    "a component the reviewers set counts in place of the computed one; an overall level "
    "they set is the level, and the computed one is shown beside it",
)
#: the best level a review can reach while a component is unclear
CAP_WHEN_UNCLEAR = "moderate"
#: studies that support or refine it, with no concerns about adequacy
ADEQUATE_STUDIES = 3

_WORSE = {"high": 0, "moderate": 1, "low": 2}  # a judgement's rank, best first


class Judged(Row, Protocol):
    """What the rules need of an extract: what :class:`~theorygraph.evidence.Row` gives,
    and the reviewers' judgements (an ``EvidenceRow``)."""

    @property
    def relevance(self) -> str | None: ...

    @property
    def rigour(self) -> str | None: ...


@dataclass(frozen=True)
class Component:
    """One component: its computed concerns and why, and the reviewers' own, if set."""

    name: str  # one of CONFIDENCE_COMPONENTS
    computed: str  # one of CONCERNS, or UNCLEAR
    why: str
    reviewer: str | None = None
    reason: str | None = None

    @property
    def concern(self) -> str:
        """What counts: the reviewers' concerns where they set them, else the computed."""
        return self.reviewer or self.computed

    @property
    def title(self) -> str:
        return COMPONENT_NAMES[self.name]

    def sentence(self) -> str:
        """'coherence: moderate concerns (1 of 4 studies refutes it...)', with the
        reviewers' judgement after it."""
        text = f"{self.title}: {_concerns(self.computed)} ({self.why})"
        if self.reviewer:
            text += f'; set by the reviewers to {_concerns(self.reviewer)}: "{self.reason}"'
        return text

    def as_dict(self) -> dict[str, Any]:
        return {
            "concern": self.concern,
            "computed": self.computed,
            "why": self.why,
            "reviewer": {"level": self.reviewer, "reason": self.reason} if self.reviewer else None,
        }


@dataclass(frozen=True)
class Assessment:
    """The confidence in one CMOC or link: its components, the level computed from the
    graph, the reviewers' own level, and the level that counts, with why."""

    components: tuple[Component, ...]
    #: the level from the graph alone (every component as computed)
    computed: str
    #: the level that counts: the reviewers' own, else the rule over the components as the
    #: reviewers left them
    level: str
    why: str
    reviewer: str | None = None
    reason: str | None = None
    studies: int = 0
    extracts: int = 0

    def component(self, name: str) -> Component:
        return next(c for c in self.components if c.name == name)

    def as_dict(self) -> dict[str, Any]:
        return {
            "level": self.level,
            "computed": self.computed,
            "reviewer": {"level": self.reviewer, "reason": self.reason} if self.reviewer else None,
            "why": self.why,
            "components": {c.name: c.as_dict() for c in self.components},
        }


def _concerns(concern: str) -> str:
    if concern == UNCLEAR:
        return "unclear"
    return "no or very minor concerns" if concern == "none" else f"{concern} concerns"


def _and(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _level_words(level: str) -> str:
    return level.replace("-", " ")


def _studies(n: int) -> str:
    return plural(n, "study")


# -- the components ------------------------------------------------------------------------


def _by_study(rows: Sequence[Judged], judgement: str) -> dict[str, str | None]:
    """Each study's judgement here: the lowest given to its extracts (None: none given)."""
    out: dict[str, str | None] = {}
    for r in rows:
        value = getattr(r, judgement)
        held = out.get(r.study)
        if value not in _WORSE:
            out.setdefault(r.study, None)
        elif held is None or _WORSE[value] > _WORSE[held]:
            out[r.study] = value
    return out


def judgements(rows: Sequence[Judged], judgement: str) -> tuple[str, str]:
    """Concerns from the rigour or relevance judgements of the studies behind ``rows``
    (``judgement``: "rigour" or "relevance"), and why."""
    by_study = _by_study(rows, judgement)
    n = len(by_study)
    if not n:
        return UNCLEAR, f"no extracts bear on it, so no {judgement} to weigh"
    unknown = sum(1 for v in by_study.values() if v is None)
    judged = n - unknown
    if unknown * 2 > n:
        if n == 1:
            return UNCLEAR, f"its one study has no {judgement} judgement"
        return UNCLEAR, f"{unknown} of {n} studies have no {judgement} judgement"
    low = sum(1 for v in by_study.values() if v == "low")
    moderate = sum(1 for v in by_study.values() if v == "moderate")
    if low * 2 > judged:
        concern = "serious"
    elif low and low * 4 >= judged:
        concern = "moderate"
    elif low or moderate:
        concern = "minor"
    else:
        concern = "none"
    if judged == 1:
        rated = "low" if low else "moderate" if moderate else "high"
        why = f"its one study rated {rated} {judgement}"
    elif judged in (low, moderate) or not (low or moderate):
        rated = "low" if low == judged else "moderate" if moderate == judged else "high"
        why = f"all {judged} studies rated {rated} {judgement}"
    elif low:
        why = f"{low} of {judged} studies rated low {judgement}"
        why += f", {moderate} moderate" if moderate else ""
    else:
        why = f"{moderate} of {judged} studies rated moderate {judgement}, none low"
    if unknown:
        why += f"; {plural(unknown, 'more study')} {_have(unknown)} no {judgement} judgement"
    return concern, why


def _have(n: int) -> str:
    return "has" if n == 1 else "have"


def coherence(rows: Sequence[Row]) -> tuple[str, str]:
    """Concerns from the balance of supporting, refining and refuting studies, and why:
    the thresholds of :func:`judgements`, with refuting studies in the place of studies
    rated low."""
    if not rows:
        return UNCLEAR, "no extracts bear on it"
    n = len({r.study for r in rows})
    supporting = len({r.study for r in rows if r.stance in SUPPORTING})
    refuting = len({r.study for r in rows if r.stance == Stance.refutes.value})
    refining = len({r.study for r in rows if r.stance == Stance.refines.value})
    if not supporting:
        return "serious", (
            f"only refuting evidence: {_studies(refuting)} {_verb(refuting, 'refute')} it, "
            "none supports or refines it"
        )
    if refuting:
        said = "contested: " if is_contested(rows) else ""
        why = (
            f"{said}{refuting} of {_studies(n)} {_verb(refuting, 'refute')} it; "
            f"{supporting} {_verb(supporting, 'support')} or refine it"
        )
        if refuting * 2 > n:
            return "serious", why
        return ("moderate" if refuting * 4 >= n else "minor"), why
    if refining:
        return (
            "minor",
            f"{refining} of {_studies(n)} {_verb(refining, 'refine')} it; none refutes it",
        )
    if n == 1:
        return "none", "its one study supports it; none refutes or refines it"
    return "none", f"all {n} studies support it; none refutes or refines it"


def _verb(n: int, verb: str) -> str:
    return verb + "s" if n == 1 else verb


def adequacy(rows: Sequence[Row]) -> tuple[str, str]:
    """Concerns from the studies that support or refine it and how rich their data are
    (quoted or paraphrased, or only cited), and why."""
    supporting = {r.study for r in rows if r.stance in SUPPORTING}
    rich = {r.study for r in rows if r.stance in SUPPORTING and not is_citation(r)}
    n = len(supporting)
    if not n:
        return "serious", "no study supports or refines it"
    cited = n - len(rich)
    steps = max(0, ADEQUATE_STUDIES - n)  # 3 or more: none; 2: minor; 1: moderate
    why = f"{_studies(n)} {_verb(n, 'support')} or refine it"
    if not cited:
        why += ", with quoted or paraphrased data" if n == 1 else ", all with quotes or paraphrases"
    else:
        who = "it only cites" if n == 1 else f"{cited} of them only cite"
        why += f"; {who} it, with no quote"
        if cited * 2 > n:
            steps += 1
            why += " (thin data: one step worse)"
    return CONCERNS[min(steps, len(CONCERNS) - 1)], why


# -- the overall level ---------------------------------------------------------------------


def overall(components: Iterable[Component], supported: bool) -> tuple[str, str]:
    """The level the rule gives for ``components`` (each as it counts: the reviewers'
    concerns where set), and why. ``supported``: some extract supports or refines it."""
    if not supported:
        return "very-low", "nothing supports or refines it"
    components = list(components)
    steps = 0
    downs = []
    for c in components:
        down = STEPS_DOWN.get(c.concern, 0)
        if down:
            steps += down
            who = " (set by the reviewers)" if c.reviewer else ""
            downs.append(
                f"{'one' if down == 1 else 'two'} for {c.concern} concerns about {c.title}{who}"
            )
    level = LEVELS[min(steps, len(LEVELS) - 1)]
    why = f"from high, down {_and(downs)}" if downs else "no concerns that lower it"
    unclear = [c.title for c in components if c.concern == UNCLEAR]
    if unclear and LEVELS.index(level) < LEVELS.index(CAP_WHEN_UNCLEAR):
        level = CAP_WHEN_UNCLEAR
        why += f"; capped at {CAP_WHEN_UNCLEAR}: {_and(unclear)} unclear"
    elif unclear:
        why += f"; {_and(unclear)} unclear"
    return level, why


def assess(rows: Sequence[Judged], judged: ConfidenceJudgement | None = None) -> Assessment:
    """The confidence in a CMOC or link that ``rows`` (every extract bearing on it) give,
    with the reviewers' own judgements ``judged`` beside."""
    found = {
        "limitations": judgements(rows, "rigour"),
        "coherence": coherence(rows),
        "adequacy": adequacy(rows),
        "relevance": judgements(rows, "relevance"),
    }
    components = []
    for name in CONFIDENCE_COMPONENTS:
        computed, why = found[name]
        own = getattr(judged, name, None) if judged is not None else None
        components.append(
            Component(
                name,
                computed,
                why,
                own.level.value if own is not None else None,
                own.reason if own is not None else None,
            )
        )
    supported = any(r.stance in SUPPORTING for r in rows)
    computed, _ = overall([Component(c.name, c.computed, c.why) for c in components], supported)
    level, why = overall(components, supported)
    reviewer = reason = None
    if judged is not None and judged.overall is not None:
        reviewer, reason = judged.overall.value, judged.reason
    if reviewer is not None:
        why = f'set by the reviewers: "{reason}"; computed from the graph: {_level_words(computed)}'
        if level != computed:
            why += f", with the components the reviewers set: {_level_words(level)}"
        level = reviewer
    elif any(c.reviewer for c in components) and level != computed:
        why += f"; from the graph alone: {_level_words(computed)}"
    return Assessment(
        tuple(components),
        computed,
        level,
        why,
        reviewer,
        reason,
        studies=len({r.study for r in rows}),
        extracts=len(rows),
    )


def link_judgement(judged: Confidence | None, source: str, target: str) -> LinkConfidence | None:
    """The reviewers' judgements of the link ``source -> target`` among a CMOC's."""
    if judged is None:
        return None
    return next((j for j in judged.links if (j.source, j.target) == (source, target)), None)


def weakest(levels: Iterable[str]) -> str | None:
    """The lowest of some levels (the weakest link bounds a chain); None for none."""
    found = [level for level in levels if level in LEVELS]
    return max(found, key=LEVELS.index) if found else None
