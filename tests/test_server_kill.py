"""The Neo4j server killed in the middle of a push: after restart, the old state.

This test starts a private dev server of its own (another port and data folder), so
killing it disturbs nothing else.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess

import pytest
from conftest import ROOT

from theorygraph.backends.neo4j import Neo4jSettings, Neo4jStore
from theorygraph.errors import ConnectionFailed
from theorygraph.generate import generate
from theorygraph.model import TheoryDocument

pytestmark = [pytest.mark.neo4j, pytest.mark.slow]
SCRIPT = str(ROOT / "scripts" / "neo4j-dev")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def snapshot(store: Neo4jStore) -> list[str]:
    return sorted(json.dumps(r, sort_keys=True, default=str) for r in store.read("dump_all"))


def test_server_killed_mid_push_recovers_the_old_state(neo4j_env, tmp_path, mini):
    home = tmp_path / "server"
    port = free_port()  # not a fixed one: another run on this machine may hold it
    env = {
        **os.environ,
        "NEO4J_DEV_PORT": str(port),
        "NEO4J_DEV_HOME": str(home),
        "NEO4J_DEV_PASSWORD": "kill-test-pw",
    }
    settings = Neo4jSettings(f"bolt://127.0.0.1:{port}", username="neo4j", password="kill-test-pw")

    def start() -> None:
        result = subprocess.run(
            [SCRIPT, "start"], env=env, capture_output=True, text=True, timeout=300
        )
        assert result.returncode == 0, result.stderr

    start()
    try:
        with Neo4jStore(settings) as store:
            store.push(TheoryDocument.model_validate(mini))
            before = snapshot(store)
            big = generate(studies=400, mechanisms=12, seed=11, review_id="killed")
            pid = int((home / "run" / "neo4j.pid").read_text().strip())

            def kill_midway(done: int, total: int) -> None:
                if done == total // 2:
                    os.kill(pid, signal.SIGKILL)

            with pytest.raises(ConnectionFailed) as caught:
                store.push(big, progress=kill_midway)
            assert "lost the connection to Neo4j" in str(caught.value)
        start()  # Neo4j recovers to its last committed transaction
        with Neo4jStore(settings) as store:
            assert "killed" not in store.reviews()
            assert snapshot(store) == before
    finally:
        subprocess.run([SCRIPT, "stop"], env=env, capture_output=True, timeout=120)
