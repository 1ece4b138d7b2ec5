"""A map of two theory versions drawn together (``theorygraph map --diff ipt..rpt``).

The map holds the CMOCs of either version (:func:`build_map` over a view of both), and the
diff of the two (:func:`theorygraph.diff.diff_versions`) marks each part with how it
changed and the extracts that drove the change:

- every node and arrow: ``change`` (``added``: only the later version holds it;
  ``dropped``: only the earlier; ``changed``: both, but a CMOC that holds or states it was
  added, dropped or changed, or a node was renamed; ``same``) and ``change_extracts``
  (the extracts that drove the changes of those CMOCs and bear on this node or arrow);
- every CMOC of ``MapModel.cmocs``: ``change`` (added, dropped, changed or same),
  ``change_extracts``, ``change_reason`` (the reviewers' own), ``versions`` (which of
  the two theories hold it), ``was`` (for the later version of a changed CMOC: the one it
  replaced), ``became`` (for the earlier version: the CMOCs that replaced it) and
  ``differences`` (what changed, in words);
- the model's ``diff``: the two versions, the headline and the counts.
"""

from __future__ import annotations

from collections import defaultdict

from ..backends.protocol import Backend
from ..changes import DiffAnswer
from ..results import CmocParts, EvidenceRow
from .mapdata import MapEdge, MapModel, MapNode, build_map

__all__ = ["CHANGES", "build_diff_map", "mark"]

#: how a part of a diff map changed, in the order a legend lists them
CHANGES = ("added", "dropped", "changed", "same")


def build_diff_map(
    backend: Backend,
    from_theory: str,
    to_theory: str,
    *,
    focus: str | None = None,
    depth: int = 1,
    title: str | None = None,
) -> MapModel:
    """The map of theory versions ``from_theory`` and ``to_theory`` together, every part
    marked with how it changed from the one to the other."""
    from ..backends.view import View
    from ..diff import diff_versions

    answer = diff_versions(backend, from_theory, to_theory)
    before, after = answer.before.theory, answer.after.theory
    assert before is not None and after is not None
    both = View(backend, (before, after), None)
    model = build_map(both, focus=focus, depth=depth, title=title)
    if title is None:
        model.title = f"{model.title}: {before} -> {after}"
    model.description = model.description.replace(
        "the whole review", f"theory {before} and {after} together", 1
    )
    every = backend.cmoc_parts(None)
    versions = {t: {c: p for c, p in every.items() if t in p.theories} for t in (before, after)}
    mark(model, answer, versions[before], versions[after])
    return model


def mark(
    model: MapModel,
    answer: DiffAnswer,
    before: dict[str, CmocParts],
    after: dict[str, CmocParts],
) -> None:
    """Mark every node, arrow and CMOC of ``model`` with how it changed from ``before``
    (the earlier version's CMOCs) to ``after``, as ``answer`` says."""
    status: dict[str, str] = {c: "same" for c in answer.kept}
    drivers: dict[str, list[EvidenceRow]] = defaultdict(list)
    was: dict[str, str] = {}
    became: dict[str, list[str]] = defaultdict(list)
    reasons: dict[str, str | None] = {}
    differences: dict[str, list[str]] = {}
    for change in answer.cmocs:
        for cid in dict.fromkeys([change.id, *([change.was] if change.was else [])]):
            status[cid] = change.change
            reasons[cid] = change.reason
            differences[cid] = [d.text() for d in change.differences]
        for row in change.drivers:
            drivers[row.cmoc].append(row)
        if change.was and change.was != change.id:
            was[change.id] = change.was
            became[change.was].append(change.id)
    renamed = {n.id for n in answer.nodes if n.change == "renamed"}
    node_change = {n.id: n.change for n in answer.nodes if n.change != "renamed"}
    for node in model.nodes:
        _mark_node(node, status, drivers, node_change, renamed)
    for edge in model.edges:
        _mark_edge(edge, status, drivers, before, after)
    names = (answer.before.theory, answer.after.theory)
    for cmoc in model.cmocs:
        cid = cmoc["id"]
        cmoc["change"] = status.get(cid, "same")
        cmoc["change_extracts"] = [r.extract for r in drivers.get(cid, [])]
        cmoc["change_reason"] = reasons.get(cid)
        cmoc["versions"] = [t for t in names if t in cmoc["theories"]]
        cmoc["was"] = was.get(cid)
        cmoc["became"] = became.get(cid, [])
        cmoc["differences"] = differences.get(cid, [])
    counts = {c: len(answer.of(c)) for c in ("added", "dropped", "changed")}
    model.diff = {
        "from": answer.before.as_dict(),
        "to": answer.after.as_dict(),
        "headline": answer.headline,
        "counts": counts | {"kept": len(answer.kept)},
        "changes": list(CHANGES),
    }


def _mark_node(
    node: MapNode,
    status: dict[str, str],
    drivers: dict[str, list[EvidenceRow]],
    node_change: dict[str, str],
    renamed: set[str],
) -> None:
    moved = [c for c in node.cmocs if status.get(c, "same") != "same"]
    node.change = node_change.get(node.id) or ("changed" if moved or node.id in renamed else "same")
    node.change_extracts = [
        r.extract for c in moved for r in drivers.get(c, []) if r.bears_on_node(node.id)
    ]


def _mark_edge(
    edge: MapEdge,
    status: dict[str, str],
    drivers: dict[str, list[EvidenceRow]],
    before: dict[str, CmocParts],
    after: dict[str, CmocParts],
) -> None:
    if edge.type == "Link":
        cmocs = edge.cmocs
        held = [
            any((edge.source, edge.target) in version[c].links() for c in cmocs if c in version)
            for version in (before, after)
        ]
    else:  # a hand-off, "a->b": both CMOCs in the version, and a leading to b there
        cmocs = list(dict.fromkeys(c for pair in edge.cmocs for c in pair.split("->")))
        held = [
            any(
                a in version and b in version and b in version[a].leads_to
                for a, b in (pair.split("->") for pair in edge.cmocs)
            )
            for version in (before, after)
        ]
    moved = [c for c in cmocs if status.get(c, "same") != "same"]
    if held == [False, True]:
        edge.change = "added"
    elif held == [True, False]:
        edge.change = "dropped"
    else:
        edge.change = "changed" if moved else "same"
    if edge.type == "Link":
        edge.change_extracts = list(
            dict.fromkeys(
                r.extract
                for c in moved
                for r in drivers.get(c, [])
                if r.bears_on_link(edge.source, edge.target)
            )
        )
