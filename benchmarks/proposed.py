"""Fixes proposed for the library, tried here by patching it for one measurement.

Nothing here changes theorygraph's files: each fix is installed for the duration of a
measurement and removed afterwards, so that the benchmarks can show the library as it
is and as it would be, side by side, in the same run. docs/performance.md gives each
fix as the change to make in the library.

- :func:`index_hints`: ``push_edges`` finds both ends of a relationship through the
  (review, id) uniqueness index whatever the planner's statistics say.
- :func:`replace_in_place`: ``push --replace`` updates the review in place (nodes kept
  by id, relationships rebuilt, nodes no longer there deleted last) instead of deleting
  everything and creating it again in the same transaction.
- :func:`install_fast_reader`: theory files are parsed once by the fast safe loader;
  the round-trip parse that knows line numbers runs only for a file with a problem.
"""

from __future__ import annotations

import dataclasses
import io
import json
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from theorygraph.schema import LABEL_OF_SECTION, check_label

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
SET n:{label}
REMOVE n:{others}"""
REPLACE_PRUNE = """\
MATCH (n:TheoryItem {review: $review})
WHERE NOT n.id IN $ids
DETACH DELETE n"""


def _render_nodes(label: str) -> str:
    others = [check_label(x) for x in LABEL_OF_SECTION.values() if x != label]
    return REPLACE_NODES.replace("{label}", check_label(label)).replace(
        "{others}", ":".join(others)
    )


def push_in_place(
    store: Any,
    document: Any,
    *,
    timings: dict[str, float] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Any:
    """``store.push(document, replace=True)`` done in place, in one transaction.

    Nodes are matched by (review, id) and updated, so the transaction deletes only what
    the new content drops, and deletes it last: no index lookup runs after a delete.
    """
    from theorygraph.backends import neo4j as backend
    from theorygraph.backends.memory import document_to_graph
    from theorygraph.schema import check_rel_type

    started = time.perf_counter()
    review = document.review.id
    graph = document_to_graph(document)
    node_batches = list(backend._node_batches(graph))
    edge_batches = list(backend._edge_batches(graph))
    store.run_schema()
    exists = store.has_review(review)
    spent = timings if timings is not None else {}
    total = len(node_batches) + len(edge_batches) + 3

    def work(tx: Any) -> None:
        done = 0

        def run(name: str, text: str, **params: Any) -> None:
            nonlocal done
            begun = time.perf_counter()
            tx.run(text, params).consume()
            spent[name] = spent.get(name, 0.0) + time.perf_counter() - begun
            done += 1
            if progress:
                progress(done, total)

        run("replace_unlink", REPLACE_UNLINK, review=review)
        run("replace_review", REPLACE_REVIEW, review=review, props=backend._review_props(graph))
        for label, rows in node_batches:
            run("replace_nodes", _render_nodes(label), review=review, rows=rows)
        edges = HINTED_PUSH_EDGES
        for rel, rows in edge_batches:
            run("push_edges", edges.replace("{rel}", check_rel_type(rel)), review=review, rows=rows)
        run("replace_prune", REPLACE_PRUNE, review=review, ids=list(graph.nodes))

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


# -- 3. parse fast, find lines only when needed ---------------------------------------------------

_original_read_raw: Any = None


def _fast_yaml() -> tuple[Any, str]:
    from ruamel.yaml import YAML

    yaml = YAML(typ="safe")  # the C parser when ruamel.yaml.clib is installed
    yaml.allow_duplicate_keys = False
    from ruamel.yaml.parser import Parser

    kind = "safe (pure Python)" if yaml.Parser is Parser else "safe (C, ruamel.yaml.clib)"
    return yaml, kind


def install_fast_reader() -> str:
    """Patch ``theorygraph.validate.read_raw``; returns which YAML parser it uses."""
    global _original_read_raw
    import theorygraph.validate as validate
    from theorygraph.theoryfile import MAX_FILE_BYTES, RawFile

    if _original_read_raw is None:
        _original_read_raw = validate.read_raw
    original = _original_read_raw
    yaml, kind = _fast_yaml()

    @dataclasses.dataclass
    class LazyLinesFile(RawFile):
        """Parsed data whose line numbers come from a round-trip parse, on first need."""

        text: str = ""
        located: Any = None

        def line_of(self, loc: tuple[str | int, ...]) -> int | None:
            if self.located is None:
                from theorygraph.theoryfile import _yaml

                self.located = _yaml().load(io.StringIO(self.text))
            return RawFile(self.path, self.located, self.display).line_of(loc)

    def read_raw(path: Path, display: str | None = None) -> Any:
        try:
            if path.stat().st_size > MAX_FILE_BYTES:
                return original(path, display)
            text = path.read_bytes().decode("utf-8-sig")
            if not text.strip():
                return original(path, display)
            data = json.loads(text) if path.suffix.lower() == ".json" else yaml.load(text)
        except Exception:  # noqa: BLE001 - any problem: the careful reader says what it is
            return original(path, display)
        return LazyLinesFile(path, data, display or str(path), text), []

    validate.read_raw = read_raw  # type: ignore[assignment]
    return kind


def uninstall_fast_reader() -> None:
    import theorygraph.validate as validate

    if _original_read_raw is not None:
        validate.read_raw = _original_read_raw  # type: ignore[assignment]
