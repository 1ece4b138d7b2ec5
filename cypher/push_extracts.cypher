// name: push_extracts
// Create one batch of extracts together with their two relationships: FROM_STUDY to the
// study and EVIDENCES to the CMOC (with the link it bears on, if any). The studies and
// CMOCs are written first, in the same transaction, and found through the (review, id)
// uniqueness index; writing each extract with its relationships saves two index seeks a
// relationship against creating the relationships afterwards (push_edges). The count lets
// push check that every row found its study and its CMOC.
// params: $review, $rows (each {id, props, study, cmoc, evidences})
UNWIND $rows AS row
MATCH (s:TheoryItem {review: $review, id: row.study})
USING INDEX SEEK s:TheoryItem(review, id)
MATCH (c:TheoryItem {review: $review, id: row.cmoc})
USING INDEX SEEK c:TheoryItem(review, id)
CREATE (x:TheoryItem:Extract {review: $review, id: row.id})
SET x += row.props
CREATE (x)-[:FROM_STUDY]->(s)
CREATE (x)-[e:EVIDENCES]->(c)
SET e += row.evidences
RETURN count(x) AS written
