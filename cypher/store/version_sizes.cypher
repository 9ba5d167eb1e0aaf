// How many nodes each version of a map has in the database, kept or not (a staged or an
// abandoned load's too): what an operator checks after a failed load, and what the tests
// count versions by.
// Parameters: $map (map name)
MATCH (n)
WHERE n.map_id = $map
RETURN n.version AS version, count(*) AS nodes
ORDER BY version
