// Read the (:FundingStream)-[:FUNDS]->(:Partner) relationships of the current version of a map.
// Parameters: $map (map name)
MATCH (m:Map {id: $map})
MATCH (a:FundingStream {map_id: $map, version: m.version})-[r:FUNDS]->(b:Partner)
RETURN a.id AS source, b.id AS target, properties(r) AS props
ORDER BY source, target, props.key
