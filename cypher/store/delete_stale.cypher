// Delete up to $limit nodes (and their relationships) of a map's other versions: what a
// replaced version or an abandoned load left behind. Run until it deletes nothing.
// Never touches another map, nor the version named $keep.
// Parameters: $map (map name), $keep (the current version), $limit (batch size)
MATCH (n)
WHERE n.map_id = $map AND n.version <> $keep
WITH n
LIMIT $limit
DETACH DELETE n
RETURN count(*) AS deleted
