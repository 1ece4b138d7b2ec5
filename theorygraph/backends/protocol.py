"""The protocol every graph store implements, so the facade can use any of them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol, TypeVar, runtime_checkable

from ..evidence import Group
from ..model import ReviewInfo, TheoryDocument
from ..results import CmocParts, EvidenceRow, NodeInfo

T = TypeVar("T")

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

    def evidence_groups(self) -> list[Group] | None:
        """A fast path for counting evidence (``gaps``, ``stats``): every extract grouped by
        CMOC, target and stance (:class:`theorygraph.evidence.Group`), or None.

        The rules count from these groups (:func:`theorygraph.evidence.tallies_of_groups`);
        without them they count from :meth:`evidence` (:func:`theorygraph.queries.tallies`,
        the reference a backend's grouping is tested against).
        """
        ...

    # -- primitives the query catalogue is built from ------------------------------------
    def lookup(self, ids: list[str]) -> dict[str, NodeInfo]:
        """The nodes among ``ids`` that exist (any type), by id."""
        ...

    def ids_by_type(self) -> dict[str, list[str]]:
        """Every id, by type label, in file order (for "did you mean" hints)."""
        ...

    def nodes(self, label: str) -> list[NodeInfo]:
        """Every node of one type, in file order."""
        ...

    def cmoc_parts(self, cmocs: list[str] | None) -> dict[str, CmocParts]:
        """Contexts, mechanisms, outcomes and onward links of some CMOCs (None: all)."""
        ...

    def cmocs_containing(self, node: str) -> list[str]:
        """CMOCs that hold ``node`` as a context, mechanism or outcome, in file order."""
        ...

    def consistent(self, answer: Callable[[], T]) -> T:
        """``answer()``, as of one state of the review: no write lands halfway through it.

        The facade wraps every answer in this, so that an answer (a pull, a query, a map)
        never mixes data from before and after a concurrent push.
        """
        ...

    def hand_offs(self, cmocs: list[str]) -> dict[str, tuple[list[str], list[str]]]:
        """For each of some CMOCs, both directions of :meth:`leads_to` at once: the CMOCs it
        hands on to, and those that hand on to it."""
        ...

    def leads_to(self, cmocs: list[str], direction: str) -> dict[str, list[str]]:
        """For each of some CMOCs, the CMOCs one hand-off (LEADS_TO) away.

        ``direction`` "forward" gives the CMOCs each hands on to, in the order it lists
        them; "backward" the CMOCs that hand on to it, in CMOC order. Unknown ids are left
        out. Chains walk the theory with this, one hop at a time.
        """
        ...

    def evidence(
        self, cmocs: list[str] | None = None, study: str | None = None, *, texts: bool = True
    ) -> list[EvidenceRow]:
        """Extracts on some CMOCs (None: all) or from one study, in file order.

        With ``texts=False`` a row may leave out the quote and the other texts (counting
        needs only what an extract targets, its stance, its kind and its study); it keeps
        the relevance and rigour judgements, which confidence weighs."""
        ...

    def evidence_with_studies(
        self, cmocs: list[str]
    ) -> tuple[list[EvidenceRow], dict[str, dict[str, Any]]]:
        """The extracts on some CMOCs (with their texts, in file order), and the records
        of their studies by id: what an answer that cites its studies needs."""
        ...

    def studies(self, ids: list[str] | None = None) -> list[dict[str, Any]]:
        """Study records (the theory file's fields), in file order."""
        ...

    def close(self) -> None:
        """Release connections; the object is not used afterwards."""
        ...
