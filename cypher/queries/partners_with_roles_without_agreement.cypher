// Which active partners perform a role but are party to no agreement that is current on a given day?
// Parameters: $map (map name), $as_of (the day, ISO date text such as '2026-01-31')
// Runs on: Neo4j 5 and FalkorDB
// The same list as netmap.analysis.formalisation.formalisation(G, as_of=...).roles_without_agreement.
// Active: no status, or "active". An agreement is current unless its status is expired,
// terminated or draft, it expired before $as_of, or it is signed after $as_of.
MATCH (m:Map {id: $map})
MATCH (p:Partner {map_id: $map, version: m.version})-[:PERFORMS]->(:Role {map_id: $map, version: m.version})
WHERE p.status IS NULL OR p.status = 'active'
WITH DISTINCT m, p
OPTIONAL MATCH (p)-[:PARTY_TO]->(a:Agreement {map_id: $map, version: m.version})
WHERE NOT coalesce(a.status, '') IN ['expired', 'terminated', 'draft']
  AND (a.expires IS NULL OR a.expires >= date($as_of))
  AND (a.signed IS NULL OR a.signed <= date($as_of))
WITH p, count(a) AS current
WHERE current = 0
RETURN p.id AS id, p.name AS name, p.team AS team
ORDER BY id
