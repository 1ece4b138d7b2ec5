// name: cmocs_containing
// The CMOCs that hold a node as a context, mechanism or outcome.
// params: $review, $node
MATCH (n:TheoryItem {review: $review, id: $node})
      <-[:HAS_CONTEXT|HAS_MECHANISM|HAS_OUTCOME]-(c:CMOC)
USING INDEX SEEK n:TheoryItem(review, id)
RETURN DISTINCT c.id AS id, c.seq AS seq
ORDER BY seq
