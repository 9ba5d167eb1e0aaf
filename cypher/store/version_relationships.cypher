// Read every relationship of one version of a map, whatever its type (see version_nodes).
// Parameters: $map (map name), $version (version id)
MATCH (a)-[r]->(b)
WHERE a.map_id = $map AND a.version = $version
RETURN type(r) AS type, a.id AS source, b.id AS target, properties(r) AS props
ORDER BY type, source, target, props.key
