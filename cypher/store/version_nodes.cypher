// Read every node of one version of a map, whatever its label: how an earlier version
// (not the current one, which read/ reads label by label) is read back. One scan.
// Parameters: $map (map name), $version (version id)
MATCH (n)
WHERE n.map_id = $map AND n.version = $version
RETURN labels(n)[0] AS label, n.id AS id, properties(n) AS props
ORDER BY label, id
