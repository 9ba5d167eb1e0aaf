// Which partners get all their recorded funding from a single funding stream?
// Parameters: $map (map name)
// Runs on: Neo4j 5 and FalkorDB
// Partners of any status (status shows which; no status means active) funded by exactly one
// stream: netmap.analysis.funding's single_stream list. With the stream, the number of awards
// from it and their total amount, which is null unless every award records an amount (and
// they add up to more than 0), as there.
MATCH (m:Map {id: $map})
MATCH (s:FundingStream {map_id: $map, version: m.version})-[f:FUNDS]->(p:Partner {map_id: $map, version: m.version})
WITH p, s, count(f) AS awards, sum(coalesce(f.amount, 0.0)) AS amount, count(f.amount) AS priced
WITH p, collect({
       id: s.id, name: s.name, awards: awards,
       amount: CASE WHEN priced = awards AND amount > 0 THEN amount END
     }) AS streams
WHERE size(streams) = 1
RETURN p.id AS id, p.name AS name, coalesce(p.status, 'active') AS status, p.category AS category_id,
       streams[0].id AS stream_id, streams[0].name AS stream, streams[0].awards AS awards,
       streams[0].amount AS amount
ORDER BY id
