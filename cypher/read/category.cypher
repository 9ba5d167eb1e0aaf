// Read the Category nodes of the current version of a map.
// Parameters: $map (map name)
MATCH (m:Map {id: $map})
MATCH (n:Category {map_id: $map, version: m.version})
RETURN n.id AS id, properties(n) AS props
ORDER BY id
