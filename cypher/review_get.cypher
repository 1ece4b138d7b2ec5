// name: review_get
// One review's metadata (its node's properties).
// params: $review
MATCH (r:Review {id: $review})
RETURN properties(r) AS props
