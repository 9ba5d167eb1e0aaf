// Load (:Person)-[:WORKS_AT]->(:Partner) relationships of one version of a map, after its nodes.
// Idempotent: a relationship is identified by its two ends and its key.
// Parameters: $map (map name), $version (version being loaded), $rows (list of maps {source: Person id, target: Partner id, key: text, props: map})
UNWIND $rows AS row
MATCH (a:Person {map_id: $map, version: $version, id: row.source})
MATCH (b:Partner {map_id: $map, version: $version, id: row.target})
MERGE (a)-[r:WORKS_AT {key: row.key}]->(b)
SET r += row.props
