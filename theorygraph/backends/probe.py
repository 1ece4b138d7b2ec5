"""Why a Neo4j server could not be reached, found by looking at its port.

The driver says "couldn't connect" for a closed port, a silent one, TLS to a plain port and
an untrusted certificate alike. When connecting fails, theorygraph knocks on the port itself
(a TCP connect, a TLS handshake for +s and +ssc URIs, a Bolt greeting otherwise) and says
which it is, in one line.
"""

from __future__ import annotations

import socket
import ssl
from urllib.parse import urlsplit

from ..errors import ConnectionFailed

__all__ = ["diagnose"]

#: Bolt's magic preamble and the versions offered (5.4 down to 4.4), as the driver sends them
_BOLT_HELLO = b"\x60\x60\xb0\x17" + b"\x00\x00\x04\x05" + b"\x00\x04\x04\x04" + bytes(8)
#: how long the knock waits for an answer, at most
_KNOCK_SECONDS = 2.0


def diagnose(
    uri: str,
    shown: str,
    timeout: float,
    detail: str,
    *,
    silent: bool = False,
    left: float | None = None,
) -> ConnectionFailed:
    """The one-line error for a server the driver could not reach; ``silent`` when the
    connection was made but the server said nothing for the whole timeout. The knock
    waits at most ``left`` seconds (what remains of the timeout), and never over 2 s."""
    parts = urlsplit(uri)
    host = parts.hostname or "localhost"
    port = parts.port or 7687
    where = f"{host}:{port}"
    if silent:
        return _silent(shown, where, timeout)
    wait = min(timeout, _KNOCK_SECONDS, timeout if left is None else left)
    tls = parts.scheme.lower().endswith(("+s", "+ssc"))
    try:
        raw = socket.create_connection((host, port), timeout=wait)
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        return ConnectionFailed(
            f"{shown}: cannot reach Neo4j at {where} ({reason}); is the server running? "
            "Check the host and port, or start a local server with 'scripts/neo4j-dev start'"
        )
    with raw:
        raw.settimeout(wait)
        if tls:
            return _tls_problem(raw, host, shown, where, parts.scheme.lower(), timeout, detail)
        answer = _ask(raw, _BOLT_HELLO)
    if answer.startswith(b"\x15\x03"):  # a TLS alert: the port wants TLS
        return ConnectionFailed(
            f"{shown}: {where} speaks TLS; use {_with(parts.scheme, '+s')}:// (or "
            f"{_with(parts.scheme, '+ssc')}:// for a self-signed certificate)"
        )
    if answer.startswith(b"HTTP/"):
        return ConnectionFailed(
            f"{shown}: {where} is an HTTP port, not Bolt; Neo4j's Bolt port is 7687 unless "
            "set otherwise (7474 is Neo4j Browser's)"
        )
    if not answer:
        return _silent(shown, where, timeout)
    if len(answer) == 4 and answer[:2] == b"\x00\x00":  # a Bolt version: Neo4j is there
        return ConnectionFailed(
            f"{shown}: Neo4j at {where} answered the greeting, then said nothing for "
            f"{timeout:g} s (--timeout, NEO4J_TIMEOUT); the server may be overloaded or stuck"
        )
    return ConnectionFailed(f"{shown}: cannot talk to Neo4j at {where} ({detail})")


def _silent(shown: str, where: str, timeout: float) -> ConnectionFailed:
    return ConnectionFailed(
        f"{shown}: {where} accepted the connection but did not answer as Neo4j within "
        f"{timeout:g} s (--timeout, NEO4J_TIMEOUT); is it Neo4j's Bolt port (7687 by "
        "default), and is the server healthy?"
    )


def _tls_problem(
    raw: socket.socket, host: str, shown: str, where: str, scheme: str, timeout: float, detail: str
) -> ConnectionFailed:
    plain = scheme.split("+", 1)[0]
    peer = raw.getpeername()[:2]
    wait = raw.gettimeout()
    lax = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    lax.check_hostname = False
    lax.verify_mode = ssl.CERT_NONE
    try:
        with lax.wrap_socket(raw, server_hostname=host):
            pass
    except (ssl.SSLError, OSError):
        return ConnectionFailed(
            f"{shown}: {where} does not speak TLS; use {plain}:// (without +s), or the "
            "server's TLS port"
        )
    if scheme.endswith("+s"):
        try:
            again = socket.create_connection(peer, timeout=wait)
            with again, ssl.create_default_context().wrap_socket(again, server_hostname=host):
                pass
        except ssl.SSLCertVerificationError as exc:
            reason = exc.verify_message or "not trusted"
            return ConnectionFailed(
                f"{shown}: the server's certificate is not trusted ({reason}); for a "
                f"self-signed certificate use {plain}+ssc://, or add its authority to the "
                "system's trusted certificates"
            )
        except (ssl.SSLError, OSError):
            pass
    return ConnectionFailed(
        f"{shown}: {where} accepted TLS but did not answer as Neo4j within {timeout:g} s "
        f"(--timeout, NEO4J_TIMEOUT) ({detail})"
    )


def _ask(raw: socket.socket, hello: bytes) -> bytes:
    try:
        raw.sendall(hello)
        return raw.recv(16)
    except OSError:
        return b""


def _with(scheme: str, suffix: str) -> str:
    return scheme.split("+", 1)[0].lower() + suffix
