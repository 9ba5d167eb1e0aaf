// Which agreements expire within a number of days of a given day, and who are their parties?
// Parameters: $map (map name), $as_of (the day, ISO date text such as '2026-01-31'), $days (how many days ahead, an integer)
// Runs on: Neo4j 5 and FalkorDB
// An agreement is listed when it expires on $as_of or up to $days days after it and its status
// is not expired, terminated or draft: the agreements netmap.analysis.formalisation reports as
// "expiring" (a draft binds no one, so it cannot lapse), with the same days_left.
// Days are counted from year, month and day (a day number in the Gregorian calendar) because
// FalkorDB has no duration.inDays and adds a duration of days wrongly from some start days
// (date('2025-10-01') + duration({days: 60}) gives 2025-12-02 there, not 2025-11-30).
MATCH (m:Map {id: $map})
MATCH (a:Agreement {map_id: $map, version: m.version})
WHERE NOT coalesce(a.status, '') IN ['expired', 'terminated', 'draft']
  AND a.expires >= date($as_of)
WITH m, a,
     [d IN [date($as_of), a.expires] |
       [y IN [d.year - CASE WHEN d.month < 3 THEN 1 ELSE 0 END] |
         365 * y + y / 4 - y / 100 + y / 400 + (153 * ((d.month + 9) % 12) + 2) / 5 + d.day][0]] AS day_numbers
WITH m, a, day_numbers[1] - day_numbers[0] AS days_left
WHERE days_left <= $days
OPTIONAL MATCH (p:Partner {map_id: $map, version: m.version})-[:PARTY_TO]->(a)
WITH a, days_left, p
ORDER BY p.id
WITH a, days_left, collect(p.id) AS party_ids, collect(p.name) AS parties
RETURN a.id AS id, a.title AS title, a.type AS type, a.status AS status, a.signed AS signed,
       a.expires AS expires, days_left, party_ids, parties
ORDER BY expires, id
