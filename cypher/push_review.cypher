// name: push_review
// Create the review node with its metadata.
// params: $review, $props
CREATE (r:Review {id: $review})
SET r += $props
