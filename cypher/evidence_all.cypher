// name: evidence_all
// Every extract of a review, with its CMOC, study and the link it bears on (if one).
// params: $review
MATCH (c:CMOC {review: $review})<-[e:EVIDENCES]-(x:Extract)-[:FROM_STUDY]->(s:Study)
RETURN x.id AS extract, c.id AS cmoc, e.link_from AS link_from, e.link_to AS link_to,
       x.stance AS stance, s.id AS study, x.quote AS quote, x.kind AS kind,
       x.location AS location, x.rationale AS rationale, x.relevance AS relevance,
       x.rigour AS rigour
ORDER BY x.seq
