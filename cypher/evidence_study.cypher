// name: evidence_study
// Every extract taken from one study, with the CMOC and link it bears on.
// params: $review, $study
MATCH (s:TheoryItem {review: $review, id: $study})<-[:FROM_STUDY]-(x:Extract)
      -[e:EVIDENCES]->(c:CMOC)
USING INDEX SEEK s:TheoryItem(review, id)
RETURN x.id AS extract, c.id AS cmoc, e.link_from AS link_from, e.link_to AS link_to,
       x.stance AS stance, s.id AS study, x.quote AS quote, x.kind AS kind,
       x.location AS location, x.rationale AS rationale, x.relevance AS relevance,
       x.rigour AS rigour
ORDER BY x.seq
