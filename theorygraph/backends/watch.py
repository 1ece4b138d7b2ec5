"""A watch on a Neo4j store: when the server stops answering, end the wait after one timeout.

The server tells the driver how long a read may take (``connection.recv_timeout_seconds``,
120 s by default), and the driver retries a transaction whose connection went quiet, so a
stalled server held a command for minutes. theorygraph waits for an answer at most its own
timeout (``--timeout``, ``NEO4J_TIMEOUT``, 30 s by default): the store tells the watch when
it starts waiting and whenever an answer arrives, and the watch, a thread of its own, shuts
the store's connections when the server has said nothing for that long. The blocked read
then fails at once, and the store reports the stall in one line.

A long transaction that keeps answering (a push of many batches, each answered) is never cut
off: only silence counts.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from typing import Any

__all__ = ["Watch"]


class Watch:
    """Shuts a driver's connections after ``timeout`` seconds without an answer."""

    def __init__(self, driver: Any, timeout: float) -> None:
        self.driver = driver
        self.timeout = timeout
        self.fired = False
        self._since: float | None = None  # waiting since, or None when not waiting
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def waiting(self) -> None:
        """A statement was sent: the clock for an answer starts (again)."""
        with self._lock:
            self._since = time.monotonic()
            self.fired = False
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="neo4j-watch", daemon=True)
            self._thread.start()

    def answered(self) -> None:
        """An answer arrived: the server is alive; the clock starts again."""
        with self._lock:
            if self._since is not None:
                self._since = time.monotonic()

    def done(self) -> None:
        """Nothing is waited for any more."""
        with self._lock:
            self._since = None

    def close(self) -> None:
        self._stop.set()

    def _run(self) -> None:
        tick = min(0.25, self.timeout / 8)
        while not self._stop.wait(tick):
            with self._lock:
                quiet = self._since is not None and time.monotonic() - self._since > self.timeout
                if quiet:
                    self.fired = True
                    self._since = None
            if quiet:
                _shut_connections(self.driver)


def _shut_connections(driver: Any) -> None:
    """Shut every socket of the driver's pool, which wakes a read blocked on any of them."""
    pool = getattr(driver, "_pool", None)
    for connections in list(getattr(pool, "connections", {}).values()):
        for connection in list(connections):
            raw = getattr(getattr(connection, "socket", None), "_socket", None)
            if isinstance(raw, socket.socket):
                with contextlib.suppress(OSError):
                    raw.shutdown(socket.SHUT_RDWR)
