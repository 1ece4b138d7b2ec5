// name: tally_cmocs
// How much evidence bears on each CMOC (every extract on it, whole or on a link): counts by
// stance, studies, supporting studies.
// params: $review
MATCH (c:CMOC {review: $review})
OPTIONAL MATCH (c)<-[e:EVIDENCES]-(x:Extract)-[:FROM_STUDY]->(s:Study)
RETURN c.id AS id,
       count(x) AS extracts,
       count(CASE x.stance WHEN 'supports' THEN 1 END) AS supports,
       count(CASE x.stance WHEN 'refutes' THEN 1 END) AS refutes,
       count(CASE x.stance WHEN 'refines' THEN 1 END) AS refines,
       count(DISTINCT s) AS studies,
       count(DISTINCT CASE WHEN x.stance IN ['supports', 'refines'] THEN s END) AS supporting
