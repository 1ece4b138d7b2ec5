"""Neo4j URIs, checked before anything connects: a scheme the driver speaks, a host, and a
port that exists. A mistake here is bad usage (exit 2) with one line that says what to write.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from .errors import UsageError

__all__ = ["NEO4J_SCHEMES", "check_neo4j_uri", "is_neo4j_uri", "looks_like_url"]

#: the schemes of the Bolt protocol: direct (bolt) or routed (neo4j); +s checks the
#: server's certificate, +ssc accepts a self-signed one
NEO4J_SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


def looks_like_url(text: str) -> bool:
    """True for ``scheme://...``: a URI, never a file path."""
    return _URL.match(text) is not None


def is_neo4j_uri(text: str) -> bool:
    """True when ``text`` names a Neo4j server (one of :data:`NEO4J_SCHEMES`)."""
    return looks_like_url(text) and text.split("://", 1)[0].lower() in NEO4J_SCHEMES


def check_neo4j_uri(uri: str) -> str:
    """``uri`` if it can name a Neo4j server; else a :class:`UsageError` saying what to write.

    >>> check_neo4j_uri("neo4j+s://abc.databases.neo4j.io")
    'neo4j+s://abc.databases.neo4j.io'
    >>> check_neo4j_uri("bolt://localhost:99999")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    theorygraph.errors.UsageError: bolt://localhost:99999: port 99999 does not exist; ...
    """
    shown = _without_password(uri)
    scheme = uri.split("://", 1)[0].lower() if looks_like_url(uri) else ""
    if scheme in ("http", "https"):
        raise UsageError(
            f"{shown}: theorygraph talks to Neo4j over Bolt, not HTTP; use bolt://HOST:7687 "
            "or neo4j://HOST:7687 (neo4j+s:// for Aura), not the browser's port 7474"
        )
    if scheme not in NEO4J_SCHEMES:
        raise UsageError(
            f"{shown}: not a Neo4j URI; the scheme must be one of "
            + ", ".join(f"{s}://" for s in NEO4J_SCHEMES)
        )
    parts = urlsplit(uri)
    try:
        port = parts.port
    except ValueError:
        raw = parts.netloc.rsplit("@", 1)[-1].rsplit(":", 1)[-1]
        raise UsageError(
            f"{shown}: port {raw} does not exist; ports run from 1 to 65535 (Neo4j's Bolt "
            "port is 7687 unless set otherwise)"
        ) from None
    if port == 0:
        raise UsageError(f"{shown}: port 0 does not exist; ports run from 1 to 65535")
    if not parts.hostname:
        raise UsageError(f"{shown}: the URI names no host; for example bolt://localhost:7687")
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise UsageError(
            f"{shown}: a Neo4j URI is scheme://HOST[:PORT] only; choose the database with "
            "--database (or NEO4J_DATABASE)"
        )
    return uri


def _without_password(uri: str) -> str:
    return re.sub(r"(://[^/@:]*):[^/@]*@", r"\1:***@", uri)
