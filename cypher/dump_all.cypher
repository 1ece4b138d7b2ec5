// name: dump_all
// Everything in the database (every review), for checking that a failed write changed
// nothing. Slow on large databases: for tests and debugging only.
// params: (none)
MATCH (n)
OPTIONAL MATCH (n)-[r]->(m)
RETURN labels(n) AS labels, properties(n) AS props,
       collect(CASE WHEN r IS NULL THEN NULL
               ELSE [type(r), properties(r), labels(m), properties(m)] END) AS out
