"""The embedded backend: one review as a networkx ``MultiDiGraph``, no server needed.

Nodes are keyed by id and carry ``type`` (a schema label), ``seq`` (their place in
the file) and the model's own fields. References between objects are edges of the
schema's relationship types, never duplicated as properties, so a graph read back
into a document is the document that went in.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import networkx as nx

from ..errors import SourceError
from ..model import ReviewInfo, TheoryDocument
from ..results import CmocParts, EvidenceRow, NodeInfo
from ..schema import LABEL_OF_SECTION
from .convert import document_to_graph, graph_to_document

T = TypeVar("T")

__all__ = ["GRAPH_FORMAT_KEY", "MemoryBackend"]

#: top-level key of a saved graph file, with its format version as value
GRAPH_FORMAT_KEY = "theorygraph-graph"
GRAPH_FORMAT_VERSION = 1


class MemoryBackend:
    """A review held in memory as a networkx graph."""

    kind = "embedded"

    def __init__(self, graph: nx.MultiDiGraph) -> None:
        self.graph = graph
        # the graph never changes once built: every extract's row is read once
        self._all_rows: list[EvidenceRow] | None = None

    @classmethod
    def from_document(cls, document: TheoryDocument) -> MemoryBackend:
        return cls(document_to_graph(document))

    # -- saving and loading one file ---------------------------------------------------
    def save(self, path: Path) -> None:
        from ..files import write_text

        data = nx.node_link_data(self.graph, edges="links")
        payload = {GRAPH_FORMAT_KEY: GRAPH_FORMAT_VERSION, "graph": data}
        write_text(path, json.dumps(payload, ensure_ascii=False, indent=1) + "\n")

    @classmethod
    def load(cls, path: Path, payload: dict[str, Any] | None = None) -> MemoryBackend:
        if payload is None:
            payload = json.loads(path.read_text(encoding="utf-8"))
        version = payload.get(GRAPH_FORMAT_KEY)
        if version != GRAPH_FORMAT_VERSION:
            raise SourceError(
                f"{path}: graph file format {version!r} is not supported; "
                f"this theorygraph reads version {GRAPH_FORMAT_VERSION}"
            )
        try:
            graph = nx.node_link_graph(
                payload["graph"], directed=True, multigraph=True, edges="links"
            )
        except (KeyError, TypeError, nx.NetworkXError) as exc:
            raise SourceError(f"{path}: not a theorygraph graph file ({exc})") from exc
        return cls(graph)

    # -- the protocol ------------------------------------------------------------------
    def review(self) -> ReviewInfo:
        return ReviewInfo.model_validate(self.graph.graph["review"])

    def document(self) -> TheoryDocument:
        return graph_to_document(self.graph)

    def counts(self) -> dict[str, int]:
        out = dict.fromkeys(LABEL_OF_SECTION.values(), 0)
        for _, label in self.graph.nodes(data="type"):
            out[label] += 1
        return out

    def nodes_of(self, label: str) -> list[str]:
        """Ids of every node with ``label``, in file order."""
        found = [(d["seq"], n) for n, d in self.graph.nodes(data=True) if d["type"] == label]
        return [n for _, n in sorted(found)]

    def evidence_groups(self) -> None:
        """No fast path: counting from the extracts is fast here."""
        return None

    # -- primitives ----------------------------------------------------------------------
    def _info(self, node: str) -> NodeInfo:
        data = self.graph.nodes[node]
        props = {k: v for k, v in data.items() if k not in ("type", "seq", "label", "title")}
        return NodeInfo(node, data["type"], data.get("label") or data.get("title", ""), props)

    def lookup(self, ids: list[str]) -> dict[str, NodeInfo]:
        return {i: self._info(i) for i in ids if i in self.graph}

    def ids_by_type(self) -> dict[str, list[str]]:
        return {label: self.nodes_of(label) for label in LABEL_OF_SECTION.values()}

    def nodes(self, label: str) -> list[NodeInfo]:
        return [self._info(n) for n in self.nodes_of(label)]

    def _targets(self, node: str, rel: str) -> tuple[str, ...]:
        found = [
            (d.get("position", 0), v)
            for _, v, k, d in self.graph.out_edges(node, keys=True, data=True)
            if k == rel
        ]
        return tuple(v for _, v in sorted(found))

    def cmoc_parts(self, cmocs: list[str] | None) -> dict[str, CmocParts]:
        wanted = self.nodes_of("CMOC") if cmocs is None else [c for c in cmocs if c in self.graph]
        out = {}
        for cmoc in wanted:
            theories = sorted(
                (d.get("position", 0), u)
                for u, _, k, d in self.graph.in_edges(cmoc, keys=True, data=True)
                if k == "INCLUDES"
            )
            out[cmoc] = CmocParts(
                cmoc,
                self.graph.nodes[cmoc]["label"],
                self._targets(cmoc, "HAS_CONTEXT"),
                self._targets(cmoc, "HAS_MECHANISM"),
                self._targets(cmoc, "HAS_OUTCOME"),
                self._targets(cmoc, "LEADS_TO"),
                tuple(t for _, t in theories),
                self.graph.nodes[cmoc]["seq"],
                tuple(
                    (v, d.get("qualifier"), d.get("note"))
                    for _, v, k, d in self.graph.out_edges(cmoc, keys=True, data=True)
                    if k in ("HAS_CONTEXT", "HAS_MECHANISM", "HAS_OUTCOME")
                    and (d.get("qualifier") is not None or d.get("note") is not None)
                ),
                tuple(
                    (v, d.get("role"), d.get("outcome"), d.get("provenance"), d.get("note"))
                    for _, v, k, d in self.graph.out_edges(cmoc, keys=True, data=True)
                    if k == "LEADS_TO"
                    and any(d.get(f) is not None for f in ("role", "outcome", "provenance", "note"))
                ),
                bool(self.graph.nodes[cmoc].get("sequence", False)),
                next(iter(self._targets(cmoc, "REFINES")), None),
            )
        return out

    def cmocs_containing(self, node: str) -> list[str]:
        if node not in self.graph:
            return []
        found = {
            u
            for u, _, k in self.graph.in_edges(node, keys=True)
            if k in ("HAS_CONTEXT", "HAS_MECHANISM", "HAS_OUTCOME")
        }
        return sorted(found, key=lambda c: self.graph.nodes[c]["seq"])

    def consistent(self, answer: Callable[[], T]) -> T:
        """``answer()``: nothing else changes an embedded graph while it answers."""
        return answer()

    def hand_offs(self, cmocs: list[str]) -> dict[str, tuple[list[str], list[str]]]:
        ahead, behind = self.leads_to(cmocs, "forward"), self.leads_to(cmocs, "backward")
        return {c: (ahead[c], behind[c]) for c in ahead}

    def leads_to(self, cmocs: list[str], direction: str) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for cmoc in cmocs:
            if cmoc not in self.graph or self.graph.nodes[cmoc].get("type") != "CMOC":
                continue
            if direction == "forward":
                out[cmoc] = list(self._targets(cmoc, "LEADS_TO"))
            else:
                out[cmoc] = sorted(
                    (u for u, _, k in self.graph.in_edges(cmoc, keys=True) if k == "LEADS_TO"),
                    key=lambda c: self.graph.nodes[c]["seq"],
                )
        return out

    def evidence(
        self, cmocs: list[str] | None = None, study: str | None = None, *, texts: bool = True
    ) -> list[EvidenceRow]:
        if cmocs is None and study is None and self._all_rows is not None:
            return list(self._all_rows)
        graph = self.graph
        # networkx's own dicts (node -> data, node -> neighbour -> key -> data), read
        # directly: the views around them cost more than the lookups on large graphs
        nodes, succ, pred = graph._node, graph._succ, graph._pred
        # walk in from the CMOCs or the study, so the cost follows the answer, not the graph
        if study is not None:
            extracts = [u for u, keyed in pred.get(study, {}).items() if "FROM_STUDY" in keyed]
        elif cmocs is not None:
            extracts = [
                u
                for c in dict.fromkeys(cmocs)
                for u, keyed in pred.get(c, {}).items()
                if "EVIDENCES" in keyed
            ]
        else:
            extracts = self.nodes_of("Extract")
        wanted = None if cmocs is None else set(cmocs)
        rows = []
        for extract in sorted(set(extracts), key=lambda x: nodes[x]["seq"]):
            data = nodes[extract]
            # an extract has one EVIDENCES and one FROM_STUDY arrow: read them directly
            target = study_id = ""
            edge: dict[str, Any] = {}
            for node, keyed in succ[extract].items():
                if "EVIDENCES" in keyed:
                    target, edge = node, keyed["EVIDENCES"]
                if "FROM_STUDY" in keyed:
                    study_id = node
            if wanted is not None and target not in wanted:
                continue
            rows.append(
                EvidenceRow(
                    extract=extract,
                    cmoc=target,
                    link_from=edge.get("link_from"),
                    link_to=edge.get("link_to"),
                    stance=data["stance"],
                    study=study_id,
                    quote=data.get("quote") or "",
                    kind=data.get("kind", "quote"),
                    location=data.get("location"),
                    rationale=data.get("rationale"),
                    relevance=data.get("relevance"),
                    rigour=data.get("rigour"),
                )
            )
        if cmocs is None and study is None:
            self._all_rows = rows
            return list(rows)
        return rows

    def evidence_with_studies(
        self, cmocs: list[str]
    ) -> tuple[list[EvidenceRow], dict[str, dict[str, Any]]]:
        rows = self.evidence(cmocs)
        cited = sorted({r.study for r in rows})
        return rows, {s["id"]: s for s in self.studies(cited)} if cited else {}

    def studies(self, ids: list[str] | None = None) -> list[dict[str, Any]]:
        wanted = self.nodes_of("Study") if ids is None else ids
        out = []
        for study in wanted:
            if study in self.graph:
                data = self.graph.nodes[study]
                out.append(
                    {"id": study, **{k: v for k, v in data.items() if k not in ("type", "seq")}}
                )
        return out

    def close(self) -> None:
        return None
