// name: replace_review
// Give an existing review node exactly its new properties, and count one more revision.
// params: $review, $props
MERGE (r:Review {id: $review})
WITH r, coalesce(r._revision, 0) AS before
SET r = $props
SET r.id = $review, r._revision = before + 1
