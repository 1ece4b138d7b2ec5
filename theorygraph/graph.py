"""The facade: :class:`TheoryGraph` is what the CLI and notebook users call.

>>> tg = TheoryGraph.open("samples/ics-leadership")
>>> tg.stats().headline
'evidence for 7 of 10 mechanisms'
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from .errors import SourceError, UsageError
from .model import ReviewInfo, TheoryDocument
from .results import Stats
from .theoryfile import is_workbook
from .uris import NEO4J_SCHEMES, check_neo4j_uri, is_neo4j_uri, looks_like_url
from .validate import read_theory

if TYPE_CHECKING:
    from .answers import (
        ChainsAnswer,
        ConfidenceAnswer,
        ContestedAnswer,
        CoverageAnswer,
        DirectionsAnswer,
        EvidenceAnswer,
        GapsAnswer,
        StudyAnswer,
        SubgraphAnswer,
        UnintendedAnswer,
    )
    from .backends.neo4j import Neo4jSettings, PushResult
    from .backends.protocol import Backend
    from .changes import DiffAnswer
    from .render.figure import Figure
    from .render.map import TheoryMap
    from .render.mapdata import MapModel
    from .report import Report

__all__ = ["NEO4J_SCHEMES", "Neo4jOptions", "TheoryGraph", "is_neo4j_uri"]


T = TypeVar("T")


def _consistent(method: Callable[..., T]) -> Callable[..., T]:
    """Make a facade call one consistent read of the review (see Backend.consistent)."""

    @functools.wraps(method)
    def wrapper(self: TheoryGraph, *args: Any, **kwargs: Any) -> T:
        return self.backend.consistent(lambda: method(self, *args, **kwargs))

    return wrapper


@dataclass(frozen=True)
class Neo4jOptions:
    """How to reach Neo4j; unset values fall back to the NEO4J_* environment variables."""

    username: str | None = None
    password: str | None = None
    database: str | None = None
    #: seconds to wait for an answer from the server (None: NEO4J_TIMEOUT, else 30)
    timeout: float | None = None


class TheoryGraph:
    """One review in a graph store, with the query catalogue on top.

    Open one with :meth:`open` (a theory file or folder, a saved graph file, or a
    Neo4j URI) or :meth:`from_document`.
    """

    def __init__(self, backend: Backend, source: str | None = None) -> None:
        self.backend = backend
        self.source = source

    # -- opening -------------------------------------------------------------------
    @classmethod
    def from_document(cls, document: TheoryDocument, source: str | None = None) -> TheoryGraph:
        from .backends.memory import MemoryBackend

        return cls(MemoryBackend.from_document(document), source)

    @classmethod
    def open(
        cls,
        source: str | Path,
        *,
        review: str | None = None,
        neo4j: Neo4jOptions | None = None,
    ) -> TheoryGraph:
        """Open a theory file or folder, a review's workbook (.xlsx), a graph file saved by
        :meth:`save`, or a Neo4j URI."""
        text = str(source)
        if looks_like_url(text):  # a URI, never a file path: it must name a Neo4j server
            check_neo4j_uri(text)
            from .backends.neo4j import Neo4jBackend, safe_uri

            backend = Neo4jBackend.connect(_settings(text, neo4j), review)
            return cls(backend, safe_uri(text))
        path = Path(text)
        if is_workbook(path):  # a review's workbook (theorygraph export --to workbook)
            from .importers.workbook_read import read_workbook

            graph = cls.from_document(read_workbook(path).document, text)
            graph._check_review(review)
            return graph
        payload = _graph_payload(path)
        if payload is not None:
            from .backends.memory import MemoryBackend

            graph = cls(MemoryBackend.load(path, payload), text)
            graph._check_review(review)
            return graph
        graph = cls.from_document(read_theory(path), text)
        graph._check_review(review)
        return graph

    def within(self, *, theory: str | None = None, theme: str | None = None) -> TheoryGraph:
        """This review seen through one programme theory (id or label) and/or one theme
        (a sub-theme as 'Theme / Sub-theme'): every query, ``stats``, ``map``, ``export``
        and ``figure`` then answer for its CMOCs only. Without either, this graph itself."""
        if theory is None and theme is None:
            return self
        from . import queries
        from .backends.view import View, in_theme

        if theory is not None:
            theory = self.backend.consistent(
                lambda: queries.resolve(self.backend, theory, ("Theory",), "theory").id
            )
        if theme is not None:
            cmocs = self.backend.consistent(lambda: self.backend.nodes("CMOC"))
            themes = sorted({t for c in cmocs if (t := c.props.get("theme"))})
            if not any(in_theme(t, theme) for t in themes):
                allowed = ", ".join(repr(t) for t in themes) or "none: no CMOC has a theme"
                raise UsageError(f"no CMOC has the theme {theme!r}; themes: {allowed}")
        return TheoryGraph(View(self.backend, theory, theme), self.source)  # type: ignore[arg-type]

    def _check_review(self, wanted: str | None) -> None:
        actual = self.review().id
        if wanted is not None and wanted != actual:
            raise SourceError(f"{self.source}: holds review {actual!r}, not {wanted!r}")

    # -- what every store answers ------------------------------------------------------
    @_consistent
    def review(self) -> ReviewInfo:
        return self.backend.review()

    @_consistent
    def document(self) -> TheoryDocument:
        """The whole review as a document (what ``pull`` and ``save`` write)."""
        return self.backend.document()

    @_consistent
    def stats(self) -> Stats:
        """Counts per node type and the evidence behind each mechanism."""
        from . import queries

        found = queries.mechanism_evidence(self.backend)
        rows = sorted(found, key=lambda m: (-m.studies, -m.extracts, m.id))
        return Stats(review=self.review().id, counts=self.backend.counts(), mechanisms=rows)

    # -- the query catalogue (see theorygraph.queries) ---------------------------------------
    @_consistent
    def chains(
        self,
        *,
        start: str | None = None,
        end: str | None = None,
        through: str | None = None,
        max_depth: int = 4,
    ) -> ChainsAnswer:
        """Context -> mechanism -> outcome chains from, to or through a node."""
        from . import queries

        return queries.chains(
            self.backend, start=start, end=end, through=through, max_depth=max_depth
        )

    @_consistent
    def evidence(self, target: str, *, cmoc: str | None = None) -> EvidenceAnswer:
        """Every extract on a node, a link ('FROM->TO') or a CMOC, grouped by stance."""
        from . import queries

        return queries.evidence(self.backend, target, cmoc=cmoc)

    @_consistent
    def gaps(self, *, kinds: list[str] | None = None, min_studies: int = 2) -> GapsAnswer:
        """What has no evidence, only refuting evidence, or too few studies."""
        from . import queries

        return queries.gaps(self.backend, kinds=kinds, min_studies=min_studies)

    @_consistent
    def contested(self) -> ContestedAnswer:
        """Links and CMOCs with both supporting and refuting evidence."""
        from . import queries

        return queries.contested(self.backend)

    @_consistent
    def unintended(self, *, max_depth: int = 4) -> UnintendedAnswer:
        """Unintended outcomes and the chains that produce them."""
        from . import queries

        return queries.unintended(self.backend, max_depth=max_depth)

    @_consistent
    def study(self, study_id: str) -> StudyAnswer:
        """What one study supports, refutes or refines."""
        from . import queries

        return queries.study(self.backend, study_id)

    @_consistent
    def directions(self) -> DirectionsAnswer:
        """How the CMOCs qualify each node, and which appear with opposite directions."""
        from . import queries

        return queries.directions(self.backend)

    @_consistent
    def coverage(self, *, by: str = "design") -> CoverageAnswer:
        """How the evidence for each mechanism spreads over a study field."""
        from . import queries

        return queries.coverage(self.backend, by=by)

    @_consistent
    def paths(
        self,
        source: str,
        target: str,
        *,
        max_depth: int = 6,
        undirected: bool = False,
        across_cmocs: bool = False,
    ) -> SubgraphAnswer:
        """Every path between two nodes along what the CMOCs state (their links, and
        hand-offs from one CMOC to the next), as a subgraph; ``across_cmocs`` joins the
        links of any CMOCs at shared nodes instead."""
        from . import queries

        return queries.paths(
            self.backend,
            source,
            target,
            max_depth=max_depth,
            undirected=undirected,
            across_cmocs=across_cmocs,
        )

    @_consistent
    def neighbourhood(self, node: str, *, depth: int = 1) -> SubgraphAnswer:
        """The sub-theory around a node, as a subgraph."""
        from . import queries

        return queries.neighbourhood(self.backend, node, depth=depth)

    @_consistent
    def confidence(self, *, cmoc: str | None = None) -> ConfidenceAnswer:
        """The confidence in each CMOC (or one) and each of its links, in the spirit of
        GRADE-CERQual: four components and an overall level, each explained, with the
        reviewers' own judgements beside (see theorygraph.confidence)."""
        from . import queries

        return queries.confidence(self.backend, cmoc=cmoc)

    # -- how the theory changed --------------------------------------------------------------
    @_consistent
    def diff(
        self,
        other: TheoryGraph | None = None,
        *,
        from_theory: str | None = None,
        to_theory: str | None = None,
    ) -> DiffAnswer:
        """How the programme theory changed, and which extracts drove each change.

        Without ``other``: from theory version ``from_theory`` to ``to_theory`` of this
        review (ids or labels; both needed). With ``other``: from this review to ``other``
        (a later commit of it, say), CMOCs and nodes matched by id; ``from_theory`` and
        ``to_theory`` then narrow this review and ``other`` to one theory each.
        """
        from .diff import diff_documents, diff_versions

        if other is None:
            return diff_versions(self.backend, from_theory, to_theory)
        return diff_documents(
            self.document(),
            other.document(),
            from_theory=from_theory,
            to_theory=to_theory,
            sources=(self.source, other.source),
        )

    # -- maps ------------------------------------------------------------------------------
    @_consistent
    def map(
        self,
        *,
        theory: str | None = None,
        focus: str | None = None,
        depth: int = 1,
        title: str | None = None,
        layout: str = "layered",
        diff: tuple[str, str] | None = None,
    ) -> TheoryMap:
        """An interactive HTML map of the review (or one theory, or around one node).

        With ``diff`` (two theory versions, such as ``("ipt", "rpt")``) it draws both
        versions together, each CMOC, node and arrow marked added, dropped, changed or the
        same, with the extracts that drove the change (:meth:`diff`).

        The result displays inline in Jupyter; ``.save(path)`` writes one offline file.
        """
        from .render.map import render_map
        from .render.mapdata import build_map

        if diff is not None:
            from .render.mapdiff import build_diff_map

            if theory is not None:
                raise UsageError(
                    "theory and diff do not go together: a diff map draws both versions",
                    params=("theory", "diff"),
                )
            model = build_diff_map(
                self.backend, diff[0], diff[1], focus=focus, depth=depth, title=title
            )
            return render_map(model, layout=layout)
        model = build_map(self.backend, theory=theory, focus=focus, depth=depth, title=title)
        return render_map(model, layout=layout)

    @_consistent
    def export(
        self,
        fmt: str,
        *,
        theory: str | None = None,
        focus: str | None = None,
        depth: int = 1,
    ) -> str:
        """The map as GraphML, GEXF, Cytoscape JSON, Mermaid or DOT text."""
        from .render.exports import export_text
        from .render.mapdata import build_map

        model = build_map(self.backend, theory=theory, focus=focus, depth=depth)
        return export_text(model, fmt)

    @_consistent
    def write_export(
        self,
        fmt: str,
        path: str | Path,
        *,
        theory: str | None = None,
        focus: str | None = None,
        depth: int = 1,
    ) -> Path:
        """Write an export to ``path``: any format of :data:`theorygraph.choices.EXPORTS`,
        the extraction spreadsheet (.xlsx or .csv) and the workbook (.xlsx, every part of
        the review) included; these two hold the whole review."""
        from .choices import DATA_EXPORTS
        from .files import write_text
        from .render.exports import check_export_path

        target = check_export_path(fmt, Path(path))
        if fmt in DATA_EXPORTS:
            if theory or focus:
                raise UsageError(
                    f"theory and focus do not apply to the {fmt}, which holds the whole review",
                    params=("theory", "focus"),
                )
            if fmt == "workbook":
                from .importers.workbook_write import write_workbook

                return write_workbook(self.document(), target)
            from .importers.sheet import write_sheet

            return write_sheet(self.document(), target)
        write_text(target, self.export(fmt, theory=theory, focus=focus, depth=depth))
        return target

    def figure(
        self,
        path: str | Path,
        *,
        theory: str | None = None,
        focus: str | None = None,
        depth: int = 1,
        title: str | None = None,
        dpi: int | None = None,
    ) -> Figure:
        """Draw the map as a static figure for a paper, with Graphviz: SVG, PDF or PNG
        (``dpi`` dots per inch, 300 unless told) by the suffix of ``path``; ``title`` is
        drawn above it when given. Each arrow carries the numbers of the CMOCs that
        state it (a CMOC's place in the review, the same in every figure) and a key says
        what each mark means. The file is written whole or not at all."""
        from .choices import FIGURE_DPI
        from .files import write_bytes
        from .render.figure import Figure, draw, figure_format

        target = Path(path)
        fmt = figure_format(target)
        model, numbers = self._figure_data(theory, focus, depth, title)
        # drawn once the read is over: Graphviz may take seconds on a large PNG
        data, width, height = draw(
            model, fmt, numbers=numbers, title=title, dpi=FIGURE_DPI if dpi is None else dpi
        )
        write_bytes(target, data)
        apart = sum(1 for n in model.nodes if n.in_no_cmoc)
        return Figure(target, fmt, len(model.nodes), len(model.edges), apart, width, height)

    @_consistent
    def _figure_data(
        self, theory: str | None, focus: str | None, depth: int, title: str | None
    ) -> tuple[MapModel, dict[str, int]]:
        """What a figure shows, and each CMOC's number (its place in the review)."""
        from .render.mapdata import build_map

        model = build_map(self.backend, theory=theory, focus=focus, depth=depth, title=title)
        numbers = {c: p.seq + 1 for c, p in self.backend.cmoc_parts(None).items()}
        return model, numbers

    def report(
        self, path: str | Path, *, theory: str | None = None, style: str | None = None
    ) -> Report:
        """Write the review's results as a report for a paper: HTML, Markdown or DOCX by
        the suffix of ``path`` (:mod:`theorygraph.report`); ``theory`` narrows it to one
        programme theory, ``style`` names the references' citation style (vancouver, apa,
        harvard, or a .csl file). Needs the report extra (citeproc-py, python-docx)."""
        from .report import write_report

        return write_report(self, path, theory=theory, style=style)

    def save(self, path: str | Path) -> Path:
        """Save to one file: a graph file (``.graph.json``) or a theory file (.yaml/.json)."""
        from .backends.memory import MemoryBackend
        from .theoryfile import write_document

        target = Path(path)
        if target.name.endswith(".graph.json"):
            backend = self.backend
            if not isinstance(backend, MemoryBackend):
                backend = MemoryBackend.from_document(self.document())
            backend.save(target)
        else:
            write_document(self.document().to_data(), target)
        return target

    def push(
        self,
        uri: str,
        *,
        replace: bool = False,
        neo4j: Neo4jOptions | None = None,
        progress: Callable[[int, int], None] | None = None,
    ) -> PushResult:
        """Load this review into Neo4j in one atomic transaction.

        Pushing the same review twice changes nothing. A review already in the database
        with different content is only replaced with ``replace=True``.
        """
        from .backends.memory import MemoryBackend
        from .backends.neo4j import Neo4jStore
        from .backends.view import View

        if isinstance(self.backend, View):
            raise UsageError(
                "push the whole review: a view of one theory or theme would replace the "
                "review with a part of it"
            )
        # an embedded graph is pushed as it is; any other source is converted once
        backend = self.backend
        if not isinstance(backend, MemoryBackend):
            backend = MemoryBackend.from_document(self.document())
        with Neo4jStore(_settings(uri, neo4j)) as store:
            return store.push_graph(backend.graph, replace=replace, progress=progress)

    def close(self) -> None:
        self.backend.close()

    def __enter__(self) -> TheoryGraph:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- in a notebook: the review's title, source and counts (no query is run) --------------
    def __repr__(self) -> str:
        from .notebook import graph_repr

        return graph_repr(self)

    def _repr_html_(self) -> str:
        from .notebook import graph_html

        return graph_html(self)


def _settings(uri: str, options: Neo4jOptions | None) -> Neo4jSettings:
    from .backends.neo4j import Neo4jSettings

    options = options or Neo4jOptions()
    return Neo4jSettings(
        uri, options.username, options.password, options.database, timeout=options.timeout
    )


def _graph_payload(path: Path) -> dict[str, Any] | None:
    """The parsed content of a saved graph file, or None if ``path`` is something else."""
    from .backends.memory import GRAPH_FORMAT_KEY

    if not (path.is_file() and path.suffix.lower() == ".json"):
        return None
    try:
        with path.open("rb") as handle:
            head = handle.read(64)
        if GRAPH_FORMAT_KEY.encode() not in head:
            return None
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise SourceError(f"{path}: cannot read graph file: {exc}") from exc
    return data if isinstance(data, dict) and GRAPH_FORMAT_KEY in data else None
