"""The naive baseline for push: one write transaction per node and per relationship.

This is what a first script against the driver looks like: ``session.execute_write`` for
every node, then for every relationship, with the values as parameters. It is benchmark
code, not the library's: it builds its statements from the schema whitelist
(:mod:`theorygraph.schema`) and never puts a value into Cypher text. Its relationship
statement names the (review, id) index, so it is not slowed down by the planner choice
the library's own push suffers from (see docs/performance.md): the ratio measures one
transaction per item against batches, nothing else.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from theorygraph.schema import check_label, check_rel_type


@dataclass
class NaiveRun:
    nodes: int  # nodes in the review
    rels: int
    nodes_done: int
    rels_done: int
    node_s: float  # seconds spent on the nodes done
    rel_s: float

    @property
    def complete(self) -> bool:
        return self.nodes_done == self.nodes and self.rels_done == self.rels

    @property
    def seconds(self) -> float:
        return self.node_s + self.rel_s

    def estimate(self) -> float:
        """Seconds for the whole review at the per-transaction rates measured."""
        if self.complete:
            return self.seconds
        node_rate = self.node_s / max(self.nodes_done, 1)
        rel_rate = self.rel_s / max(self.rels_done, 1)
        return self.nodes * node_rate + self.rels * rel_rate


def _node_text(label: str) -> str:
    return (
        f"CREATE (n:TheoryItem:{check_label(label)} {{review: $review, id: $id}}) SET n += $props"
    )


def _rel_text(rel: str) -> str:
    return (
        "MATCH (a:TheoryItem {review: $review, id: $source}) USING INDEX a:TheoryItem(review, id) "
        "MATCH (b:TheoryItem {review: $review, id: $target}) USING INDEX b:TheoryItem(review, id) "
        f"CREATE (a)-[r:{check_rel_type(rel)}]->(b) SET r += $props"
    )


def sample_graph(graph: Any, extracts: int) -> Any:
    """The first ``extracts`` extracts, the studies and CMOCs they point to, and those links.

    FROM_STUDY and EVIDENCES are nine in ten of a review's relationships, extracts and
    studies most of its nodes: a sample of them times what the whole review costs.
    """
    chosen = [n for n, t in graph.nodes(data="type") if t == "Extract"][:extracts]
    keep = set(chosen)
    for extract in chosen:
        keep.update(graph.successors(extract))
    sample = graph.subgraph(keep).copy()
    sample.remove_edges_from([(u, v, k) for u, v, k in sample.edges(keys=True) if u not in chosen])
    return sample


def naive_push(store: Any, document: Any, *, sample_extracts: int | None = None) -> NaiveRun:
    """Push ``document`` one transaction at a time (or only a sample of it).

    With ``sample_extracts``, only :func:`sample_graph` is written; the run's counts are
    still those of the whole review, so that :meth:`NaiveRun.estimate` can scale up.
    """
    from theorygraph.backends.convert import document_to_graph

    full = document_to_graph(document)
    graph = full if sample_extracts is None else sample_graph(full, sample_extracts)
    review = document.review.id
    store.run_schema()
    run = NaiveRun(full.number_of_nodes(), full.number_of_edges(), 0, 0, 0.0, 0.0)
    props = {k: v for k, v in full.graph["review"].items() if k != "id"}
    with store.driver.session(database=store.settings.database) as session:

        def write(text: str, params: dict[str, Any]) -> None:
            session.execute_write(lambda tx: tx.run(text, params).consume())

        write("CREATE (r:Review {id: $review}) SET r += $props", {"review": review, "props": props})
        started = time.perf_counter()
        for node, data in graph.nodes(data=True):
            node_props = {k: v for k, v in data.items() if k != "type"}
            write(_node_text(data["type"]), {"review": review, "id": node, "props": node_props})
            run.nodes_done += 1
        run.node_s = time.perf_counter() - started
        started = time.perf_counter()
        for source, target, key, data in graph.edges(keys=True, data=True):
            rel_props = {k: v for k, v in data.items() if k != "type" and v is not None}
            write(
                _rel_text(key),
                {"review": review, "source": source, "target": target, "props": rel_props},
            )
            run.rels_done += 1
        run.rel_s = time.perf_counter() - started
    return run
