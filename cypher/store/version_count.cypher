// How many nodes and relationships one version of a map has: a load checks its staged
// version is complete before readers are switched to it.
// Parameters: $map (map name), $version (version)
MATCH (n)
WHERE n.map_id = $map AND n.version = $version
OPTIONAL MATCH (n)-[r]->()
RETURN count(DISTINCT n) AS nodes, count(r) AS relationships
