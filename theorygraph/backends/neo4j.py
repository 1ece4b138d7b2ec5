"""theorygraph's Neo4j backend, in one place for its users.

It is three modules: :mod:`.bolt` (the connection, the single chokepoint for Cypher),
:mod:`.push` (writing a review in one transaction) and :mod:`.reads` (reading one review
behind the same protocol as the embedded graph). The graph in Neo4j has the shape of the
embedded graph: every node has the label ``TheoryItem`` plus its type label, and carries
``review`` (the review id), ``id`` and ``seq`` (its place in the file); relationships are
the schema's types.
"""

from __future__ import annotations

from .bolt import (
    DEFAULT_TIMEOUT,
    MAX_TIMEOUT,
    MIN_MAJOR,
    Neo4jConnection,
    Neo4jSettings,
    Transaction,
    check_server_version,
    safe_uri,
)
from .push import BATCH_SIZE, Neo4jStore, PushResult, ReviewExists
from .reads import Neo4jBackend

__all__ = [
    "BATCH_SIZE",
    "DEFAULT_TIMEOUT",
    "MAX_TIMEOUT",
    "MIN_MAJOR",
    "Neo4jBackend",
    "Neo4jConnection",
    "Neo4jSettings",
    "Neo4jStore",
    "PushResult",
    "ReviewExists",
    "Transaction",
    "check_server_version",
    "safe_uri",
]
