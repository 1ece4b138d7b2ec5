// name: evidence_groups
// The extracts of each CMOC grouped by what they target (the whole CMOC, or one link), by
// stance and by whether they are citations: how many, and from which studies. The counting rules are applied to these
// groups in theorygraph.evidence (tallies_of_groups), so they are written once.
// params: $review
MATCH (c:CMOC {review: $review})<-[e:EVIDENCES]-(x:Extract)-[:FROM_STUDY]->(s:Study)
RETURN c.id AS cmoc,
       e.link_from AS link_from,
       e.link_to AS link_to,
       x.stance AS stance,
       coalesce(x.kind, 'quote') = 'citation' AS cited,
       count(*) AS extracts,
       collect(DISTINCT s.id) AS studies
