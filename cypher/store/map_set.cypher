// Make a loaded version the one readers see and record it as a kept version, in one
// statement, so the switch is atomic, and a compare-and-set: it happens only while the
// caller holds the map's load lock (a load whose lock expired and was taken over switches
// nothing and gets no row back). The first SET takes the lock node's write lock (Neo4j),
// so no other load can take it in between. The (:MapVersion) node keeps the version's
// own copy of these properties, so an earlier version reads back as it was loaded.
// Parameters: $map (map name), $owner (the load lock owner's token), $props (map: version, number, fingerprint, label, roster, source, loaded_at, files, columns, extra_sheets, needs)
MATCH (l:LoadLock {map: $map})
SET l.touched = timestamp()
WITH l
WHERE l.owner = $owner AND l.expires > timestamp()
MERGE (m:Map {id: $map})
SET m += $props
MERGE (v:MapVersion {map: $map, version: $props.version})
SET v += $props
RETURN m.version AS version
