// name: evidence
// Every extract on some CMOCs, with its study (and the study's record, for citations)
// and the link it bears on (if one).
// params: $review, $cmocs
MATCH (c:TheoryItem {review: $review})
USING INDEX SEEK c:TheoryItem(review, id)  // each id found through the index
WHERE c.id IN $cmocs AND c:CMOC
MATCH (c)<-[e:EVIDENCES]-(x:Extract)-[:FROM_STUDY]->(s:Study)
RETURN x.id AS extract, c.id AS cmoc, e.link_from AS link_from, e.link_to AS link_to,
       x.stance AS stance, s.id AS study, x.quote AS quote, x.kind AS kind,
       x.location AS location, x.rationale AS rationale, x.relevance AS relevance,
       x.rigour AS rigour, properties(s) AS study_props
ORDER BY x.seq
