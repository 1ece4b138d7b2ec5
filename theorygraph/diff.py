"""How a programme theory changed: two versions compared, and the evidence behind each change.

Two forms, one comparison:

- :func:`diff_versions`: two theory versions of one review (``ipt`` and ``rpt``), built
  from the backend primitives, so that it answers the same from the embedded graph and
  from Neo4j. A CMOC is one object in a review, so a CMOC both versions include is the
  same; one version's CMOC *changed* when the later version holds a CMOC that ``refines``
  it in its place.
- :func:`diff_documents`: two reviews (two files or folders, such as two commits of one
  review), matched by id: a CMOC or node with the same id in both is the same item, and
  it changed when its parts (or its label) differ.

Each change carries the extracts that drove it, by the rule of
:func:`theorygraph.evidence.drove_change`, and the reviewers' reason (a CMOC's
``change_reason``).

>>> from theorygraph import TheoryGraph
>>> TheoryGraph.open("samples/ics-leadership").diff(from_theory="ipt", to_theory="rpt").headline
'ipt -> rpt: 1 CMOC added (cmoc-11), with an unintended outcome (o-less-diversity); 3 dropped (cmoc-12, cmoc-13, cmoc-14), none with supporting evidence; 0 changed; 10 kept; contexts, mechanisms and outcomes: 2 added, 5 dropped'
"""  # noqa: E501

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from .backends.protocol import Backend
from .changes import CmocChange, DiffAnswer, Difference, LinkChange, NodeChange, Version
from .errors import UnknownIdError, UsageError
from .evidence import drove_change, has_support, link_stance
from .model import TheoryDocument
from .results import CmocParts, EvidenceRow

__all__ = ["diff_documents", "diff_versions"]

#: the node types a theory's CMOCs are made of
NODE_TYPES = ("Context", "Mechanism", "Outcome")


@dataclass
class _Side:
    """One version: the store it is read from and the CMOCs it holds."""

    backend: Backend
    parts: dict[str, CmocParts]
    version: Version
    #: every context, mechanism and outcome it holds, in order
    nodes: list[str]


def diff_versions(backend: Backend, from_theory: str | None, to_theory: str | None) -> DiffAnswer:
    """What changed from theory version ``from_theory`` to ``to_theory`` of one review
    (ids or labels), and which extracts drove each change."""
    from .queries import resolve

    if from_theory is None or to_theory is None:
        raise UsageError(
            "name the two theory versions to compare: from_theory and to_theory",
            params=("from_theory", "to_theory"),
        )
    before = resolve(backend, from_theory, ("Theory",), "theory")
    after = resolve(backend, to_theory, ("Theory",), "theory")
    if before.id == after.id:
        raise UsageError(
            f"from_theory and to_theory are both theory {before.id!r}; name two versions",
            params=("from_theory", "to_theory"),
        )
    every = backend.cmoc_parts(None)
    sides = []
    for theory in (before, after):
        parts = {c: p for c, p in every.items() if theory.id in p.theories}
        version = Version(theory.id, theory.label, cmocs=len(parts))
        sides.append(_Side(backend, parts, version, _members(parts)))
    return _compare(sides[0], sides[1], every, "versions")


def diff_documents(
    old: TheoryDocument,
    new: TheoryDocument,
    *,
    from_theory: str | None = None,
    to_theory: str | None = None,
    sources: tuple[str | None, str | None] = (None, None),
) -> DiffAnswer:
    """What changed from review ``old`` to review ``new`` (for example two commits of one
    review), matching CMOCs and nodes by id; ``from_theory`` narrows ``old`` to one of its
    theories and ``to_theory`` narrows ``new``. ``sources`` name where each was read."""
    from .backends.memory import MemoryBackend
    from .queries import resolve

    sides = []
    history: dict[str, CmocParts] = {}
    for document, theory, source in ((old, from_theory, sources[0]), (new, to_theory, sources[1])):
        backend = MemoryBackend.from_document(document)
        every = backend.cmoc_parts(None)
        history.update(every)  # the later review's CMOCs win
        if theory is None:
            version = Version(None, document.review.title, source, len(every))
            every_node = backend.ids_by_type()
            nodes = _members(every)
            held = set(nodes)
            nodes += [i for t in NODE_TYPES for i in every_node.get(t, []) if i not in held]
            sides.append(_Side(backend, every, version, nodes))
            continue
        try:
            found = resolve(backend, theory, ("Theory",), "theory")
        except (UnknownIdError, UsageError) as exc:  # say which of the two reviews
            exc.args = (f"{source or document.review.id}: {exc}",)
            raise
        parts = {c: p for c, p in every.items() if found.id in p.theories}
        version = Version(found.id, found.label, source, len(parts))
        sides.append(_Side(backend, parts, version, _members(parts)))
    return _compare(sides[0], sides[1], history, "sources")


def _members(parts: dict[str, CmocParts]) -> list[str]:
    ordered = sorted(parts.values(), key=lambda p: p.seq)
    return list(dict.fromkeys(m for p in ordered for m in p.members()))


def _earlier(
    cmoc: str, history: dict[str, CmocParts], dropped: set[str], kept: set[str]
) -> str | None:
    """The dropped CMOC that ``cmoc`` refines, following refinements through versions in
    between (a refines b refines c); None when it refines none, or one the later version
    keeps too."""
    seen = {cmoc}
    current = history[cmoc].refines if cmoc in history else None
    while current is not None and current not in seen:
        if current in dropped:
            return current
        if current in kept:
            return None
        seen.add(current)
        current = history[current].refines if current in history else None
    return None


def _compare(old: _Side, new: _Side, history: dict[str, CmocParts], form: str) -> DiffAnswer:
    kept_or_changed = [c for c in new.parts if c in old.parts]
    dropped_ids = [c for c in old.parts if c not in new.parts]
    added_ids = [c for c in new.parts if c not in old.parts]
    # a later CMOC that refines a dropped one takes its place: one changed configuration
    pairs: list[tuple[str, str]] = []
    for later in added_ids:
        earlier = _earlier(later, history, set(dropped_ids), set(kept_or_changed))
        if earlier is not None:
            pairs.append((earlier, later))
    pairs += [(c, c) for c in kept_or_changed if _differences(old.parts[c], new.parts[c], {})]
    pairs.sort(key=lambda pair: new.parts[pair[1]].seq)
    replaced = {earlier for earlier, _ in pairs}
    replacing = {later for _, later in pairs}
    dropped = [c for c in dropped_ids if c not in replaced]
    added = [c for c in added_ids if c not in replacing]
    kept = [c for c in kept_or_changed if c not in replacing]

    before_rows, before_studies = _evidence(old, [*dropped, *(e for e, _ in pairs)])
    after_rows, after_studies = _evidence(new, [*added, *(later for _, later in pairs)])
    before_info = old.backend.lookup([*dropped, *(e for e, _ in pairs)])
    after_info = new.backend.lookup([*added, *(later for _, later in pairs)])
    unintended_before = _unintended(old)
    unintended_after = _unintended(new)
    # how a hand-off to a CMOC that was replaced reads in the later version
    renamed = {earlier: later for earlier, later in pairs if earlier != later}

    changes: list[CmocChange] = []
    for cmoc in added:
        rows = after_rows.get(cmoc, [])
        refines = new.parts[cmoc].refines
        changes.append(
            _change(
                "added",
                new.parts[cmoc],
                rows,
                [r for r in rows if drove_change("added", r.stance, earlier=False)],
                after_info[cmoc].props.get("change_reason") if cmoc in after_info else None,
                [o for o in new.parts[cmoc].outcomes if o in unintended_after],
                refines=refines if refines in old.parts else None,
            )
        )
    for cmoc in dropped:
        rows = before_rows.get(cmoc, [])
        changes.append(
            _change(
                "dropped",
                old.parts[cmoc],
                rows,
                [r for r in rows if drove_change("dropped", r.stance, earlier=True)],
                before_info[cmoc].props.get("change_reason") if cmoc in before_info else None,
                [o for o in old.parts[cmoc].outcomes if o in unintended_before],
            )
        )
    for earlier, later in pairs:
        rows = before_rows.get(earlier, [])
        drivers = [r for r in rows if drove_change("changed", r.stance, earlier=True)]
        drivers += [
            r for r in after_rows.get(later, []) if drove_change("changed", r.stance, earlier=False)
        ]
        reason = after_info[later].props.get("change_reason") if later in after_info else None
        if reason is None and earlier in before_info:
            reason = before_info[earlier].props.get("change_reason")
        change = _change(
            "changed",
            new.parts[later],
            rows,
            _unique(drivers),
            reason,
            [o for o in new.parts[later].outcomes if o in unintended_after],
        )
        change.was = earlier
        change.was_label = old.parts[earlier].label
        change.differences = _differences(old.parts[earlier], new.parts[later], renamed)
        changes.append(change)

    return DiffAnswer(
        before=old.version,
        after=new.version,
        form=form,
        cmocs=changes,
        nodes=_node_changes(old, new),
        links=_link_changes(old.parts, new.parts),
        kept=kept,
        studies_by_id={**before_studies, **after_studies},
    )


def _change(
    change: str,
    part: CmocParts,
    rows: list[EvidenceRow],
    drivers: list[EvidenceRow],
    reason: object,
    unintended: list[str],
    refines: str | None = None,
) -> CmocChange:
    return CmocChange(
        change=change,
        id=part.id,
        label=part.label,
        drivers=drivers,
        evidence=link_stance(rows),
        supported=has_support(rows),
        extracts=len(rows),
        studies=len({r.study for r in rows}),
        reason=reason if isinstance(reason, str) else None,
        unintended=unintended,
        refines=refines,
    )


def _unique(rows: Iterable[EvidenceRow]) -> list[EvidenceRow]:
    """Each extract once (between two sources, one may bear on both versions): the later
    version of it wins, in the place of the first."""
    found: dict[str, EvidenceRow] = {}
    for row in rows:
        found[row.extract] = row
    return list(found.values())


def _evidence(
    side: _Side, cmocs: list[str]
) -> tuple[dict[str, list[EvidenceRow]], dict[str, dict[str, object]]]:
    if not cmocs:
        return {}, {}
    rows, studies = side.backend.evidence_with_studies(cmocs)
    by_cmoc: dict[str, list[EvidenceRow]] = defaultdict(list)
    for row in rows:
        by_cmoc[row.cmoc].append(row)
    return by_cmoc, dict(studies)


def _unintended(side: _Side) -> set[str]:
    """The outcomes of a side's CMOCs that the review marks unintended."""
    outcomes = sorted({o for p in side.parts.values() for o in p.outcomes})
    found = side.backend.lookup(outcomes) if outcomes else {}
    return {o for o, info in found.items() if info.props.get("intended") is False}


def _qualifier(part: CmocParts, member: str) -> str | None:
    return part.qualifier(member)


def _hand_off(part: CmocParts, nxt: str) -> str:
    role, outcome, provenance, note = part.hand_off(nxt)
    said = [f"as {role}"] + [t for t in (outcome, provenance, note) if t]
    return ", ".join(said)


def _differences(before: CmocParts, after: CmocParts, renamed: dict[str, str]) -> list[Difference]:
    """How ``after`` differs from ``before``: its label, members, the order its mechanisms
    fire in, the qualifiers of the members both hold, and its hand-offs (a hand-off to a
    CMOC that was replaced counts as one to the CMOC that replaced it)."""
    out = []
    if before.label != after.label:
        out.append(Difference("label", before=before.label, after=after.label))
    for fld in ("contexts", "mechanisms", "outcomes"):
        was, now = getattr(before, fld), getattr(after, fld)
        removed = tuple(m for m in was if m not in now)
        added = tuple(m for m in now if m not in was)
        if removed or added:
            out.append(Difference(fld, removed=removed, added=added))
    if before.sequence != after.sequence:
        words = {True: "in sequence", False: "side by side"}
        out.append(
            Difference("sequence", before=words[before.sequence], after=words[after.sequence])
        )
    elif after.sequence and [m for m in before.mechanisms if m in after.mechanisms] != [
        m for m in after.mechanisms if m in before.mechanisms
    ]:
        out.append(
            Difference(
                "sequence", before=" > ".join(before.mechanisms), after=" > ".join(after.mechanisms)
            )
        )
    for member in after.members():
        if member in before.members():
            was_q, now_q = _qualifier(before, member), _qualifier(after, member)
            if was_q != now_q:
                out.append(Difference("qualifiers", item=member, before=was_q, after=now_q))
    onward_before = [renamed.get(c, c) for c in before.leads_to]
    removed = tuple(c for c in onward_before if c not in after.leads_to)
    added = tuple(c for c in after.leads_to if c not in onward_before)
    if removed or added:
        out.append(Difference("hand_offs", removed=removed, added=added))
    for original, nxt in zip(before.leads_to, onward_before, strict=True):
        if nxt in after.leads_to:
            was_h, now_h = _hand_off(before, original), _hand_off(after, nxt)
            if was_h != now_h:
                out.append(Difference("hand_offs", item=nxt, before=was_h, after=now_h))
    return out


def _node_changes(old: _Side, new: _Side) -> list[NodeChange]:
    """Contexts, mechanisms and outcomes only one side holds, and those both hold under
    another label."""
    before, after = set(old.nodes), set(new.nodes)
    ids = [n for n in new.nodes if n not in before] + [n for n in old.nodes if n not in after]
    both = [n for n in new.nodes if n in before]
    labels_after = new.backend.lookup([*ids, *both]) if ids or both else {}
    labels_before = old.backend.lookup([*ids, *both]) if ids or both else {}
    out = []
    for node in new.nodes:
        if node not in before and node in labels_after:
            info = labels_after[node]
            out.append(NodeChange("added", node, info.type, info.label))
    for node in old.nodes:
        if node not in after and node in labels_before:
            info = labels_before[node]
            out.append(NodeChange("dropped", node, info.type, info.label))
    for node in both:
        was, now = labels_before.get(node), labels_after.get(node)
        if was is not None and now is not None and was.label != now.label:
            out.append(NodeChange("renamed", node, now.type, now.label, was_label=was.label))
    return out


def _link_changes(before: dict[str, CmocParts], after: dict[str, CmocParts]) -> list[LinkChange]:
    """The links only one side states, with the CMOCs that state them there."""

    def stated(parts: dict[str, CmocParts]) -> dict[tuple[str, str], list[str]]:
        found: dict[tuple[str, str], list[str]] = defaultdict(list)
        for part in sorted(parts.values(), key=lambda p: p.seq):
            for link in part.links():
                found[link].append(part.id)
        return found

    was, now = stated(before), stated(after)
    out = [LinkChange("added", s, t, tuple(c)) for (s, t), c in now.items() if (s, t) not in was]
    out += [LinkChange("dropped", s, t, tuple(c)) for (s, t), c in was.items() if (s, t) not in now]
    return out
