// name: cmoc_paths_backward
// Chains of linked CMOCs read backwards: maximal paths against LEADS_TO from some CMOCs,
// at most {depth} steps back, never visiting a CMOC twice. Each path starts at its start.
// params: $review, $starts
MATCH (s:TheoryItem {review: $review})
WHERE s.id IN $starts AND s:CMOC
MATCH p = (s)<-[:LEADS_TO*0..{depth}]-(e:CMOC)
WITH s, p, e, nodes(p) AS cmocs
WHERE all(i IN range(0, size(cmocs) - 2) WHERE NOT cmocs[i] IN cmocs[i + 1..])
  AND (length(p) = {depth} OR NOT EXISTS {
         MATCH (e)<-[:LEADS_TO]-(x:CMOC) WHERE NOT x IN cmocs })
RETURN s.id AS start, [c IN cmocs | c.id] AS path
