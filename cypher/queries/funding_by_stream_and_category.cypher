// How much money does each funding stream send to each category of partner, in how many awards?
// Parameters: $map (map name)
// Runs on: Neo4j 5 and FalkorDB
// One row per funding stream and recipient category (the Category of the recipient's agency
// type), whatever the recipient's status. total_amount adds the awards that record an amount;
// awards_without_amount counts those that do not (total_amount is 0.0 when none does).
MATCH (m:Map {id: $map})
MATCH (s:FundingStream {map_id: $map, version: m.version})-[f:FUNDS]->(p:Partner {map_id: $map, version: m.version})
OPTIONAL MATCH (p)-[:IS_A]->(:AgencyType {map_id: $map, version: m.version})
               -[:IN_CATEGORY]->(c:Category {map_id: $map, version: m.version})
RETURN s.id AS stream_id, s.name AS stream, c.id AS category_id, c.name AS category,
       count(f) AS awards, sum(coalesce(f.amount, 0.0)) AS total_amount,
       count(f) - count(f.amount) AS awards_without_amount
ORDER BY stream, category
