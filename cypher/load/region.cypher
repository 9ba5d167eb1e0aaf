// Load Region nodes of one version of a map, one batch of rows at a time. Idempotent (MERGE).
// Parameters: $map (map name), $version (version being loaded), $rows (list of maps {id: text, props: map})
UNWIND $rows AS row
MERGE (n:Region {map_id: $map, version: $version, id: row.id})
SET n += row.props
