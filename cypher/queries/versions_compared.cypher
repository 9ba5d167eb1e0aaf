// Which partners are in one stored version of a map and not in another?
// Parameters: $map (map name), $old (the version to look in, e.g. an earlier quarter's), $new (the version to compare it with)
// Runs on: Neo4j 5 and FalkorDB
// Partners of version $old whose id no partner of version $new has: those lost between the two
// when $old is the earlier one; swap $old and $new for the partners gained. Versions are the
// `version` values the nodes carry (netmap maps lists them; (:Map {id: $map}).version is the
// current one). A version with no partners in the map (a mistyped one) gives no rows rather
// than every partner.
MATCH (m:Map {id: $map})
MATCH (p:Partner {map_id: $map, version: $old})
WITH m, collect(p) AS before
MATCH (q:Partner {map_id: $map, version: $new})
WITH before, collect(q.id) AS kept
UNWIND before AS p
WITH p, kept
WHERE NOT p.id IN kept
RETURN p.id AS id, p.name AS name, p.agency_type_name AS agency_type, p.category AS category, p.region AS region,
       p.level AS level, p.status AS status
ORDER BY id
