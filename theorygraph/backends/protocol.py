"""The protocol every graph store implements, so the facade can use any of them."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from ..model import ReviewInfo, TheoryDocument
from ..results import MechanismEvidence

__all__ = ["Backend"]


@runtime_checkable
class Backend(Protocol):
    """One review held in a graph store.

    Implementations answer from their own store (networkx in memory, Cypher in
    Neo4j); the contract tests hold both to identical answers.
    """

    #: short name for messages: "embedded" or "neo4j"
    kind: str

    def review(self) -> ReviewInfo:
        """The review's metadata."""
        ...

    def document(self) -> TheoryDocument:
        """The whole review as a document, in the order it was written."""
        ...

    def counts(self) -> dict[str, int]:
        """Number of nodes per label (every label of the schema, zero included)."""
        ...

    def mechanism_evidence(self) -> list[MechanismEvidence]:
        """Evidence per mechanism, one row for every mechanism."""
        ...

    def close(self) -> None:
        """Release connections; the object is not used afterwards."""
        ...
