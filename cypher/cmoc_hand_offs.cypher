// name: cmoc_hand_offs
// For each of some CMOCs, the CMOCs it hands on to (LEADS_TO, in the order it lists them)
// and the CMOCs that hand on to it (in CMOC order): both directions in one question.
// params: $review, $cmocs
MATCH (c:TheoryItem {review: $review})
USING INDEX SEEK c:TheoryItem(review, id)  // each id found through the index
WHERE c.id IN $cmocs AND c:CMOC
RETURN c.id AS id,
       COLLECT { MATCH (c)-[r:LEADS_TO]->(x:CMOC) RETURN x.id ORDER BY r.position } AS next,
       COLLECT { MATCH (x:CMOC)-[:LEADS_TO]->(c) RETURN x.id ORDER BY x.seq } AS previous
