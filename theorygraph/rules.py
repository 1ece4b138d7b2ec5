"""The rules a review's items must keep together, one function per rule.

Each rule takes the :class:`Items` of a review (every item that passed its own field checks,
with where it came from) and returns its problems. :func:`check` runs them all, in the order
of :data:`RULES`; :func:`hidden_characters` is the one check of text itself. To add a rule,
write a function here and add it to :data:`RULES`; its problems name the file, line and field
through the item's :class:`~theorygraph.origin.Origin`.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from pydantic import BaseModel

from .errors import Problem
from .origin import Origin
from .words import KIND, short, suggest

__all__ = ["HIDDEN", "RULES", "Items", "check", "hidden_characters"]

Pairs = list[tuple[Any, Origin]]


@dataclass
class Items:
    """The items of a review that passed their field checks, by section, with their origins.

    ``claimed`` holds the ids of items that failed their own checks (id -> section) and
    ``referenced`` every id those items name: so that one bad item does not also cause
    "unknown id" errors or "no extracts" warnings elsewhere.
    """

    objects: dict[str, Pairs]
    claimed: dict[str, str] = field(default_factory=dict)
    referenced: set[str] = field(default_factory=set)

    def __getitem__(self, section: str) -> Pairs:
        return self.objects.get(section, [])

    @cached_property
    def first(self) -> dict[str, tuple[str, Origin]]:
        """Each id's section and origin where it is first defined."""
        found: dict[str, tuple[str, Origin]] = {}
        for section, pairs in self.objects.items():
            for obj, origin in pairs:
                found.setdefault(obj.id, (section, origin))
        return found

    @cached_property
    def section_of(self) -> dict[str, str]:
        """Each id's section (the first definition wins; failed items count too)."""
        return {**self.claimed, **{i: s for i, (s, _) in self.first.items()}}

    @cached_property
    def ids(self) -> dict[str, list[str]]:
        """The ids of each section, in order, each once."""
        found: dict[str, list[str]] = defaultdict(list)
        for i, (section, _) in self.first.items():
            found[section].append(i)
        return found

    @cached_property
    def cmocs(self) -> dict[str, Any]:
        return {c.id: c for c, _ in self["cmocs"]}

    def resolves(self, value: str, wanted: str, also: str | None = None) -> bool:
        """Whether ``value`` names an item of section ``wanted`` (or of ``also``)."""
        actual = self.section_of.get(value)
        return actual is not None and actual in (wanted, also)

    def reference(
        self,
        value: str,
        wanted: str,
        origin: Origin,
        loc: tuple[str | int, ...],
        also: str | None = None,
    ) -> Problem | None:
        """The problem with a reference to a ``wanted`` item, or None when it resolves;
        ``also`` names a second section the id may come from."""
        if self.resolves(value, wanted, also):
            return None
        actual = self.section_of.get(value)
        name = KIND[wanted] + (f" or {KIND[also]}" if also else "")
        pool = self.ids[wanted] + (self.ids[also] if also else [])
        if actual is not None:
            article = "an" if KIND[actual][0] in "aeiou" else "a"
            message = f"{value!r} is {article} {KIND[actual]}, not a {name}"
        else:
            message = f"unknown {name} id {value!r}"
        return origin.problem(message, loc, allowed=suggest(value, pool, name), code="reference")


Rule = Callable[[Items], list[Problem]]


def check(items: Items) -> list[Problem]:
    """Every rule's problems, in the order of :data:`RULES`."""
    return [problem for rule in RULES for problem in rule(items)]


# -- ids -----------------------------------------------------------------------------------------


def unique_ids(items: Items) -> list[Problem]:
    """An id names one item of the review."""
    problems = []
    for _, pairs in items.objects.items():
        for obj, origin in pairs:
            first = items.first[obj.id][1]
            if first is origin:
                continue
            problems.append(
                origin.problem(
                    f"duplicate id {obj.id!r}",
                    ("id",),
                    allowed=f"ids are unique within a review; first used at {first.place()}",
                    code="duplicate",
                )
            )
    return problems


# -- theories ------------------------------------------------------------------------------------


def theory_refines(items: Items) -> list[Problem]:
    """A theory refines another theory, never itself."""
    problems = []
    for theory, origin in items["theories"]:
        if theory.refines is None:
            continue
        if theory.kind.value == "part":
            problems.append(
                origin.problem(
                    "a part of the review's theory does not refine another theory",
                    ("refines",),
                    allowed="kind: version for a new version of a theory; parts sit side by side",
                    code="invalid",
                )
            )
        elif theory.refines == theory.id:
            problems.append(
                origin.problem("a theory cannot refine itself", ("refines",), code="cycle")
            )
        elif found := items.reference(theory.refines, "theories", origin, ("refines",)):
            problems.append(found)
    return problems


def refinement_cycles(items: Items) -> list[Problem]:
    """Refined theories point back to earlier versions, never round in a circle."""
    theories = {t.id: (t, o) for t, o in items["theories"]}
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
            problems.append(
                theories[start][1].problem(
                    "theories refine each other in a cycle: " + " -> ".join([*seen, start]),
                    ("refines",),
                    allowed="a refined theory points to an earlier version, never back",
                    code="cycle",
                )
            )
    return problems


# -- CMOCs ---------------------------------------------------------------------------------------

#: a CMOC's list fields and the section each names
CMOC_FIELDS = (
    ("contexts", "contexts"),
    ("mechanisms", "mechanisms"),
    ("outcomes", "outcomes"),
    ("theories", "theories"),
    ("leads_to", "cmocs"),
)


def cmoc_members(items: Items) -> list[Problem]:
    """A CMOC names each context, mechanism, outcome, theory and following CMOC once, and
    each must exist and be of its kind (a context may be another CMOC's outcome); a CMOC
    does not lead into itself."""
    problems = []
    for cmoc, origin in items["cmocs"]:
        for fld, wanted in CMOC_FIELDS:
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
                if found := items.reference(value, wanted, origin, (fld, i), also):
                    problems.append(found)
    return problems


def cmoc_qualifiers(items: Items) -> list[Problem]:
    """A qualifier names a context, mechanism or outcome of its CMOC, once; ``activated``
    and ``not-activated`` qualify mechanisms only. A CMOC without a context is an
    incomplete configuration (a warning: CMO tables keep such rows on purpose)."""
    from .model import MECHANISM_QUALIFIERS

    problems = []
    for cmoc, origin in items["cmocs"]:
        if not cmoc.contexts:
            problems.append(
                origin.problem(
                    f"CMOC {cmoc.id!r} has no context (an incomplete configuration)",
                    ("contexts",),
                    allowed="name its contexts where the review gives them",
                    severity="warning",
                    code="incomplete",
                )
            )
        members = {*cmoc.contexts, *cmoc.mechanisms, *cmoc.outcomes}
        seen: set[str] = set()
        for i, q in enumerate(cmoc.qualifiers):
            if q.id not in members:
                problems.append(
                    origin.problem(
                        f"{q.id!r} is not a context, mechanism or outcome of {cmoc.id!r}",
                        ("qualifiers", i, "id"),
                        allowed="its members: " + ", ".join(sorted(members))
                        if members
                        else "none: the CMOC names no members",
                        code="reference",
                    )
                )
            elif q.id in seen:
                problems.append(
                    origin.problem(
                        f"{q.id!r} is qualified twice", ("qualifiers", i, "id"), code="duplicate"
                    )
                )
            elif q.qualifier in MECHANISM_QUALIFIERS and q.id not in cmoc.mechanisms:
                problems.append(
                    origin.problem(
                        f"{q.qualifier.value!r} qualifies a mechanism, and {q.id!r} is not a "
                        f"mechanism of {cmoc.id!r}",
                        ("qualifiers", i, "qualifier"),
                        allowed="a context or an outcome is increased, decreased, present or "
                        "absent",
                        code="enum",
                    )
                )
            seen.add(q.id)
    return problems


def cmoc_hand_offs(items: Items) -> list[Problem]:
    """A hand-off describes one of the CMOCs its CMOC leads to, once, and hands on one of
    its own outcomes; handed on as a context, the next CMOC names that outcome among its
    contexts (a warning otherwise: the chain would pass a node the next CMOC lacks)."""
    problems = []
    for cmoc, origin in items["cmocs"]:
        seen: set[str] = set()
        for i, h in enumerate(cmoc.hand_offs):
            if h.cmoc not in cmoc.leads_to:
                problems.append(
                    origin.problem(
                        f"{h.cmoc!r} is not a CMOC that {cmoc.id!r} leads to",
                        ("hand_offs", i, "cmoc"),
                        allowed=", ".join(cmoc.leads_to) or "none: add it to leads_to first",
                        code="reference",
                    )
                )
                continue
            if h.cmoc in seen:
                problems.append(
                    origin.problem(
                        f"the hand-off to {h.cmoc!r} is described twice",
                        ("hand_offs", i, "cmoc"),
                        code="duplicate",
                    )
                )
            seen.add(h.cmoc)
            if h.outcome is not None and h.outcome not in cmoc.outcomes:
                problems.append(
                    origin.problem(
                        f"{h.outcome!r} is not an outcome of {cmoc.id!r}",
                        ("hand_offs", i, "outcome"),
                        allowed=", ".join(cmoc.outcomes),
                        code="reference",
                    )
                )
                continue
            nxt = items.cmocs.get(h.cmoc)
            if (
                h.outcome is not None
                and h.role.value == "context"
                and nxt is not None
                and h.outcome not in nxt.contexts
            ):
                problems.append(
                    origin.problem(
                        f"{h.outcome!r} is handed on as a context, but {h.cmoc!r} does not "
                        "name it among its contexts",
                        ("hand_offs", i, "outcome"),
                        allowed=f"add it to the contexts of {h.cmoc}, or role: mechanism",
                        severity="warning",
                        code="unlinked",
                    )
                )
    return problems


def cmoc_refines(items: Items) -> list[Problem]:
    """A CMOC refines another CMOC, never itself nor round in a circle; the two are
    versions of one configuration, so no theory holds both (a warning: a diff of that
    theory's versions cannot pair them)."""
    problems = []
    reported: set[str] = set()
    for cmoc, origin in items["cmocs"]:
        if cmoc.refines is None:
            continue
        if cmoc.refines == cmoc.id:
            problems.append(
                origin.problem("a CMOC cannot refine itself", ("refines",), code="cycle")
            )
            continue
        if found := items.reference(cmoc.refines, "cmocs", origin, ("refines",)):
            problems.append(found)
            continue
        seen = [cmoc.id]
        current: str | None = cmoc.refines
        while current in items.cmocs and current not in seen:
            seen.append(current)
            current = items.cmocs[current].refines
        if current == cmoc.id:
            if not reported & set(seen):
                reported |= set(seen)
                problems.append(
                    origin.problem(
                        "CMOCs refine each other in a cycle: " + " -> ".join([*seen, cmoc.id]),
                        ("refines",),
                        allowed="a refined CMOC points to an earlier version, never back",
                        code="cycle",
                    )
                )
            continue
        both = [t for t in cmoc.theories if t in items.cmocs[cmoc.refines].theories]
        if both:
            problems.append(
                origin.problem(
                    f"{cmoc.id!r} refines {cmoc.refines!r}, but theory {both[0]!r} includes both",
                    ("refines",),
                    allowed="a refined CMOC takes the place of the one it refines in a later "
                    "theory version; leave refines out if both belong together",
                    severity="warning",
                    code="version",
                )
            )
    return problems


def unlinked_contexts(items: Items) -> list[Problem]:
    """A context that is another CMOC's outcome is linked to that CMOC by its leads_to
    (a warning: the chain is broken where the reviewer may have meant one)."""
    producers: dict[str, list[str]] = defaultdict(list)
    for cmoc, _ in items["cmocs"]:
        for outcome in cmoc.outcomes:
            producers[outcome].append(cmoc.id)
    problems = []
    for cmoc, origin in items["cmocs"]:
        for i, context in enumerate(cmoc.contexts):
            sources = [c for c in producers.get(context, []) if c != cmoc.id]
            unlinked = [c for c in sources if cmoc.id not in items.cmocs[c].leads_to]
            if sources and len(unlinked) == len(sources):
                problems.append(
                    origin.problem(
                        f"context {context!r} is an outcome of {', '.join(unlinked)}, "
                        f"which {'does' if len(unlinked) == 1 else 'do'} not lead to "
                        f"{cmoc.id!r}",
                        ("contexts", i),
                        allowed=(
                            f"add {cmoc.id} to leads_to of {unlinked[0]} to chain them"
                            if len(unlinked) == 1
                            else f"add {cmoc.id} to leads_to of each of {', '.join(unlinked)} "
                            "that hands it on"
                        ),
                        severity="warning",
                        code="unlinked",
                    )
                )
    return problems


# -- extracts ------------------------------------------------------------------------------------


def extract_references(items: Items) -> list[Problem]:
    """An extract names an existing study and CMOC, and its link (if any) is one of that
    CMOC's context -> mechanism or mechanism -> outcome links; it has a quote unless it is
    a citation."""
    problems = []
    for extract, origin in items["extracts"]:
        if extract.quote is None and extract.kind.value != "citation":
            problems.append(
                origin.problem(
                    "an extract needs a quote (or a paraphrase)",
                    ("quote",),
                    allowed="a quote, or kind: citation for a study cited without one",
                    code="missing",
                )
            )
        if found := items.reference(extract.study, "studies", origin, ("study",)):
            problems.append(found)
        if found := items.reference(extract.cmoc, "cmocs", origin, ("cmoc",)):
            problems.append(found)
            continue
        link = extract.link
        cmoc = items.cmocs.get(extract.cmoc)
        if link is None or cmoc is None:
            continue
        stated = cmoc.links()
        if (link.source, link.target) not in stated:
            links = [f"{s} -> {t}" for s, t in stated]
            problems.append(
                origin.problem(
                    f"{link.source} -> {link.target} is not a link of CMOC {cmoc.id!r}",
                    ("link",),
                    allowed="its links: " + short("; ".join(links), 200),
                    code="reference",
                )
            )
    return problems


# -- warnings: items nothing uses ----------------------------------------------------------------


def nodes_in_a_cmoc(items: Items) -> list[Problem]:
    """Every context, mechanism and outcome is in some CMOC (a warning)."""
    used: set[str] = set()
    for cmoc, _ in items["cmocs"]:
        for fld, wanted in CMOC_FIELDS[:3]:
            also = "outcomes" if fld == "contexts" else None
            used.update(v for v in getattr(cmoc, fld) if items.resolves(v, wanted, also))
    problems = []
    for section in ("contexts", "mechanisms", "outcomes"):
        for node, origin in items[section]:
            if node.id not in used and node.id not in items.referenced:
                problems.append(
                    origin.problem(
                        f"{KIND[section]} {node.id!r} is in no CMOC",
                        allowed="add it to a CMOC, or remove it",
                        severity="warning",
                        code="unused",
                    )
                )
    return problems


def cmocs_with_evidence(items: Items) -> list[Problem]:
    """Every CMOC has an extract (a warning)."""
    evidenced = {e.cmoc for e, _ in items["extracts"] if items.resolves(e.cmoc, "cmocs")}
    return [
        origin.problem(
            f"CMOC {cmoc.id!r} has no evidence",
            allowed="no extract targets it",
            severity="warning",
            code="no-evidence",
        )
        for cmoc, origin in items["cmocs"]
        if cmoc.id not in evidenced and cmoc.id not in items.referenced
    ]


def studies_with_extracts(items: Items) -> list[Problem]:
    """Every study has an extract (a warning)."""
    cited = {e.study for e, _ in items["extracts"] if items.resolves(e.study, "studies")}
    return [
        origin.problem(
            f"study {study.id!r} has no extracts",
            allowed="no extract names it as its study",
            severity="warning",
            code="no-extracts",
        )
        for study, origin in items["studies"]
        if study.id not in cited and study.id not in items.referenced
    ]


# -- text ----------------------------------------------------------------------------------------

#: characters a reader cannot see and an export cannot always hold: control characters
#: other than tab, newline and carriage return (C0, DEL, C1), and U+FFFE and U+FFFF
HIDDEN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")
#: the part of HIDDEN that XML 1.0 cannot hold at all
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def hidden_characters(pairs: Iterable[tuple[Any, Origin]]) -> list[Problem]:
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


#: every rule, in the order their problems are reported (before sorting by file and line)
RULES: tuple[Rule, ...] = (
    unique_ids,
    theory_refines,
    refinement_cycles,
    cmoc_members,
    cmoc_qualifiers,
    cmoc_hand_offs,
    cmoc_refines,
    unlinked_contexts,
    extract_references,
    nodes_in_a_cmoc,
    cmocs_with_evidence,
    studies_with_extracts,
)
