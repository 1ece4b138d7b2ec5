"""The query catalogue, built from the primitives every backend provides.

The backends do the graph work (index lookups, LEADS_TO traversal, gathering
extracts: Cypher in Neo4j, networkx in memory); the functions here turn what
they return into answers. So both backends answer through the same code, and the
contract tests hold their primitives to the same results.

Evidence rules, used throughout:

- an extract bears on its CMOC; with a ``link`` it bears on that one link only,
  without one it bears on every link of the CMOC;
- it bears on a context, mechanism or outcome of its CMOC unless its link leaves
  that node out;
- something *has evidence* when at least one extract bearing on it supports or
  refines it; only-refuting evidence is a gap of its own.
"""

from __future__ import annotations

import itertools
import re
from collections import defaultdict
from collections.abc import Callable, Iterator
from typing import Any

from .answers import (
    Chain,
    ChainsAnswer,
    ChainStep,
    ConfidenceAnswer,
    ConfidenceItem,
    ContestedAnswer,
    CoverageAnswer,
    DirectionsAnswer,
    EvidenceAnswer,
    GapRow,
    GapsAnswer,
    LinkEvidence,
    StudyAnswer,
    SubgraphAnswer,
    UnintendedAnswer,
)
from .backends.convert import (
    ATTRIBUTE_PREFIX,
    attribute_values,
    read_confidence,
    study_attributes,
)
from .backends.protocol import Backend
from .choices import COVERAGE_FIELDS, GAP_KINDS
from .confidence import Assessment, assess, link_judgement
from .errors import UnknownIdError, UsageError
from .evidence import (
    Tallies,
    Tally,
    Targets,
    is_contested,
    tallies_of_groups,
)
from .model import Confidence
from .results import CmocParts, EvidenceRow, MechanismEvidence, NodeInfo
from .traversal import walks

__all__ = [
    "COVERAGE_FIELDS",
    "GAP_KINDS",
    "theory_links",
    "chains",
    "confidence",
    "contested",
    "coverage",
    "directions",
    "evidence",
    "gaps",
    "neighbourhood",
    "paths",
    "study",
    "unintended",
]

THEORY_NODES = ("Context", "Mechanism", "Outcome")
#: chains an answer shows at most
MAX_CHAINS = 500
#: CMOC walks a chains query follows at most, and chains it counts at most: beyond these
#: it stops and says so, so that time and memory stay bounded on a densely linked theory
MAX_WALKS = 20_000
MAX_COUNTED = 100_000
#: paths a paths query finds at most (the shortest)
MAX_PATHS = 500
#: prefixes a paths query extends at most before it stops and says so
MAX_PATH_STEPS = 200_000
#: steps a walk search takes at most before it stops (walks it had to throw away count too)
MAX_STEPS = 2_000_000


# -- shared helpers ------------------------------------------------------------------------


def resolve(backend: Backend, node_id: str, types: tuple[str, ...], kind: str) -> NodeInfo:
    """The node with ``node_id`` if it is of one of ``types``, or the one node of those
    types whose label is ``node_id`` (any case and spacing); else a clear error that
    suggests the closest ids and labels."""
    from .words import closest_ids, label_key

    found = backend.lookup([node_id]).get(node_id)
    if found is not None and found.type in types:
        return found
    if found is not None:
        article = "an" if found.type[0] in "AEIOU" else "a"
        raise UsageError(f"{node_id!r} is {article} {found.type}, not a {kind}")
    candidates = [n for t in types for n in backend.nodes(t)]
    wanted = label_key(node_id)
    labelled = [n for n in candidates if label_key(n.label) == wanted]
    if len(labelled) == 1:
        return labelled[0]
    if labelled:
        raise UsageError(
            f"{node_id!r} is the label of several nodes ({', '.join(n.id for n in labelled)}); "
            "give one of their ids"
        )
    by_label = {label_key(n.label): n for n in candidates}
    near_labels = [by_label[k].id for k in closest_ids(wanted, by_label)]
    # a word of the label (such as 'faith' in 'Faith in the portfolio') also suggests it
    words = [n.id for n in candidates if wanted and wanted in label_key(n.label).split()]
    near = closest_ids(node_id, [n.id for n in candidates])
    suggestions = list(dict.fromkeys([*near, *words, *([] if near or words else near_labels)]))
    suggestions = suggestions[:5]
    named = {n.id: n.label for n in candidates}
    raise UnknownIdError(
        kind,
        node_id,
        [f"{i} ({named[i]!r})" if i not in near else i for i in suggestions],
        labels=True,
    )


def _labels(backend: Backend, parts: dict[str, CmocParts]) -> dict[str, NodeInfo]:
    ids = sorted({m for p in parts.values() for m in p.members()})
    return backend.lookup(ids) if ids else {}


def _by_cmoc(rows: list[EvidenceRow]) -> dict[str, list[EvidenceRow]]:
    out: dict[str, list[EvidenceRow]] = defaultdict(list)
    for row in rows:
        out[row.cmoc].append(row)
    return out


def _link(
    cmoc: str, source: str, target: str, labels: dict[str, NodeInfo], rows: list[EvidenceRow]
) -> LinkEvidence:
    return LinkEvidence(
        cmoc,
        source,
        target,
        labels[source].label if source in labels else source,
        labels[target].label if target in labels else target,
        [r for r in rows if r.cmoc == cmoc and r.bears_on_link(source, target)],
    )


# -- 1. chains -------------------------------------------------------------------------------


def chains(
    backend: Backend,
    *,
    start: str | None = None,
    end: str | None = None,
    through: str | None = None,
    max_depth: int = 4,
    keep: int = MAX_CHAINS,
    max_walks: int = MAX_WALKS,
) -> ChainsAnswer:
    """Every context -> mechanism -> outcome chain from, to or through a node.

    Chains follow linked CMOCs (LEADS_TO) up to ``max_depth`` CMOCs. Each link lists its
    extracts by stance; each chain names the studies that evidence every link.
    """
    given = [(mode, v) for mode, v in (("from", start), ("to", end), ("through", through)) if v]
    if len(given) > 1:
        raise UsageError(
            "give one of start, end and through, not several", params=("start", "end", "through")
        )
    if not 1 <= max_depth <= 20:
        raise UsageError(f"max_depth must be from 1 to 20, not {max_depth}", params=("max_depth",))
    mode, anchor_id = given[0] if given else ("all", None)
    anchor = None
    if anchor_id is not None:
        anchor = resolve(
            backend, anchor_id, (*THEORY_NODES, "CMOC"), "context, mechanism, outcome or CMOC"
        )
    # walks of CMOCs, each with the index of the step the anchor must sit in
    placed_walks: Iterator[tuple[list[str], int | None]]
    stopped: list[str] = []  # why a walk search stopped early, if it did
    if anchor is None:
        everything = backend.cmoc_parts(None)
        ordered = sorted(everything.values(), key=lambda p: p.seq)
        forward = {p.id: list(p.leads_to) for p in ordered}
        targets = {t for p in ordered for t in p.leads_to}
        placed_walks = (
            (w, None) for w in _all_walks(ordered, targets, forward.__getitem__, max_depth)
        )
    else:
        starts = [anchor.id] if anchor.type == "CMOC" else backend.cmocs_containing(anchor.id)
        if starts and mode == "from" and anchor.type == "Outcome":
            # from an outcome: start where it is the context of a later CMOC, if anywhere
            as_context = [
                c for c, p in backend.cmoc_parts(starts).items() if anchor.id in p.contexts
            ]
            starts = as_context or starts
        if mode == "through":  # both directions, one question a level
            ahead, behind = _hops_both(backend, starts, max_depth)
        else:
            ahead = _hops(backend, starts, "forward", max_depth) if mode != "to" else {}
            behind = _hops(backend, starts, "backward", max_depth) if mode != "from" else {}
        if not starts:
            placed_walks = iter(())
        elif mode == "from":
            placed_walks = ((w, 0) for w in walks(_get(ahead), starts, max_depth))
        elif mode == "to":
            placed_walks = ((w[::-1], len(w) - 1) for w in walks(_get(behind), starts, max_depth))
        else:
            placed_walks = _walks_through(starts, _get(ahead), _get(behind), max_depth, stopped)
    placed = list(itertools.islice(placed_walks, max_walks + 1))
    truncated = len(placed) > max_walks or bool(stopped)
    if truncated:
        del placed[max_walks:]
    cmocs = sorted({c for path, _ in placed for c in path})
    parts = backend.cmoc_parts(cmocs) if cmocs else {}
    labels = _labels(backend, parts)
    rows = backend.evidence(cmocs, texts=False) if cmocs else []  # chains never quote
    placed.sort(key=lambda pi: ([parts[c].seq for c in pi[0]], pi[1] or 0))

    # what a step may take depends on its CMOC, the next one, whether the chain goes on
    # and whether the anchor sits there: the same few answers, asked for again and again
    known: dict[tuple[str, str | None, bool, bool], list[tuple[str, str]]] = {}

    def step(path: list[str], i: int, goes_on: bool, anchored: bool) -> list[tuple[str, str]]:
        after = path[i + 1] if i + 1 < len(path) else None
        key = (path[i], after, goes_on, anchored)
        if key not in known:
            pair = [path[i]] if after is None else [path[i], after]
            known[key] = _step_pairs(
                parts, pair, 0, 2 if goes_on else 1, anchor if anchored else None
            )
        return known[key]

    result: list[Chain] = []
    seen: set[tuple[tuple[str, ...], tuple[tuple[str, str], ...]]] = set()
    for path, at in placed:
        if len(seen) >= MAX_COUNTED:
            truncated = True
            break
        # a chain follows the path as far as its outcomes feed the next CMOC; an outcome
        # that feeds nothing further ends a shorter chain of its own (a branch). What a
        # step may take depends only on whether the chain goes on after it: work both out
        # once per path
        going_on = [step(path, i, True, i == at) for i in range(len(path) - 1)]
        ending = [step(path, i, False, i == at) for i in range(len(path))]
        for length in range(len(path), 0, -1):
            if at is not None and at >= length:
                break
            options = [*going_on[: length - 1], ending[length - 1]]
            if not all(options):
                continue
            for combo in itertools.product(*options):
                key = (tuple(path[:length]), combo)
                if key in seen:
                    continue
                if len(seen) >= MAX_COUNTED:
                    truncated = True
                    break
                seen.add(key)
                if len(result) < keep:
                    result.append(_chain(path[:length], combo, parts, labels, rows))
    _judge_links(backend, [link for c in result for link in c.links])
    return ChainsAnswer(anchor, mode, max_depth, result, total=len(seen), truncated=truncated)


def _judge_links(backend: Backend, links: list[LinkEvidence]) -> None:
    """The confidence in each link (a chain's is its weakest link's), each link judged once."""
    judged = _judgements(backend, sorted({link.cmoc for link in links}))
    known: dict[str, Assessment] = {}
    for link in links:
        if link.id not in known:
            own = link_judgement(judged.get(link.cmoc), link.source, link.target)
            known[link.id] = assess(link.rows, own)
        link.confidence = known[link.id]


def _chain(
    path: list[str],
    combo: tuple[tuple[str, str], ...],
    parts: dict[str, CmocParts],
    labels: dict[str, NodeInfo],
    rows: list[EvidenceRow],
) -> Chain:
    steps = [
        ChainStep(
            c,
            [labels[x] for x in parts[c].contexts],
            labels[m],
            labels[o],
            {
                x: q
                for x in (*parts[c].contexts, *_before(parts[c]), m, o)
                if (q := parts[c].qualifier(x)) is not None
            },
            _handed(parts[path[i - 1]], c, labels[combo[i - 1][1]]) if i else None,
            [labels[x] for x in _before(parts[c])],
        )
        for i, (c, (m, o)) in enumerate(zip(path, combo, strict=True))
    ]
    links = []
    for s in steps:
        first = s.before[0] if s.before else s.mechanism
        links += [_link(s.cmoc, c.id, first.id, labels, rows) for c in s.contexts]
        fired = [*s.before, s.mechanism]
        links += [_link(s.cmoc, a.id, b.id, labels, rows) for a, b in itertools.pairwise(fired)]
        links.append(_link(s.cmoc, s.mechanism.id, s.outcome.id, labels, rows))
    return Chain(steps, links)


def _before(p: CmocParts) -> tuple[str, ...]:
    """The mechanisms that fire before the last one, in a CMOC whose mechanisms are a
    sequence (none otherwise)."""
    return p.mechanisms[:-1] if p.sequence else ()


def _handed(before: CmocParts, cmoc: str, outcome: NodeInfo) -> dict[str, str] | None:
    """How ``before`` hands ``outcome`` on to ``cmoc``, when the review says more than
    'its outcome is the next context' (a role, who says so, a note)."""
    role, _, provenance, note = before.hand_off(cmoc)
    if role == "context" and provenance is None and note is None:
        return None
    out = {"role": role, "outcome": outcome.id, "label": outcome.label}
    out.update({k: v for k, v in (("provenance", provenance), ("note", note)) if v})
    return out


def _hops(backend: Backend, starts: list[str], direction: str, max_cmocs: int) -> dict[str, list]:
    """The hand-offs a walk of at most ``max_cmocs`` CMOCs from ``starts`` can take, one
    direction, fetched a level at a time (one question to the store per level)."""
    found: dict[str, list[str]] = {}
    frontier = list(dict.fromkeys(starts))
    for _ in range(max_cmocs - 1):
        if not frontier:
            break
        found.update(backend.leads_to(frontier, direction))
        frontier = list(
            dict.fromkeys(c for f in frontier for c in found.get(f, ()) if c not in found)
        )
    return found


def _hops_both(
    backend: Backend, starts: list[str], max_cmocs: int
) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """:func:`_hops` forward and backward at once: the CMOCs each direction reaches are
    asked about together, one question to the store per level."""
    ahead: dict[str, list[str]] = {}
    behind: dict[str, list[str]] = {}
    forward = backward = list(dict.fromkeys(starts))
    for _ in range(max_cmocs - 1):
        asked = list(dict.fromkeys([*forward, *backward]))
        if not asked:
            break
        found = backend.hand_offs(asked)
        for cmoc in forward:
            ahead[cmoc] = found.get(cmoc, ([], []))[0]
        for cmoc in backward:
            behind[cmoc] = found.get(cmoc, ([], []))[1]
        forward = list(dict.fromkeys(c for f in forward for c in ahead[f] if c not in ahead))
        backward = list(dict.fromkeys(c for b in backward for c in behind[b] if c not in behind))
    return ahead, behind


def _get(hops: dict[str, list[str]]) -> Callable[[str], list[str]]:
    return lambda cmoc: hops.get(cmoc, [])


def _all_walks(
    ordered: list[CmocParts],
    targets: set[str],
    ahead: Callable[[str], list[str]],
    max_depth: int,
) -> Iterator[list[str]]:
    """Walks from every CMOC nothing leads into; then from the first CMOC of each cycle
    no such walk reached (CMOCs only on cycles have no start of their own)."""
    covered: set[str] = set()
    for found in walks(ahead, [p.id for p in ordered if p.id not in targets], max_depth):
        covered.update(found)
        yield found
    for p in ordered:
        if p.id not in covered:
            for found in walks(ahead, [p.id], max_depth):
                covered.update(found)
                yield found


def _walks_through(
    starts: list[str],
    ahead: Callable[[str], list[str]],
    behind: Callable[[str], list[str]],
    max_depth: int,
    stopped: list[str],
) -> Iterator[tuple[list[str], int]]:
    """Walks through each start: a walk back to it joined to a walk on from it (at most
    ``max_depth`` CMOCs in all, none twice); after :data:`MAX_STEPS` joins it notes in
    ``stopped`` that it stopped, and stops."""
    steps = 0
    for start in starts:
        for back in walks(behind, [start], max_depth):
            for fwd in walks(ahead, [start], max_depth - len(back) + 1):
                steps += 1
                if steps > MAX_STEPS:
                    stopped.append("steps")
                    return
                path = back[::-1] + fwd[1:]
                if len(set(path)) == len(path):
                    yield path, len(back) - 1


def _step_pairs(
    parts: dict[str, CmocParts],
    path: list[str],
    i: int,
    length: int,
    anchor: NodeInfo | None,
) -> list[tuple[str, str]]:
    """The (mechanism, outcome) pairs step ``i`` of a chain of ``length`` steps may take."""
    p = parts[path[i]]
    ordered = p.sequence and len(p.mechanisms) > 1
    # a sequence of mechanisms is one path through the configuration: its last mechanism
    # leads to the outcomes; side by side, each mechanism does
    pairs = list(itertools.product(p.mechanisms[-1:] if ordered else p.mechanisms, p.outcomes))
    anchored_here = anchor is not None and anchor.type != "CMOC" and anchor.id not in p.contexts
    if anchored_here and not (ordered and anchor is not None and anchor.id in p.mechanisms):
        pairs = [pair for pair in pairs if anchor is not None and anchor.id in pair]
    if i + 1 < len(path):
        feeds = p.feeds(parts[path[i + 1]])
        if i + 1 < length:
            # the next CMOC names some outcomes of this one as its contexts: go through them
            if feeds:
                pairs = [pair for pair in pairs if pair[1] in feeds]
        elif not feeds:
            return []  # every outcome carries on, so stopping here only repeats a prefix
        else:
            pairs = [pair for pair in pairs if pair[1] not in feeds]
    return pairs


# -- 2. evidence -----------------------------------------------------------------------------

_LINK = re.compile(r"^\s*([^\s>-][^\s>]*?)\s*->\s*(\S+)\s*$")


def evidence(backend: Backend, target: str, *, cmoc: str | None = None) -> EvidenceAnswer:
    """Every extract bearing on a node, a link (``FROM->TO``) or a CMOC, by stance."""
    match = _LINK.match(target)
    if match:
        source_id, target_id = match.groups()
        source = resolve(backend, source_id, THEORY_NODES, "context, mechanism or outcome")
        dest = resolve(backend, target_id, THEORY_NODES, "context, mechanism or outcome")
        candidates = backend.cmocs_containing(source.id)
        if cmoc is not None:
            cmoc = resolve(backend, cmoc, ("CMOC",), "CMOC").id
            candidates = [c for c in candidates if c == cmoc]
        parts = backend.cmoc_parts(candidates) if candidates else {}
        holding = [c for c, p in parts.items() if (source.id, dest.id) in p.links()]
        if not holding:
            where = f" of CMOC {cmoc!r}" if cmoc else " of any CMOC"
            raise UsageError(
                f"{source.id} -> {dest.id} is not a link{where}; a link goes from a context "
                "to a mechanism or from a mechanism to an outcome of the same CMOC"
            )
        found, studies = backend.evidence_with_studies(holding)
        rows = [r for r in found if r.bears_on_link(source.id, dest.id)]
        tid, tlabel, ttype = f"{source.id}->{dest.id}", f"{source.label} -> {dest.label}", "Link"
        qualified = _qualified({c: parts[c] for c in holding}, [source.id, dest.id])
    else:
        node = resolve(
            backend, target.strip(), (*THEORY_NODES, "CMOC"), "context, mechanism, outcome or CMOC"
        )
        if node.type == "CMOC":
            if cmoc is not None:
                raise UsageError(
                    "cmoc narrows the evidence on a node or a link, not a CMOC", params=("cmoc",)
                )
            rows, studies = backend.evidence_with_studies([node.id])
            parts = backend.cmoc_parts([node.id])
            qualified = _qualified(parts, list(parts[node.id].members()) if parts else [])
        else:
            cmocs = backend.cmocs_containing(node.id)
            if cmoc is not None:
                cmoc = resolve(backend, cmoc, ("CMOC",), "CMOC").id
                if cmoc not in cmocs:
                    raise UsageError(
                        f"CMOC {cmoc!r} does not hold {node.id}; it is in: "
                        + (", ".join(cmocs) or "no CMOC")
                    )
                cmocs = [cmoc]
            found, studies = backend.evidence_with_studies(cmocs) if cmocs else ([], {})
            rows = [r for r in found if r.bears_on_node(node.id)]
            qualified = _qualified(backend.cmoc_parts(cmocs) if cmocs else {}, [node.id])
        tid, tlabel, ttype = node.id, node.label, node.type
    cited = {r.study for r in rows}
    by_id = {i: studies[i] for i in sorted(cited) if i in studies}
    return EvidenceAnswer(tid, tlabel, ttype, rows, by_id, qualified)


def _qualified(parts: dict[str, CmocParts], ids: list[str]) -> dict[str, str]:
    """How each CMOC qualifies what the evidence is asked about ('not-activated: ...';
    for several nodes, each named): the direction the evidence bears on, CMOC by CMOC."""
    out: dict[str, str] = {}
    for c, p in sorted(parts.items(), key=lambda cp: cp[1].seq):
        said = [(i, q) for i in ids if (q := p.qualifier(i)) is not None]
        if said:
            out[c] = said[0][1] if len(ids) == 1 else "; ".join(f"{i}: {q}" for i, q in said)
    return out


# -- 3. gaps and 4. contested ------------------------------------------------------------------


def _everything(
    backend: Backend, *, labelled: bool = True, texts: bool = True
) -> tuple[dict[str, CmocParts], dict[str, NodeInfo], Targets[EvidenceRow]]:
    parts = backend.cmoc_parts(None)
    labels = _labels(backend, parts) if labelled else {}
    return parts, labels, Targets(backend.evidence(None, texts=texts))


def _holding(parts: dict[str, CmocParts]) -> dict[str, list[str]]:
    """Each node, and the CMOCs that hold it, in CMOC order."""
    held: dict[str, list[str]] = defaultdict(list)
    for p in sorted(parts.values(), key=lambda p: p.seq):
        for member in dict.fromkeys(p.members()):
            held[member].append(p.id)
    return held


def _node_rows(
    node: str, held: dict[str, list[str]], targets: Targets[EvidenceRow], *, ordered: bool
) -> list[EvidenceRow]:
    """The extracts that bear on ``node``, through the CMOCs that hold it, CMOC by CMOC
    (in file order within each, or in no particular order where only counts matter)."""
    return [r for c in held.get(node, ()) for r in targets.on_node(c, node, ordered=ordered)]


def tallies(
    backend: Backend,
    parts: dict[str, CmocParts] | None = None,
    nodes: list[str] | None = None,
    *,
    fast: bool = True,
) -> Tallies:
    """The evidence on each of ``nodes`` (default: every context, mechanism and outcome),
    on every CMOC and on every link, by the evidence rules.

    Counted from the backend's grouped extracts where it offers them (``fast``), else from
    every extract: the reference, which the grouping is tested against.
    """
    parts = backend.cmoc_parts(None) if parts is None else parts
    if nodes is None:
        nodes = [node.id for label in THEORY_NODES for node in backend.nodes(label)]
    groups = backend.evidence_groups() if fast else None
    if groups is not None:
        return tallies_of_groups(groups, parts, nodes)
    targets = Targets(backend.evidence(None, texts=False))
    held = _holding(parts)
    on_node = {n: Tally.of(_node_rows(n, held, targets, ordered=False)) for n in nodes}
    on_cmoc = {c: Tally.of(targets.on_cmoc(c)) for c in parts}
    on_link = {
        (c, s, t): Tally.of(targets.on_link(c, s, t, ordered=False))
        for c, p in parts.items()
        for s, t in p.links()
    }
    return on_node, on_cmoc, on_link


def mechanism_evidence(backend: Backend, *, fast: bool = True) -> list[MechanismEvidence]:
    """The evidence per mechanism (``stats``), by the rules of :func:`tallies`."""
    mechanisms = backend.nodes("Mechanism")
    on_node, _, _ = tallies(backend, nodes=[m.id for m in mechanisms], fast=fast)
    out = []
    for node in mechanisms:
        t = on_node[node.id]
        out.append(
            MechanismEvidence(
                id=node.id,
                label=node.label,
                extracts=t.extracts,
                studies=t.studies,
                supports=t.supports,
                refutes=t.refutes,
                refines=t.refines,
                quoted_supporting=t.quoted_supporting,
            )
        )
    return out


def gaps(backend: Backend, *, kinds: list[str] | None = None, min_studies: int = 2) -> GapsAnswer:
    """Things with no evidence, only refuting evidence, or fewer than ``min_studies`` studies."""
    chosen = kinds or list(GAP_KINDS)
    unknown = [k for k in chosen if k not in GAP_KINDS]
    if unknown:
        raise UsageError(f"unknown kind {unknown[0]!r}; allowed: {', '.join(GAP_KINDS)}")
    if min_studies < 1:
        raise UsageError("min_studies must be at least 1", params=("min_studies",))
    parts = backend.cmoc_parts(None)
    labels = _labels(backend, parts)
    types = [GAP_KINDS[k] for k in chosen]
    nodes_of = {t: backend.nodes(t) for t in THEORY_NODES if t in types}
    node_ids = [node.id for found in nodes_of.values() for node in found]
    on_node, on_cmoc, on_link = tallies(backend, parts, node_ids)
    found: list[GapRow] = []
    totals: dict[str, tuple[int, int]] = {}

    def judge(item_id: str, label: str, type_: str, tally: Tally) -> bool:
        supporting = tally.supporting
        if not tally.extracts:
            gap = "no evidence"
        elif not supporting:
            gap = "only refuting evidence"
        elif supporting < min_studies:
            gap = "single study" if supporting == 1 else f"only {supporting} supporting studies"
        else:
            return True
        found.append(
            GapRow(
                item_id,
                label,
                type_,
                gap,
                tally.studies,
                tally.extracts,
                tally.supports,
                tally.refutes,
                tally.refines,
            )
        )
        return tally.evidenced

    none = Tally()
    for kind in chosen:
        type_ = GAP_KINDS[kind]
        evidenced = total = 0
        if type_ in THEORY_NODES:
            for node in nodes_of[type_]:
                tally = on_node.get(node.id, none)
                judge(node.id, node.label, type_, tally)
                evidenced += tally.evidenced
                total += 1
        elif type_ == "CMOC":
            for p in sorted(parts.values(), key=lambda p: p.seq):
                tally = on_cmoc.get(p.id, none)
                judge(p.id, p.label, "CMOC", tally)
                evidenced += tally.evidenced
                total += 1
        else:
            for p in sorted(parts.values(), key=lambda p: p.seq):
                for source, target in p.links():
                    tally = on_link.get((p.id, source, target), none)
                    link = _link(p.id, source, target, labels, [])
                    judge(link.id, link.label, "Link", tally)
                    evidenced += tally.evidenced
                    total += 1
        totals[type_] = (evidenced, total)
    severity = {"no evidence": 0, "only refuting evidence": 1}
    order = {t: i for i, t in enumerate(GAP_KINDS.values())}
    found.sort(key=lambda r: (order[r.type], severity.get(r.gap, 2)))
    return GapsAnswer(chosen, min_studies, found, totals)


def contested(backend: Backend) -> ContestedAnswer:
    """Links and CMOCs with both supporting and refuting evidence."""
    parts, labels, targets = _everything(backend)

    def split(rows: list[EvidenceRow]) -> bool:
        return is_contested(rows)

    links = []
    cmocs = []
    cmoc_nodes = backend.lookup([p.id for p in parts.values()])
    for p in sorted(parts.values(), key=lambda p: p.seq):
        rows: list[EvidenceRow] = targets.on_cmoc(p.id)
        for source, target in p.links():
            on_link = targets.on_link(p.id, source, target)
            link = _link(p.id, source, target, labels, on_link)
            if split(link.rows):
                links.append(link)
        if split(rows):
            cmocs.append((cmoc_nodes[p.id], rows))
    return ContestedAnswer(links, cmocs)


# -- 9. confidence -------------------------------------------------------------------------------


def _judgements(backend: Backend, cmocs: list[str]) -> dict[str, Confidence | None]:
    """The reviewers' own confidence judgements of some CMOCs (their ``confidence``)."""
    found = backend.lookup(cmocs) if cmocs else {}
    return {c: read_confidence(node.props.get("confidence")) for c, node in found.items()}


def confidence(backend: Backend, *, cmoc: str | None = None) -> ConfidenceAnswer:
    """The confidence in each CMOC (or in one) and in each of its links, in the spirit of
    GRADE-CERQual, every judgement explained (the rules: :mod:`theorygraph.confidence`)."""
    if cmoc is not None:
        cmoc = resolve(backend, cmoc, ("CMOC",), "CMOC").id
    parts = backend.cmoc_parts(None if cmoc is None else [cmoc])
    ordered = sorted(parts.values(), key=lambda p: p.seq)
    ids = [p.id for p in ordered]
    labels = _labels(backend, parts)
    rows = backend.evidence(None if cmoc is None else ids, texts=False) if ids else []
    targets = Targets(rows)
    judged = _judgements(backend, ids)
    items = []
    for p in ordered:
        own = judged.get(p.id)
        item = ConfidenceItem(p.id, p.label, "CMOC", p.id, assess(targets.on_cmoc(p.id), own))
        for source, target in p.links():
            link = _link(p.id, source, target, labels, [])
            judgement = assess(
                targets.on_link(p.id, source, target), link_judgement(own, source, target)
            )
            item.links.append(
                ConfidenceItem(link.id, link.label, "Link", p.id, judgement, source, target)
            )
        items.append(item)
    return ConfidenceAnswer(items, cmoc)


# -- 5. unintended -------------------------------------------------------------------------------


def unintended(backend: Backend, *, max_depth: int = 4) -> UnintendedAnswer:
    """Unintended outcomes and the chains that lead to them."""
    every = backend.nodes("Outcome")
    found = [o for o in every if o.props.get("intended") is False]
    unknown = sum(1 for o in every if o.props.get("intended") is None)
    if not 1 <= max_depth <= 20:
        raise UsageError(f"max_depth must be from 1 to 20, not {max_depth}", params=("max_depth",))
    outcomes = []
    room = MAX_CHAINS  # chains shown in all, over every outcome
    # the walks each outcome may take, so that all of them together take one query's
    walks_each = max(MAX_WALKS // max(len(found), 1), 100)
    for outcome in found:
        answer = chains(
            backend, end=outcome.id, max_depth=max_depth, keep=room, max_walks=walks_each
        )
        if answer.total > len(answer.chains):
            answer.truncated = True  # some chains are left out at the limit
        room -= len(answer.chains)
        outcomes.append((outcome, answer))
    return UnintendedAnswer(outcomes, outcomes_in_all=len(every), unclassified=unknown)


# -- 6. study and coverage ---------------------------------------------------------------------


def study(backend: Backend, study_id: str) -> StudyAnswer:
    """What one study supports, refutes or refines, link by link."""
    node = resolve(backend, study_id, ("Study",), "study")
    record = backend.studies([node.id])[0]
    rows = backend.evidence(study=node.id)
    cmocs = sorted({r.cmoc for r in rows})
    parts = backend.cmoc_parts(cmocs) if cmocs else {}
    labels = _labels(backend, parts)
    links = []
    touched: dict[str, int] = defaultdict(int)
    for p in sorted(parts.values(), key=lambda p: p.seq):
        for source, target in p.links():
            link = _link(p.id, source, target, labels, rows)
            if link.rows:
                links.append(link)
        for mech in p.mechanisms:
            touched[mech] += sum(1 for r in rows if r.cmoc == p.id and r.bears_on_node(mech))
    mechanisms = [(labels[m], n) for m, n in touched.items() if n]
    return StudyAnswer(record, links, rows, mechanisms)


def _values(record: dict[str, Any], by: str) -> list[str]:
    if by not in COVERAGE_FIELDS and by != "tags":  # one of the review's own attributes
        return attribute_values(record.get(ATTRIBUTE_PREFIX + by))
    if by == "tags":
        return [str(t) for t in record.get("tags") or []] or ["no tag"]
    value = record.get(by)
    if by == "service_user_involvement":
        return ["unknown" if value is None else ("yes" if value else "no")]
    if by == "participants":
        return [str(v) for v in value] if value else ["unknown"]
    return [str(value)] if value not in (None, "") else ["unknown"]


def coverage(backend: Backend, *, by: str = "design") -> CoverageAnswer:
    """How each mechanism's evidence spreads over a study field (distinct studies)."""
    records = {s["id"]: s for s in backend.studies()}
    own = sorted({name for record in records.values() for name in study_attributes(record)})
    if by not in (*COVERAGE_FIELDS, "tags", *own):
        allowed = ", ".join((*COVERAGE_FIELDS, "tags"))
        if own:
            allowed += "; the review's own attributes: " + ", ".join(own)
        raise UsageError(f"cannot cover by {by!r}; allowed: {allowed}", params=("by",))
    all_studies: dict[str, int] = defaultdict(int)
    for record in records.values():
        for value in _values(record, by):
            all_studies[value] += 1
    parts, _, targets = _everything(backend, labelled=False, texts=False)
    held = _holding(parts)
    rows = []
    for mech in backend.nodes("Mechanism"):
        evidence_rows = _node_rows(mech.id, held, targets, ordered=True)
        studies: dict[str, set[str]] = defaultdict(set)
        extracts: dict[str, int] = defaultdict(int)
        for r in evidence_rows:
            for value in _values(records.get(r.study, {}), by):
                studies[value].add(r.study)
                extracts[value] += 1
        rows.append(
            (
                mech,
                {v: len(s) for v, s in studies.items()},
                dict(extracts),
                len({r.study for r in evidence_rows}),
            )
        )
    values = set(all_studies)
    if by == "service_user_involvement":
        values |= {"yes", "no"}
        all_studies.setdefault("yes", 0)
    ordered = sorted(values, key=lambda v: (v == "unknown", _sort_key(v)))
    return CoverageAnswer(by, ordered, rows, {v: all_studies.get(v, 0) for v in ordered})


def directions(backend: Backend) -> DirectionsAnswer:
    """How the CMOCs qualify each context, mechanism and outcome (increased, decreased,
    present, absent, activated, not activated), node by node."""
    parts = backend.cmoc_parts(None)
    found: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for p in sorted(parts.values(), key=lambda p: p.seq):
        for node, word, _ in p.qualifiers:
            if word is not None:
                found[node][word].append(p.id)
    labels = backend.lookup(sorted(found)) if found else {}
    order = {t: i for i, t in enumerate(THEORY_NODES)}
    nodes = sorted(labels.values(), key=lambda n: (order.get(n.type, 3), n.id))
    # the evidence on each node, kept apart by direction: the studies behind the CMOCs
    # that qualify it so, bearing on it
    qualified = sorted({c for words in found.values() for cmocs in words.values() for c in cmocs})
    targets = Targets(backend.evidence(qualified, texts=False)) if qualified else None
    studies: dict[str, dict[str, int]] = {}
    for n in nodes:
        studies[n.id] = {
            word: len(
                {
                    r.study
                    for c in cmocs
                    for r in (targets.on_node(c, n.id, ordered=False) if targets else [])
                }
            )
            for word, cmocs in found[n.id].items()
        }
    return DirectionsAnswer([(n, dict(found[n.id])) for n in nodes], studies)


def _sort_key(value: str) -> tuple[int, Any]:
    return (0, int(value)) if value.isdigit() else (1, value)


# -- 7. paths and neighbourhood ----------------------------------------------------------------


def theory_links(parts: dict[str, CmocParts]) -> list[tuple[str, str, str, str]]:
    """(source, target, cmoc, type) for every link and every LEADS_TO bridge."""
    out = []
    for p in sorted(parts.values(), key=lambda p: p.seq):
        for source, target in p.links():
            out.append((source, target, p.id, "Link"))
    for p in sorted(parts.values(), key=lambda p: p.seq):
        for nxt in p.leads_to:
            if nxt not in parts:
                continue
            role, outcome, _, _ = p.hand_off(nxt)
            handed = [outcome] if outcome is not None else list(p.outcomes)
            if role == "mechanism":  # the outcome feeds the next CMOC's mechanism
                for o in handed:
                    for m in parts[nxt].mechanisms:
                        out.append((o, m, f"{p.id}->{nxt}", "LeadsTo"))
                continue
            if set(handed) & set(parts[nxt].contexts):
                continue  # the next CMOC names the outcome as its context: links carry it
            for o in handed:
                for c in parts[nxt].contexts:
                    out.append((o, c, f"{p.id}->{nxt}", "LeadsTo"))
    return out


def _edge_dicts(
    edges: list[tuple[str, str, str, str]],
    labels: dict[str, NodeInfo],
    by_cmoc: dict[str, list[EvidenceRow]],
) -> list[dict[str, Any]]:
    out = []
    for source, target, cmoc, type_ in edges:
        if type_ == "Link":
            link = _link(cmoc, source, target, labels, by_cmoc.get(cmoc, []))
            out.append(link.as_dict())
        else:
            out.append(
                {
                    "id": f"{cmoc}:{source}->{target}",
                    "label": "leads to",
                    "type": "LeadsTo",
                    "cmoc": cmoc,
                    "from": source,
                    "to": target,
                    "studies": 0,
                    "extracts": 0,
                }
            )
    return out


def subgraph(
    backend: Backend,
    node_ids: set[str] | None = None,
    *,
    query: str = "map",
    description: str = "the whole theory",
) -> SubgraphAnswer:
    """Nodes (all, or ``node_ids``) with every link and bridge between them, with evidence."""
    parts = backend.cmoc_parts(None)
    edges = [
        e
        for e in theory_links(parts)
        if node_ids is None or (e[0] in node_ids and e[1] in node_ids)
    ]
    labels = _labels(backend, parts)
    keep = set(labels) if node_ids is None else node_ids
    used_cmocs = sorted({e[2] for e in edges if e[3] == "Link"})
    by_cmoc = _by_cmoc(backend.evidence(used_cmocs)) if used_cmocs else {}
    order = {
        i: n
        for n, i in enumerate(sorted(labels, key=lambda i: (THEORY_NODES.index(labels[i].type), i)))
    }
    nodes = sorted((labels[i] for i in keep if i in labels), key=lambda n: order[n.id])
    return SubgraphAnswer(query, description, nodes, _edge_dicts(edges, labels, by_cmoc))


def _configuration_graph(parts: dict[str, CmocParts], undirected: bool) -> Any:
    """The theory as configurations state it: a state is a node *in one CMOC*. A step goes
    along a link that CMOC states, or from one CMOC to the next through a hand-off: the
    outcome of one that the next takes as its context (no step of its own), or, where the
    next names none of its outcomes, the stated leads_to from each outcome to each of its
    contexts, or, for a hand-off to the next CMOC's mechanism, from the outcome to that
    mechanism (a step, shown as a "leads to" bridge)."""
    import networkx as nx

    graph = nx.Graph() if undirected else nx.DiGraph()
    for source, target, via, type_ in theory_links(parts):
        if type_ == "Link":
            graph.add_edge((via, source), (via, target), weight=1, via=via)
        else:
            first, nxt = via.split("->", 1)
            graph.add_edge((first, source), (nxt, target), weight=1, via=via)
    for p in parts.values():
        for nxt in p.leads_to:
            if nxt in parts and p.hand_off(nxt)[0] == "context":
                for o in p.feeds(parts[nxt]) & set(parts[nxt].contexts):
                    graph.add_edge((p.id, o), (nxt, o), weight=0, via=None)
    return graph


State = tuple[str, str]  # a node in one CMOC
#: how a state was reached: from a state by a step (via: the CMOC or bridge), or None
Reached = dict[State, tuple[State, str | None] | None]


class _Stop(Exception):
    """The path search reached its limit."""


def _configuration_paths(
    graph: Any, a: str, b: str, max_depth: int
) -> tuple[list[tuple[list[str], list[str]]], set[tuple[str, str, str]], bool]:
    """The node-simple paths from ``a`` to ``b`` that some route through configurations
    states (shortest first, each once however many routes state it), with the CMOCs of
    one route each, the (from, to, via) steps those routes take, and whether the search
    stopped at its limit."""
    import math
    from collections import deque

    directed = graph.is_directed()
    onward = graph.successors if directed else graph.neighbors
    backward = graph.predecessors if directed else graph.neighbors
    states_of: dict[str, list[State]] = defaultdict(list)
    for state in graph.nodes:
        states_of[state[1]].append(state)
    # links still needed from each state to reach b, ignoring that nodes are visited once:
    # a lower bound that prunes prefixes which cannot arrive in time (0-1 breadth first)
    need: dict[State, int] = {s: 0 for s in states_of.get(b, [])}
    queue = deque(need)
    while queue:
        state = queue.popleft()
        for before in backward(state):
            weight = graph.edges[before, state]["weight"]
            if need[state] + weight < need.get(before, math.inf):
                need[before] = need[state] + weight
                (queue.appendleft if weight == 0 else queue.append)(before)

    def closed(entry: Reached) -> Reached:
        """The states reached, and those one hand-off (or several) further on."""
        out = dict(entry)
        stack = list(entry)
        while stack:
            state = stack.pop()
            for nxt in onward(state):
                if graph.edges[state, nxt]["weight"] == 0 and nxt not in out:
                    out[nxt] = (state, None)
                    stack.append(nxt)
        return out

    found: list[tuple[list[str], list[str]]] = []
    used: set[tuple[str, str, str]] = set()
    steps = 0

    def record(nodes: list[str], layers: list[Reached]) -> None:
        state = min(s for s in layers[-1] if s[1] == b)
        route = [state]
        i = len(layers) - 1
        while (back := layers[i][state]) is not None:
            before, via = back
            if via is not None:  # a step from the layer before
                used.add((before[1], state[1], via))
                if not directed:
                    used.add((state[1], before[1], via))
                i -= 1
            state = before
            route.append(state)
        route.reverse()
        cmocs = [c for j, (c, _) in enumerate(route) if j == 0 or c != route[j - 1][0]]
        found.append((nodes, cmocs))

    def extend(nodes: list[str], layers: list[Reached], length: int) -> None:
        nonlocal steps
        if len(nodes) - 1 == length:
            if nodes[-1] == b:
                if len(found) == MAX_PATHS:
                    raise _Stop
                record(nodes, layers)
            return
        left = length - len(nodes)  # links still to take after the next one
        ahead: dict[str, Reached] = {}
        for state in layers[-1]:
            for nxt in onward(state):
                step = graph.edges[state, nxt]
                node = nxt[1]
                if step["weight"] == 0 or node in nodes or need.get(nxt, math.inf) > left:
                    continue
                if node == b and left:
                    continue  # a path ends where it first reaches b
                ahead.setdefault(node, {}).setdefault(nxt, (state, step["via"]))
        for node in sorted(ahead):
            steps += 1
            if steps > MAX_PATH_STEPS:
                raise _Stop
            extend([*nodes, node], [*layers, closed(ahead[node])], length)

    first = closed({s: None for s in states_of.get(a, [])})
    truncated = False
    if a != b and first:
        try:
            for length in range(1, max_depth + 1):
                extend([a], [first], length)
        except _Stop:
            truncated = True
    return found, used, truncated


def paths(
    backend: Backend,
    source: str,
    target: str,
    *,
    max_depth: int = 6,
    undirected: bool = False,
    across_cmocs: bool = False,
) -> SubgraphAnswer:
    """Every simple path of links between two nodes, at most ``max_depth`` links long.

    A path steps only along links one CMOC states, and from one CMOC to another only
    through a hand-off (leads_to): it never joins the links of two configurations at a
    node they happen to share. ``across_cmocs`` walks the node-level graph instead (every
    link of every CMOC, joined wherever nodes are shared), and says so.
    """

    a = resolve(backend, source, THEORY_NODES, "context, mechanism or outcome")
    b = resolve(backend, target, THEORY_NODES, "context, mechanism or outcome")
    if not 1 <= max_depth <= 20:
        raise UsageError(f"max_depth must be from 1 to 20, not {max_depth}", params=("max_depth",))
    parts = backend.cmoc_parts(None)
    if across_cmocs:
        return _node_level_paths(backend, parts, a.id, b.id, max_depth, undirected)
    found, used, truncated = _configuration_paths(
        _configuration_graph(parts, undirected), a.id, b.id, max_depth
    )
    keep = {n for nodes, _ in found for n in nodes}
    answer = subgraph(backend, keep, query="paths", description=f"paths from {a.id} to {b.id}")
    answer.edges = [e for e in answer.edges if (e["from"], e["to"], e["cmoc"]) in used]
    answer.paths = [nodes for nodes, _ in found]
    answer.routes = [cmocs for _, cmocs in found]
    answer.truncated = truncated
    if not found:
        answer.nodes = []
    return answer


def _node_level_paths(
    backend: Backend,
    parts: dict[str, CmocParts],
    a: str,
    b: str,
    max_depth: int,
    undirected: bool,
) -> SubgraphAnswer:
    """Paths over the node-level graph: every link of every CMOC, joined at any shared
    node. Such a path may state a chain no configuration states; the answer says so."""
    import networkx as nx

    graph: nx.Graph = nx.Graph() if undirected else nx.DiGraph()
    for s, t, _, _ in theory_links(parts):
        graph.add_edge(s, t)
    found: list[list[str]] = []
    truncated = False
    if a in graph and b in graph and a != b and nx.has_path(graph, a, b):
        for path in nx.shortest_simple_paths(graph, a, b):
            if len(path) - 1 > max_depth:
                break
            if len(found) == MAX_PATHS:
                truncated = True
                break
            found.append(path)
        found.sort(key=lambda p: (len(p), p))
    nodes = {n for p in found for n in p}
    pairs = {(p[i], p[i + 1]) for p in found for i in range(len(p) - 1)}
    if undirected:
        pairs |= {(y, x) for x, y in pairs}
    answer = subgraph(
        backend,
        nodes,
        query="paths",
        description=(
            f"node-level paths from {a} to {b} (links of any CMOCs joined at shared nodes: "
            "a path may state a chain no configuration states)"
        ),
    )
    answer.edges = [e for e in answer.edges if (e["from"], e["to"]) in pairs]
    answer.paths = found
    answer.truncated = truncated
    if not found:
        answer.nodes = []
    return answer


def neighbourhood(backend: Backend, node_id: str, *, depth: int = 1) -> SubgraphAnswer:
    """The sub-theory around a node: everything within ``depth`` links, either way."""
    import networkx as nx

    node = resolve(backend, node_id, (*THEORY_NODES, "CMOC"), "context, mechanism, outcome or CMOC")
    if not 0 <= depth <= 20:
        raise UsageError(f"depth must be from 0 to 20, not {depth}", params=("depth",))
    parts = backend.cmoc_parts(None)
    graph = nx.Graph()
    for s, t, _, _ in theory_links(parts):
        graph.add_edge(s, t)
    starts = list(parts[node.id].members()) if node.type == "CMOC" else [node.id]
    keep: set[str] = set()
    for start in starts:
        if start in graph:
            keep |= set(nx.single_source_shortest_path_length(graph, start, cutoff=depth))
        else:
            keep.add(start)
    return subgraph(
        backend,
        keep,
        query="neighbourhood",
        description=f"neighbourhood of {node.id} to depth {depth}",
    )
