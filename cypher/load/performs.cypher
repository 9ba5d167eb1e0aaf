// Load (:Partner)-[:PERFORMS]->(:Role) relationships of one version of a map, after its nodes.
// Idempotent: a relationship is identified by its two ends and its key.
// Parameters: $map (map name), $version (version being loaded), $rows (list of maps {source: Partner id, target: Role id, key: text, props: map})
UNWIND $rows AS row
MATCH (a:Partner {map_id: $map, version: $version, id: row.source})
MATCH (b:Role {map_id: $map, version: $version, id: row.target})
MERGE (a)-[r:PERFORMS {key: row.key}]->(b)
SET r += row.props
