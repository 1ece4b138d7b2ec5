"""Push a review into Neo4j: the library's push, the push as it was before its fixes, a
naive baseline, and ``--replace`` of a review already there (now and before).

Every timed push starts from the same state: the review is not in the database and
the server's query caches are cleared, so the push is planned from the statistics the
database really has (a first push into a database). A replace starts with the review
there and pushes it again with 1 % of its extracts edited and 0.5 % removed.

Pushes known to be very slow are stopped after ``Mode.push_cap`` seconds (the watchdog
terminates their transaction, which rolls back); the table then gives an estimate
from the rows written so far, and says so. Sizes too large to try get an estimate
from the per-row cost measured at the size below, also marked as such.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from .naive import naive_push
from .previous import PUSH_EDGES_BEFORE, facade_push_before, push_before
from .runner import Context, clear_query_caches, drop_review, median, render_plan, replan

NAME = "push"
TITLE = "Push into Neo4j"
PUSH = "push"
REPUSH = "push, re-push"
PUSH_BEFORE = "push, before"
REPLACE = "replace"
REPLACE_BEFORE = "replace, before"
GRAPH = "push a graph"
GRAPH_BEFORE = "push a graph, before"
#: timed runs per size and mode, in the order they run; 0 = not tried (estimated instead)
REPEATS = {
    PUSH_BEFORE: {"full": (3, 1, 0), "quick": (2, 1), "smoke": (1, 1)},
    PUSH: {"full": (3, 3, 2), "quick": (2, 2), "smoke": (1, 1)},
    REPUSH: {"full": (2, 1, 1), "quick": (2, 1), "smoke": (1, 1)},
    REPLACE_BEFORE: {"full": (3, 1, 1), "quick": (2, 1), "smoke": (1, 1)},
    REPLACE: {"full": (3, 1, 1), "quick": (2, 1), "smoke": (1, 1)},
    GRAPH_BEFORE: {"full": (3, 2, 2), "quick": (2, 2), "smoke": (1, 1)},
    GRAPH: {"full": (3, 2, 2), "quick": (2, 2), "smoke": (1, 1)},
}
#: cases run by the library (the others by benchmarks/previous.py); GRAPH_BEFORE writes
#: through the library too, after the conversions the facade made before
LIBRARY = (PUSH, REPUSH, REPLACE, GRAPH, GRAPH_BEFORE)
#: the naive baseline runs in full when it would take less than this; else a sample
NAIVE_BUDGET = {"full": 300.0, "quick": 60.0, "smoke": 60.0}
NAIVE_SAMPLE = {"full": 1000, "quick": 500, "smoke": 20}
ABOUT = """\
`Neo4jStore.push(document)`: constraints, then the whole review in one write
transaction of batched `UNWIND` statements (2,000 rows each). Cypher plans depend on
the database's statistics, so every timed push starts from stated statistics:
*push* and *push, before* push into a database without the review whose
statistics say so (`CALL db.prepareForReplanning()` after removing it): what a first
push meets. *push, re-push* pushes into a database whose statistics were sampled
while the review was there (removed since): what pushing a review again after
deleting it meets. *naive* writes one node or one relationship per transaction
(`session.execute_write` each), with parameters. *replace* pushes the same review
again with 1 % of its extracts edited and 0.5 % removed (`push(..., replace=True)`),
which updates the review in place. The *before* cases are the push and the replace
as theorygraph wrote them before commit 58c8026 (`benchmarks/previous.py`):
`push_edges` without `USING INDEX SEEK`, and a replace that deleted the whole review
and created it again in the same transaction. *push a graph* is `TheoryGraph.push` of
an embedded graph (what `theorygraph push FILE URI` pushes once the file is read): the
graph is written as it is. *push a graph, before* is the same push as the facade made it
before the converters were brought together (`benchmarks/previous.py`,
`facade_push_before`): the graph read back into a document (validated again), which
`push` turned into a graph again and wrote as it did then: every node, then every
relationship with both ends found through the index. A new review is now written with
each extract and its two relationships in one row (`push_extracts`). *nodes*, *edges*,
*delete* and *commit* split the time inside the transaction (*nodes* includes the extracts
written with their relationships; commit = the write's time after its last statement);
*rest* is the time outside it (building the rows, constraints, the existence check)."""


# -- measuring one push ----------------------------------------------------------------------


@contextmanager
def recording() -> Iterator[tuple[dict[str, float], dict[str, int]]]:
    """Seconds and rows per named statement of the library's pushes, and the write's total."""
    import theorygraph.backends.neo4j as backend

    spent: dict[str, float] = {}
    rows: dict[str, int] = {}
    original_run = backend.Transaction.run
    original_write = backend.Neo4jStore.write

    def run(self: Any, name: str, **params: Any) -> Any:
        started = time.perf_counter()
        try:
            return original_run(self, name, **params)
        finally:
            spent[name] = spent.get(name, 0.0) + time.perf_counter() - started
            rows[name] = rows.get(name, 0) + len(params.get("rows") or ())

    def write(self: Any, work: Any, name: str = "write") -> Any:
        started = time.perf_counter()
        try:
            return original_write(self, work, name)
        finally:
            spent["write_total"] = time.perf_counter() - started

    backend.Transaction.run = run  # type: ignore[method-assign]
    backend.Neo4jStore.write = write  # type: ignore[method-assign]
    try:
        yield spent, rows
    finally:
        backend.Transaction.run = original_run  # type: ignore[method-assign]
        backend.Neo4jStore.write = original_write  # type: ignore[method-assign]


def _terminate(store: Any, review: str) -> None:
    """Terminate the transactions running a statement for ``review`` (ours only)."""
    records, _, _ = store.driver.execute_query(
        "SHOW TRANSACTIONS YIELD transactionId, parameters "
        "WHERE parameters.review = $review RETURN transactionId",
        review=review,
        database_=store.settings.database,
    )
    ids = [r["transactionId"] for r in records]
    if ids:
        store.driver.execute_query(
            "TERMINATE TRANSACTIONS $ids", ids=ids, database_=store.settings.database
        )


def run_capped(store: Any, review: str, cap: float, fn: Callable[[], Any]) -> tuple[float, bool]:
    """Run ``fn`` for at most ``cap`` seconds; returns (seconds, stopped)."""
    outcome: dict[str, Any] = {}

    def target() -> None:
        try:
            outcome["value"] = fn()
        except Exception as exc:  # noqa: BLE001 - re-raised below unless we stopped it
            outcome["error"] = exc

    started = time.perf_counter()
    worker = threading.Thread(target=target, daemon=True)
    worker.start()
    worker.join(cap)
    stopped = worker.is_alive()
    elapsed = time.perf_counter() - started
    while worker.is_alive():
        _terminate(store, review)
        worker.join(2.0)
    if "error" in outcome and not stopped:
        raise outcome["error"]
    return elapsed, stopped


def _phases(spent: dict[str, float], total: float) -> dict[str, float | None]:
    statements = {k: v for k, v in spent.items() if k != "write_total"}
    delete = sum(
        statements.get(k, 0.0)
        for k in ("delete_review", "delete_review_node", "replace_unlink", "delete_items")
    )
    write_total = spent.get("write_total")
    return {
        "nodes_s": statements.get("push_nodes", 0.0)
        + statements.get("replace_nodes", 0.0)
        + statements.get("push_extracts", 0.0),
        "edges_s": statements.get("push_edges", 0.0),
        "delete_s": delete,
        "commit_s": None if write_total is None else write_total - sum(statements.values()),
        "rest_s": None if write_total is None else total - write_total,
    }


def _per_row(spent: dict[str, float], rows: dict[str, int]) -> tuple[float, float] | None:
    """Seconds per node row and per relationship row, if both were measured."""
    if not rows.get("push_nodes") or not rows.get("push_edges"):
        return None
    return spent["push_nodes"] / rows["push_nodes"], spent["push_edges"] / rows["push_edges"]


def edited(document: Any) -> Any:
    """The review with 1 % of its extracts' quotes edited and 0.5 % of them removed."""
    from theorygraph.model import TheoryDocument

    data = document.to_data()
    extracts = []
    for index, extract in enumerate(data["extracts"]):
        if index % 200 == 199:
            continue
        if index % 100 == 0:
            extract = {**extract, "quote": extract["quote"] + " (edited)"}
        extracts.append(extract)
    data["extracts"] = extracts
    return TheoryDocument.model_validate(data)


# -- the benchmark ----------------------------------------------------------------------------


def _explain_push_edges(store: Any) -> list[str]:
    """EXPLAIN of push_edges now and before, planned for a review not yet there."""
    from theorygraph.cypherlib import statement

    out = []
    for title, text in (
        ("now (cypher/push_edges.cypher)", statement("push_edges").render(rel="EVIDENCES")),
        ("before (no USING INDEX SEEK)", PUSH_EDGES_BEFORE.replace("{rel}", "EVIDENCES")),
    ):
        replan(store)
        with store.driver.session(database=store.settings.database) as session:
            summary = session.run(
                "EXPLAIN " + text, review="bench-explain", rows=[{"source": "a", "target": "b"}]
            ).consume()
        out.append(
            f"`push_edges` {title}:\n\n```\n" + "\n".join(render_plan(summary.plan)) + "\n```"
        )
    return out


class Holding:
    """What the database holds of the review being measured, to skip needless pushes."""

    def __init__(self, store: Any, document: Any) -> None:
        self.store = store
        self.document = document
        self.state = "unknown"

    def absent(self) -> None:
        drop_review(self.store, self.document.review.id)
        self.state = "absent"

    def original(self) -> None:
        if self.state != "original":
            self.absent()
            self.store.push(self.document)
            self.state = "original"


def _estimate(
    case: str,
    spent: dict[str, float],
    counted: dict[str, int],
    nodes: int,
    rels: int,
    before: tuple[float, float, int] | None,
) -> tuple[float | None, tuple[float, float, int] | None]:
    """Estimated seconds of a stopped run, from its rows per second; and its rates."""
    if not counted.get("push_nodes"):
        return None, None
    node_rate = spent["push_nodes"] / counted["push_nodes"]
    if counted.get("push_edges"):
        edge_rate = spent["push_edges"] / counted["push_edges"]
    elif before is not None:  # no relationship written yet: they slow down as nodes did
        edge_rate = before[1] * node_rate / before[0]
    else:
        return None, None
    deleting = spent.get("delete_review", 0.0) if case.startswith("replace") else 0.0
    return deleting + nodes * node_rate + rels * edge_rate, (node_rate, edge_rate, nodes)


def _modelled(case: str, nodes: int, rels: int, before: tuple[float, float, int]) -> float:
    """Seconds of a run not tried, from the per-row costs at the size below.

    A first push's relationship rows each scan the review's nodes; a replace's rows each
    pay for every node the transaction deleted (see the findings): per-row costs grow
    with the review's nodes.
    """
    node_rate, edge_rate, measured = before
    grow = nodes / measured
    if case.startswith("replace"):
        return (nodes * node_rate + rels * edge_rate) * grow
    return nodes * node_rate + rels * edge_rate * grow


def run(ctx: Context) -> dict[str, Any]:
    from theorygraph.backends.convert import document_to_graph
    from theorygraph.backends.neo4j import Neo4jBackend

    store = ctx.store()
    mode = ctx.mode
    rows: list[dict[str, Any]] = []
    details: list[str] = []
    rates: dict[str, tuple[float, float, int]] = {}  # case -> s per node row, per rel row, nodes
    naive_rates: tuple[float, float] | None = None
    for index, size in enumerate(mode.sizes):
        document = ctx.sized(size)
        review = document.review.id
        graph = document_to_graph(document)
        nodes, rels = graph.number_of_nodes(), graph.number_of_edges()
        base = {
            "size": size.label,
            "extracts": len(document.extracts),
            "items": nodes + rels,
            "scale": len(document.extracts),
        }
        holding = Holding(store, document)
        holding.absent()
        if index == 0:
            details += _explain_push_edges(store)

        # 1. the naive baseline: in full when it fits the budget, else a sample
        projected = None if naive_rates is None else nodes * naive_rates[0] + rels * naive_rates[1]
        sample = projected is not None and projected > NAIVE_BUDGET[mode.name]
        ctx.log(f"naive {size.label}" + (" (sample)" if sample else ""))
        clear_query_caches(store)
        naive = naive_push(
            store, document, sample_extracts=NAIVE_SAMPLE[mode.name] if sample else None
        )
        holding.absent()
        if naive.nodes_done and naive.rels_done:
            naive_rates = (naive.node_s / naive.nodes_done, naive.rel_s / naive.rels_done)
        note = (
            "measured"
            if naive.complete
            else (
                f"estimated: {naive.nodes_done:,} node and {naive.rels_done:,} relationship "
                f"transactions measured ({naive.seconds:.0f} s), scaled to {nodes:,} and "
                f"{rels:,}; the whole would take over {NAIVE_BUDGET[mode.name]:.0f} s"
            )
        )
        naive_row = _row(
            "naive",
            base,
            [naive.seconds] if naive.complete else [],
            [],
            note,
            None if naive.complete else naive.estimate(),
        )
        naive_row["per_transaction_ms"] = round(
            1000 * naive.seconds / (naive.nodes_done + naive.rels_done), 2
        )

        # 2. push (into a database without the review), then replace (with it there)
        changed = edited(document)
        for case in REPEATS:
            repeats = mode.pick(REPEATS[case], index)
            runs: list[float] = []
            breakdown: list[dict[str, float | None]] = []
            note, estimate = "measured", None
            for _ in range(repeats):
                if case == REPUSH:  # statistics sampled with the review there, then deleted
                    holding.original()
                    replan(store)
                    holding.absent()
                    clear_query_caches(store)
                elif case.startswith("push"):
                    holding.absent()
                    replan(store)
                else:
                    holding.original()
                    replan(store)
                ctx.log(f"{size.label}: {case}")
                spent: dict[str, float] = {}
                counted: dict[str, int] = {}
                content = changed if case.startswith("replace") else document
                replace = case.startswith("replace")
                if case in LIBRARY:
                    if case == GRAPH:
                        work = lambda: store.push_graph(graph)  # noqa: B023, E731
                    elif case == GRAPH_BEFORE:
                        work = lambda: facade_push_before(  # noqa: E731
                            store,
                            graph,  # noqa: B023
                            spent=spent,  # noqa: B023
                            counted=counted,  # noqa: B023
                        )
                    else:
                        work = lambda: store.push(content, replace=replace)  # noqa: B023, E731
                    with recording() as (spent, counted):
                        seconds, stopped = run_capped(store, review, 3600.0, work)
                else:
                    seconds, stopped = run_capped(
                        store,
                        review,
                        mode.push_cap,
                        lambda: push_before(
                            store,
                            content,  # noqa: B023
                            replace=replace,  # noqa: B023
                            spent=spent,  # noqa: B023
                            counted=counted,  # noqa: B023
                        ),
                    )
                breakdown.append(_phases(spent, seconds))
                if stopped:  # rolled back: the database holds what it held before
                    estimate, measured = _estimate(
                        case, spent, counted, nodes, rels, rates.get(case)
                    )
                    if measured:
                        rates[case] = measured
                    note = (
                        f"stopped after {seconds:.0f} s, with {counted.get('push_nodes', 0):,} "
                        f"of {nodes:,} nodes and {counted.get('push_edges', 0):,} of {rels:,} "
                        "relationships written; estimated from the rows per second so far"
                    )
                    break
                runs.append(seconds)
                holding.state = "original" if case.startswith("push") else "edited"
                measured_rates = _per_row(spent, counted)
                if measured_rates:
                    rates[case] = (*measured_rates, nodes)
            if not repeats and case in rates:
                estimate = _modelled(case, nodes, rels, rates[case])
                note = (
                    "not tried: estimated from the per-row cost at the size below, which grows "
                    "with the review's nodes (see findings)"
                )
            check = case in LIBRARY and index == 0 and runs
            if check and Neo4jBackend(store, review).document() != content:
                raise AssertionError(f"{case} did not leave the review it was given")
            rows.append(_row(case, base, runs, breakdown, note, estimate))
            if case == PUSH:
                rows.append(naive_row)
        holding.absent()

    _ratios(rows)
    return {
        "about": ABOUT,
        "columns": [
            ("case", "case"),
            ("size", "size"),
            ("extracts", "extracts"),
            ("items", "nodes + rels"),
            ("median_s", "median (s)"),
            ("growth", "× smallest"),
            ("vs_naive", "× faster than naive"),
            ("nodes_s", "nodes (s)"),
            ("edges_s", "edges (s)"),
            ("delete_s", "delete (s)"),
            ("commit_s", "commit (s)"),
            ("rest_s", "rest (s)"),
            ("runs", "runs (s)"),
            ("note", "how"),
        ],
        "rows": rows,
        "targets": _targets(rows, mode),
        "details": details,
    }


def _row(
    case: str,
    base: dict[str, Any],
    runs: list[float],
    breakdown: list[dict[str, float | None]],
    note: str,
    estimate: float | None,
) -> dict[str, Any]:
    row: dict[str, Any] = {"case": case, **base, "runs": [round(r, 3) for r in runs], "note": note}
    if runs:
        row["median_s"] = median(runs)
    elif estimate is not None:
        row["median_s"] = estimate
        row["estimated"] = True
    else:
        row["median_s"] = None
    for key in ("nodes_s", "edges_s", "delete_s", "commit_s", "rest_s"):
        values = [b[key] for b in breakdown if b.get(key) is not None]
        row[key] = median(values) if values else None  # type: ignore[arg-type]
    return row


def _ratios(rows: list[dict[str, Any]]) -> None:
    naive = {r["size"]: r["median_s"] for r in rows if r["case"] == "naive"}
    for row in rows:
        if row["case"].startswith("push") and row["median_s"] and naive.get(row["size"]):
            row["vs_naive"] = naive[row["size"]] / row["median_s"]


def _targets(rows: list[dict[str, Any]], mode: Any) -> list[dict[str, Any]]:
    def find(case: str, size: str) -> dict[str, Any] | None:
        return next((r for r in rows if r["case"] == case and r["size"] == size), None)

    labels = [s.label for s in mode.sizes]
    out = []
    for case in (PUSH, REPUSH):  # the before cases are references, not judged
        row = find(case, "10k")
        if row is None or row.get("vs_naive") is None:
            out.append(_target(f"{case}: ≥ 20× faster than naive at 10k extracts", None, None))
        else:
            naive = find("naive", "10k") or {}
            est = " (estimated)" if row.get("estimated") or naive.get("estimated") else ""
            out.append(
                _target(
                    f"{case}: ≥ 20× faster than naive at 10k extracts",
                    f"{row['vs_naive']:.1f}×{est}",
                    row["vs_naive"] >= 20,
                )
            )
    after = find(GRAPH, "100k") if "100k" in labels else None
    before = find(GRAPH_BEFORE, "100k") if "100k" in labels else None
    what = f"{GRAPH}: ≥ 1.5× faster than before (same run) at 100k extracts"
    if after is None or before is None or not after["median_s"] or not before["median_s"]:
        out.append(_target(what, None, None))
    else:
        ratio = before["median_s"] / after["median_s"]
        out.append(
            _target(
                what,
                f"{ratio:.2f}× ({before['median_s']:.1f} s → {after['median_s']:.1f} s)",
                ratio >= 1.5,
            )
        )
    for case in (PUSH, REPUSH):  # the before cases are references, not judged
        row = find(case, "100k") if "100k" in labels else None
        if row is None or row["median_s"] is None:
            out.append(_target(f"{case}: 100k extracts in under 60 s", None, None))
        else:
            est = " (estimated)" if row.get("estimated") else ""
            out.append(
                _target(
                    f"{case}: 100k extracts in under 60 s",
                    f"{row['median_s']:.1f} s{est}",
                    row["median_s"] < 60,
                )
            )
    return out


def _target(what: str, measured: str | None, ok: bool | None) -> dict[str, Any]:
    verdict = "n/a" if ok is None else ("PASS" if ok else "MISS")
    return {"target": what, "measured": measured or "size not run in this mode", "verdict": verdict}
