// name: delete_items
// Delete one batch of a review's items by id, with their relationships.
// params: $review, $ids
UNWIND $ids AS id
MATCH (n:TheoryItem {review: $review, id: id})
USING INDEX SEEK n:TheoryItem(review, id)
DETACH DELETE n
