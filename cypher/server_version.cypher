// name: server_version
// The Neo4j kernel version and edition, to refuse servers theorygraph cannot use.
// params: (none)
CALL dbms.components() YIELD name, versions, edition
WHERE name = 'Neo4j Kernel'
RETURN versions[0] AS version, edition
