// name: cmoc_leads_to
// The CMOCs each of some CMOCs hands on to (LEADS_TO), in the order the CMOC lists them.
// params: $review, $cmocs
MATCH (c:TheoryItem {review: $review})
USING INDEX SEEK c:TheoryItem(review, id)  // each id found through the index
WHERE c.id IN $cmocs AND c:CMOC
RETURN c.id AS id,
       COLLECT { MATCH (c)-[r:LEADS_TO]->(x:CMOC) RETURN x.id ORDER BY r.position } AS next
