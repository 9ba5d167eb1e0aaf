// How many ties link partners of different categories, for each pair of categories?
// Parameters: $map (map name)
// Runs on: Neo4j 5 and FalkorDB
// Counts TIED_TO relationships between active partners (no status, or "active") whose agency
// types are in different categories. A pair of categories is listed once, in id order, whatever
// the direction of its ties; each relationship counts once (a tie recorded both ways counts twice).
// tie_list lists them as {source, target, kind, strength}.
MATCH (m:Map {id: $map})
MATCH (a:Partner {map_id: $map, version: m.version})-[t:TIED_TO]->(b:Partner {map_id: $map, version: m.version})
WHERE (a.status IS NULL OR a.status = 'active') AND (b.status IS NULL OR b.status = 'active')
MATCH (a)-[:IS_A]->(:AgencyType {map_id: $map, version: m.version})
      -[:IN_CATEGORY]->(ca:Category {map_id: $map, version: m.version})
MATCH (b)-[:IS_A]->(:AgencyType {map_id: $map, version: m.version})
      -[:IN_CATEGORY]->(cb:Category {map_id: $map, version: m.version})
WITH a, b, t, ca, cb
WHERE ca.id <> cb.id
WITH a, b, t,
     CASE WHEN ca.id < cb.id THEN ca ELSE cb END AS c1,
     CASE WHEN ca.id < cb.id THEN cb ELSE ca END AS c2
ORDER BY a.id, b.id
RETURN c1.id AS category_id_1, c1.name AS category_1, c2.id AS category_id_2, c2.name AS category_2,
       count(t) AS ties,
       collect({source: a.id, target: b.id, kind: t.kind, strength: t.strength}) AS tie_list
ORDER BY ties DESC, category_id_1, category_id_2
