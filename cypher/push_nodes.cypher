// name: push_nodes
// Create one batch of nodes of one label. {label} comes from the schema whitelist.
// params: $review, $rows (each {id, props})
UNWIND $rows AS row
CREATE (n:TheoryItem:{label} {review: $review, id: row.id})
SET n += row.props
