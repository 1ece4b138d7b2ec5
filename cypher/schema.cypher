// name: schema
// Constraints and indexes; run before any write. Several statements, split on ';'.
// Every node of a review carries the review id; ids are unique within a review.
// params: (none)
CREATE CONSTRAINT tg_review_id IF NOT EXISTS
FOR (r:Review) REQUIRE r.id IS UNIQUE;
CREATE CONSTRAINT tg_item_review_id IF NOT EXISTS
FOR (n:TheoryItem) REQUIRE (n.review, n.id) IS UNIQUE;
CREATE INDEX tg_item_review IF NOT EXISTS
FOR (n:TheoryItem) ON (n.review)
