// The kept versions of every map (or of one map when $map is not null), oldest first, each
// with its load time, label and whether it is the one readers see.
// Parameters: $map (map name, or null for every map)
MATCH (v:MapVersion)
WHERE $map IS NULL OR v.map = $map
OPTIONAL MATCH (m:Map {id: v.map})
RETURN v.map AS map, v.number AS number, v.version AS version, v.loaded_at AS loaded_at, v.label AS label,
  v.source AS source, v.fingerprint AS fingerprint, coalesce(m.version = v.version, false) AS current
ORDER BY map, number
