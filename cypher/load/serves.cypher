// Load (:Partner)-[:SERVES]->(:Population) relationships of one version of a map, after its nodes.
// Idempotent: a relationship is identified by its two ends and its key.
// Parameters: $map (map name), $version (version being loaded), $rows (list of maps {source: Partner id, target: Population id, key: text, props: map})
UNWIND $rows AS row
MATCH (a:Partner {map_id: $map, version: $version, id: row.source})
MATCH (b:Population {map_id: $map, version: $version, id: row.target})
MERGE (a)-[r:SERVES {key: row.key}]->(b)
SET r += row.props
