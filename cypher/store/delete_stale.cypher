// Delete up to $limit nodes (and their relationships) of a map's versions that readers no
// longer see: a replaced version or an abandoned load's. Run until it deletes nothing.
// Never touches another map, the current version (read here, from the (:Map) node, not
// taken from the caller), nor the version a live load lock holder is writing.
// Parameters: $map (map name), $limit (batch size)
MATCH (m:Map {id: $map})
OPTIONAL MATCH (l:LoadLock {map: $map})
WHERE l.expires > timestamp()
WITH m, l
MATCH (n)
WHERE n.map_id = $map AND n.version <> m.version AND (l IS NULL OR n.version <> l.loading)
WITH n
LIMIT $limit
DETACH DELETE n
RETURN count(*) AS deleted
