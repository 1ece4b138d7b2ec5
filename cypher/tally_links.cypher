// name: tally_links
// How much evidence bears on each link of each CMOC (context -> mechanism, mechanism ->
// outcome): extracts on the whole CMOC or on that link; counts by stance, studies,
// supporting studies.
// params: $review
MATCH (c:CMOC {review: $review})-[:HAS_MECHANISM]->(m)
CALL {
  WITH c, m
  MATCH (c)-[:HAS_CONTEXT]->(x) RETURN x.id AS source, m.id AS target
  UNION
  WITH c, m
  MATCH (c)-[:HAS_OUTCOME]->(o) RETURN m.id AS source, o.id AS target
}
WITH DISTINCT c, source, target
OPTIONAL MATCH (c)<-[e:EVIDENCES]-(x:Extract)-[:FROM_STUDY]->(s:Study)
WHERE e.link_from IS NULL OR (e.link_from = source AND e.link_to = target)
RETURN c.id AS cmoc, source, target,
       count(x) AS extracts,
       count(CASE x.stance WHEN 'supports' THEN 1 END) AS supports,
       count(CASE x.stance WHEN 'refutes' THEN 1 END) AS refutes,
       count(CASE x.stance WHEN 'refines' THEN 1 END) AS refines,
       count(DISTINCT s) AS studies,
       count(DISTINCT CASE WHEN x.stance IN ['supports', 'refines'] THEN s END) AS supporting
