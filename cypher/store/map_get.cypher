// The bookkeeping node of a map: its current version and where it came from.
// Parameters: $map (map name)
MATCH (m:Map {id: $map})
RETURN properties(m) AS props
