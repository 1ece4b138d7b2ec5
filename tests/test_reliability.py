"""Faults, injection and load against the real Neo4j: nothing lost, nothing gets in."""

from __future__ import annotations

import contextlib
import json
import os
import select
import signal
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from theorygraph.backends.neo4j import Neo4jBackend, Neo4jSettings, Neo4jStore
from theorygraph.errors import BackendError, ConnectionFailed
from theorygraph.generate import generate, write_generated
from theorygraph.graph import TheoryGraph
from theorygraph.model import TheoryDocument
from theorygraph.validate import read_theory

pytestmark = pytest.mark.neo4j


def snapshot(store: Neo4jStore) -> list[str]:
    return sorted(json.dumps(r, sort_keys=True, default=str) for r in store.read("dump_all"))


HOSTILE = {
    "cypher": "x'}) DETACH DELETE n // MATCH (m) SET m.pwned = true",
    "backticks": "`Review`) DETACH DELETE r WITH 1 AS x MATCH (`n`",
    "params": "$review $rows {label} {rel} {depth}",
    "html": "</script><img src=x onerror=alert(1)>",
    "path": "../../etc/passwd; rm -rf / #",
}


def test_injection_text_is_stored_verbatim(store, mini, sample):
    store.push(read_theory(sample))  # a bystander review that must stay untouched
    bystander = snapshot(store)
    mini["review"]["title"] = HOSTILE["cypher"]
    mini["contexts"][0]["label"] = HOSTILE["backticks"]
    mini["mechanisms"][0]["label"] = HOSTILE["params"]
    mini["extracts"][0]["quote"] = HOSTILE["html"]
    mini["extracts"][1]["rationale"] = HOSTILE["path"]
    mini["studies"][0]["title"] = HOSTILE["params"] + HOSTILE["cypher"]
    document = TheoryDocument.model_validate(mini)
    store.push(document)
    assert Neo4jBackend(store, "mini").document() == document
    store.delete("mini")
    assert snapshot(store) == bystander  # exactly what was there, and nothing more
    rows = store.read("review_list")
    assert [r["id"] for r in rows] == ["ics-leadership"]


class DroppingProxy:
    """A TCP proxy on loopback whose connections can be cut at once (a network drop)."""

    def __init__(self, target_port: int) -> None:
        self.server = socket.socket()
        self.server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.server.bind(("127.0.0.1", 0))
        self.server.listen(8)
        self.port = self.server.getsockname()[1]
        self.target = target_port
        self.sockets: list[socket.socket] = []
        self.running = True
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while self.running:
            try:
                client, _ = self.server.accept()
            except OSError:
                return
            upstream = socket.create_connection(("127.0.0.1", self.target))
            self.sockets += [client, upstream]
            threading.Thread(target=self._pump, args=(client, upstream), daemon=True).start()

    def _pump(self, a: socket.socket, b: socket.socket) -> None:
        try:
            while self.running:
                ready, _, _ = select.select([a, b], [], [], 0.2)
                for sock in ready:
                    data = sock.recv(65536)
                    if not data:
                        return
                    (b if sock is a else a).sendall(data)
        except OSError:
            return

    def drop(self) -> None:
        self.running = False
        self.server.close()
        for sock in self.sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()


def test_network_drop_mid_push_changes_nothing(store, neo4j_uri, mini):
    store.push(TheoryDocument.model_validate(mini))
    before = snapshot(store)
    port = int(neo4j_uri.rsplit(":", 1)[1])
    proxy = DroppingProxy(port)
    big = generate(studies=300, mechanisms=12, seed=5, review_id="dropped")
    with Neo4jStore(Neo4jSettings(f"bolt://127.0.0.1:{proxy.port}")) as through_proxy:

        def drop_midway(done: int, total: int) -> None:
            if done == total // 2:
                proxy.drop()

        started = time.monotonic()
        with pytest.raises(ConnectionFailed) as caught:
            through_proxy.push(big, progress=drop_midway)
        assert time.monotonic() - started < 30
    message = str(caught.value)
    assert message.startswith(f"bolt://127.0.0.1:{proxy.port}: lost the connection to Neo4j")
    assert "nothing was changed" in message
    assert snapshot(store) == before


def test_ctrl_c_during_push_changes_nothing(store, neo4j_uri, tmp_path):
    before = snapshot(store)
    folder = tmp_path / "big"
    write_generated(generate(studies=3000, mechanisms=40, seed=9, review_id="interrupted"), folder)
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "theorygraph", "push", str(folder), neo4j_uri],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    # wait until the push transaction is really writing, then press Ctrl-C
    deadline = time.monotonic() + 120
    writing = False
    while time.monotonic() < deadline and proc.poll() is None and not writing:
        with store.driver.session(database="system") as session:
            queries = [
                r["currentQuery"] for r in session.run("SHOW TRANSACTIONS YIELD currentQuery")
            ]
        writing = any("UNWIND $rows" in (q or "") for q in queries)
        time.sleep(0.05)
    assert writing, "the push never started writing"
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert err.strip().splitlines()[-1] == "interrupted"
    assert "Traceback" not in err
    assert "interrupted" not in store.reviews()
    assert snapshot(store) == before


def test_two_pushes_of_different_reviews_at_once(store, sample, mini):
    documents = [read_theory(sample), TheoryDocument.model_validate(mini)]
    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(lambda d: store.push(d), documents))
    assert {r.status for r in results} == {"created"}
    for document in documents:
        assert Neo4jBackend(store, document.review.id).document() == document


def test_two_pushes_of_the_same_review_serialise_or_fail_cleanly(store, sample):
    document = read_theory(sample)
    outcomes: list[str] = []

    def push() -> None:
        try:
            outcomes.append(store.push(document, replace=True).status)
        except BackendError as exc:
            outcomes.append(f"failed: {exc}")

    threads = [threading.Thread(target=push) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(outcomes) == 2
    assert any(o in ("created", "replaced") for o in outcomes)
    for o in outcomes:
        assert o in ("created", "replaced", "unchanged") or "got there first" in o, o
    assert Neo4jBackend(store, "ics-leadership").document() == document
    assert store.read("stats_counts", review="ics-leadership")  # one copy, counted below
    counts = Neo4jBackend(store, "ics-leadership").counts()
    assert counts["Extract"] == len(document.extracts)


def test_twenty_concurrent_reads_all_answer_correctly(store, sample, neo4j_uri):
    document = read_theory(sample)
    store.push(document)
    expected = TheoryGraph.from_document(document)
    questions = [
        ("stats", {}),
        ("gaps", {}),
        ("contested", {}),
        ("chains", {"through": "m-wider-view"}),
        ("evidence", {"target": "m-inspiring-intent"}),
    ]

    def ask(i: int) -> bool:
        name, kwargs = questions[i % len(questions)]
        with TheoryGraph.open(neo4j_uri, review="ics-leadership") as graph:
            got = getattr(graph, name)(**kwargs)
        want = getattr(expected, name)(**kwargs)
        return got == want if name == "stats" else got.as_dict() == want.as_dict()

    with ThreadPoolExecutor(20) as pool:
        answers = list(pool.map(ask, range(20)))
    assert answers == [True] * 20


def _two_versions(sample) -> tuple[TheoryDocument, TheoryDocument]:
    """The sample, and a version of it in which every label and quote differs."""
    first = read_theory(sample)
    data = first.to_data()
    for section in ("contexts", "mechanisms", "outcomes", "cmocs"):
        for item in data.get(section, []):
            item["label"] = item["label"] + " (v2)"
    for extract in data["extracts"]:
        extract["quote"] = extract["quote"] + " [v2]"
    return first, TheoryDocument.model_validate(data)


def test_a_pull_never_mixes_two_pushes(store, sample, neo4j_uri):
    """Each answer is one consistent read: pulls taken while other clients replace the review
    again and again are each exactly one version, never part of one and part of another."""
    first, second = _two_versions(sample)
    store.push(first)
    stop = threading.Event()
    pushed = [0]

    def keep_pushing() -> None:
        with Neo4jStore(Neo4jSettings(neo4j_uri)) as other:
            while not stop.is_set():
                other.push(second if pushed[0] % 2 == 0 else first, replace=True)
                pushed[0] += 1
                time.sleep(0.05)

    pusher = threading.Thread(target=keep_pushing)
    pusher.start()
    try:
        seen = []
        with TheoryGraph.open(neo4j_uri, review=first.review.id) as graph:
            while len(seen) < 15 or pushed[0] < 6:
                got = graph.document()
                assert got in (first, second), "a pull mixed two pushes"
                seen.append(got == first)
    finally:
        stop.set()
        pusher.join()
    assert pushed[0] >= 6  # the pulls ran while pushes landed


def test_a_read_torn_by_a_push_is_read_again_not_reported(store, sample, neo4j_uri):
    """A read that a push tore apart can fail to assemble (a CMOC seen without its links).
    That failure is a reason to read again, not an error for the user; the same failure
    with no push in between is reported as it is."""
    first, second = _two_versions(sample)
    store.push(first)
    with TheoryGraph.open(neo4j_uri, review=first.review.id) as graph:
        calls = [0]

        def torn() -> TheoryDocument:
            calls[0] += 1
            if calls[0] == 1:
                with Neo4jStore(Neo4jSettings(neo4j_uri)) as other:
                    other.push(second, replace=True)
                raise ValueError("a CMOC without its mechanisms")
            return graph.backend.document()

        assert graph.backend.consistent(torn) == second
        assert calls[0] == 2

        def broken() -> TheoryDocument:
            raise ValueError("broken for good")

        with pytest.raises(ValueError, match="broken for good"):
            graph.backend.consistent(broken)
