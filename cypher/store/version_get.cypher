// One kept version of a map: its bookkeeping properties (as map_get gives the current one's).
// Parameters: $map (map name), $version (version id)
MATCH (v:MapVersion {map: $map, version: $version})
RETURN properties(v) AS props
