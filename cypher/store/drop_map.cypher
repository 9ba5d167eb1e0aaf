// Remove a map's bookkeeping node, so readers no longer see the map; its nodes go next
// (store/drop_nodes).
// Parameters: $map (map name)
MATCH (m:Map {id: $map})
DELETE m
RETURN count(*) AS deleted
