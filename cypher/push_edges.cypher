// name: push_edges
// Create one batch of relationships of one type. {rel} comes from the schema whitelist.
// params: $review, $rows (each {source, target, props})
UNWIND $rows AS row
MATCH (a:TheoryItem {review: $review, id: row.source})
MATCH (b:TheoryItem {review: $review, id: row.target})
CREATE (a)-[r:{rel}]->(b)
SET r += row.props
