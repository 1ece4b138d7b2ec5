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
        self.run_schema()
        exists = self.has_review(review)
        if exists and not replace:
            if Neo4jBackend(self, review).document() == graph_to_document(graph):
                return PushResult(
                    review,
                    "unchanged",
                    graph.number_of_nodes(),
                    graph.number_of_edges(),
                    time.perf_counter() - started,
                )
            raise ReviewExists(
                f"{self.uri}: review {review!r} already exists with different content; "
                "use --replace to replace it"
            )
        # a new review writes each extract with its two relationships; a replace rebuilds
        # every relationship after updating the nodes in place
        rows = _Rows(graph, fuse_extracts=not exists)
        node_batches = list(_batches(rows.nodes))
        extract_batches = list(_batches({"Extract": rows.extracts}))
        edge_batches = list(_batches(rows.edges))
        nodes, rels = rows.node_count, rows.edge_count
        wanted = dict(graph.nodes(data="type")) if exists else {}
        total = len(node_batches) + len(extract_batches) + len(edge_batches) + (2 if exists else 1)

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
                for label, batch in node_batches:
                    tx.run("replace_nodes", label=label, review=review, rows=batch)
                    step()
            else:
                tx.run("push_review", review=review, props=_review_props(graph))
                step()
                for label, batch in node_batches:
                    tx.run("push_nodes", label=label, review=review, rows=batch)
                    step()
                for _, batch in extract_batches:
                    written = tx.run("push_extracts", review=review, rows=batch)[0]["written"]
                    if written != len(batch):  # a study or CMOC not found: write nothing
                        raise BackendError(
                            f"{self.uri}: {len(batch) - written} extracts of review "
                            f"{review!r} did not find their study or CMOC; nothing was written"
                        )
                    step()
            for rel, batch in edge_batches:
                tx.run("push_edges", rel=rel, review=review, rows=batch)
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


Row = dict[str, Any]


class _Rows:
    """A review graph as the rows its push sends, built in one pass over nodes and edges.

    ``nodes`` and ``edges`` are rows by label and by relationship type; with
    ``fuse_extracts``, an extract with exactly one study and one CMOC (every extract of a
    valid review) is a row of ``extracts`` instead, carrying both relationships.
    """

    def __init__(self, graph: nx.MultiDiGraph, *, fuse_extracts: bool) -> None:
        self.nodes: dict[str, list[Row]] = {label: [] for label in LABEL_OF_SECTION.values()}
        self.edges: dict[str, list[Row]] = {rel: [] for rel in EDGE_TYPES}
        self.extracts: list[Row] = []
        self.node_count = self.edge_count = 0
        adjacency = graph.adj
        for node, data in graph.nodes(data=True):
            self.node_count += 1
            label = data["type"]
            props = {k: v for k, v in data.items() if k != "type"}
            out = adjacency[node]
            if fuse_extracts and label == "Extract":
                fused = _fused_extract(node, props, out)
                if fused is not None:
                    self.extracts.append(fused)
                    self.edge_count += 2
                    continue
            self.nodes[label].append({"id": node, "props": props})
            for target, keyed in out.items():
                for key, edge in keyed.items():
                    self.edge_count += 1
                    self.edges[key].append(
                        {"source": node, "target": target, "props": _edge_props(edge)}
                    )


def _fused_extract(node: str, props: dict[str, Any], out: Any) -> Row | None:
    """The extract's row with its study and CMOC, or None unless it has exactly one each."""
    study = cmoc = evidences = None
    for target, keyed in out.items():
        for key, edge in keyed.items():
            if key == "FROM_STUDY" and study is None:
                study = target
            elif key == "EVIDENCES" and cmoc is None:
                cmoc, evidences = target, _edge_props(edge)
            else:
                return None
    if study is None or cmoc is None:
        return None
    return {"id": node, "props": props, "study": study, "cmoc": cmoc, "evidences": evidences}


def _edge_props(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k != "type" and v is not None}


def _batches(rows: dict[str, list[Row]]) -> Iterator[tuple[str, list[Row]]]:
    """Rows in batches of BATCH_SIZE, one name (label or type) each."""
    for name, some in rows.items():
        for start in range(0, len(some), BATCH_SIZE):
            yield name, some[start : start + BATCH_SIZE]
