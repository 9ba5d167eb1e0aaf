// Delete up to $limit nodes (and their relationships) of a map, every version. Run until
// it deletes nothing. Never touches another map.
// Parameters: $map (map name), $limit (batch size)
MATCH (n)
WHERE n.map_id = $map
WITH n
LIMIT $limit
DETACH DELETE n
RETURN count(*) AS deleted
