// Keep the current version of a map loaded before versions were kept (no (:MapVersion)
// node yet) as version 1, so the next load keeps it instead of deleting it. Nothing when
// the map already has a node for its current version. Run by the holder of the load lock.
// Parameters: $map (map name)
MATCH (m:Map {id: $map})
MERGE (v:MapVersion {map: $map, version: m.version})
ON CREATE SET v += properties(m), v.number = 1, v.fingerprint = coalesce(m.fingerprint, m.version)
REMOVE v.id
RETURN v.version AS version
