// Load (:AgencyType)-[:IN_CATEGORY]->(:Category) relationships of one version of a map, after its nodes.
// Idempotent: a relationship is identified by its two ends and its key.
// Parameters: $map (map name), $version (version being loaded), $rows (list of maps {source: AgencyType id, target: Category id, key: text, props: map})
UNWIND $rows AS row
MATCH (a:AgencyType {map_id: $map, version: $version, id: row.source})
MATCH (b:Category {map_id: $map, version: $version, id: row.target})
MERGE (a)-[r:IN_CATEGORY {key: row.key}]->(b)
SET r += row.props
