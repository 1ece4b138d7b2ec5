"""Old behaviour kept for reference: the push and replace as theorygraph wrote them
before commit 58c8026, and the YAML writer of imports before the fast writer.

Each function here is a self-contained copy of the old behaviour, run against the same
server in the same run as the library's push, so the tables show before and after side
by side. Nothing here changes theorygraph: the old statements are written out below.

- :func:`push_before`: ``push_edges`` without ``USING INDEX SEEK``; planned while the
  database holds no such review, it reads every item of the review for each row.
- with ``replace=True``: delete the whole review (in batches of 10,000, in the write
  transaction), then create it again, as ``push --replace`` did.
- :func:`facade_push_before`: ``TheoryGraph.push`` of an embedded graph before the
  converters were brought together: the graph read back into a document (validated
  again), then turned into a graph again by ``push``, which wrote every node, then every
  relationship (two index seeks each), as ``push`` did before ``push_extracts``.
- :func:`folder_texts_before`: a review folder as ``theorygraph import -o`` wrote it
  before :mod:`theorygraph.yamlwrite`: ruamel's pure-Python emitter, one file per part
  however large.
"""

from __future__ import annotations

import io
import re
import time
from pathlib import Path
from typing import Any

#: cypher/push_edges.cypher before commit 58c8026
PUSH_EDGES_BEFORE = """\
UNWIND $rows AS row
MATCH (a:TheoryItem {review: $review, id: row.source})
MATCH (b:TheoryItem {review: $review, id: row.target})
CREATE (a)-[r:{rel}]->(b)
SET r += row.props"""
#: cypher/delete_review.cypher before commit 58c8026 (run until it returns 0)
DELETE_REVIEW_BEFORE = """\
MATCH (n:TheoryItem {review: $review})
WITH n LIMIT $batch
DETACH DELETE n
RETURN count(*) AS deleted"""


def push_before(
    store: Any,
    document: Any,
    *,
    replace: bool = False,
    spent: dict[str, float] | None = None,
    counted: dict[str, int] | None = None,
) -> float:
    """Push (or replace) ``document`` the old way, in one transaction; seconds taken.

    ``spent`` and ``counted`` get seconds and rows per statement, under the library's
    statement names, as ``benchmarks.push.recording`` gives them for the library.
    """
    from theorygraph.backends import push as backend
    from theorygraph.backends.convert import document_to_graph
    from theorygraph.cypherlib import statement
    from theorygraph.schema import check_label, check_rel_type

    started = time.perf_counter()
    review = document.review.id
    graph = document_to_graph(document)
    node_batches = list(_node_batches_before(graph))
    edge_batches = list(_edge_batches_before(graph))
    store.run_schema()
    spent = {} if spent is None else spent
    counted = {} if counted is None else counted

    def work(tx: Any) -> None:
        def run(name: str, text: str, **params: Any) -> list[dict[str, Any]]:
            begun = time.perf_counter()
            records = [r.data() for r in tx.run(text, params)]
            spent[name] = spent.get(name, 0.0) + time.perf_counter() - begun
            counted[name] = counted.get(name, 0) + len(params.get("rows") or ())
            return records

        if replace:
            while run("delete_review", DELETE_REVIEW_BEFORE, review=review, batch=10000)[0][
                "deleted"
            ]:
                pass
            run("delete_review_node", statement("delete_review_node").text, review=review)
        props = backend._review_props(graph)
        run("push_review", statement("push_review").text, review=review, props=props)
        for label, rows in node_batches:
            text = statement("push_nodes").text.replace("{label}", check_label(label))
            run("push_nodes", text, review=review, rows=rows)
        for rel, rows in edge_batches:
            text = PUSH_EDGES_BEFORE.replace("{rel}", check_rel_type(rel))
            run("push_edges", text, review=review, rows=rows)

    begun = time.perf_counter()
    with store.driver.session(database=store.settings.database) as session:
        session.execute_write(work)
    spent["write_total"] = time.perf_counter() - begun
    return time.perf_counter() - started


def facade_push_before(
    store: Any,
    graph: Any,
    *,
    spent: dict[str, float] | None = None,
    counted: dict[str, int] | None = None,
) -> float:
    """``TheoryGraph(embedded).push(uri)`` as it was: ``document()`` (the graph converted
    back and validated again), then ``store.push(document)``, which converted it to a graph
    once more and wrote that: constraints, the existence check, then in one transaction
    the review, every node by label and every relationship by type (``push_edges``, both
    ends found through the index), 2,000 rows a statement. Returns the seconds taken;
    ``spent`` and ``counted`` get seconds and rows per statement, as for :func:`push_before`."""
    from theorygraph.backends import push as backend
    from theorygraph.backends.convert import document_to_graph, graph_to_document
    from theorygraph.cypherlib import statement

    started = time.perf_counter()
    graph = document_to_graph(graph_to_document(graph))
    review = graph.graph["review"]["id"]
    node_batches = list(_node_batches_before(graph))
    edge_batches = list(_edge_batches_before(graph))
    graph.number_of_nodes(), graph.number_of_edges()  # the old PushResult counted both
    store.run_schema()
    if store.has_review(review):
        raise AssertionError(f"facade_push_before pushes a new review; {review} is there")

    spent = {} if spent is None else spent
    counted = {} if counted is None else counted

    def work(tx: Any) -> None:
        def run(name: str, text: str, **params: Any) -> None:
            begun = time.perf_counter()
            for _ in tx.run(text, params):
                pass
            spent[name] = spent.get(name, 0.0) + time.perf_counter() - begun
            counted[name] = counted.get(name, 0) + len(params.get("rows") or ())

        props = backend._review_props(graph)
        run("push_review", statement("push_review").text, review=review, props=props)
        for label, rows in node_batches:
            text = statement("push_nodes").render(label=label)
            run("push_nodes", text, review=review, rows=rows)
        for rel, rows in edge_batches:
            run("push_edges", statement("push_edges").render(rel=rel), review=review, rows=rows)

    begun = time.perf_counter()
    with store.driver.session(database=store.settings.database) as session:
        session.execute_write(work)
    spent["write_total"] = time.perf_counter() - begun
    return time.perf_counter() - started


def _node_batches_before(graph: Any) -> Any:
    """Node rows by label, 2,000 a batch, as ``push`` built them before ``push_extracts``."""
    from theorygraph.schema import LABEL_OF_SECTION

    by_label: dict[str, list[dict[str, Any]]] = {label: [] for label in LABEL_OF_SECTION.values()}
    for node, data in graph.nodes(data=True):
        by_label[data["type"]].append(
            {"id": node, "props": {k: v for k, v in data.items() if k != "type"}}
        )
    for label, rows in by_label.items():
        for start in range(0, len(rows), 2000):
            yield label, rows[start : start + 2000]


def _edge_batches_before(graph: Any) -> Any:
    """Relationship rows by type, 2,000 a batch, as ``push`` built them before."""
    from theorygraph.schema import EDGE_TYPES

    by_type: dict[str, list[dict[str, Any]]] = {rel: [] for rel in EDGE_TYPES}
    for source, target, key, data in graph.edges(keys=True, data=True):
        props = {k: v for k, v in data.items() if k != "type" and v is not None}
        by_type[key].append({"source": source, "target": target, "props": props})
    for rel, rows in by_type.items():
        for start in range(0, len(rows), 2000):
            yield rel, rows[start : start + 2000]


# -- the YAML writer before theorygraph.yamlwrite -----------------------------------------------

_NOT_PRINTABLE = re.compile(
    "[^\x09\x0a\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
)


def _represent_str(representer: Any, value: str) -> Any:
    style = None
    if _NOT_PRINTABLE.search(value) or "\r" in value:
        style = '"'
    elif "\n" in value:
        style = "|"
    return representer.represent_scalar("tag:yaml.org,2002:str", value, style=style)


def dump_yaml_before(data: dict[str, Any]) -> str:
    """``theoryfile.dump_document(data, "yaml")`` as it was: ruamel, pure Python."""
    from ruamel.yaml import YAML

    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    yaml.sort_base_mapping_type_on_output = False  # type: ignore[assignment]
    yaml.allow_unicode = True
    yaml.width = 100
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.representer.add_representer(str, _represent_str)
    out = io.StringIO()
    yaml.dump(data, out)
    return out.getvalue()


def folder_texts_before(data: dict[str, Any], folder: Path, limit: int | None = None) -> Any:
    """``theorygraph.layout.folder_texts`` as import -o wrote a folder before: four files."""
    from theorygraph.layout import FOLDER_FILES

    files = {}
    for name, keys in FOLDER_FILES.items():
        chunk = {k: data[k] for k in keys if k in data}
        if chunk or name == "review.yaml":
            files[folder / name] = dump_yaml_before({"theorygraph": data["theorygraph"], **chunk})
    return files
