// Delete up to $limit nodes (and their relationships) of a map's versions that readers no
// longer see and that are not kept: an abandoned load's, or a version whose (:MapVersion)
// node was removed (--keep, drop --version). Run until it deletes nothing. Never touches
// another map, the current version (read here, from the (:Map) node, not taken from the
// caller), a kept version, nor the version a live load lock holder is writing.
// Parameters: $map (map name), $limit (batch size)
MATCH (m:Map {id: $map})
OPTIONAL MATCH (l:LoadLock {map: $map})
WHERE l.expires > timestamp()
OPTIONAL MATCH (k:MapVersion {map: $map})
WITH m, l, collect(k.version) AS kept
MATCH (n)
WHERE n.map_id = $map AND n.version <> m.version AND NOT n.version IN kept AND (l IS NULL OR l.loading IS NULL OR n.version <> l.loading)
WITH n
LIMIT $limit
DETACH DELETE n
RETURN count(*) AS deleted
