"""The facade: :class:`TheoryGraph` is what the CLI and notebook users call.

>>> tg = TheoryGraph.open("samples/ics-leadership")
>>> tg.stats().headline
'evidence for 7 of 10 mechanisms'
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import SourceError, UsageError
from .model import ReviewInfo, TheoryDocument
from .results import Stats
from .validate import Loaded, load_theory, read_theory

if TYPE_CHECKING:
    from .backends.protocol import Backend

__all__ = ["NEO4J_SCHEMES", "TheoryGraph", "is_neo4j_uri"]

NEO4J_SCHEMES = ("bolt://", "bolt+s://", "bolt+ssc://", "neo4j://", "neo4j+s://", "neo4j+ssc://")


def is_neo4j_uri(source: str) -> bool:
    return source.lower().startswith(NEO4J_SCHEMES)


@dataclass
class Neo4jOptions:
    """How to reach Neo4j; unset values fall back to the NEO4J_* environment variables."""

    username: str | None = None
    password: str | None = None
    database: str | None = None


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
        """Open a theory file or folder, a graph file saved by :meth:`save`, or a Neo4j URI."""
        text = str(source)
        if is_neo4j_uri(text):
            raise UsageError(
                f"{text}: Neo4j sources are not supported by this version; "
                "use a theory file or folder"
            )
        path = Path(text)
        payload = _graph_payload(path)
        if payload is not None:
            from .backends.memory import MemoryBackend

            backend = MemoryBackend.load(path, payload)
            graph = cls(backend, text)
            graph._check_review(review)
            return graph
        graph = cls.from_document(read_theory(path), text)
        graph._check_review(review)
        return graph

    def _check_review(self, wanted: str | None) -> None:
        actual = self.review().id
        if wanted is not None and wanted != actual:
            raise UsageError(f"{self.source}: holds review {actual!r}, not {wanted!r}")

    # -- what every store answers ------------------------------------------------------
    def review(self) -> ReviewInfo:
        return self.backend.review()

    def document(self) -> TheoryDocument:
        """The whole review as a document (what ``pull`` and ``save`` write)."""
        return self.backend.document()

    def stats(self) -> Stats:
        """Counts per node type and the evidence behind each mechanism."""
        rows = sorted(
            self.backend.mechanism_evidence(),
            key=lambda m: (-m.studies, -m.extracts, m.id),
        )
        return Stats(review=self.review().id, counts=self.backend.counts(), mechanisms=rows)

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

    def close(self) -> None:
        self.backend.close()

    def __enter__(self) -> TheoryGraph:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


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


def validate(source: str | Path) -> Loaded:
    """Validate a theory file or folder, returning every error and warning."""
    return load_theory(source)
