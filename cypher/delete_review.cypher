// name: delete_review
// Delete one batch of a review's nodes (and their relationships); run until it returns 0.
// params: $review, $batch
MATCH (n:TheoryItem {review: $review})
WITH n LIMIT $batch
DETACH DELETE n
RETURN count(*) AS deleted
