// name: delete_review_node
// Delete the review node itself, after its items.
// params: $review
MATCH (r:Review {id: $review})
DETACH DELETE r
