// name: push_review
// Create a review's own node with its properties (a new review: revision 1).
// params: $review, $props
CREATE (r:Review {id: $review})
SET r += $props
SET r._revision = 1
