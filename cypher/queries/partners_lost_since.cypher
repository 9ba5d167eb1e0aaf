// Which partners were part of the network on a past day and are no longer, and what did they have then?
// Parameters: $map (map name), $since (the past day, ISO date text such as '2025-07-01'), $as_of (the day to compare it with, usually today, ISO date text)
// Runs on: Neo4j 5 and FalkorDB
// A partner is lost when on $since it had a current tie, agreement or funding award and on
// $as_of it has none: netmap's rules for "current" (netmap.project): a tie between its start
// and end (each optional, inclusive); an agreement whose status is not draft, expired or
// terminated, signed (if dated) on or before the day and not expired before it; a funding award
// between its start and end. Lists what it had on $since. Reads the current version of the map.
MATCH (m:Map {id: $map})
MATCH (p:Partner {map_id: $map, version: m.version})
OPTIONAL MATCH (p)-[t:TIED_TO]-(:Partner)
WITH p, collect(t) AS ties
OPTIONAL MATCH (p)-[:PARTY_TO]->(a:Agreement)
WITH p, ties, collect(a) AS agreements
OPTIONAL MATCH (:FundingStream)-[f:FUNDS]->(p)
WITH p, ties, agreements, collect(f) AS awards, date($since) AS before, date($as_of) AS day
WITH p, day,
     [x IN ties WHERE (x.start IS NULL OR x.start <= before) AND (x.end IS NULL OR x.end >= before)] AS ties_then,
     [x IN agreements WHERE NOT coalesce(x.status, '') IN ['draft', 'expired', 'terminated']
        AND (x.signed IS NULL OR x.signed <= before) AND (x.expires IS NULL OR x.expires >= before)] AS agreements_then,
     [x IN awards WHERE (x.start IS NULL OR x.start <= before) AND (x.end IS NULL OR x.end >= before)] AS awards_then,
     size([x IN ties WHERE (x.start IS NULL OR x.start <= day) AND (x.end IS NULL OR x.end >= day)])
     + size([x IN agreements WHERE NOT coalesce(x.status, '') IN ['draft', 'expired', 'terminated']
        AND (x.signed IS NULL OR x.signed <= day) AND (x.expires IS NULL OR x.expires >= day)])
     + size([x IN awards WHERE (x.start IS NULL OR x.start <= day) AND (x.end IS NULL OR x.end >= day)]) AS now
WHERE now = 0 AND size(ties_then) + size(agreements_then) + size(awards_then) > 0
RETURN p.id AS id, p.name AS name, p.category AS category, p.region AS region,
       size(ties_then) AS ties_then, [x IN agreements_then | x.id] AS agreements_then, size(awards_then) AS awards_then
ORDER BY id
