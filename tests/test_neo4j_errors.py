"""Neo4j that cannot be used: each case ends in one accurate line, soon, with nothing changed.

Stalls are made by real servers here: a port that accepts and never answers, and a proxy in
front of the real Neo4j that stops passing the server's answers on at a chosen moment. TLS
is a proxy that speaks TLS with a self-signed certificate (made with openssl) in front of
the real Neo4j. No driver is mocked.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import ssl
import subprocess
import sys
import threading
import time

import pytest
from conftest import SAMPLE

from theorygraph.errors import UsageError
from theorygraph.validate import read_theory


def cli(*args: object, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """``theorygraph ARGS`` in a fresh process (so that nothing but its own output shows)."""
    return subprocess.run(
        [sys.executable, "-m", "theorygraph", *(str(a) for a in args)],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **(env or {})},
    )


def usage(*args: object, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """``theorygraph ARGS`` in this process, for bad usage found before any connection is
    made (the URI, the timeout): the same exit code and standard error as :func:`cli`, in
    milliseconds instead of a process start. Any exception fails the test (no traceback
    can hide in the output)."""
    from click.testing import CliRunner

    from theorygraph.cli import main

    argv = [str(a) for a in args]
    result = CliRunner().invoke(
        main, argv, env=env, catch_exceptions=False, prog_name="theorygraph"
    )
    return subprocess.CompletedProcess(argv, result.exit_code, result.stdout, result.stderr)


def one_line(done: subprocess.CompletedProcess[str]) -> str:
    """The single line on stderr (no driver log line, no traceback beside it)."""
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    return lines[0]


# -- servers that misbehave ----------------------------------------------------------------------


class Silent:
    """A port that accepts connections and never says a word."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.held: list[socket.socket] = []
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.held.append(conn)

    def close(self) -> None:
        self.sock.close()
        for conn in self.held:
            conn.close()


class Staller:
    """A proxy in front of Neo4j that stops passing the server's answers on once the client
    has sent ``trigger`` (the client's bytes still reach the server)."""

    def __init__(
        self,
        target_port: int,
        trigger: bytes,
        *,
        after: bytes = b"",
        tls: ssl.SSLContext | None = None,
    ):
        self.target = target_port
        self.trigger = trigger
        self.after = after  # the trigger counts only once the client has sent this
        self.armed = threading.Event()
        if not after:
            self.armed.set()
        self.tls = tls
        self.stalled = threading.Event()
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.open: list[socket.socket] = []
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                client, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._start, args=(client,), daemon=True).start()

    def _start(self, client: socket.socket) -> None:
        try:
            if self.tls is not None:
                client = self.tls.wrap_socket(client, server_side=True)
        except (ssl.SSLError, OSError):
            client.close()
            return
        upstream = socket.create_connection(("127.0.0.1", self.target))
        self.open += [client, upstream]
        threading.Thread(target=self._pump, args=(client, upstream, True), daemon=True).start()
        self._pump(upstream, client, False)

    def _pump(self, src: socket.socket, dst: socket.socket, from_client: bool) -> None:
        seen = b""
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                if from_client and self.trigger:
                    seen = (seen + data)[-(len(self.trigger) + len(self.after) + 65536) :]
                    if not self.armed.is_set() and self.after in seen:
                        self.armed.set()
                        seen = seen[seen.index(self.after) + len(self.after) :]
                    if self.armed.is_set() and self.trigger in seen:
                        self.stalled.set()
                if not from_client and self.stalled.is_set():
                    continue  # the server's answers go nowhere: it seems to stop answering
                dst.sendall(data)
        except OSError:
            pass
        # one side hung up: so does the other (the server then rolls back what was open)
        for end in (src, dst):
            with contextlib.suppress(OSError):
                end.shutdown(socket.SHUT_RDWR)

    def close(self) -> None:
        self.sock.close()
        for conn in self.open:
            with contextlib.suppress(OSError):
                conn.close()


@pytest.fixture
def silent():
    server = Silent()
    yield server
    server.close()


@pytest.fixture
def neo4j_port(neo4j_uri) -> int:
    return int(neo4j_uri.rsplit(":", 1)[1])


@pytest.fixture
def stall(neo4j_port):
    made: list[Staller] = []

    def make(trigger: bytes, **kwargs) -> Staller:
        proxy = Staller(neo4j_port, trigger, **kwargs)
        made.append(proxy)
        return proxy

    yield make
    for proxy in made:
        proxy.close()


def dump(store) -> list[str]:
    return sorted(json.dumps(r, sort_keys=True, default=str) for r in store.read("dump_all"))


# -- a server that stops answering ---------------------------------------------------------------


def test_a_server_that_never_answers_ends_after_the_timeout(silent, tmp_path):
    out = tmp_path / "x.yaml"
    started = time.monotonic()
    done = cli(
        "pull", f"bolt://127.0.0.1:{silent.port}", "--review", "x", "-o", out, "--timeout", "0.5"
    )
    waited = time.monotonic() - started
    assert done.returncode == 1
    assert one_line(done) == (
        f"error: bolt://127.0.0.1:{silent.port}: 127.0.0.1:{silent.port} accepted the "
        "connection but did not answer as Neo4j within 0.5 s (--timeout, NEO4J_TIMEOUT); is it "
        "Neo4j's Bolt port (7687 by default), and is the server healthy?"
    )
    assert waited < 8  # one timeout and a process start, not the driver's minutes
    assert not out.exists()


def test_a_silent_port_costs_one_timeout_in_all(silent):
    """The driver's attempts and the look at the port that says why share one timeout:
    the look takes what is left (a moment at least), not a further 2 s."""
    from theorygraph.backends.bolt import MIN_KNOCK_SECONDS, Neo4jConnection, Neo4jSettings
    from theorygraph.errors import ConnectionFailed

    timeout = 1.0  # the look used to add as much again (up to 2 s)
    started = time.monotonic()
    with pytest.raises(ConnectionFailed, match="did not answer as Neo4j within"):
        Neo4jConnection(Neo4jSettings(f"bolt://127.0.0.1:{silent.port}", timeout=timeout))
    waited = time.monotonic() - started
    assert timeout * 0.9 < waited < timeout + MIN_KNOCK_SECONDS + 0.5


def test_neo4j_timeout_from_the_environment_and_routing_uris(silent):
    done = cli(
        "query",
        "gaps",
        f"neo4j://127.0.0.1:{silent.port}",
        "--review",
        "x",
        env={"NEO4J_TIMEOUT": "0.25"},
    )
    assert done.returncode == 1
    assert "did not answer as Neo4j within 0.25 s" in one_line(done)


def test_a_server_that_stops_answering_mid_query(store, stall, tmp_path):
    store.push(read_theory(SAMPLE), replace=True)
    proxy = stall(b"EVIDENCES")  # connecting and finding the review work; the evidence stalls
    out = tmp_path / "gaps.txt"
    started = time.monotonic()
    done = cli(
        "query",
        "gaps",
        f"bolt://127.0.0.1:{proxy.port}",
        "--review",
        "ics-leadership",
        "--timeout",
        "2",
    )
    waited = time.monotonic() - started
    assert proxy.stalled.is_set()
    assert done.returncode == 1, done.stderr
    assert one_line(done) == (
        f"error: bolt://127.0.0.1:{proxy.port}: Neo4j stopped answering for 2 s (--timeout, "
        "NEO4J_TIMEOUT); nothing was changed; check the server, or give a longer --timeout "
        "for a slow query"
    )
    assert done.stdout == ""
    assert waited < 12  # was 242 s: two of the server's 120 s read timeouts
    assert not out.exists()


def test_a_stall_in_the_middle_of_a_push_changes_nothing(store, stall, mini_document):
    before = dump(store)
    proxy = stall(b"UNWIND $rows")  # the first batch of nodes
    from theorygraph.graph import Neo4jOptions, TheoryGraph

    graph = TheoryGraph.from_document(mini_document)
    with pytest.raises(Exception) as caught:
        graph.push(f"bolt://127.0.0.1:{proxy.port}", neo4j=Neo4jOptions(timeout=1.5))
    assert proxy.stalled.is_set()
    assert "stopped answering for 1.5 s" in str(caught.value)
    assert "nothing was changed" in str(caught.value)
    deadline = time.monotonic() + 10  # the server rolls back when the connection drops
    while dump(store) != before and time.monotonic() < deadline:
        time.sleep(0.2)
    assert dump(store) == before


def test_a_stall_while_committing_says_the_push_may_have_been_saved(store, stall, mini_document):
    # a COMMIT message in one chunk (size 2, struct B0 12, end of message), once the push
    # has sent its batches
    proxy = stall(b"\x00\x02\xb0\x12\x00\x00", after=b"UNWIND $rows")
    from theorygraph.graph import Neo4jOptions, TheoryGraph

    graph = TheoryGraph.from_document(mini_document)
    with pytest.raises(Exception) as caught:
        graph.push(f"bolt://127.0.0.1:{proxy.port}", neo4j=Neo4jOptions(timeout=1.5))
    assert proxy.stalled.is_set()
    message = str(caught.value)
    assert "stopped answering for 1.5 s while committing" in message
    assert "may have been saved" in message and "nothing was changed" not in message


def test_a_long_transaction_that_keeps_answering_is_not_cut_off(store):
    """A push longer than the timeout goes through: only silence counts."""
    from theorygraph.generate import generate
    from theorygraph.graph import Neo4jOptions, TheoryGraph

    document = generate(
        studies=1500, mechanisms=60, extracts_per_study=4.0, seed=5, review_id="long-push"
    )
    graph = TheoryGraph.from_document(document)
    started = time.monotonic()
    result = graph.push(store.settings.uri, neo4j=Neo4jOptions(timeout=0.5))
    assert time.monotonic() - started > 0.5  # longer than the timeout, and not cut off
    assert result.status == "created"
    assert store.has_review("long-push")
    store.delete("long-push")


# -- URIs that cannot be Neo4j -------------------------------------------------------------------


@pytest.mark.parametrize(
    "uri,says",
    [
        ("http://127.0.0.1:7474", "talks to Neo4j over Bolt, not HTTP; use bolt://HOST:7687"),
        ("https://example.org", "talks to Neo4j over Bolt, not HTTP"),
        ("ftp://example.org", "not a Neo4j URI; the scheme must be one of bolt://, bolt+s://"),
        ("bolt://", "the URI names no host"),
        ("bolt://localhost:7687/neo4j", "choose the database with --database"),
    ],
)
@pytest.mark.parametrize("command", ["query", "push", "pull"])
def test_a_uri_that_cannot_be_neo4j_is_bad_usage(tmp_path, uri, says, command):
    args = {
        "query": ["query", "gaps", uri],
        "push": ["push", SAMPLE, uri],
        "pull": ["pull", uri, "-o", tmp_path / "x.yaml"],
    }[command]
    done = usage(*args)
    assert done.returncode == 2
    line = one_line(done)
    assert line.startswith(f"error: {uri}: ") and says in line
    assert list(tmp_path.iterdir()) == []


def test_port_99999_connects_nowhere():
    done = usage("query", "gaps", "bolt://127.0.0.1:99999")
    assert done.returncode == 2
    assert one_line(done) == (
        "error: bolt://127.0.0.1:99999: port 99999 does not exist; ports run from 1 to 65535 "
        "(Neo4j's Bolt port is 7687 unless set otherwise)"
    )


def test_the_library_checks_the_uri_too():
    from theorygraph.backends.neo4j import Neo4jSettings, Neo4jStore
    from theorygraph.graph import TheoryGraph

    with pytest.raises(UsageError, match="port 70000 does not exist"):
        TheoryGraph.open("bolt://localhost:70000")
    with pytest.raises(UsageError, match="not HTTP"):
        Neo4jStore(Neo4jSettings("http://localhost:7474"))
    with pytest.raises(UsageError, match="not HTTP"):
        TheoryGraph.open("http://localhost:7474/db/neo4j")  # never read as a file path


@pytest.mark.parametrize(
    "given,env,says",
    [
        (["--timeout", "0"], {}, "Invalid value for '--timeout'"),
        (["--timeout", "soon"], {}, "Invalid value for '--timeout'"),
        ([], {"NEO4J_TIMEOUT": "soon"}, "NEO4J_TIMEOUT must be a number of seconds above 0"),
        ([], {"NEO4J_TIMEOUT": "-3"}, "NEO4J_TIMEOUT must be a number of seconds above 0"),
    ],
)
def test_an_unusable_neo4j_timeout_is_bad_usage(silent, given, env, says):
    done = usage("query", "gaps", f"bolt://127.0.0.1:{silent.port}", *given, env=env)
    assert done.returncode == 2
    assert says in done.stderr
    assert "Traceback" not in done.stderr


def test_the_library_names_its_timeout_parameter():
    from theorygraph.graph import Neo4jOptions, TheoryGraph

    with pytest.raises(UsageError, match=r"^timeout must be a number of seconds above 0"):
        TheoryGraph.open("bolt://localhost:7687", neo4j=Neo4jOptions(timeout=-1))


# -- TLS and databases ---------------------------------------------------------------------------


def test_tls_to_a_plain_port_says_the_port_has_no_tls(neo4j_port):
    done = cli("query", "gaps", f"bolt+s://127.0.0.1:{neo4j_port}", "--timeout", "5")
    assert done.returncode == 1
    assert one_line(done) == (
        f"error: bolt+s://127.0.0.1:{neo4j_port}: 127.0.0.1:{neo4j_port} does not speak TLS; "
        "use bolt:// (without +s), or the server's TLS port"
    )


@pytest.fixture
def self_signed(tmp_path) -> ssl.SSLContext:
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.fail("openssl is needed to make a certificate (scripts/install-system-deps)")
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(
        [
            openssl,
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=localhost",
            "-addext",
            "subjectAltName=DNS:localhost",
            "-keyout",
            key,
            "-out",
            cert,
        ],
        check=True,
        capture_output=True,
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    return context


def test_a_self_signed_certificate_says_to_use_ssc(stall, self_signed):
    proxy = stall(b"", tls=self_signed)
    done = cli("query", "gaps", f"bolt+s://localhost:{proxy.port}", "--timeout", "5")
    assert done.returncode == 1
    assert one_line(done) == (
        f"error: bolt+s://localhost:{proxy.port}: the server's certificate is not trusted "
        "(self-signed certificate); for a self-signed certificate use bolt+ssc://, or add its "
        "authority to the system's trusted certificates"
    )


def test_ssc_accepts_the_certificate_and_then_waits_for_bolt(store, stall, self_signed):
    store.push(read_theory(SAMPLE), replace=True)
    proxy = stall(b"", tls=self_signed)
    done = cli(
        "query",
        "gaps",
        f"bolt+ssc://localhost:{proxy.port}",
        "--review",
        "ics-leadership",
        "--format",
        "json",
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["query"] == "gaps"


def test_the_system_database_is_refused_with_the_databases_there(neo4j_uri):
    done = cli("query", "gaps", neo4j_uri, "--database", "system")
    assert done.returncode == 2
    assert one_line(done) == (
        f"error: {neo4j_uri}: --database system holds Neo4j's users and settings, not "
        "reviews; use one of the databases here: neo4j"
    )


@pytest.fixture
def mini_document(mini):
    from theorygraph.model import TheoryDocument

    return TheoryDocument.model_validate(mini)
