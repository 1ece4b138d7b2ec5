// name: ids_by_type
// Every id of a review with its type, in file order (for "did you mean" hints).
// params: $review
MATCH (n:TheoryItem {review: $review})
RETURN [l IN labels(n) WHERE l <> 'TheoryItem'][0] AS type, n.id AS id
ORDER BY n.seq
