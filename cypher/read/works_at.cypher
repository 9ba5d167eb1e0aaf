// Read the (:Person)-[:WORKS_AT]->(:Partner) relationships of the current version of a map.
// Parameters: $map (map name)
MATCH (m:Map {id: $map})
MATCH (a:Person {map_id: $map, version: m.version})-[r:WORKS_AT]->(b:Partner)
RETURN a.id AS source, b.id AS target, properties(r) AS props
ORDER BY source, target, props.key
