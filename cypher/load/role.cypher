// Load Role nodes of one version of a map, one batch of rows at a time. Idempotent (MERGE).
// Parameters: $map (map name), $version (version being loaded), $prefix (the version's key prefix: a node's uid is the prefix followed by its id), $rows (list of maps {id: text, props: map})
UNWIND $rows AS row
MERGE (n:Role {map_id: $map, version: $version, id: row.id})
SET n += row.props, n.uid = $prefix + row.id
