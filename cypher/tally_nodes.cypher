// name: tally_nodes
// How much evidence bears on each context, mechanism and outcome: extracts on a CMOC that
// holds the node, on the whole CMOC or on a link starting or ending at the node (the rule
// of theorygraph.evidence; tested against it); counts by stance, studies, supporting studies.
// params: $review
MATCH (n:TheoryItem {review: $review})
WHERE n:Context OR n:Mechanism OR n:Outcome
OPTIONAL MATCH (n)<-[:HAS_CONTEXT|HAS_MECHANISM|HAS_OUTCOME]-(c:CMOC)
WITH DISTINCT n, c
OPTIONAL MATCH (c)<-[e:EVIDENCES]-(x:Extract)-[:FROM_STUDY]->(s:Study)
WHERE e.link_from IS NULL OR n.id IN [e.link_from, e.link_to]
RETURN n.id AS id,
       count(x) AS extracts,
       count(CASE x.stance WHEN 'supports' THEN 1 END) AS supports,
       count(CASE x.stance WHEN 'refutes' THEN 1 END) AS refutes,
       count(CASE x.stance WHEN 'refines' THEN 1 END) AS refines,
       count(DISTINCT s) AS studies,
       count(DISTINCT CASE WHEN x.stance IN ['supports', 'refines'] THEN s END) AS supporting
