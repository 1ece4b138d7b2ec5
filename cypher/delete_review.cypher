// name: delete_review
// Delete every item of a review with its relationships, in one statement: one index seek,
// then a stream of deletes (repeated seeks in a transaction that has deleted many nodes
// grow slower with every node deleted).
// params: $review
MATCH (n:TheoryItem {review: $review})
USING INDEX n:TheoryItem(review)
DETACH DELETE n
