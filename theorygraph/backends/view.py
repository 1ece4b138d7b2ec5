"""A backend seen through one programme theory, one theme, or both.

Every query asks its backend for CMOCs, their members and the evidence on them; the view
answers with the CMOCs the theory includes (and, with a theme, those of the theme) and
nothing else, so every query, ``stats``, ``map`` and ``export`` work on a part of a review
without a line of their own. Hand-offs to CMOCs outside the view are not followed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from ..evidence import Group
from ..model import ReviewInfo, TheoryDocument
from ..results import CmocParts, EvidenceRow, NodeInfo

T = TypeVar("T")

#: node types the view narrows (studies, theories and extracts are looked up as they are)
_NARROWED = ("Context", "Mechanism", "Outcome", "CMOC")


def in_theme(theme: str | None, wanted: str) -> bool:
    """Whether a CMOC's ``theme`` is ``wanted`` or one of its sub-themes ('A / B' is in 'A')."""
    if theme is None:
        return False
    have = [t.strip().casefold() for t in theme.split("/")]
    want = [t.strip().casefold() for t in wanted.split("/")]
    return have[: len(want)] == want


class View:
    """``backend`` narrowed to the CMOCs of ``theory`` and/or ``theme``; ``theory`` may
    name several theories (the CMOCs of any of them: two versions drawn together)."""

    def __init__(
        self, backend: Any, theory: str | tuple[str, ...] | None, theme: str | None
    ) -> None:
        self.inner = backend
        self.kind = backend.kind
        self.theory = theory
        self.theories = {theory} if isinstance(theory, str) else set(theory or ())
        self.theme = theme
        self._kept: dict[str, CmocParts] | None = None

    # -- what the view holds (read once per answer) ------------------------------------
    def _parts(self) -> dict[str, CmocParts]:
        if self._kept is None:
            every = self.inner.cmoc_parts(None)
            themes = self._themes(list(every)) if self.theme is not None else {}
            kept = {
                c: p
                for c, p in every.items()
                if (not self.theories or self.theories & set(p.theories))
                and (self.theme is None or in_theme(themes.get(c), self.theme))
            }
            # hand-offs stay inside the view
            self._kept = {
                c: CmocParts(
                    p.id,
                    p.label,
                    p.contexts,
                    p.mechanisms,
                    p.outcomes,
                    tuple(n for n in p.leads_to if n in kept),
                    p.theories,
                    p.seq,
                    p.qualifiers,
                    tuple(h for h in p.hand_offs if h[0] in kept),
                    p.sequence,
                    p.refines,
                )
                for c, p in kept.items()
            }
        return self._kept

    def _themes(self, cmocs: list[str]) -> dict[str, str | None]:
        found = self.inner.lookup(cmocs)
        return {c: info.props.get("theme") for c, info in found.items()}

    def _members(self) -> set[str]:
        return {m for p in self._parts().values() for m in p.members()}

    def _holds(self, node: str, type_: str) -> bool:
        if type_ == "CMOC":
            return node in self._parts()
        if type_ in _NARROWED:
            return node in self._members()
        return True

    # -- the backend protocol ---------------------------------------------------------------
    def consistent(self, answer: Callable[[], T]) -> T:
        def fresh() -> T:
            self._kept = None  # what the view holds is read again inside each answer
            return answer()

        return self.inner.consistent(fresh)

    def review(self) -> ReviewInfo:
        return self.inner.review()  # type: ignore[no-any-return]

    def document(self) -> TheoryDocument:
        """The part of the review the view holds: its CMOCs, their members, the extracts
        on them, the studies those cite and the theories that include them."""
        whole: TheoryDocument = self.inner.document()
        parts = self._parts()
        members = self._members()
        extracts = [x for x in whole.extracts if x.cmoc in parts]
        studies = {x.study for x in extracts}
        theories = {t for p in parts.values() for t in p.theories}
        data = whole.model_dump(mode="python", by_alias=True)
        data["theories"] = [t for t in data["theories"] if t["id"] in theories]
        for section in ("contexts", "mechanisms", "outcomes"):
            data[section] = [n for n in data[section] if n["id"] in members]
        data["cmocs"] = [
            {**c, "leads_to": [n for n in c["leads_to"] if n in parts]}
            for c in data["cmocs"]
            if c["id"] in parts
        ]
        data["studies"] = [s for s in data["studies"] if s["id"] in studies]
        data["extracts"] = [x.model_dump(mode="python", by_alias=True) for x in extracts]
        for theory in data["theories"]:
            if theory.get("refines") not in theories:
                theory["refines"] = None
        return TheoryDocument.model_validate(data)

    def counts(self) -> dict[str, int]:
        out = dict.fromkeys(self.inner.counts(), 0)
        for label in ("Context", "Mechanism", "Outcome", "CMOC"):
            out[label] = len(self.ids_by_type().get(label, []))
        rows = self.evidence(None, texts=False)
        out["Extract"] = len(rows)
        out["Study"] = len({r.study for r in rows})
        out["Theory"] = len({t for p in self._parts().values() for t in p.theories})
        return out

    def evidence_groups(self) -> list[Group] | None:
        groups = self.inner.evidence_groups()
        if groups is None:
            return None
        parts = self._parts()
        return [g for g in groups if g.cmoc in parts]

    def lookup(self, ids: list[str]) -> dict[str, NodeInfo]:
        found: dict[str, NodeInfo] = self.inner.lookup(ids)
        return {i: n for i, n in found.items() if self._holds(i, n.type)}

    def ids_by_type(self) -> dict[str, list[str]]:
        every: dict[str, list[str]] = self.inner.ids_by_type()
        return {t: [i for i in ids if self._holds(i, t)] for t, ids in every.items()}

    def nodes(self, label: str) -> list[NodeInfo]:
        return [n for n in self.inner.nodes(label) if self._holds(n.id, label)]

    def cmoc_parts(self, cmocs: list[str] | None) -> dict[str, CmocParts]:
        parts = self._parts()
        return dict(parts) if cmocs is None else {c: parts[c] for c in cmocs if c in parts}

    def cmocs_containing(self, node: str) -> list[str]:
        parts = self._parts()
        return [c for c in self.inner.cmocs_containing(node) if c in parts]

    def hand_offs(self, cmocs: list[str]) -> dict[str, tuple[list[str], list[str]]]:
        parts = self._parts()
        found = self.inner.hand_offs([c for c in cmocs if c in parts])
        return {
            c: ([n for n in after if n in parts], [p for p in before if p in parts])
            for c, (after, before) in found.items()
        }

    def leads_to(self, cmocs: list[str], direction: str) -> dict[str, list[str]]:
        parts = self._parts()
        found = self.inner.leads_to([c for c in cmocs if c in parts], direction)
        return {c: [n for n in onward if n in parts] for c, onward in found.items()}

    def evidence(
        self, cmocs: list[str] | None = None, study: str | None = None, *, texts: bool = True
    ) -> list[EvidenceRow]:
        parts = self._parts()
        wanted = list(parts) if cmocs is None else [c for c in cmocs if c in parts]
        if study is not None:
            rows: list[EvidenceRow] = self.inner.evidence(wanted, study, texts=texts)
            return rows
        if not wanted:
            return []
        found: list[EvidenceRow] = self.inner.evidence(wanted, texts=texts)
        return found

    def evidence_with_studies(
        self, cmocs: list[str]
    ) -> tuple[list[EvidenceRow], dict[str, dict[str, Any]]]:
        parts = self._parts()
        wanted = [c for c in cmocs if c in parts]
        if not wanted:
            return [], {}
        found: tuple[list[EvidenceRow], dict[str, dict[str, Any]]]
        found = self.inner.evidence_with_studies(wanted)
        return found

    def studies(self, ids: list[str] | None = None) -> list[dict[str, Any]]:
        if ids is None:  # the studies the view's evidence cites
            cited = {r.study for r in self.evidence(None, texts=False)}
            return [s for s in self.inner.studies(None) if s["id"] in cited]
        found: list[dict[str, Any]] = self.inner.studies(ids)
        return found

    def close(self) -> None:
        self.inner.close()
