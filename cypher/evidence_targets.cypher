// name: evidence_targets
// Every extract of a review with what it targets, its stance and its study: what counting
// needs (gaps, stats, coverage) and the judgements confidence weighs, without the texts.
// params: $review
MATCH (c:CMOC {review: $review})<-[e:EVIDENCES]-(x:Extract)-[:FROM_STUDY]->(s:Study)
RETURN x.id AS extract, c.id AS cmoc, e.link_from AS link_from, e.link_to AS link_to,
       x.stance AS stance, s.id AS study, coalesce(x.kind, 'quote') AS kind,
       x.relevance AS relevance, x.rigour AS rigour
ORDER BY x.seq
