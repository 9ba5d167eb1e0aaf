// Stop keeping one version of a map: remove its (:MapVersion) node, never the current
// version's (read here from the (:Map) node). Its nodes go next (store/delete_stale).
// Run by the holder of the map's load lock.
// Parameters: $map (map name), $version (version id)
MATCH (m:Map {id: $map})
MATCH (v:MapVersion {map: $map, version: $version})
WHERE v.version <> m.version
DELETE v
RETURN count(*) AS forgotten
