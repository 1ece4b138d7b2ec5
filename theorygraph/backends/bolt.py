"""The connection to Neo4j: the single chokepoint every Cypher statement goes through.

:class:`Neo4jConnection` owns the driver, sessions, transactions, retries, the timeout watch
and the translation of driver errors into theorygraph's own one-line errors; every
statement it runs is a named file from ``cypher/`` (see :mod:`theorygraph.cypherlib`).
Writes (push, delete) are :mod:`.push`; reads of one review are :mod:`.reads`.
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

from ..cypherlib import statement
from ..errors import (
    BackendError,
    ConnectionFailed,
    TheoryGraphError,
    UsageError,
)
from ..uris import check_neo4j_uri
from .watch import Watch

__all__ = ["Neo4jConnection", "Neo4jSettings", "Transaction", "safe_uri"]

log = logging.getLogger("theorygraph.backends.neo4j")
C = TypeVar("C", bound="Neo4jConnection")

#: Neo4j major versions theorygraph runs on (5.x, including 5.26 LTS, and 2025.x+)
MIN_MAJOR = 5
SLOW_QUERY_SECONDS = 1.0
#: the least time a look at an unreachable server's port may take (see _unreachable)
MIN_KNOCK_SECONDS = 0.25


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


class Neo4jConnection:
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
            connecting = time.monotonic()
            try:
                self.driver.verify_connectivity()
            except neo4j.exceptions.AuthError as exc:
                raise self._translate(exc) from exc
            except (neo4j.exceptions.DriverError, neo4j.exceptions.Neo4jError, OSError) as exc:
                self.watch.done()
                raise self._unreachable(exc, time.monotonic() - connecting) from exc
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

    def _unreachable(self, exc: Exception, waited: float) -> TheoryGraphError:
        """Why connecting failed, found by looking at the port: closed, silent, TLS or not.
        The look takes what is left of the timeout after ``waited`` seconds (a moment at
        least), so that a silent port ends the wait after about one timeout in all."""
        from .probe import diagnose

        if isinstance(exc, neo4j_auth_error()):
            return self._translate(exc)
        return diagnose(
            self.settings.uri,
            self.uri,
            self.timeout,
            _first_line(exc),
            silent=self.watch.fired,
            left=max(self.timeout - waited, MIN_KNOCK_SECONDS),
        )

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

    def __enter__(self: C) -> C:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


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
