"""``chains`` through one mechanism and ``gaps``, on the embedded graph and on Neo4j.

The mechanism is the one in the middle of the review's evidenced mechanisms, by number
of extracts (ties by id), so its answer is neither the largest nor a trivial one. The
answer's size is counted (chains, CMOCs, extracts shown) next to the time, so growth
can be read against the answer and against the graph. On Neo4j the smallest review
is also queried twice: alone in the database, and with every larger review beside it.
"""

from __future__ import annotations

import time
from typing import Any

from .runner import Context, db_hits, drop_review, median, render_plan, timed

NAME = "queries"
TITLE = "Queries: chains, evidence and gaps"
REPEATS = {
    "chains": {"full": (20, 10, 5), "quick": (10, 5), "smoke": (2, 2)},
    "evidence": {"full": (20, 10, 5), "quick": (10, 5), "smoke": (2, 2)},
    "gaps": {"full": (10, 5, 2), "quick": (5, 3), "smoke": (2, 2)},
}
ABOUT = """\
`tg.chains(through=MECHANISM)` (chains of linked CMOCs through one mechanism, up to 4
CMOCs, with every extract on every link), `tg.evidence(MECHANISM)` (every extract that
bears on it, with its text) and `tg.gaps()` (every mechanism, context,
outcome, CMOC and link without enough evidence) on the embedded graph
(`TheoryGraph.from_document`) and on Neo4j (`TheoryGraph.open(uri, review=...)`).
The mechanism is the middle one of the evidenced mechanisms by extracts. *first* is
the first call (Cypher planning included), *median* the median of the calls after it.
*chains*, *CMOCs* and *extracts* give the size of the answer. On Neo4j the smallest review is
measured alone in the database and again with every larger review beside it
(*db holds all*)."""


def middling_mechanism(tg: Any) -> str:
    evidenced = sorted((m.extracts, m.id) for m in tg.stats().mechanisms if m.extracts)
    return evidenced[len(evidenced) // 2][1]


def answer_size(answer: Any) -> dict[str, int]:
    cmocs = {s.cmoc for chain in answer.chains for s in chain.steps}
    extracts = {r.extract for chain in answer.chains for link in chain.links for r in link.rows}
    return {"chains": answer.total, "cmocs": len(cmocs), "answer_extracts": len(extracts)}


def _measure(tg: Any, mechanism: str, repeats: dict[str, int]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for query, call in (
        ("chains", lambda: tg.chains(through=mechanism)),
        ("evidence", lambda: tg.evidence(mechanism)),
        ("gaps", lambda: tg.gaps()),
    ):
        first, answer = timed(call)
        runs = [timed(call)[0] for _ in range(repeats[query])]
        out[query] = {"first_s": first, "runs": runs, "answer": answer}
    return out


def _profile_chains(store: Any, review: str, mechanism: str) -> tuple[int, list[str]]:
    """PROFILE the three statements behind chains; total db hits and the plans."""
    from theorygraph.cypherlib import statement

    lines: list[str] = []
    total = 0
    with store.driver.session(database=store.settings.database) as session:

        def profile(name: str, **params: Any) -> list[dict[str, Any]]:
            nonlocal total
            text = statement(name).render()
            result = session.run("PROFILE " + text, params)
            records = [r.data() for r in result]
            summary = result.consume()
            hits = db_hits(summary.profile)
            total += hits
            lines.append(
                f"`{name}` ({len(records)} rows, {hits:,} db hits):\n\n```\n"
                + "\n".join(render_plan(summary.profile))
                + "\n```"
            )
            return records

        starts = [r["id"] for r in profile("cmocs_containing", review=review, node=mechanism)]
        # the walks: one hop a question, both directions at once, from the mechanism's CMOCs
        hops = profile("cmoc_hand_offs", review=review, cmocs=starts)
        cmocs = sorted({*starts, *(c for r in hops for c in [*r["next"], *r["previous"]])})
        profile("evidence_targets_of", review=review, cmocs=cmocs)
    return total, lines


def _indexes(store: Any) -> str:
    records, _, _ = store.driver.execute_query(
        "SHOW INDEXES YIELD name, type, labelsOrTypes, properties, owningConstraint "
        "WHERE name STARTS WITH 'tg_' RETURN name, type, labelsOrTypes, properties, "
        "owningConstraint ORDER BY name",
        database_=store.settings.database,
    )
    rows = ["| index | type | on | backs constraint |", "|---|---|---|---|"]
    for r in records:
        on = f"{','.join(r['labelsOrTypes'] or [])}({', '.join(r['properties'] or [])})"
        rows.append(f"| `{r['name']}` | {r['type']} | `{on}` | {r['owningConstraint'] or '-'} |")
    return "Indexes in the database (`SHOW INDEXES`):\n\n" + "\n".join(rows)


def run(ctx: Context) -> dict[str, Any]:
    from theorygraph.graph import Neo4jOptions, TheoryGraph

    mode = ctx.mode
    store = ctx.store()
    settings = ctx.neo4j_settings()
    uri = settings.uri
    # the server's credentials as the runner found them (a server it started itself is not
    # in the environment)
    login = Neo4jOptions(settings.username, settings.password, settings.database)
    rows: list[dict[str, Any]] = []
    details: list[str] = []
    picked: dict[str, str] = {}
    documents = [ctx.sized(size) for size in mode.sizes]
    for document in documents:
        drop_review(store, document.review.id)

    def record(backend: str, index: int, tg: Any, where: str = "") -> None:
        size = mode.sizes[index]
        document = documents[index]
        mechanism = picked[size.label]
        repeats = {query: mode.pick(table, index) for query, table in REPEATS.items()}
        ctx.log(f"queries {size.label} on {backend}{where} x{repeats}")
        measured = _measure(tg, mechanism, repeats)
        for query, m in measured.items():
            row = {
                "case": f"{query}, {backend}{where}",
                "size": size.label,
                "extracts": len(document.extracts),
                "scale": len(document.extracts),
                "mechanism": mechanism if query == "chains" else "",
                "first_s": m["first_s"],
                "median_s": median(m["runs"]),
                "runs": [round(r, 4) for r in m["runs"]],
            }
            if query == "chains":
                row.update(answer_size(m["answer"]))
            elif query == "evidence":
                row["answer_extracts"] = len(m["answer"].rows)
                row["mechanism"] = mechanism
            else:
                row["gap_rows"] = len(m["answer"].rows)
            rows.append(row)

    for index, document in enumerate(documents):
        tg = TheoryGraph.from_document(document)
        picked[mode.sizes[index].label] = middling_mechanism(tg)
        record("embedded", index, tg)

    # Neo4j: the smallest review alone, then every review side by side
    store.push(documents[0])
    with TheoryGraph.open(uri, review=documents[0].review.id, neo4j=login) as tg:
        record("neo4j", 0, tg)
    for document in documents[1:]:
        ctx.log(f"pushing {document.review.id} for the queries")
        store.push(document)
    if len(documents) > 1:
        with TheoryGraph.open(uri, review=documents[0].review.id, neo4j=login) as tg:
            record("neo4j", 0, tg, ", db holds all")
    for index, document in enumerate(documents[1:], start=1):
        with TheoryGraph.open(uri, review=document.review.id, neo4j=login) as tg:
            record("neo4j", index, tg)

    hits = {}
    for index, document in enumerate(documents):
        label = mode.sizes[index].label
        total, plans = _profile_chains(store, document.review.id, picked[label])
        hits[label] = total
        for row in rows:
            if row["size"] == label and row["case"].startswith("chains, neo4j"):
                row["db_hits"] = total
        if index == len(documents) - 1:
            details.append(
                f"PROFILE of the statements behind `chains --through {picked[label]}` on the "
                f"{label} review (`cmocs_containing`, then one hop of `cmoc_hand_offs` from its "
                "CMOCs, then `evidence_targets_of` for the CMOCs reached):"
            )
            details += plans
    details.insert(0, _indexes(store))
    for document in documents:
        drop_review(store, document.review.id)
    return {
        "about": ABOUT,
        "columns": [
            ("case", "case"),
            ("size", "size"),
            ("extracts", "extracts in review"),
            ("mechanism", "through"),
            ("chains", "chains"),
            ("cmocs", "CMOCs"),
            ("answer_extracts", "extracts shown"),
            ("db_hits", "db hits"),
            ("first_s", "first (s)"),
            ("median_s", "median (s)"),
            ("growth", "× smallest"),
            ("runs", "runs"),
        ],
        "rows": rows,
        "targets": _targets(rows, mode),
        "details": details,
        "timestamp": time.time(),
    }


def _targets(rows: list[dict[str, Any]], mode: Any) -> list[dict[str, Any]]:
    labels = [s.label for s in mode.sizes]
    small, large = labels[0], labels[-1]
    out = []

    def row(case: str, size: str) -> dict[str, Any] | None:
        return next((r for r in rows if r["case"] == case and r["size"] == size), None)

    for backend in ("embedded", "neo4j"):
        found = row(f"chains, {backend}", "100k") if "100k" in labels else None
        what = f"chains through one mechanism, {backend}: under 100 ms at 100k extracts"
        if found is None:
            out.append({"target": what, "measured": "size not run in this mode", "verdict": "n/a"})
        else:
            ms = found["median_s"] * 1000
            out.append(
                {
                    "target": what,
                    "measured": f"{ms:.0f} ms",
                    "verdict": "PASS" if ms < 100 else "MISS",
                }
            )
    # the targets of one consistent read per answer and counting where the data is
    for case, size, limit in (
        ("chains, neo4j", "10k", 0.030),
        ("chains, neo4j", "100k", 0.030),
        ("evidence, neo4j", "10k", 0.030),
        ("evidence, neo4j", "100k", 0.030),
        ("gaps, embedded", "100k", 1.0),
        ("gaps, neo4j", "100k", 1.5),
    ):
        what = (
            f"{case}: under {limit * 1000:.0f} ms at {size} extracts"
            if limit < 1
            else (f"{case}: under {limit:g} s at {size} extracts")
        )
        found = row(case, size) if size in labels else None
        if found is None:
            out.append({"target": what, "measured": "size not run in this mode", "verdict": "n/a"})
            continue
        seconds = found["median_s"]
        measured = f"{seconds * 1000:.0f} ms" if limit < 1 else f"{seconds:.2f} s"
        out.append(
            {"target": what, "measured": measured, "verdict": "PASS" if seconds < limit else "MISS"}
        )
    for backend in ("embedded", "neo4j"):
        a, b = row(f"chains, {backend}", small), row(f"chains, {backend}", large)
        if not a or not b or not a["answer_extracts"]:
            continue
        time_growth = b["median_s"] / a["median_s"]
        answer_growth = b["answer_extracts"] / a["answer_extracts"]
        graph_growth = b["extracts"] / a["extracts"]
        ok = time_growth <= 2 * max(answer_growth, 1.0)
        out.append(
            {
                "target": f"chains, {backend}: cost grows with the answer, not the graph "
                "(time growth at most twice the answer's)",
                "measured": f"{small}→{large}: graph ×{graph_growth:.0f}, answer "
                f"×{answer_growth:.1f}, time ×{time_growth:.1f}",
                "verdict": "PASS" if ok else "MISS",
            }
        )
    alone = row("chains, neo4j", small)
    beside = row("chains, neo4j, db holds all", small)
    if alone and beside:
        ratio = beside["median_s"] / alone["median_s"]
        out.append(
            {
                "target": f"chains, neo4j: the {small} review answers as fast with every larger "
                "review in the database (within 1.5×)",
                "measured": f"×{ratio:.2f}",
                "verdict": "PASS" if ratio <= 1.5 else "MISS",
            }
        )
    return out
