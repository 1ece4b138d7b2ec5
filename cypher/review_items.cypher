// name: review_items
// Every id of a review with its type, in no particular order (what replace keeps or drops).
// params: $review
MATCH (n:TheoryItem {review: $review})
RETURN [l IN labels(n) WHERE l <> 'TheoryItem'][0] AS type, n.id AS id
