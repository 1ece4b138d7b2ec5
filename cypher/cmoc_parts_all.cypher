// name: cmoc_parts_all
// Every CMOC of a review with its contexts, mechanisms, outcomes, onward CMOCs, theories
// the qualifiers of its members (id, qualifier, note) and how it hands on to the CMOCs
// it leads to (next, role, outcome, provenance, note), and the CMOC it refines.
// params: $review
MATCH (c:CMOC {review: $review})
RETURN c.id AS id, c.label AS label, c.seq AS seq, coalesce(c.sequence, false) AS sequence,
       COLLECT { MATCH (c)-[r:HAS_CONTEXT]->(x) RETURN x.id ORDER BY r.position } AS contexts,
       COLLECT { MATCH (c)-[r:HAS_MECHANISM]->(x) RETURN x.id ORDER BY r.position } AS mechanisms,
       COLLECT { MATCH (c)-[r:HAS_OUTCOME]->(x) RETURN x.id ORDER BY r.position } AS outcomes,
       COLLECT { MATCH (c)-[r:LEADS_TO]->(x) RETURN x.id ORDER BY r.position } AS leads_to,
       COLLECT { MATCH (t)-[r:INCLUDES]->(c) RETURN t.id ORDER BY r.position } AS theories,
       COLLECT {
         MATCH (c)-[r:HAS_CONTEXT|HAS_MECHANISM|HAS_OUTCOME]->(x)
         WHERE r.qualifier IS NOT NULL OR r.note IS NOT NULL
         RETURN [x.id, r.qualifier, r.note]
       } AS qualifiers,
       COLLECT {
         MATCH (c)-[r:LEADS_TO]->(x)
         WHERE r.role IS NOT NULL OR r.outcome IS NOT NULL OR r.provenance IS NOT NULL
            OR r.note IS NOT NULL
         RETURN [x.id, r.role, r.outcome, r.provenance, r.note]
       } AS hand_offs,
       COLLECT { MATCH (c)-[:REFINES]->(x:CMOC) RETURN x.id }[0] AS refines
ORDER BY c.seq
