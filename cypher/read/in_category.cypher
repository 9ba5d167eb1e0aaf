// Read the (:AgencyType)-[:IN_CATEGORY]->(:Category) relationships of the current version of a map.
// Parameters: $map (map name)
MATCH (m:Map {id: $map})
MATCH (a:AgencyType {map_id: $map, version: m.version})-[r:IN_CATEGORY]->(b:Category)
RETURN a.id AS source, b.id AS target, properties(r) AS props
ORDER BY source, target, props.key
