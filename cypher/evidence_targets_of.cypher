// name: evidence_targets_of
// The extracts on some CMOCs with what they target, their stance and study, without the
// texts: what chains need (they count and name studies, and weigh the judgements for
// confidence, but never quote).
// params: $review, $cmocs
MATCH (c:TheoryItem {review: $review})
USING INDEX SEEK c:TheoryItem(review, id)  // each id found through the index
WHERE c.id IN $cmocs AND c:CMOC
MATCH (c)<-[e:EVIDENCES]-(x:Extract)-[:FROM_STUDY]->(s:Study)
RETURN x.id AS extract, c.id AS cmoc, e.link_from AS link_from, e.link_to AS link_to,
       x.stance AS stance, s.id AS study, coalesce(x.kind, 'quote') AS kind,
       x.relevance AS relevance, x.rigour AS rigour
ORDER BY x.seq
