"""From rows to a theory: one row (or coded segment) becomes one extract.

Both the spreadsheet and the REFI-QDA importer hand the :class:`Builder` rows of field
values (``study``, ``quote``, ``context``, ``stance``, ...). A row is taken whole or not
at all: when any of its cells is bad, everything it would have created is undone, so
``skip_bad_rows`` leaves no half of a row behind.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from ..errors import Problem
from ..model import Extract, ReviewInfo, Study, TheoryDocument, is_valid_id
from .ids import label_key
from .nodes import REQUIRED_ROLES, ROLES, NodeBook
from .result import ImportProblem
from .studies import StudyBook
from .values import (
    MAX_CELL,
    BadValue,
    read_design,
    read_judgement,
    read_kind,
    read_link,
    read_sector,
    read_stance,
    read_year,
    short,
    split_list,
)

__all__ = ["Builder", "Row"]

ROLE_FIELD = {"contexts": "context", "mechanisms": "mechanism", "outcomes": "outcome"}
_READERS: dict[str, Callable[[str], Any]] = {
    "stance": read_stance,
    "relevance": read_judgement,
    "rigour": read_judgement,
    "kind": read_kind,
    "link": read_link,
    "year": read_year,
    "design": read_design,
    "sector": read_sector,
}


@dataclass
class Row:
    """One extract to import: field -> text, and a way to locate a problem in a field."""

    number: int
    values: dict[str, str]
    locate: Callable[..., ImportProblem]
    #: node names with an explicit id ("c-trust: Trust"), per role, from REFI-QDA codes
    names: dict[str, list[tuple[str, str | None]]] | None = None

    def problem(self, field: str | None, message: str, **kwargs: Any) -> ImportProblem:
        return self.locate(field, message, **kwargs)


class Builder:
    """Collects the extracts of many rows, resolving studies, nodes and CMOCs."""

    def __init__(
        self,
        base: TheoryDocument | None,
        *,
        references: list[Study] | None = None,
        references_name: str | None = None,
        review: ReviewInfo | None = None,
    ) -> None:
        self.base = base
        self.review = base.review if base else review
        self.taken: set[str] = set(base.index()) if base else set()
        self.log: list[Callable[[], None]] = []
        self.nodes = NodeBook(base, self.taken, self.log)
        self.references = references
        self.references_name = references_name
        self.studies = StudyBook(base, references, references_name, self.taken, self.log)
        self.extracts: dict[str, tuple[int, Extract]] = {}  # id -> (row, extract)
        self.seen_keys: dict[tuple[Any, ...], tuple[str, int | None]] = {}
        for extract in base.extracts if base else []:
            self.seen_keys.setdefault(_content_key(extract), (extract.id, None))
        self.next_extract = 1
        self.written: dict[str, str] = {}  # node id -> the name this row wrote
        self.base_extracts = {x.id for x in base.extracts} if base else set()

    # -- one row -----------------------------------------------------------------------------
    def add(self, row: Row) -> list[ImportProblem]:
        """Import one row; return its problems (the row is left out when any is an error)."""
        self.log.clear()
        problems: list[ImportProblem] = []
        try:
            self._add(row, problems)
        except BadValue as exc:  # pragma: no cover - each step reports its own field
            problems.append(row.problem(None, exc.message, allowed=exc.allowed))
        if any(p.severity == "error" for p in problems):
            for undo in reversed(self.log):
                undo()
        self.log.clear()
        return problems

    def _add(self, row: Row, problems: list[ImportProblem]) -> None:
        values: dict[str, Any] = {}
        for name, text in row.values.items():
            if len(text) > MAX_CELL:
                problems.append(
                    row.problem(
                        name,
                        f"the cell holds {len(text)} characters",
                        allowed=f"at most {MAX_CELL}, Excel's own limit per cell",
                        code="too-long",
                    )
                )
                continue
            reader = _READERS.get(name)
            try:
                values[name] = reader(text) if reader else text
            except BadValue as exc:
                problems.append(row.problem(name, exc.message, allowed=exc.allowed, code="enum"))
        for name, hint in (
            ("study", "the study's citation key, DOI or 'Author Year'"),
            ("quote", "the text of the extract, or kind 'citation' for a study cited for it"),
            ("stance", "supports, refutes or refines"),
        ):
            if name == "quote" and values.get("kind") == "citation":
                continue  # a study cited without a quote, as CMO tables cite their sources
            if name not in row.values:
                problems.append(row.problem(name, f"{name} is empty", allowed=hint, code="missing"))
        study = self.studies.resolve(row, values, problems) if "study" in values else None
        named = self._nodes(row, problems)
        cmoc = self._cmoc(row, values.get("cmoc"), named, problems) if named is not None else None
        link = None
        if cmoc is not None and named is not None:
            link = self._link(row, cmoc, values.get("link"), named, problems)
        if any(p.severity == "error" for p in problems) or not (study and cmoc):
            return
        key = (study, label_key(values.get("quote", "")), cmoc, link)
        if "extract_id" not in values and key in self.seen_keys:
            first_id, first_row = self.seen_keys[key]
            if first_row is not None:
                problems.append(
                    row.problem(
                        None,
                        f"repeats row {first_row} (same study, quote, "
                        "CMOC and link); imported once",
                        severity="warning",
                        code="repeat",
                    )
                )
                return
            values["extract_id"] = first_id  # already in the theory: update it, never copy it
        extract_id = self._extract_id(row, values, problems)
        if extract_id is None or any(p.severity == "error" for p in problems):
            return
        data: dict[str, Any] = {
            "id": extract_id,
            "study": study,
            **({"quote": values["quote"]} if "quote" in values else {}),
            "cmoc": cmoc,
            "stance": values["stance"],
            **{
                k: values[k]
                for k in ("kind", "location", "rationale", "relevance", "rigour")
                if k in values
            },
        }
        if link is not None:
            data["link"] = {"from": link[0], "to": link[1]}
        try:
            extract = Extract.model_validate(data)
        except ValidationError as exc:
            for err in exc.errors():
                problems.append(row.problem(str(err["loc"][0]), err["msg"]))
            return
        self.seen_keys.setdefault(key, (extract.id, row.number))
        self.extracts[extract.id] = (row.number, extract)
        self.taken.add(extract.id)
        self.studies.cited.add(study)

    # -- contexts, mechanisms, outcomes and the CMOC -------------------------------------------
    def _nodes(self, row: Row, problems: list[ImportProblem]) -> dict[str, list[str]] | None:
        named: dict[str, list[str]] = {}
        self.written = {}  # node id -> the name the row wrote
        ok = True
        for role, field in ROLE_FIELD.items():
            named[role] = []
            names = (row.names or {}).get(role)
            if names is None:
                names = [(n, None) for n in split_list(row.values.get(field, ""))]
            for name, explicit in names:
                try:
                    node_id = self.nodes.node(role, name, explicit)
                    named[role].append(node_id)
                    self.written[node_id] = name
                except BadValue as exc:
                    ok = False
                    problems.append(
                        row.problem(field, exc.message, allowed=exc.allowed, code="reference")
                    )
        return named if ok else None

    def _cmoc(
        self, row: Row, name: str | None, named: dict[str, list[str]], problems: list[ImportProblem]
    ) -> str | None:
        nodes = self.nodes
        several = name is not None and len(split_list(name)) > 1
        if name is not None and nodes.find_cmoc(name) is None and several:
            problems.append(
                row.problem(
                    "cmoc",
                    f"{short(name)!r} names several CMOCs",
                    allowed="an extract bears on one CMOC: give each CMOC its own row",
                    code="cmoc",
                )
            )
            return None
        if name is not None:
            cmoc = nodes.find_cmoc(name) or nodes.new_cmoc(name)
        elif all(named.values()):
            found = nodes.cmocs_holding(named, exact=True)
            cmoc = found[0] if found else nodes.new_cmoc(None)
        elif any(named.values()):
            found = nodes.cmocs_holding(named, exact=False)
            if len(found) != 1:
                what = (
                    f"several CMOCs hold them: {', '.join(found)}"
                    if found
                    else "no CMOC holds them all"
                )
                problems.append(
                    row.problem(
                        "cmoc",
                        f"the row names no CMOC and {what}",
                        allowed="fill the cmoc column, or name a context, "
                        "a mechanism and an outcome",
                        code="missing",
                    )
                )
                return None
            cmoc = found[0]
        else:
            problems.append(
                row.problem(
                    "cmoc",
                    "the row names no CMOC and no context, mechanism or outcome",
                    allowed="fill the cmoc column, or the context, mechanism and outcome columns",
                    code="missing",
                )
            )
            return None
        if nodes.is_fixed(cmoc):
            for role, ids in named.items():
                members = nodes.members(cmoc, role)
                for node_id in ids:
                    if node_id not in members:
                        written = self.written.get(node_id, node_id)
                        shown = repr(written) + (f" ({node_id})" if written != node_id else "")
                        problems.append(
                            row.problem(
                                ROLE_FIELD[role],
                                f"{shown} is not a {ROLES[role][2]} of CMOC {cmoc!r}",
                                allowed=f"its {role}: {', '.join(members)}; leave the "
                                "cmoc column empty to make a new CMOC",
                                code="reference",
                            )
                        )
        return cmoc

    def _link(
        self,
        row: Row,
        cmoc: str,
        link: str | None,
        named: dict[str, list[str]],
        problems: list[ImportProblem],
    ) -> tuple[str, str] | None:
        nodes = self.nodes
        fixed = nodes.is_fixed(cmoc)
        if not fixed:  # a CMOC this import makes holds every node its rows name
            nodes.new_cmocs[cmoc].rows.append(row.number)
            for role, ids in named.items():
                nodes.add_members(cmoc, role, ids, whole=link is None)
        if link is None:
            return None
        if link == "M-M":  # one mechanism sets off the next: the cell names both, in order
            ids = named["mechanisms"]
            if len(ids) != 2:
                problems.append(
                    row.problem(
                        ROLE_FIELD["mechanisms"],
                        f"an M-M link needs two mechanisms, the row names {len(ids)}",
                        allowed="name the mechanism that sets off the next, then the next",
                        code="link",
                    )
                )
                return None
            return ids[0], ids[1]
        roles = ("contexts", "mechanisms") if link == "C-M" else ("mechanisms", "outcomes")
        ends = []
        for role in roles:
            ids = named[role] or (nodes.members(cmoc, role) if fixed else [])
            if len(ids) != 1:
                word = ROLES[role][2]
                problems.append(
                    row.problem(
                        ROLE_FIELD[role],
                        f"a {link} link needs one {word}, the row names {len(ids)}",
                        allowed=f"name the {word} the link starts or ends at",
                        code="link",
                    )
                )
                return None
            ends.append(ids[0])
        return ends[0], ends[1]

    # -- the extract's id ----------------------------------------------------------------------
    def _extract_id(
        self, row: Row, values: dict[str, Any], problems: list[ImportProblem]
    ) -> str | None:
        wanted = values.get("extract_id")
        if wanted is not None:
            if not is_valid_id(wanted):
                problems.append(
                    row.problem(
                        "extract_id",
                        f"{short(wanted)!r} is not a valid id",
                        allowed="lowercase letters, digits, '-', '_' and '.', e.g. x-001",
                        code="id",
                    )
                )
                return None
            if wanted in self.extracts:
                problems.append(
                    row.problem(
                        "extract_id",
                        f"extract id {wanted!r} is already used in row {self.extracts[wanted][0]}",
                        allowed="give each row its own id",
                        code="duplicate",
                    )
                )
                return None
            if wanted in self.taken and wanted not in self.base_extracts:
                problems.append(
                    row.problem(
                        "extract_id",
                        f"id {wanted!r} is already used by something that is not an extract",
                        allowed="ids are unique across the review",
                        code="duplicate",
                    )
                )
                return None
            return str(wanted)
        while f"x-{self.next_extract:04d}" in self.taken:
            self.next_extract += 1
        return f"x-{self.next_extract:04d}"

    # -- the end -------------------------------------------------------------------------------
    def incoming(self) -> tuple[TheoryDocument, dict[int, list[Problem]]]:
        """What the rows brought, and the rows that must go (their CMOC lacks a role)."""
        cmocs, broken = self.nodes.finished_cmocs()
        dropped: dict[int, list[Problem]] = {}
        for cmoc in broken.values():
            missing = [ROLES[r][2] for r in REQUIRED_ROLES if not cmoc.members(r)]
            for number in cmoc.rows:
                dropped.setdefault(number, []).append(
                    Problem(
                        f"CMOC {cmoc.id!r} has no {' and no '.join(missing)}",
                        allowed="a new CMOC needs a mechanism and an outcome (and, when known, "
                        "a context): name them in a row (or coded segment) on the whole CMOC, "
                        "or import with --into a theory that defines the CMOC",
                        code="incomplete-cmoc",
                    )
                )
        extracts = [x for n, x in self.extracts.values() if n not in dropped]
        nodes = self.nodes.new_nodes()
        studies = [*(self.references or []), *self.studies.new]
        assert self.review is not None
        document = TheoryDocument.model_validate(
            {
                "review": self.review,
                **nodes,
                "cmocs": cmocs,
                "studies": studies,
                "extracts": extracts,
            }
        )
        return document, dropped

    def unmatched_studies(self) -> list[str]:
        return [s.id for s in self.references or [] if s.id not in self.studies.cited]


def _content_key(extract: Extract) -> tuple[Any, ...]:
    link = (extract.link.source, extract.link.target) if extract.link else None
    return (extract.study, label_key(extract.quote or ""), extract.cmoc, link)
