// name: lookup
// The nodes among some ids that exist in a review, with their type and properties.
// params: $review, $ids
MATCH (n:TheoryItem {review: $review})
USING INDEX SEEK n:TheoryItem(review, id)  // each id found through the index
WHERE n.id IN $ids
RETURN n.id AS id, [l IN labels(n) WHERE l <> 'TheoryItem'][0] AS type, properties(n) AS props
