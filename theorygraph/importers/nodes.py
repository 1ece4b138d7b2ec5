"""Naming contexts, mechanisms, outcomes and CMOCs by id or by label.

A :class:`NodeBook` knows every node of the base theory and those an import creates.
A name is an id of an existing node, else the label of one (case and spacing do not
count), else a new node whose id is the label's slug (``c-``, ``m-``, ``o-`` prefix).
A context may also be an outcome of another CMOC (linked CMOCs), so a context name
that matches no context is looked up among the outcomes, including outcomes that later
rows of the same import name (:meth:`NodeBook.expect_outcomes`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from ..model import CMOC, Context, Mechanism, Outcome, TheoryDocument, is_valid_id
from .ids import label_key, slugify, unique_id
from .values import BadValue, short

__all__ = ["ROLES", "NewCmoc", "NodeBook"]

#: CMOC role -> (section, id prefix, word)
ROLES = {
    "contexts": ("contexts", "c-", "context"),
    "mechanisms": ("mechanisms", "m-", "mechanism"),
    "outcomes": ("outcomes", "o-", "outcome"),
}
#: the roles a new CMOC cannot do without (a context may be missing, as in CMO tables
#: that keep incomplete configurations; validation warns)
REQUIRED_ROLES = ("mechanisms", "outcomes")
_MODEL = {"contexts": Context, "mechanisms": Mechanism, "outcomes": Outcome}

Undo = Callable[[], None]


@dataclass
class NewCmoc:
    """A CMOC the import creates; rows add its nodes as they name them."""

    id: str
    label: str | None
    #: nodes named by rows on the whole CMOC (their order wins), then by link rows
    whole: dict[str, list[str]] = field(default_factory=lambda: {r: [] for r in ROLES})
    linked: dict[str, list[str]] = field(default_factory=lambda: {r: [] for r in ROLES})
    rows: list[int] = field(default_factory=list)

    def members(self, role: str) -> list[str]:
        return self.whole[role] + [n for n in self.linked[role] if n not in self.whole[role]]


class NodeBook:
    """Every node and CMOC by id and by label, with the ones this import adds."""

    def __init__(self, base: TheoryDocument | None, taken: set[str], log: list[Undo]) -> None:
        self.taken = taken  # every id in the review, shared with the other books
        self.log = log  # undo steps of the current row
        self.labels: dict[str, dict[str, str]] = {s: {} for s in ROLES}  # id -> label
        self.by_label: dict[str, dict[str, list[str]]] = {s: defaultdict(list) for s in ROLES}
        self.new: dict[str, list[str]] = {s: [] for s in ROLES}
        self.expected_outcomes: set[str] = set()
        self.base_cmocs: dict[str, CMOC] = {}
        self.new_cmocs: dict[str, NewCmoc] = {}
        self.cmoc_labels: dict[str, str] = {}
        for section in ROLES:
            for node in getattr(base, section, []) if base else []:
                self._remember(section, node.id, node.label)
        for cmoc in base.cmocs if base else []:
            self.base_cmocs[cmoc.id] = cmoc
            self.cmoc_labels.setdefault(label_key(cmoc.label), cmoc.id)

    def _remember(self, section: str, node_id: str, label: str) -> None:
        self.labels[section][node_id] = label
        self.by_label[section][label_key(label)].append(node_id)

    def expect_outcomes(self, names: Iterable[str]) -> None:
        """Outcome labels that some row names, so a context of that name is that outcome."""
        self.expected_outcomes |= {label_key(n) for n in names}

    # -- nodes ------------------------------------------------------------------------------
    def node(self, role: str, name: str, explicit_id: str | None = None) -> str:
        """The id of the node ``name`` names in ``role``, creating it if needed."""
        sections = [role, "outcomes"] if role == "contexts" else [role]
        word = ROLES[role][2]
        if explicit_id is not None:
            for section in sections:
                if explicit_id in self.labels[section]:
                    return explicit_id
            if explicit_id in self.taken:
                raise BadValue(
                    f"id {explicit_id!r} is already used by something that is not a {word}",
                    "choose another id",
                )
            return self._create(role, name, explicit_id)
        for section in sections:
            if name in self.labels[section]:
                return name
        key = label_key(name)
        for section in sections:
            hits = self.by_label[section].get(key, [])
            if len(hits) > 1:
                raise BadValue(
                    f"{short(name)!r} is the label of several {section}: {', '.join(hits)}",
                    "name it by id",
                )
            if hits:
                return hits[0]
        if role == "contexts" and key in self.expected_outcomes:
            return self._create("outcomes", name, None)
        return self._create(role, name, None)

    def _create(self, section: str, label: str, wanted: str | None) -> str:
        prefix = ROLES[section][1]
        node_id = wanted or unique_id(slugify(label, prefix), self.taken)
        self.taken.add(node_id)
        self._remember(section, node_id, label)
        self.new[section].append(node_id)

        def undo() -> None:
            self.taken.discard(node_id)
            self.labels[section].pop(node_id, None)
            self.by_label[section][label_key(label)].remove(node_id)
            self.new[section].remove(node_id)

        self.log.append(undo)
        return node_id

    def section_of(self, node_id: str) -> str | None:
        return next((s for s in ROLES if node_id in self.labels[s]), None)

    def label(self, node_id: str) -> str:
        section = self.section_of(node_id)
        return self.labels[section][node_id] if section else node_id

    def new_nodes(self) -> dict[str, list[object]]:
        return {s: [_MODEL[s](id=i, label=self.labels[s][i]) for i in self.new[s]] for s in ROLES}

    # -- CMOCs ------------------------------------------------------------------------------
    def members(self, cmoc_id: str, role: str) -> list[str]:
        if cmoc_id in self.base_cmocs:
            return list(getattr(self.base_cmocs[cmoc_id], role))
        return self.new_cmocs[cmoc_id].members(role)

    def is_fixed(self, cmoc_id: str) -> bool:
        """A CMOC of the base theory: rows may cite it but not change it."""
        return cmoc_id in self.base_cmocs

    def find_cmoc(self, name: str) -> str | None:
        if name in self.base_cmocs or name in self.new_cmocs:
            return name
        return self.cmoc_labels.get(label_key(name))

    def cmocs_holding(self, named: dict[str, list[str]], exact: bool) -> list[str]:
        """CMOCs whose nodes are exactly (or include) the nodes named per role."""
        found = []
        for cmoc_id in [*self.base_cmocs, *self.new_cmocs]:
            sets = {r: set(self.members(cmoc_id, r)) for r in ROLES}
            if exact:
                fits = all(sets[r] == set(named[r]) for r in ROLES)
            else:
                fits = all(set(named[r]) <= sets[r] for r in ROLES)
            if fits:
                found.append(cmoc_id)
        return found

    def new_cmoc(self, name: str | None) -> str:
        """Create a CMOC named by ``name`` (an id or a label), or numbered ``cmoc-NN``."""
        label = None
        if name is not None and is_valid_id(name) and name not in self.taken:
            cmoc_id = name
        elif name is not None:
            label = name
            cmoc_id = unique_id(slugify(name, "cmoc-"), self.taken)
        else:
            n = 1
            while f"cmoc-{n:02d}" in self.taken:
                n += 1
            cmoc_id = f"cmoc-{n:02d}"
        self.taken.add(cmoc_id)
        self.new_cmocs[cmoc_id] = NewCmoc(cmoc_id, label)
        if label:
            self.cmoc_labels.setdefault(label_key(label), cmoc_id)

        def undo() -> None:
            self.taken.discard(cmoc_id)
            del self.new_cmocs[cmoc_id]
            if label and self.cmoc_labels.get(label_key(label)) == cmoc_id:
                del self.cmoc_labels[label_key(label)]

        self.log.append(undo)
        return cmoc_id

    def add_members(self, cmoc_id: str, role: str, ids: list[str], whole: bool) -> None:
        cmoc = self.new_cmocs[cmoc_id]
        target = cmoc.whole[role] if whole else cmoc.linked[role]
        added = [i for i in ids if i not in target]
        target.extend(added)

        def undo() -> None:
            for i in added:
                target.remove(i)

        self.log.append(undo)

    def finished_cmocs(self) -> tuple[list[CMOC], dict[str, NewCmoc]]:
        """The new CMOCs with every role filled, and those missing a role."""
        done, broken = [], {}
        for cmoc in self.new_cmocs.values():
            lists = {r: cmoc.members(r) for r in ROLES}
            if not all(lists[r] for r in REQUIRED_ROLES):
                broken[cmoc.id] = cmoc
                continue
            label = cmoc.label or self._sentence(lists)
            done.append(CMOC.model_validate({"id": cmoc.id, "label": label, **lists}))
        return done, broken

    def _sentence(self, lists: dict[str, list[str]]) -> str:
        def names(role: str) -> str:
            return " and ".join(self.label(i) for i in lists[role])

        where = f"In {names('contexts')}" if lists["contexts"] else "With no context given"
        return f"{where}, {names('mechanisms')} leads to {names('outcomes')}"
