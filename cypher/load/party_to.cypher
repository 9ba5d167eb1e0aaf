// Load (:Partner)-[:PARTY_TO]->(:Agreement) relationships of one version of a map, after its nodes.
// Idempotent: a relationship is identified by its two ends and its key.
// Parameters: $map (map name), $version (version being loaded), $rows (list of maps {source: Partner id, target: Agreement id, key: text, props: map})
UNWIND $rows AS row
MATCH (a:Partner {map_id: $map, version: $version, id: row.source})
MATCH (b:Agreement {map_id: $map, version: $version, id: row.target})
MERGE (a)-[r:PARTY_TO {key: row.key}]->(b)
SET r += row.props
