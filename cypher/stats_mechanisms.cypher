// name: stats_mechanisms
// Evidence per mechanism: extracts on a CMOC that holds the mechanism, as a whole or
// through a link starting or ending at it; distinct studies; counts by stance.
// params: $review
MATCH (m:Mechanism {review: $review})
OPTIONAL MATCH (m)<-[:HAS_MECHANISM]-(:CMOC)<-[e:EVIDENCES]-(x:Extract)-[:FROM_STUDY]->(s:Study)
WHERE e.link_from IS NULL OR m.id IN [e.link_from, e.link_to]
WITH m,
     count(x) AS extracts,
     count(DISTINCT s) AS studies,
     count(CASE x.stance WHEN 'supports' THEN 1 END) AS supports,
     count(CASE x.stance WHEN 'refutes' THEN 1 END) AS refutes,
     count(CASE x.stance WHEN 'refines' THEN 1 END) AS refines
ORDER BY m.seq
RETURN m.id AS id, m.label AS label, extracts, studies, supports, refutes, refines
