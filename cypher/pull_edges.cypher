// name: pull_edges
// Every relationship of one type between a review's nodes. {rel} comes from the whitelist.
// params: $review
MATCH (a:TheoryItem {review: $review})-[r:{rel}]->(b:TheoryItem {review: $review})
RETURN a.id AS source, b.id AS target, properties(r) AS props
