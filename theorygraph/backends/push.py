"""Writing a review to Neo4j: a push in one atomic transaction, and deleting a review.

:class:`Neo4jStore` is a :class:`~.bolt.Neo4jConnection` that can also write: the graph of a
review (see :mod:`.convert`) goes in as batched ``UNWIND`` statements in one transaction,
so a failure anywhere leaves the database exactly as it was.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import networkx as nx

from ..errors import (
    BackendError,
)
from ..model import TheoryDocument
from ..schema import EDGE_TYPES, LABEL_OF_SECTION
from .bolt import Neo4jConnection, Transaction
from .convert import document_to_graph, graph_to_document
from .reads import Neo4jBackend

__all__ = ["BATCH_SIZE", "Neo4jStore", "PushResult", "ReviewExists"]

BATCH_SIZE = 2000

Progress = Callable[[int, int], None]


class ReviewExists(BackendError):
    """The review is already in the database with different content."""


@dataclass(frozen=True)
class PushResult:
    review: str
    status: str  # "created", "replaced" or "unchanged"
    nodes: int
    relationships: int
    seconds: float


class Neo4jStore(Neo4jConnection):
    """A connection that can also push and delete reviews."""

    # -- push and pull ---------------------------------------------------------------------
    def push(
        self, document: TheoryDocument, *, replace: bool = False, progress: Progress | None = None
    ) -> PushResult:
        """Load a validated review: constraints first, then one atomic write transaction."""
        return self.push_graph(document_to_graph(document), replace=replace, progress=progress)

    def push_graph(
        self, graph: nx.MultiDiGraph, *, replace: bool = False, progress: Progress | None = None
    ) -> PushResult:
        """Load a validated review held as a graph (see :mod:`.convert`): what an embedded
        graph pushes as it is, with no conversion."""
        started = time.perf_counter()
        review = graph.graph["review"]["id"]
        node_batches = list(_node_batches(graph))
        edge_batches = list(_edge_batches(graph))
        nodes = graph.number_of_nodes()
        rels = graph.number_of_edges()
        self.run_schema()
        exists = self.has_review(review)
        if exists and not replace:
            if Neo4jBackend(self, review).document() == graph_to_document(graph):
                return PushResult(review, "unchanged", nodes, rels, time.perf_counter() - started)
            raise ReviewExists(
                f"{self.uri}: review {review!r} already exists with different content; "
                "use --replace to replace it"
            )
        wanted = dict(graph.nodes(data="type"))
        total = len(node_batches) + len(edge_batches) + (2 if exists else 1)

        def work(tx: Transaction) -> None:
            done = 0

            def step() -> None:
                nonlocal done
                done += 1
                if progress:
                    progress(done, total)

            if exists:
                # replace in place: items are kept by id and updated, relationships are
                # rebuilt, and items the new content drops are deleted last; deleting
                # everything first would leave every later lookup in this transaction
                # wading through the deleted nodes
                held = tx.run("review_items", review=review)
                retyped = [r["id"] for r in held if wanted.get(r["id"], r["type"]) != r["type"]]
                gone = [r["id"] for r in held if r["id"] not in wanted]
                tx.run("replace_unlink", review=review)
                _delete_items(tx, review, retyped)
                tx.run("replace_review", review=review, props=_review_props(graph))
                step()
                for label, rows in node_batches:
                    tx.run("replace_nodes", label=label, review=review, rows=rows)
                    step()
            else:
                tx.run("push_review", review=review, props=_review_props(graph))
                step()
                for label, rows in node_batches:
                    tx.run("push_nodes", label=label, review=review, rows=rows)
                    step()
            for rel, rows in edge_batches:
                tx.run("push_edges", rel=rel, review=review, rows=rows)
                step()
            if exists:
                _delete_items(tx, review, gone)
                step()

        self.write(work, "push")
        status = "replaced" if exists else "created"
        return PushResult(review, status, nodes, rels, time.perf_counter() - started)

    def delete(self, review: str) -> bool:
        """Remove a review and everything in it; False if it was not there."""
        if not self.has_review(review):
            return False

        def work(tx: Transaction) -> None:
            tx.run("delete_review", review=review)
            tx.run("delete_review_node", review=review)

        self.write(work, "delete")
        return True


def _delete_items(tx: Transaction, review: str, ids: list[str]) -> None:
    """Delete items by id in batches (found through the index, never by a scan)."""
    for start in range(0, len(ids), BATCH_SIZE):
        tx.run("delete_items", review=review, ids=ids[start : start + BATCH_SIZE])


def _review_props(graph: nx.MultiDiGraph) -> dict[str, Any]:
    return {k: v for k, v in graph.graph["review"].items() if k != "id"}


def _node_batches(graph: nx.MultiDiGraph) -> Iterator[tuple[str, list[dict[str, Any]]]]:
    by_label: dict[str, list[dict[str, Any]]] = {label: [] for label in LABEL_OF_SECTION.values()}
    for node, data in graph.nodes(data=True):  # one pass over the nodes, not one per label
        by_label[data["type"]].append(
            {"id": node, "props": {k: v for k, v in data.items() if k != "type"}}
        )
    for label, rows in by_label.items():
        for start in range(0, len(rows), BATCH_SIZE):
            yield label, rows[start : start + BATCH_SIZE]


def _edge_batches(graph: nx.MultiDiGraph) -> Iterator[tuple[str, list[dict[str, Any]]]]:
    by_type: dict[str, list[dict[str, Any]]] = {rel: [] for rel in EDGE_TYPES}
    for source, target, key, data in graph.edges(keys=True, data=True):
        props = {k: v for k, v in data.items() if k != "type" and v is not None}
        by_type[key].append({"source": source, "target": target, "props": props})
    for rel, rows in by_type.items():
        for start in range(0, len(rows), BATCH_SIZE):
            yield rel, rows[start : start + BATCH_SIZE]
