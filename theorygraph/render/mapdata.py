"""What a theory map shows, as plain data: nodes, merged links, evidence, layout.

The same data feeds the HTML map and every export (GraphML, GEXF, Cytoscape,
Mermaid, DOT), so they all carry the same types, stances and study counts.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from ..backends.protocol import Backend
from ..confidence import LEVELS, Assessment, assess, link_judgement
from ..evidence import Targets, citation, has_support, link_stance, stance_counts
from ..results import CmocParts, EvidenceRow

__all__ = ["MapEdge", "MapModel", "MapNode", "build_map", "citation", "layered_layout"]

_DOI = re.compile(r"^10\.\d{4,9}/[^\s]+$")


def safe_doi(doi: object) -> str | None:
    """A DOI that may become a link (``10.xxxx/...``); anything else is shown as text only."""
    if isinstance(doi, str) and _DOI.match(doi.strip()):
        return doi.strip()
    return None


@dataclass
class MapNode:
    id: str
    type: str
    label: str
    extracts: list[str] = field(default_factory=list)
    studies: int = 0
    evidenced: bool = False
    intended: bool | None = None  # None: the review does not say
    theories: list[str] = field(default_factory=list)
    cmocs: list[str] = field(default_factory=list)
    #: how each CMOC that holds it qualifies it ('activated: a note'), where one does
    qualifiers: dict[str, str] = field(default_factory=dict)
    #: the distinct qualifiers its CMOCs give it (increased, not-activated...), in order
    directions: list[str] = field(default_factory=list)
    description: str | None = None
    x: float = 0.0
    y: float = 0.0
    level: int = 0
    #: in a map of two theory versions (map --diff): added, dropped, changed or same, and
    #: the extracts that drove the change (see render/mapdiff.py)
    change: str | None = None
    change_extracts: list[str] = field(default_factory=list)

    @property
    def unsupported(self) -> bool:
        return self.type == "Mechanism" and not self.evidenced

    @property
    def in_no_cmoc(self) -> bool:
        """A context, mechanism or outcome that no CMOC names: shown, marked, never
        left out."""
        return not self.cmocs


@dataclass
class MapEdge:
    source: str
    target: str
    type: str  # "Link" or "LeadsTo"
    cmocs: list[str] = field(default_factory=list)
    extracts: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    studies: int = 0
    stance: str = "none"
    theories: list[str] = field(default_factory=list)
    #: a link's confidence level: the best its CMOCs' links reach (each one's level in
    #: ``confidence_by_cmoc``); None for a hand-off between CMOCs
    confidence: str | None = None
    confidence_by_cmoc: dict[str, str] = field(default_factory=dict)
    #: in a map of two theory versions: as on MapNode
    change: str | None = None
    change_extracts: list[str] = field(default_factory=list)

    @property
    def id(self) -> str:
        return f"{self.source}->{self.target}" + (":leads" if self.type == "LeadsTo" else "")


@dataclass
class MapModel:
    title: str
    nodes: list[MapNode]
    edges: list[MapEdge]
    extracts: dict[str, dict[str, Any]]
    studies: dict[str, dict[str, Any]]
    theories: list[dict[str, Any]]
    description: str = ""
    #: the CMOCs drawn: their parts, statement, hand-offs and the extracts judged on them
    cmocs: list[dict[str, Any]] = field(default_factory=list)
    #: the review's title, question, citation and DOI, for the map's "about" box
    review: dict[str, Any] = field(default_factory=dict)
    #: in a map of two theory versions: the versions compared and the diff's counts
    diff: dict[str, Any] | None = None


def build_map(
    backend: Backend,
    *,
    theory: str | None = None,
    focus: str | None = None,
    depth: int = 1,
    title: str | None = None,
) -> MapModel:
    """Collect what the map of a review (or of one theory, or around one node) shows."""
    from .. import queries

    parts = backend.cmoc_parts(None)
    theories = [
        {
            "id": t.id,
            "label": t.label,
            "version": t.props.get("version"),
            "status": t.props.get("status", "initial"),
        }
        for t in backend.nodes("Theory")
    ]
    description = "the whole review"
    if theory is not None:
        theory = queries.resolve(backend, theory, ("Theory",), "theory").id
        parts = {c: p for c, p in parts.items() if theory in p.theories}
        description = f"theory {theory}"
    keep: set[str] | None = None
    if focus is not None:
        found = queries.resolve(
            backend, focus, (*queries.THEORY_NODES, "CMOC"), "context, mechanism, outcome or CMOC"
        )
        focus = found.id
        if found.type == "CMOC":
            # a configuration: itself and the CMOCs it hands on to or receives from,
            # ``depth`` hand-offs either way, each with only its own links
            parts = {c: parts[c] for c in _hand_off_neighbours(parts, focus, depth)}
            keep = {m for p in parts.values() for m in p.members()}
            description += f", configuration {focus} and its hand-offs to depth {depth}"
        else:
            keep = {n.id for n in queries.neighbourhood(backend, focus, depth=depth).nodes}
            description += f", around {focus} to depth {depth}"
    members = sorted({m for p in parts.values() for m in p.members()})
    if theory is None:
        # what no CMOC names belongs to the review, not to a theory: shown, and marked
        every = backend.ids_by_type()
        held = set(members)
        members += [i for t in queries.THEORY_NODES for i in every.get(t, []) if i not in held]
    if keep is not None:
        members = [m for m in members if m in keep or m == focus]
    labels = backend.lookup(members) if members else {}
    links = [e for e in queries.theory_links(parts) if e[0] in labels and e[1] in labels]
    used = sorted(
        {e[2] for e in links if e[3] == "Link"}
        | {c for c, p in parts.items() if set(p.members()) & set(labels)}
    )
    rows = backend.evidence(used) if used else []
    by_cmoc: dict[str, list[EvidenceRow]] = defaultdict(list)
    for row in rows:
        by_cmoc[row.cmoc].append(row)

    nodes = _nodes(labels, parts, by_cmoc)
    edges = _edges(links, parts, by_cmoc)
    judged = _confidence(backend, {c: parts[c] for c in used}, rows)
    _edge_confidence(edges, judged)
    cited = sorted({r.study for r in rows})
    studies = {}
    records = backend.studies(cited) if cited else []
    facets = _facets(records)
    for record in records:
        studies[record["id"]] = _study(record, facets[record["id"]])
    extracts = {
        r.extract: {
            "quote": r.quote,
            "kind": r.kind,
            "location": r.location,
            "stance": r.stance,
            "rationale": r.rationale,
            "relevance": r.relevance,
            "rigour": r.rigour,
            "study": r.study,
            "cmoc": r.cmoc,
            "link": [r.link_from, r.link_to] if r.link_from else None,
        }
        for r in rows
    }
    apart = sum(1 for n in nodes if n.in_no_cmoc)
    if apart:
        description += f"; {apart} in no CMOC, shown apart"
    layered_layout(nodes, edges)
    drawn = [p for c, p in sorted(parts.items(), key=lambda cp: cp[1].seq) if c in set(used)]
    info = backend.review()
    return MapModel(
        title or f"{info.title}",
        nodes,
        edges,
        extracts,
        studies,
        theories,
        description,
        cmocs=[
            c | {"confidence": _cmoc_confidence(c["id"], judged)}
            for c in _cmocs(backend, drawn, by_cmoc)
        ],
        review={
            "title": info.title,
            "question": info.question,
            "citation": info.citation,
            "doi": safe_doi(info.doi),
            "doi_text": info.doi,
        },
    )


def _hand_off_neighbours(parts: dict[str, CmocParts], start: str, depth: int) -> list[str]:
    """``start`` and the CMOCs within ``depth`` hand-offs of it, either way."""
    near: dict[str, set[str]] = defaultdict(set)
    for part in parts.values():
        for nxt in part.leads_to:
            if nxt in parts:
                near[part.id].add(nxt)
                near[nxt].add(part.id)
    seen = {start}
    frontier = [start]
    for _ in range(depth):
        frontier = [n for f in frontier for n in sorted(near[f]) if n not in seen]
        seen.update(frontier)
    return sorted(seen, key=lambda c: parts[c].seq)


def _study(record: dict[str, Any], facets: dict[str, list[str]]) -> dict[str, Any]:
    """A study as the map shows it: its citation, DOI, design and sector for the filters,
    and its own profile (what `query study` says of it) for the panel."""
    from ..backends.convert import study_attributes

    involvement = record.get("service_user_involvement")
    return {
        "citation": citation(record),
        "doi": safe_doi(record.get("doi")),
        "doi_text": record.get("doi"),
        "design": record.get("design") or "unknown",
        "sector": record.get("sector") or "unknown",
        "year": record.get("year"),
        "facets": facets,
        "title": record.get("title"),
        "authors": list(record.get("authors") or []),
        "venue": record.get("venue"),
        "country": record.get("country") or "unknown",
        "participants": list(record.get("participants") or []),
        "involvement": "yes"
        if involvement is True
        else "no"
        if involvement is False
        else "unknown",
        "tags": [str(t) for t in record.get("tags") or []],
        "attributes": {
            name: ", ".join(str(v) for v in value) if isinstance(value, list) else str(value)
            for name, value in study_attributes(record).items()
        },
        "notes": record.get("notes"),
    }


def _cmocs(
    backend: Backend, drawn: list[CmocParts], by_cmoc: dict[str, list[EvidenceRow]]
) -> list[dict[str, Any]]:
    """The CMOCs of the map with their parts, as the CMOC list and panel show them."""
    props = {n.id: n.props for n in backend.lookup([p.id for p in drawn]).values()} if drawn else {}
    out = []
    for part in drawn:
        own = props.get(part.id, {})
        out.append(
            {
                "id": part.id,
                "label": part.label,
                "description": own.get("description"),
                "theme": own.get("theme"),
                "strategy": own.get("strategy"),
                "contexts": list(part.contexts),
                "mechanisms": list(part.mechanisms),
                "outcomes": list(part.outcomes),
                "sequence": part.sequence,
                "theories": list(part.theories),
                "qualifiers": {
                    member: word + (f": {note}" if note else "")
                    for member, word, note in part.qualifiers
                    if word is not None
                },
                "hand_offs": [
                    dict(
                        zip(
                            ("to", "role", "outcome", "provenance", "note"),
                            (nxt, *part.hand_off(nxt)),
                            strict=True,
                        )
                    )
                    for nxt in part.leads_to
                ],
                "extracts": [r.extract for r in by_cmoc.get(part.id, [])],
            }
        )
    return out


#: the confidence in each CMOC, and in each link of it by (CMOC, source, target)
Judged = tuple[dict[str, Assessment], dict[tuple[str, str, str], Assessment]]


def _confidence(backend: Backend, parts: dict[str, CmocParts], rows: list[EvidenceRow]) -> Judged:
    """The confidence in each CMOC drawn and in each of its links (theorygraph.confidence)."""
    from ..backends.convert import read_confidence

    found = backend.lookup(list(parts)) if parts else {}
    targets = Targets(rows)
    on_cmoc: dict[str, Assessment] = {}
    on_link: dict[tuple[str, str, str], Assessment] = {}
    for c, part in parts.items():
        own = read_confidence(found[c].props.get("confidence")) if c in found else None
        on_cmoc[c] = assess(targets.on_cmoc(c), own)
        for s, t in part.links():
            on_link[(c, s, t)] = assess(targets.on_link(c, s, t), link_judgement(own, s, t))
    return on_cmoc, on_link


def _edge_confidence(edges: list[MapEdge], judged: Judged) -> None:
    """Each link's level in each of its CMOCs, and the best of them (the level of the
    arrow: a filter keeps an arrow that some configuration carries well enough)."""
    _, on_link = judged
    for edge in edges:
        if edge.type != "Link":
            continue
        edge.confidence_by_cmoc = {
            c: on_link[(c, edge.source, edge.target)].level
            for c in edge.cmocs
            if (c, edge.source, edge.target) in on_link
        }
        levels = list(edge.confidence_by_cmoc.values())
        edge.confidence = min(levels, key=LEVELS.index) if levels else None


def _cmoc_confidence(cmoc: str, judged: Judged) -> dict[str, Any] | None:
    """A CMOC's confidence as the map's panel shows it: the level, the computed one, the
    reviewers' with their reason, why, each component's concerns and why, and the level of
    each of its links."""
    on_cmoc, on_link = judged
    a = on_cmoc.get(cmoc)
    if a is None:
        return None
    return {
        "level": a.level,
        "computed": a.computed,
        "reviewer": a.reviewer,
        "reason": a.reason,
        "why": a.why,
        "components": {
            c.name: {"concern": c.concern, "computed": c.computed, "why": c.why}
            | ({"reviewer": c.reviewer, "reason": c.reason} if c.reviewer else {})
            for c in a.components
        },
        "links": {f"{s}->{t}": x.level for (c, s, t), x in on_link.items() if c == cmoc},
    }


def _facets(records: list[dict[str, Any]]) -> dict[str, dict[str, list[str]]]:
    """Each study's values of the review's own attributes and of its tags, for the map's
    filters: every study has a value for every attribute any study has ('unknown' when it
    has none; 'no tag' for a study without tags)."""
    from ..backends.convert import attribute_values, study_attributes

    names = sorted({name for r in records for name in study_attributes(r)})
    any_tags = any(r.get("tags") for r in records)
    out: dict[str, dict[str, list[str]]] = {}
    for r in records:
        own = study_attributes(r)
        found = {name: attribute_values(own.get(name)) for name in names}
        if any_tags:
            found["tags"] = [str(t) for t in r.get("tags") or []] or ["no tag"]
        out[r["id"]] = found
    return out


def _nodes(
    labels: dict[str, Any], parts: dict[str, CmocParts], by_cmoc: dict[str, list[EvidenceRow]]
) -> list[MapNode]:
    order = {"Context": 0, "Mechanism": 1, "Outcome": 2}
    held_by: dict[str, list[CmocParts]] = {}  # node -> the CMOCs holding it, in file order
    for part in sorted(parts.values(), key=lambda p: p.seq):
        for member in dict.fromkeys(part.members()):
            held_by.setdefault(member, []).append(part)
    out = []
    for node_id, info in labels.items():
        holding = held_by.get(node_id, [])
        rows = [r for p in holding for r in by_cmoc.get(p.id, []) if r.bears_on_node(node_id)]
        out.append(
            MapNode(
                id=node_id,
                type=info.type,
                label=info.label,
                extracts=[r.extract for r in rows],
                studies=len({r.study for r in rows}),
                evidenced=has_support(rows),
                intended=info.props.get("intended"),
                theories=sorted({t for p in holding for t in p.theories}),
                cmocs=[p.id for p in holding],
                qualifiers={p.id: q for p in holding if (q := p.qualifier(node_id)) is not None},
                directions=list(
                    dict.fromkeys(
                        word
                        for p in holding
                        for member, word, _ in p.qualifiers
                        if member == node_id and word is not None
                    )
                ),
                description=info.props.get("description"),
            )
        )
    out.sort(key=lambda n: (order.get(n.type, 3), n.id))
    return out


def _edges(
    links: list[tuple[str, str, str, str]],
    parts: dict[str, CmocParts],
    by_cmoc: dict[str, list[EvidenceRow]],
) -> list[MapEdge]:
    merged: dict[tuple[str, str, str], MapEdge] = {}
    for source, target, cmoc, kind in links:
        edge = merged.setdefault((source, target, kind), MapEdge(source, target, kind))
        if kind == "Link":
            edge.cmocs.append(cmoc)
            seen = set(edge.extracts)
            edge.extracts += [
                r.extract
                for r in by_cmoc.get(cmoc, [])
                if r.bears_on_link(source, target) and r.extract not in seen
            ]
            edge.theories = sorted(set(edge.theories) | set(parts[cmoc].theories))
        else:
            first = cmoc.split("->")[0]
            edge.cmocs.append(cmoc)
            edge.theories = sorted(set(edge.theories) | set(parts[first].theories))
    rows_by_id = {r.extract: r for rows in by_cmoc.values() for r in rows}
    for edge in merged.values():
        rows = [rows_by_id[x] for x in edge.extracts]
        edge.counts = stance_counts(rows)
        edge.studies = len({r.study for r in rows})
        edge.stance = link_stance(rows) if edge.type == "Link" else "leads-to"
    return list(merged.values())


def layered_layout(
    nodes: list[MapNode], edges: list[MapEdge], dx: float = 250.0, dy: float = 64.0
) -> None:
    """Place nodes left to right by their depth along the links, then spread each column.

    A node's column is the length of the longest chain of links leading to it (cycles
    are collapsed first), so contexts come before mechanisms before outcomes, and an
    outcome that feeds a later CMOC comes before that CMOC's mechanism. Within a
    column, nodes sit near the average height of their predecessors.
    """
    import networkx as nx

    graph = nx.DiGraph()
    graph.add_nodes_from(n.id for n in nodes)
    graph.add_edges_from((e.source, e.target) for e in edges if e.source != e.target)
    dag = nx.condensation(graph)
    level_of_component: dict[int, int] = {}
    for component in nx.topological_sort(dag):
        preds = list(dag.predecessors(component))
        level_of_component[component] = 1 + max((level_of_component[p] for p in preds), default=-1)
    mapping = dag.graph["mapping"]
    columns: dict[int, list[MapNode]] = defaultdict(list)
    for node in nodes:
        node.level = level_of_component[mapping[node.id]]
        columns[node.level].append(node)
    y_of: dict[str, float] = {}
    for level in sorted(columns):
        column = columns[level]

        def barycentre(n: MapNode) -> float:
            ys = [y_of[p] for p in graph.predecessors(n.id) if p in y_of]
            return sum(ys) / len(ys) if ys else float("inf")

        column.sort(key=lambda n: (barycentre(n), n.type, n.id))
        top = -(len(column) - 1) * dy / 2
        for i, node in enumerate(column):
            node.x = level * dx
            node.y = top + i * dy
            y_of[node.id] = node.y
