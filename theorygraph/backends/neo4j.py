"""The Neo4j backend: one chokepoint for every Cypher statement, push and pull.

:class:`Neo4jStore` owns the driver, sessions, retries and the translation of driver
errors into theorygraph's own errors; every statement it runs is a named file from
``cypher/`` (see :mod:`theorygraph.cypherlib`). :class:`Neo4jBackend` is one review
in a store, behind the same protocol as the embedded graph.

The graph in Neo4j has the shape of the embedded graph: every node has the label
``TheoryItem`` plus its type label, and carries ``review`` (the review id), ``id`` and
``seq`` (its place in the file); relationships are the schema's types.
"""

from __future__ import annotations

import contextlib
import logging
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import urlsplit, urlunsplit

import networkx as nx

from ..cypherlib import statement
from ..errors import (
    BackendError,
    ConnectionFailed,
    SourceError,
    TheoryGraphError,
    UsageError,
)
from ..model import ReviewInfo, TheoryDocument
from ..results import CmocParts, EvidenceRow, MechanismEvidence, NodeInfo
from ..schema import EDGE_TYPES, LABEL_OF_SECTION
from ..uris import check_neo4j_uri
from .convert import document_to_graph, graph_to_document
from .watch import Watch

__all__ = [
    "Neo4jBackend",
    "Neo4jSettings",
    "Neo4jStore",
    "PushResult",
    "ReviewExists",
    "safe_uri",
]

log = logging.getLogger(__name__)

BATCH_SIZE = 2000
#: Neo4j major versions theorygraph runs on (5.x, including 5.26 LTS, and 2025.x+)
MIN_MAJOR = 5
SLOW_QUERY_SECONDS = 1.0

Progress = Callable[[int, int], None]
T = TypeVar("T")


class ReviewExists(BackendError):
    """The review is already in the database with different content."""


def safe_uri(uri: str) -> str:
    """The URI without any user name or password in it, for messages and logs.

    >>> safe_uri("neo4j+s://me:secret@abc.databases.neo4j.io:7687")
    'neo4j+s://abc.databases.neo4j.io:7687'
    """
    parts = urlsplit(uri)
    if parts.username is None and parts.password is None:
        return uri
    host = parts.hostname or ""
    if parts.port:
        host += f":{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, parts.query, parts.fragment))


@dataclass(frozen=True)
class Neo4jSettings:
    """Where and how to connect; unset values come from the NEO4J_* environment variables."""

    uri: str
    username: str | None = None
    password: str | None = None
    database: str | None = None
    #: seconds to wait for any answer from the server (None: NEO4J_TIMEOUT, else 30)
    timeout: float | None = None

    def resolved(self) -> Neo4jSettings:
        parts = urlsplit(self.uri)
        return Neo4jSettings(
            uri=self.uri,
            username=self.username or parts.username or os.environ.get("NEO4J_USERNAME") or "neo4j",
            password=self.password or parts.password or os.environ.get("NEO4J_PASSWORD"),
            database=self.database or os.environ.get("NEO4J_DATABASE") or None,
            timeout=_timeout(self.timeout),
        )


#: seconds to wait for an answer from Neo4j when neither timeout= nor NEO4J_TIMEOUT says
DEFAULT_TIMEOUT = 30.0
#: the longest wait theorygraph accepts (a day)
MAX_TIMEOUT = 86_400.0


def _timeout(given: float | None) -> float:
    """The timeout to use: ``given``, else NEO4J_TIMEOUT, else 30 s; a bad one is bad usage.

    >>> _timeout(2)
    2.0
    >>> _timeout(0)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    theorygraph.errors.UsageError: timeout must be a number of seconds above 0 ..., not 0
    """
    if given is not None:
        value: object = given
        name = "timeout"
    else:
        value = os.environ.get("NEO4J_TIMEOUT") or DEFAULT_TIMEOUT
        name = "NEO4J_TIMEOUT"
    try:
        seconds = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        seconds = float("nan")
    if not 0 < seconds <= MAX_TIMEOUT:  # also refuses nan
        shown = repr(value) if isinstance(value, str) else value
        raise UsageError(
            f"{name} must be a number of seconds above 0 and at most {MAX_TIMEOUT:.0f}, not {shown}"
        )
    return seconds


@dataclass(frozen=True)
class PushResult:
    review: str
    status: str  # "created", "replaced" or "unchanged"
    nodes: int
    relationships: int
    seconds: float


class Neo4jStore:
    """A connection to one Neo4j database: the single chokepoint for Cypher."""

    def __init__(self, settings: Neo4jSettings) -> None:
        import neo4j

        check_neo4j_uri(settings.uri)
        self.settings = settings.resolved()
        self.uri = safe_uri(self.settings.uri)
        self.timeout = self.settings.timeout or DEFAULT_TIMEOUT
        parts = urlsplit(self.settings.uri)
        clean = self.settings.uri if parts.username is None else safe_uri(self.settings.uri)
        auth = (self.settings.username or "neo4j", self.settings.password or "")
        try:
            self.driver = neo4j.GraphDatabase.driver(
                clean,
                auth=auth,
                # the driver may try to connect twice: the two together within the timeout
                connection_timeout=self.timeout / 2,
                connection_acquisition_timeout=self.timeout,
                # theorygraph retries itself (see _execute), within its own timeout
                max_transaction_retry_time=0.0,
                notifications_min_severity="OFF",
            )
        except (ValueError, neo4j.exceptions.ConfigurationError) as exc:
            raise UsageError(f"{self.uri}: not a usable Neo4j URI ({exc})") from exc
        self.watch = Watch(self.driver, self.timeout)
        self._snapshot: Any = None  # the open read transaction of snapshot(), if any
        try:
            self.watch.waiting()
            try:
                self.driver.verify_connectivity()
            except neo4j.exceptions.AuthError as exc:
                raise self._translate(exc) from exc
            except (neo4j.exceptions.DriverError, neo4j.exceptions.Neo4jError, OSError) as exc:
                self.watch.done()
                raise self._unreachable(exc) from exc
            finally:
                self.watch.done()
            self._check_database()
            self.version, self.edition = self._check_version()
        except BaseException:
            self.close()
            raise

    # -- the chokepoint --------------------------------------------------------------------
    def read(self, name: str, **params: Any) -> list[dict[str, Any]]:
        """Run a named read statement and return its records as dicts (inside the open
        :meth:`snapshot`, if there is one; else in a transaction of its own)."""
        import neo4j

        query = statement(name)
        text = query.render(**_subs(params))
        answered = self.watch.answered
        tx = self._snapshot
        if tx is None:
            return self._execute("read", name, lambda tx: _records(tx.run(text, params), answered))
        self.watch.waiting()
        try:
            return _records(tx.run(text, params), answered)
        except (neo4j.exceptions.Neo4jError, neo4j.exceptions.DriverError, OSError) as exc:
            if self.watch.fired:
                raise self._stalled("read", "running") from exc
            raise self._translate(exc) from exc
        finally:
            self.watch.done()

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        """Run every :meth:`read` inside in one read transaction (nested: the outer one).

        Neo4j reads are read-committed: a push that commits between two statements of one
        transaction is seen by the second. :meth:`Neo4jBackend.consistent` checks the
        review's revision around the whole answer and reads it again if a push landed.
        """
        import neo4j

        if self._snapshot is not None:
            yield
            return
        self.watch.waiting()
        try:
            session = self.driver.session(
                database=self.settings.database, default_access_mode=neo4j.READ_ACCESS
            )
            tx = session.begin_transaction()
        except (neo4j.exceptions.Neo4jError, neo4j.exceptions.DriverError, OSError) as exc:
            if self.watch.fired:
                raise self._stalled("read", "running") from exc
            raise self._translate(exc) from exc
        finally:
            self.watch.done()
        self._snapshot = tx
        try:
            yield
        finally:
            self._snapshot = None
            with contextlib.suppress(Exception):  # a read transaction: nothing to keep
                tx.close()
            with contextlib.suppress(Exception):
                session.close()

    def write(self, work: Callable[[Transaction], Any], name: str = "write") -> Any:
        """Run ``work`` in one write transaction (retried as a whole on transient errors)."""
        return self._execute("write", name, lambda tx: work(Transaction(tx, self.watch.answered)))

    def run_schema(self) -> None:
        """Create constraints and indexes (each its own auto-commit statement)."""
        for part in statement("schema").parts():

            def create(tx: Any, query: str = part) -> None:
                tx.run(query).consume()

            self._execute("write", "schema", create)

    def _execute(self, mode: str, name: str, work: Callable[[Any], Any]) -> Any:
        """Run ``work`` in one transaction; retry it while the server says a retry may
        succeed (a deadlock, a leader switch), within the timeout; a server that stops
        answering ends the wait after one timeout (see :mod:`.watch`)."""
        import neo4j

        started = time.perf_counter()
        give_up = time.monotonic() + max(self.timeout, 5.0)
        delay = 0.1
        while True:
            phase = ["running"]
            self.watch.waiting()
            try:
                result = self._attempt(mode, work, phase)
                break
            except TheoryGraphError:
                raise
            except (neo4j.exceptions.Neo4jError, neo4j.exceptions.DriverError, OSError) as exc:
                if self.watch.fired:
                    raise self._stalled(mode, phase[0]) from exc
                if _retryable(exc, mode, phase[0]) and time.monotonic() + delay < give_up:
                    log.debug("retrying %s after %s", name, _first_line(exc))
                    time.sleep(delay)
                    delay = min(delay * 2, 1.0)
                    continue
                raise self._translate(exc) from exc
            finally:
                self.watch.done()
        elapsed = time.perf_counter() - started
        if elapsed > SLOW_QUERY_SECONDS:
            log.debug("slow Cypher %s: %.2f s", name, elapsed)
        return result

    def _attempt(self, mode: str, work: Callable[[Any], Any], phase: list[str]) -> Any:
        import neo4j

        access = neo4j.READ_ACCESS if mode == "read" else neo4j.WRITE_ACCESS
        with (
            self.driver.session(
                database=self.settings.database, default_access_mode=access
            ) as session,
            session.begin_transaction() as tx,
        ):
            result = work(tx)
            phase[0] = "committing"
            tx.commit()
        return result

    def _stalled(self, mode: str, phase: str) -> ConnectionFailed:
        waited = f"{self.timeout:g} s"
        if mode == "write" and phase == "committing":
            return ConnectionFailed(
                f"{self.uri}: Neo4j stopped answering for {waited} while committing (--timeout, "
                "NEO4J_TIMEOUT); the write may have been saved: check with 'theorygraph stats' "
                "on the review before trying again"
            )
        return ConnectionFailed(
            f"{self.uri}: Neo4j stopped answering for {waited} (--timeout, NEO4J_TIMEOUT); "
            "nothing was changed; check the server, or give a longer --timeout for a slow query"
        )

    def _unreachable(self, exc: Exception) -> TheoryGraphError:
        """Why connecting failed, found by looking at the port: closed, silent, TLS or not."""
        from .probe import diagnose

        if isinstance(exc, neo4j_auth_error()):
            return self._translate(exc)
        silent = self.watch.fired
        return diagnose(self.settings.uri, self.uri, self.timeout, _first_line(exc), silent=silent)

    def _check_database(self) -> None:
        """Refuse the system database (it holds users and settings, not reviews)."""
        if (self.settings.database or "").lower() != "system":
            return
        names = [r["name"] for r in self._read_system("database_names")]
        raise UsageError(
            f"{self.uri}: --database system holds Neo4j's users and settings, not reviews; "
            f"use one of the databases here: {', '.join(names) or 'none found'}"
        )

    def _read_system(self, name: str) -> list[dict[str, Any]]:
        text = statement(name).render()
        with self.driver.session(database="system") as session:
            return [r.data() for r in session.run(text)]

    def _translate(self, exc: Exception) -> TheoryGraphError:
        import neo4j

        uri = self.uri
        code = getattr(exc, "code", "") or ""
        if isinstance(exc, neo4j.exceptions.AuthError) or "Unauthorized" in code:
            return ConnectionFailed(
                f"{uri}: Neo4j refused the credentials for user {self.settings.username!r}; "
                "check --username/--password or NEO4J_USERNAME/NEO4J_PASSWORD"
            )
        if "DatabaseNotFound" in code:
            return ConnectionFailed(
                f"{uri}: database {self.settings.database!r} does not exist; "
                "check --database or NEO4J_DATABASE (SHOW DATABASES lists them), "
                "or leave it unset for the server's default database"
            )
        if isinstance(exc, neo4j.exceptions.ServiceUnavailable | neo4j.exceptions.SessionExpired):
            return ConnectionFailed(
                f"{uri}: lost the connection to Neo4j ({_first_line(exc)}); "
                "nothing was changed; check the server and try again"
            )
        if "ConstraintValidationFailed" in code:
            return BackendError(
                f"{uri}: another write to the same review got there first ({_first_line(exc)}); "
                "nothing was changed; try again"
            )
        return BackendError(f"{uri}: Neo4j error {code}: {_first_line(exc)}")

    def _check_version(self) -> tuple[str, str]:
        rows = self.read("server_version")
        version = rows[0]["version"] if rows else "unknown"
        edition = rows[0]["edition"] if rows else "unknown"
        check_server_version(version, self.uri)
        return version, edition

    # -- reviews ---------------------------------------------------------------------------
    def reviews(self) -> list[str]:
        return [row["id"] for row in self.read("review_list")]

    def has_review(self, review: str) -> bool:
        return bool(self.read("review_get", review=review))

    def close(self) -> None:
        if hasattr(self, "watch"):
            self.watch.close()
        self.driver.close()

    def __enter__(self) -> Neo4jStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- push and pull ---------------------------------------------------------------------
    def push(
        self, document: TheoryDocument, *, replace: bool = False, progress: Progress | None = None
    ) -> PushResult:
        """Load a validated review: constraints first, then one atomic write transaction."""
        return self.push_graph(document_to_graph(document), replace=replace, progress=progress)

    def push_graph(
        self, graph: nx.MultiDiGraph, *, replace: bool = False, progress: Progress | None = None
    ) -> PushResult:
        """Load a validated review held as a graph (see :mod:`.convert`): what an embedded
        graph pushes as it is, with no conversion."""
        started = time.perf_counter()
        review = graph.graph["review"]["id"]
        node_batches = list(_node_batches(graph))
        edge_batches = list(_edge_batches(graph))
        nodes = graph.number_of_nodes()
        rels = graph.number_of_edges()
        self.run_schema()
        exists = self.has_review(review)
        if exists and not replace:
            if Neo4jBackend(self, review).document() == graph_to_document(graph):
                return PushResult(review, "unchanged", nodes, rels, time.perf_counter() - started)
            raise ReviewExists(
                f"{self.uri}: review {review!r} already exists with different content; "
                "use --replace to replace it"
            )
        wanted = dict(graph.nodes(data="type"))
        total = len(node_batches) + len(edge_batches) + (2 if exists else 1)

        def work(tx: Transaction) -> None:
            done = 0

            def step() -> None:
                nonlocal done
                done += 1
                if progress:
                    progress(done, total)

            if exists:
                # replace in place: items are kept by id and updated, relationships are
                # rebuilt, and items the new content drops are deleted last; deleting
                # everything first would leave every later lookup in this transaction
                # wading through the deleted nodes
                held = tx.run("review_items", review=review)
                retyped = [r["id"] for r in held if wanted.get(r["id"], r["type"]) != r["type"]]
                gone = [r["id"] for r in held if r["id"] not in wanted]
                tx.run("replace_unlink", review=review)
                _delete_items(tx, review, retyped)
                tx.run("replace_review", review=review, props=_review_props(graph))
                step()
                for label, rows in node_batches:
                    tx.run("replace_nodes", label=label, review=review, rows=rows)
                    step()
            else:
                tx.run("push_review", review=review, props=_review_props(graph))
                step()
                for label, rows in node_batches:
                    tx.run("push_nodes", label=label, review=review, rows=rows)
                    step()
            for rel, rows in edge_batches:
                tx.run("push_edges", rel=rel, review=review, rows=rows)
                step()
            if exists:
                _delete_items(tx, review, gone)
                step()

        self.write(work, "push")
        status = "replaced" if exists else "created"
        return PushResult(review, status, nodes, rels, time.perf_counter() - started)

    def delete(self, review: str) -> bool:
        """Remove a review and everything in it; False if it was not there."""
        if not self.has_review(review):
            return False

        def work(tx: Transaction) -> None:
            tx.run("delete_review", review=review)
            tx.run("delete_review_node", review=review)

        self.write(work, "delete")
        return True


class Transaction:
    """A write transaction that only runs named statements."""

    def __init__(self, tx: Any, answered: Callable[[], None]) -> None:
        self._tx = tx
        self._answered = answered

    def run(self, name: str, **params: Any) -> list[dict[str, Any]]:
        text = statement(name).render(**_subs(params))
        return _records(self._tx.run(text, params), self._answered)


def _records(result: Any, answered: Callable[[], None]) -> list[dict[str, Any]]:
    """A result's records as dicts, telling the watch as answers arrive. Every statement
    in cypher/ returns plain values (ids, lists, property maps, never a node or a path), so
    the keys are zipped with the values directly: ``Record.data()`` costs as much again."""
    keys = result.keys()
    answered()
    rows = []
    for record in result:
        rows.append(dict(zip(keys, record, strict=True)))
        if not len(rows) % 1000:
            answered()
    answered()
    return rows


def _review_props_read(props: dict[str, Any]) -> dict[str, Any]:
    """A review node's properties as the review's own (its revision count is the store's)."""
    return {k: v for k, v in props.items() if k != "_revision"}


def _retryable(exc: Exception, mode: str, phase: str) -> bool:
    """Whether a failed transaction may succeed when run again from the start."""
    import neo4j

    # a deadlock or a lock wait the server gave up: the server says to retry; and a read
    # changes nothing, so a new connection may try another cluster member
    lost = (neo4j.exceptions.ServiceUnavailable, neo4j.exceptions.SessionExpired)
    return isinstance(exc, neo4j.exceptions.TransientError) or (
        mode == "read" and isinstance(exc, lost)
    )


def neo4j_auth_error() -> type[Exception]:
    import neo4j

    return neo4j.exceptions.AuthError


def _delete_items(tx: Transaction, review: str, ids: list[str]) -> None:
    """Delete items by id in batches (found through the index, never by a scan)."""
    for start in range(0, len(ids), BATCH_SIZE):
        tx.run("delete_items", review=review, ids=ids[start : start + BATCH_SIZE])


def _subs(params: dict[str, Any]) -> dict[str, Any]:
    """Pull the whitelisted placeholders (label, rel) out of the parameters."""
    return {key: params.pop(key) for key in ("label", "rel") if key in params}


def _first_line(exc: Exception) -> str:
    text = getattr(exc, "message", None) or str(exc) or type(exc).__name__
    return str(text).strip().splitlines()[0] if str(text).strip() else type(exc).__name__


def check_server_version(version: str, uri: str) -> None:
    """Refuse servers older than Neo4j 5.

    >>> check_server_version("5.26.0", "bolt://x")
    >>> check_server_version("4.4.30", "bolt://x")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    theorygraph.errors.ConnectionFailed: bolt://x: Neo4j 4.4.30 is not supported; ...
    """
    try:
        major = int(version.split(".")[0])
    except ValueError:
        major = 0
    if major < MIN_MAJOR:
        raise ConnectionFailed(
            f"{uri}: Neo4j {version} is not supported; theorygraph needs Neo4j 5 "
            "(5.26 LTS) or newer: upgrade the server"
        )


def _review_props(graph: nx.MultiDiGraph) -> dict[str, Any]:
    return {k: v for k, v in graph.graph["review"].items() if k != "id"}


def _node_batches(graph: nx.MultiDiGraph) -> Iterator[tuple[str, list[dict[str, Any]]]]:
    for label in LABEL_OF_SECTION.values():
        rows = [
            {"id": node, "props": {k: v for k, v in data.items() if k != "type"}}
            for node, data in graph.nodes(data=True)
            if data["type"] == label
        ]
        for start in range(0, len(rows), BATCH_SIZE):
            yield label, rows[start : start + BATCH_SIZE]


def _edge_batches(graph: nx.MultiDiGraph) -> Iterator[tuple[str, list[dict[str, Any]]]]:
    by_type: dict[str, list[dict[str, Any]]] = {rel: [] for rel in EDGE_TYPES}
    for source, target, key, data in graph.edges(keys=True, data=True):
        props = {k: v for k, v in data.items() if k != "type" and v is not None}
        by_type[key].append({"source": source, "target": target, "props": props})
    for rel, rows in by_type.items():
        for start in range(0, len(rows), BATCH_SIZE):
            yield rel, rows[start : start + BATCH_SIZE]


class Neo4jBackend:
    """One review in a Neo4j database."""

    kind = "neo4j"

    def __init__(self, store: Neo4jStore, review: str) -> None:
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
                result = answer()
                after = self._revision()
            if before == after:
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
        store = Neo4jStore(settings)
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

    def mechanism_evidence(self) -> list[MechanismEvidence]:
        rows = self.store.read("stats_mechanisms", review=self.review_id)
        return [MechanismEvidence(**row) for row in rows]

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
            )
            for r in rows
        }

    def cmocs_containing(self, node: str) -> list[str]:
        rows = self.store.read("cmocs_containing", review=self.review_id, node=node)
        return [r["id"] for r in rows]

    def leads_to(self, cmocs: list[str], direction: str) -> dict[str, list[str]]:
        name = "cmoc_leads_to" if direction == "forward" else "cmoc_led_from"
        rows = self.store.read(name, review=self.review_id, cmocs=list(cmocs))
        return {r["id"]: r["next"] for r in rows}

    def evidence(
        self, cmocs: list[str] | None = None, study: str | None = None
    ) -> list[EvidenceRow]:
        if study is not None:
            rows = self.store.read("evidence_study", review=self.review_id, study=study)
            if cmocs is not None:
                wanted = set(cmocs)
                rows = [r for r in rows if r["cmoc"] in wanted]
        elif cmocs is not None:
            rows = self.store.read("evidence", review=self.review_id, cmocs=list(cmocs))
        else:
            rows = self.store.read("evidence_all", review=self.review_id)
        return [EvidenceRow(**{**r, "kind": r["kind"] or "quote"}) for r in rows]

    def studies(self, ids: list[str] | None = None) -> list[dict[str, Any]]:
        rows = self.store.read("pull_nodes", label="Study", review=self.review_id)
        found = {
            r["id"]: {
                "id": r["id"],
                **{k: v for k, v in r["props"].items() if k not in ("review", "id", "seq")},
            }
            for r in rows
        }
        order = [r["id"] for r in rows] if ids is None else ids
        return [found[i] for i in order if i in found]

    def close(self) -> None:
        self.store.close()
