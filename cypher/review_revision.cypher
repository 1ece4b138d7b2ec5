// name: review_revision
// How many times a review has been written: every push that changes it counts one more.
// An answer read in one transaction is consistent when this is the same at its start and end.
// params: $review
MATCH (r:Review {id: $review})
RETURN coalesce(r._revision, 0) AS revision
