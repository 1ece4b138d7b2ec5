"""Converting a review between its two shapes: a document (the theory file's model) and a
graph (networkx), in one place for both backends.

The graph is the shape every store holds: one node per item (its ``type`` is the item's
label, ``seq`` its place in the file) and one edge per reference, keyed by its relationship
type; Neo4j holds exactly this graph. A document converted to a graph and back is the same
document.
"""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

import networkx as nx

from ..model import CMOC, NODE_SECTIONS, Confidence, TheoryDocument
from ..schema import LABEL_OF_SECTION, REFERENCE_FIELDS, SECTION_OF_LABEL

__all__ = [
    "ATTRIBUTE_PREFIX",
    "attribute_values",
    "confidence_text",
    "document_to_graph",
    "graph_to_document",
    "read_confidence",
    "study_attributes",
]

#: how a study's own attribute is named as a property of its node ("attr.programme")
ATTRIBUTE_PREFIX = "attr."


def study_attributes(record: dict[str, Any]) -> dict[str, Any]:
    """The review's own attributes of a study record (as a store returns it), by name."""
    return {
        key.removeprefix(ATTRIBUTE_PREFIX): value
        for key, value in sorted(record.items())
        if key.startswith(ATTRIBUTE_PREFIX)
    }


def attribute_values(value: Any) -> list[str]:
    """An attribute's value as the values answers count and maps filter on: each of a
    list, true/false as yes/no, and 'unknown' for none."""
    values = value if isinstance(value, list) else [] if value in (None, "") else [value]
    return ["yes" if v is True else "no" if v is False else str(v) for v in values] or ["unknown"]


def confidence_text(confidence: Confidence) -> str:
    """The reviewers' confidence judgements of a CMOC as the text a store holds (a node
    property holds no mapping): JSON, written as the theory file writes them."""
    data = confidence.model_dump(mode="json", by_alias=True, exclude_defaults=True)
    return json.dumps(data, ensure_ascii=False, sort_keys=False)


def read_confidence(value: object) -> Confidence | None:
    """The judgements a store holds (see :func:`confidence_text`), or None."""
    if not isinstance(value, str):
        return None
    return Confidence.model_validate_json(value)


_LIST_REFS = ("contexts", "mechanisms", "outcomes", "theories", "leads_to")
_CMOC_EDGE = {
    "contexts": "HAS_CONTEXT",
    "mechanisms": "HAS_MECHANISM",
    "outcomes": "HAS_OUTCOME",
    "leads_to": "LEADS_TO",
}


def document_to_graph(document: TheoryDocument) -> nx.MultiDiGraph:
    """Build the graph of a (validated) document."""
    graph = nx.MultiDiGraph(review=document.review.model_dump(mode="json", exclude_defaults=True))
    for section in NODE_SECTIONS:
        skip = set(REFERENCE_FIELDS.get(section, {}))
        if section == "cmocs":
            skip |= {"qualifiers", "hand_offs"}  # on the arrows (see below)
        for seq, obj in enumerate(getattr(document, section)):
            props = obj.model_dump(mode="json", exclude_defaults=True, exclude=skip | {"id"})
            # a study's own attributes as properties of their own (a store holds no maps)
            for name, value in props.pop("attributes", {}).items():
                props[ATTRIBUTE_PREFIX + name] = value
            if isinstance(obj, CMOC) and obj.confidence is not None:
                props["confidence"] = confidence_text(obj.confidence)  # JSON: no maps in a store
            graph.add_node(obj.id, type=LABEL_OF_SECTION[section], seq=seq, **props)
    for theory in document.theories:
        if theory.refines:
            graph.add_edge(theory.id, theory.refines, key="REFINES", type="REFINES")
    for refined in document.cmocs:  # a CMOC of a later version to the one it refines
        if refined.refines:
            graph.add_edge(refined.id, refined.refines, key="REFINES", type="REFINES")
    for cmoc in document.cmocs:
        qualified = {q.id: q for q in cmoc.qualifiers}
        handed = {h.cmoc: h for h in cmoc.hand_offs}
        for fld, rel in _CMOC_EDGE.items():
            for position, target in enumerate(getattr(cmoc, fld)):
                extra: dict[str, Any] = {}
                q = qualified.get(target) if fld != "leads_to" else None
                if q is not None:
                    if q.qualifier is not None:
                        extra["qualifier"] = q.qualifier.value
                    if q.note is not None:
                        extra["note"] = q.note
                h = handed.get(target) if fld == "leads_to" else None
                if h is not None:
                    extra.update(h.model_dump(mode="json", exclude={"cmoc"}, exclude_none=True))
                graph.add_edge(cmoc.id, target, key=rel, type=rel, position=position, **extra)
        for position, theory_id in enumerate(cmoc.theories):
            graph.add_edge(theory_id, cmoc.id, key="INCLUDES", type="INCLUDES", position=position)
    for extract in document.extracts:
        graph.add_edge(extract.id, extract.study, key="FROM_STUDY", type="FROM_STUDY")
        link = extract.link
        graph.add_edge(
            extract.id,
            extract.cmoc,
            key="EVIDENCES",
            type="EVIDENCES",
            link_from=link.source if link else None,
            link_to=link.target if link else None,
        )
    return graph


def graph_to_document(graph: nx.MultiDiGraph) -> TheoryDocument:
    """Read a graph back into a document, in the original order."""
    by_section: dict[str, list[tuple[int, str, dict[str, Any]]]] = defaultdict(list)
    for node, attrs in graph.nodes(data=True):
        section = SECTION_OF_LABEL[attrs["type"]]
        props = {k: v for k, v in attrs.items() if k not in ("type", "seq")}
        by_section[section].append((attrs["seq"], node, props))

    def targets(node: str, rel: str) -> list[str]:
        edges = [
            (d.get("position", 0), v)
            for _, v, k, d in graph.out_edges(node, keys=True, data=True)
            if k == rel
        ]
        return [v for _, v in sorted(edges)]

    included: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for u, v, k, d in graph.edges(keys=True, data=True):
        if k == "INCLUDES":
            included[v].append((d.get("position", 0), u))

    data: dict[str, Any] = {"review": graph.graph["review"]}
    for section in NODE_SECTIONS:
        items = []
        for _, node, props in sorted(by_section.get(section, []), key=lambda t: t[0]):
            item = {"id": node, **props}
            attributes = {
                k.removeprefix(ATTRIBUTE_PREFIX): item.pop(k)
                for k in list(item)
                if k.startswith(ATTRIBUTE_PREFIX)
            }
            if attributes:
                item["attributes"] = dict(sorted(attributes.items()))
            if section == "theories":
                refines = targets(node, "REFINES")
                if refines:
                    item["refines"] = refines[0]
            elif section == "cmocs":
                for fld, rel in _CMOC_EDGE.items():
                    item[fld] = targets(node, rel)
                refines = targets(node, "REFINES")
                if refines:
                    item["refines"] = refines[0]
                qualifiers = []
                for fld in ("contexts", "mechanisms", "outcomes"):
                    for member in item[fld]:
                        edge = graph.get_edge_data(node, member, key=_CMOC_EDGE[fld]) or {}
                        q = {k: edge[k] for k in ("qualifier", "note") if edge.get(k) is not None}
                        if q:
                            qualifiers.append({"id": member, **q})
                if qualifiers:
                    item["qualifiers"] = qualifiers
                hand_offs = []
                for onward in item["leads_to"]:
                    edge = graph.get_edge_data(node, onward, key="LEADS_TO") or {}
                    fields = ("role", "outcome", "provenance", "note")
                    h = {k: edge[k] for k in fields if edge.get(k) is not None}
                    if h:
                        hand_offs.append({"cmoc": onward, **h})
                if hand_offs:
                    item["hand_offs"] = hand_offs
                item["theories"] = [t for _, t in sorted(included.get(node, []))]
                if isinstance(item.get("confidence"), str):
                    item["confidence"] = json.loads(item["confidence"])
            elif section == "extracts":
                item["study"] = targets(node, "FROM_STUDY")[0]
                edge = graph.get_edge_data(node, targets(node, "EVIDENCES")[0], key="EVIDENCES")
                item["cmoc"] = targets(node, "EVIDENCES")[0]
                if edge.get("link_from") is not None:
                    item["link"] = {"from": edge["link_from"], "to": edge["link_to"]}
            items.append(item)
        data[section] = items
    return TheoryDocument.model_validate(data)
