"""Result types of the queries: plain dataclasses, the same from every backend.

Every row type has ``as_dict()`` giving JSON-ready data with at least ``id``,
``label`` and ``type``, and, where something is counted, ``studies`` (distinct
studies) and ``extracts``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

__all__ = ["MechanismEvidence", "Stats"]


@dataclass(frozen=True)
class MechanismEvidence:
    """How much evidence bears on one mechanism.

    An extract bears on a mechanism when it targets a CMOC that holds the mechanism,
    either as a whole or through a link that starts or ends at the mechanism.
    """

    id: str
    label: str
    extracts: int
    studies: int
    supports: int = 0
    refutes: int = 0
    refines: int = 0
    type: str = "Mechanism"

    @property
    def evidenced(self) -> bool:
        """True when at least one extract supports or refines the mechanism."""
        return self.supports + self.refines > 0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self) | {"evidenced": self.evidenced}


@dataclass(frozen=True)
class Stats:
    """Counts per node type and evidence per mechanism for one review."""

    review: str
    counts: dict[str, int]
    mechanisms: list[MechanismEvidence] = field(default_factory=list)

    @property
    def evidenced(self) -> int:
        return sum(1 for m in self.mechanisms if m.evidenced)

    @property
    def headline(self) -> str:
        return f"evidence for {self.evidenced} of {len(self.mechanisms)} mechanisms"

    def as_dict(self) -> dict[str, Any]:
        return {
            "review": self.review,
            "counts": dict(self.counts),
            "headline": self.headline,
            "evidenced_mechanisms": self.evidenced,
            "mechanisms_total": len(self.mechanisms),
            "mechanisms": [m.as_dict() for m in self.mechanisms],
        }
