// Make a loaded version the one readers see. One statement, so the switch is atomic.
// Parameters: $map (map name), $props (map: version, roster, source, loaded_at, files, columns, extra_sheets)
MERGE (m:Map {id: $map})
SET m += $props
