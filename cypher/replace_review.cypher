// name: replace_review
// Set the review node's metadata to exactly $props (creating the node if need be).
// params: $review, $props
MERGE (r:Review {id: $review})
SET r = $props
SET r.id = $review
