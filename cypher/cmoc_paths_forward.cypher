// name: cmoc_paths_forward
// Chains of linked CMOCs: maximal LEADS_TO paths from some CMOCs, at most {depth} steps
// on (so {depth} + 1 CMOCs), never visiting a CMOC twice. {depth} is a whole number.
// params: $review, $starts
MATCH (s:TheoryItem {review: $review})
WHERE s.id IN $starts AND s:CMOC
MATCH p = (s)-[:LEADS_TO*0..{depth}]->(e:CMOC)
WITH s, p, e, nodes(p) AS cmocs
WHERE all(i IN range(0, size(cmocs) - 2) WHERE NOT cmocs[i] IN cmocs[i + 1..])
  AND (length(p) = {depth} OR NOT EXISTS {
         MATCH (e)-[:LEADS_TO]->(x:CMOC) WHERE NOT x IN cmocs })
RETURN s.id AS start, [c IN cmocs | c.id] AS path
