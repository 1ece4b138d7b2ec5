// name: replace_unlink
// Delete every relationship that starts at one of a review's items; replace rebuilds them.
// params: $review
MATCH (n:TheoryItem {review: $review})-[r]->()
DELETE r
