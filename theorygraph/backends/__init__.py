"""Graph stores behind one protocol: the embedded networkx graph and Neo4j."""

from .protocol import Backend

__all__ = ["Backend"]
