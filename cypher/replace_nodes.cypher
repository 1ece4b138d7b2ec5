// name: replace_nodes
// Create or update one batch of nodes of one label, keyed by (review, id): afterwards each
// holds exactly the given properties. {label} comes from the schema whitelist.
// params: $review, $rows (each {id, props})
UNWIND $rows AS row
MERGE (n:TheoryItem {review: $review, id: row.id})
SET n = row.props
SET n.review = $review, n.id = row.id, n:{label}
