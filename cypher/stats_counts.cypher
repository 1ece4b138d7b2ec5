// name: stats_counts
// Number of nodes per label in one review.
// params: $review
MATCH (n:TheoryItem {review: $review})
UNWIND [l IN labels(n) WHERE l <> 'TheoryItem'] AS label
RETURN label, count(*) AS count
