// name: push_edges
// Create one batch of relationships of one type. {rel} comes from the schema whitelist.
// Both ends are found through the (review, id) uniqueness index, named in USING INDEX SEEK:
// a plan made while the database was empty would otherwise read every item of the review
// for each row (plain USING INDEX is met by an index scan, so SEEK is needed).
// params: $review, $rows (each {source, target, props})
UNWIND $rows AS row
MATCH (a:TheoryItem {review: $review, id: row.source})
USING INDEX SEEK a:TheoryItem(review, id)
MATCH (b:TheoryItem {review: $review, id: row.target})
USING INDEX SEEK b:TheoryItem(review, id)
CREATE (a)-[r:{rel}]->(b)
SET r += row.props
