// name: database_names
// The databases of the server that can hold reviews (run against the system database).
// params: (none)
SHOW DATABASES YIELD name, type
WHERE type <> 'system'
RETURN DISTINCT name
ORDER BY name
