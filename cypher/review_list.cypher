// name: review_list
// Every review held in the database, with its title.
// params: (none)
MATCH (r:Review)
RETURN r.id AS id, r.title AS title
ORDER BY r.id
