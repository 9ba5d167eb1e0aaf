// Load (:FundingStream)-[:FUNDS]->(:Partner) relationships of one version of a map, after its nodes.
// Idempotent: a relationship is identified by its two ends and its key.
// Parameters: $map (map name), $version (version being loaded), $rows (list of maps {source: FundingStream id, target: Partner id, key: text, props: map, start: ISO date text or null, end: ISO date text or null})
UNWIND $rows AS row
MATCH (a:FundingStream {map_id: $map, version: $version, id: row.source})
MATCH (b:Partner {map_id: $map, version: $version, id: row.target})
MERGE (a)-[r:FUNDS {key: row.key}]->(b)
SET r += row.props, r.start = date(row.start), r.end = date(row.end)
