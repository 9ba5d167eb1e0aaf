// Read the (:Partner)-[:IS_A]->(:AgencyType) relationships of the current version of a map.
// Parameters: $map (map name)
MATCH (m:Map {id: $map})
MATCH (a:Partner {map_id: $map, version: m.version})-[r:IS_A]->(b:AgencyType)
RETURN a.id AS source, b.id AS target, properties(r) AS props
ORDER BY source, target, props.key
