// name: cmoc_led_from
// The CMOCs that hand on to each of some CMOCs (LEADS_TO into it), in CMOC order.
// params: $review, $cmocs
MATCH (c:TheoryItem {review: $review})
USING INDEX SEEK c:TheoryItem(review, id)  // each id found through the index
WHERE c.id IN $cmocs AND c:CMOC
RETURN c.id AS id,
       COLLECT { MATCH (x:CMOC)-[:LEADS_TO]->(c) RETURN x.id ORDER BY x.seq } AS next
