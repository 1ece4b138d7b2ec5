"""Named Cypher statements, one per ``.cypher`` file; see ``theorygraph.cypherlib``."""
