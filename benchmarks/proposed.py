"""Fixes proposed for the library, tried here by patching it for one measurement.

Nothing here changes theorygraph's files: each fix is installed for the duration of a
measurement and removed afterwards, so that the benchmarks can show the library as it
is and as it would be, side by side, in the same run. docs/performance.md gives each
fix as the change to make in the library.

- :func:`index_hints`: ``push_edges`` finds both ends of a relationship through the
  (review, id) uniqueness index whatever the planner's statistics say.
- :func:`push_in_place`: ``push --replace`` updates the review in place (nodes kept
  by id, relationships rebuilt, nodes no longer there deleted last) instead of deleting
  everything and creating it again in the same transaction.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

# -- 1. index hints in push_edges ---------------------------------------------------------------

HINTED_PUSH_EDGES = """\
UNWIND $rows AS row
MATCH (a:TheoryItem {review: $review, id: row.source})
USING INDEX a:TheoryItem(review, id)
MATCH (b:TheoryItem {review: $review, id: row.target})
USING INDEX b:TheoryItem(review, id)
CREATE (a)-[r:{rel}]->(b)
SET r += row.props"""


@contextmanager
def index_hints() -> Iterator[None]:
    """``cypher/push_edges.cypher`` with ``USING INDEX`` on both MATCHes."""
    import theorygraph.backends.neo4j as neo4j_backend

    original = neo4j_backend.statement

    def patched(name: str) -> Any:
        found = original(name)
        if name == "push_edges":
            return dataclasses.replace(found, text=HINTED_PUSH_EDGES)
        return found

    neo4j_backend.statement = patched  # type: ignore[assignment]
    try:
        yield
    finally:
        neo4j_backend.statement = original  # type: ignore[assignment]


# -- 2. replace in place ------------------------------------------------------------------------

#: the statements the in-place replace adds (cypher/replace_*.cypher in the proposal)
REPLACE_UNLINK = """\
MATCH (n:TheoryItem {review: $review})-[r]->()
DELETE r"""
REPLACE_REVIEW = """\
WITH $props AS props
MERGE (r:Review {id: $review})
SET r = props{.*, id: $review}"""
REPLACE_NODES = """\
UNWIND $rows AS row
MERGE (n:TheoryItem {review: $review, id: row.id})
WITH n, row, row.props AS props
SET n = props{.*, review: $review, id: row.id}
SET n:{label}"""
DELETE_ITEMS = """\
UNWIND $ids AS id
MATCH (n:TheoryItem {review: $review, id: id})
DETACH DELETE n"""


def push_in_place(
    store: Any,
    document: Any,
    *,
    timings: dict[str, float] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Any:
    """``store.push(document, replace=True)`` done in place, in one transaction.

    Nodes are matched by (review, id) and updated; relationships are rebuilt. Only
    nodes that change type are deleted before the writes (there are seldom any), and
    nodes the new content drops are deleted last, so almost no index lookup runs in a
    transaction that has deleted nodes.
    """
    from theorygraph.backends import neo4j as backend
    from theorygraph.backends.memory import document_to_graph
    from theorygraph.cypherlib import statement
    from theorygraph.schema import check_label, check_rel_type

    started = time.perf_counter()
    review = document.review.id
    graph = document_to_graph(document)
    node_batches = list(backend._node_batches(graph))
    edge_batches = list(backend._edge_batches(graph))
    wanted = dict(graph.nodes(data="type"))
    store.run_schema()
    exists = store.has_review(review)
    spent = timings if timings is not None else {}
    total = len(node_batches) + len(edge_batches) + 5

    def work(tx: Any) -> None:
        done = 0

        def run(name: str, text: str, **params: Any) -> list[dict[str, Any]]:
            nonlocal done
            begun = time.perf_counter()
            records = [r.data() for r in tx.run(text, params)]
            spent[name] = spent.get(name, 0.0) + time.perf_counter() - begun
            done += 1
            if progress:
                progress(done, total)
            return records

        held = run("ids_by_type", statement("ids_by_type").text, review=review)
        retyped = [r["id"] for r in held if wanted.get(r["id"], r["type"]) != r["type"]]
        gone = [r["id"] for r in held if r["id"] not in wanted]
        run("replace_unlink", REPLACE_UNLINK, review=review)
        run("delete_items", DELETE_ITEMS, review=review, ids=retyped)
        run("replace_review", REPLACE_REVIEW, review=review, props=backend._review_props(graph))
        for label, rows in node_batches:
            text = REPLACE_NODES.replace("{label}", check_label(label))
            run("replace_nodes", text, review=review, rows=rows)
        for rel, rows in edge_batches:
            text = HINTED_PUSH_EDGES.replace("{rel}", check_rel_type(rel))
            run("push_edges", text, review=review, rows=rows)
        run("delete_items", DELETE_ITEMS, review=review, ids=gone)

    begun = time.perf_counter()
    store._execute("write", "push", work)
    spent["write_total"] = time.perf_counter() - begun
    return backend.PushResult(
        review,
        "replaced" if exists else "created",
        graph.number_of_nodes(),
        graph.number_of_edges(),
        time.perf_counter() - started,
    )


# -- 3. lighter large maps -------------------------------------------------------------------------


def lighter_large_map(page: str, width: int = 26) -> str:
    """A saved map above ``PHYSICS_LIMIT`` nodes as ``render_map`` would write it with the fix.

    Labels are wrapped in Python (so vis-network measures no words to fit
    ``widthConstraint``) and arrows have no heads (the layered layout already reads
    left to right; heads are sub-pixel until one zooms in). Maps up to the limit are
    left as they are.
    """
    import json
    import re
    import textwrap

    from theorygraph.render.map import PHYSICS_LIMIT, script_json

    found = re.search(
        r'(<script type="application/json" id="tg-data">)(.*?)(</script>)', page, re.S
    )
    if found is None:
        raise ValueError("not a theorygraph map: no tg-data block")
    data = json.loads(found.group(2))
    if len(data["nodes"]) <= PHYSICS_LIMIT:
        return page
    data["options"]["nodes"].pop("widthConstraint", None)
    for node in data["nodes"]:
        node["label"] = "\n".join(textwrap.fill(part, width) for part in node["label"].split("\n"))
    data["options"]["edges"]["arrows"] = {"to": {"enabled": False}}
    for edge in data["edges"]:
        edge.pop("arrows", None)
    return page[: found.start(2)] + script_json(data) + page[found.end(2) :]
