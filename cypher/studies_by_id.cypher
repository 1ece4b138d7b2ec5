// name: studies_by_id
// Some studies of a review, found by id through the index, with their properties.
// params: $review, $ids
MATCH (s:TheoryItem {review: $review})
USING INDEX SEEK s:TheoryItem(review, id)  // each id found through the index
WHERE s.id IN $ids AND s:Study
RETURN s.id AS id, properties(s) AS props
ORDER BY s.seq
