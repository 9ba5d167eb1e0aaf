// Remove every (:MapVersion) node of a map, when the whole map is dropped.
// Parameters: $map (map name)
MATCH (v:MapVersion {map: $map})
DELETE v
RETURN count(*) AS forgotten
