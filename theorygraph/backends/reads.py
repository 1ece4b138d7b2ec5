"""Reading one review held in Neo4j, behind the same protocol as the embedded graph.

Every answer is one consistent read (:meth:`Neo4jBackend.consistent`): one read transaction,
checked against the review's revision, read again if a push landed meanwhile.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, TypeVar

import networkx as nx

from ..errors import (
    BackendError,
    SourceError,
    UsageError,
)
from ..evidence import Group
from ..model import ReviewInfo, TheoryDocument
from ..results import CmocParts, EvidenceRow, NodeInfo
from ..schema import EDGE_TYPES, LABEL_OF_SECTION
from .bolt import Neo4jConnection, Neo4jSettings, _review_props_read
from .convert import graph_to_document

__all__ = ["Neo4jBackend"]

T = TypeVar("T")


class Neo4jBackend:
    """One review in a Neo4j database."""

    kind = "neo4j"

    def __init__(self, store: Neo4jConnection, review: str) -> None:
        self.store = store
        self.review_id = review

    def consistent(self, answer: Callable[[], T]) -> T:
        """``answer()``, with every read in one transaction and no push landing meanwhile:
        the review's revision is read before and after, and the answer is read again when
        a push changed the review in between (for up to the timeout)."""
        if self.store._snapshot is not None:
            return answer()  # already inside one
        give_up = time.monotonic() + self.store.timeout
        tries = 0
        while True:
            tries += 1
            with self.store.snapshot():
                before = self._revision()
                try:
                    result = answer()
                except (BackendError, SourceError):
                    raise  # the store's own failures (a timeout, a lost server) as they are
                except Exception as exc:
                    # a read torn by a push can fail to assemble (a CMOC seen before its
                    # links); that is a reason to read again, not an error, unless the
                    # review did not change meanwhile
                    try:
                        changed = self._revision() != before
                    except Exception:
                        raise exc from None
                    if not changed:
                        raise
                    torn = True
                else:
                    torn = False
                    after = self._revision()
            if not torn and before == after:
                return result
            if time.monotonic() > give_up:
                raise BackendError(
                    f"{self.store.uri}: review {self.review_id!r} changed {tries} times while "
                    "it was read (pushes kept landing); try again when they are done"
                )
            time.sleep(min(0.05 * tries, 0.5))

    def _revision(self) -> int | None:
        rows = self.store.read("review_revision", review=self.review_id)
        if not rows:
            raise SourceError(f"{self.store.uri}: review {self.review_id!r} is no longer there")
        return int(rows[0]["revision"])

    @classmethod
    def connect(cls, settings: Neo4jSettings, review: str | None) -> Neo4jBackend:
        store = Neo4jConnection(settings)
        try:
            reviews = store.reviews()
            if review is None:
                if len(reviews) == 1:
                    review = reviews[0]
                elif not reviews:
                    raise SourceError(
                        f"{store.uri}: the database holds no review; "
                        "load one with 'theorygraph push SOURCE URI'"
                    )
                else:
                    raise UsageError(
                        f"{store.uri}: the database holds several reviews "
                        f"({', '.join(reviews)}); choose one with review",
                        params=("review",),
                    )
            elif review not in reviews:
                from ..words import closest_ids

                close = closest_ids(review, reviews)
                hint = (
                    f"did you mean {', '.join(close)}?"
                    if close
                    else (f"it holds: {', '.join(reviews)}" if reviews else "it holds no review")
                )
                raise SourceError(f"{store.uri}: no review {review!r} in the database; {hint}")
        except BaseException:
            store.close()
            raise
        return cls(store, review)

    def _graph(self) -> nx.MultiDiGraph:
        rows = self.store.read("review_get", review=self.review_id)
        props = _review_props_read(rows[0]["props"]) if rows else {}
        graph = nx.MultiDiGraph(review=props)
        for label in LABEL_OF_SECTION.values():
            for row in self.store.read("pull_nodes", label=label, review=self.review_id):
                attrs = {k: v for k, v in row["props"].items() if k not in ("review", "id")}
                graph.add_node(row["id"], type=label, **attrs)
        for rel in EDGE_TYPES:
            for row in self.store.read("pull_edges", rel=rel, review=self.review_id):
                graph.add_edge(row["source"], row["target"], key=rel, type=rel, **row["props"])
        return graph

    def review(self) -> ReviewInfo:
        rows = self.store.read("review_get", review=self.review_id)
        return ReviewInfo.model_validate(_review_props_read(rows[0]["props"]))

    def document(self) -> TheoryDocument:
        return graph_to_document(self._graph())

    def counts(self) -> dict[str, int]:
        out = dict.fromkeys(LABEL_OF_SECTION.values(), 0)
        for row in self.store.read("stats_counts", review=self.review_id):
            if row["label"] in out:
                out[row["label"]] = row["count"]
        return out

    def evidence_groups(self) -> list[Group]:
        """Every extract grouped by CMOC, target and stance, in one statement."""
        return [
            Group(
                r["cmoc"],
                r["link_from"],
                r["link_to"],
                r["stance"],
                r["extracts"],
                frozenset(r["studies"]),
                cited=r["cited"],
            )
            for r in self.store.read("evidence_groups", review=self.review_id)
        ]

    # -- primitives ----------------------------------------------------------------------
    @staticmethod
    def _info(node_id: str, label: str, props: dict[str, Any]) -> NodeInfo:
        rest = {
            k: v for k, v in props.items() if k not in ("review", "id", "seq", "label", "title")
        }
        return NodeInfo(node_id, label, props.get("label") or props.get("title", ""), rest)

    def lookup(self, ids: list[str]) -> dict[str, NodeInfo]:
        rows = self.store.read("lookup", review=self.review_id, ids=list(ids))
        return {r["id"]: self._info(r["id"], r["type"], r["props"]) for r in rows}

    def ids_by_type(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {label: [] for label in LABEL_OF_SECTION.values()}
        for row in self.store.read("ids_by_type", review=self.review_id):
            out.setdefault(row["type"], []).append(row["id"])
        return out

    def nodes(self, label: str) -> list[NodeInfo]:
        rows = self.store.read("pull_nodes", label=label, review=self.review_id)
        return [self._info(r["id"], label, r["props"]) for r in rows]

    def cmoc_parts(self, cmocs: list[str] | None) -> dict[str, CmocParts]:
        if cmocs is None:
            rows = self.store.read("cmoc_parts_all", review=self.review_id)
        else:
            rows = self.store.read("cmoc_parts", review=self.review_id, cmocs=list(cmocs))
        return {
            r["id"]: CmocParts(
                r["id"],
                r["label"],
                tuple(r["contexts"]),
                tuple(r["mechanisms"]),
                tuple(r["outcomes"]),
                tuple(r["leads_to"]),
                tuple(r["theories"]),
                r["seq"],
                tuple((q[0], q[1], q[2]) for q in r["qualifiers"]),
                tuple((h[0], h[1], h[2], h[3], h[4]) for h in r["hand_offs"]),
                bool(r["sequence"]),
                r["refines"],
            )
            for r in rows
        }

    def cmocs_containing(self, node: str) -> list[str]:
        rows = self.store.read("cmocs_containing", review=self.review_id, node=node)
        return [r["id"] for r in rows]

    def hand_offs(self, cmocs: list[str]) -> dict[str, tuple[list[str], list[str]]]:
        rows = self.store.read("cmoc_hand_offs", review=self.review_id, cmocs=list(cmocs))
        return {r["id"]: (r["next"], r["previous"]) for r in rows}

    def leads_to(self, cmocs: list[str], direction: str) -> dict[str, list[str]]:
        name = "cmoc_leads_to" if direction == "forward" else "cmoc_led_from"
        rows = self.store.read(name, review=self.review_id, cmocs=list(cmocs))
        return {r["id"]: r["next"] for r in rows}

    def evidence(
        self, cmocs: list[str] | None = None, study: str | None = None, *, texts: bool = True
    ) -> list[EvidenceRow]:
        if study is not None:
            rows = self.store.read("evidence_study", review=self.review_id, study=study)
            if cmocs is not None:
                wanted = set(cmocs)
                rows = [r for r in rows if r["cmoc"] in wanted]
        elif cmocs is not None and not texts:
            rows = self.store.read("evidence_targets_of", review=self.review_id, cmocs=list(cmocs))
            return [EvidenceRow(**r) for r in rows]
        elif cmocs is not None:
            rows = self.store.read("evidence", review=self.review_id, cmocs=list(cmocs))
            return [self._row(r) for r in rows]
        elif not texts:  # for counting: far less to send than every quote of the review
            rows = self.store.read("evidence_targets", review=self.review_id)
            return [EvidenceRow(**r) for r in rows]
        else:
            rows = self.store.read("evidence_all", review=self.review_id)
        return [self._row(r) for r in rows]

    @staticmethod
    def _row(r: dict[str, Any]) -> EvidenceRow:
        fields = {k: v for k, v in r.items() if k != "study_props"}
        return EvidenceRow(
            **{**fields, "kind": r["kind"] or "quote", "quote": r.get("quote") or ""}
        )

    @staticmethod
    def _study(props: dict[str, Any]) -> dict[str, Any]:
        rest = {k: v for k, v in props.items() if k not in ("review", "id", "seq")}
        return {"id": props["id"], **rest}

    def evidence_with_studies(
        self, cmocs: list[str]
    ) -> tuple[list[EvidenceRow], dict[str, dict[str, Any]]]:
        """One statement: the extracts and their studies' records together."""
        found = self.store.read("evidence", review=self.review_id, cmocs=list(cmocs))
        studies = {r["study"]: self._study(r["study_props"]) for r in found}
        return [self._row(r) for r in found], studies

    def studies(self, ids: list[str] | None = None) -> list[dict[str, Any]]:
        if ids is None:
            rows = self.store.read("pull_nodes", label="Study", review=self.review_id)
        else:  # a few studies of many: found through the index, not by reading them all
            rows = self.store.read("studies_by_id", review=self.review_id, ids=list(ids))
        found = {r["id"]: self._study({**r["props"], "id": r["id"]}) for r in rows}
        order = [r["id"] for r in rows] if ids is None else ids
        return [found[i] for i in order if i in found]

    def close(self) -> None:
        self.store.close()
