// name: pull_nodes
// Every node of one label in a review, in file order. {label} comes from the whitelist.
// params: $review
MATCH (n:{label} {review: $review})
RETURN n.id AS id, properties(n) AS props
ORDER BY n.seq
