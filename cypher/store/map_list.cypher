// Every map in the database, with its current version.
// Parameters: none
MATCH (m:Map)
RETURN m.id AS map, m.version AS version, m.loaded_at AS loaded_at, m.source AS source
ORDER BY map
