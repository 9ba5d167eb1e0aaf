// How many agency types of the recommended roster does each region lack, and which ones?
// Parameters: $map (map name)
// Runs on: Neo4j 5 and FalkorDB
// One row per region and level that lacks a type (regions with no gap are not listed), the most
// gaps first: the agency types missing_agency_types.cypher lists, counted and named (in name
// order) per region. Scopes follow netmap gaps exactly: local types are checked region by region
// among local and regional partners; state types among the state-side partners listed under each
// region; region null is the statewide scope (partners without a region). Only active partners
// (no status, or "active") fill a type. Reads the current version of the map.
MATCH (m:Map {id: $map})
MATCH (p:Partner {map_id: $map, version: m.version})
OPTIONAL MATCH (p)-[:IS_A]->(pt:AgencyType {map_id: $map, version: m.version})
WITH m, p, pt,
     CASE
       WHEN p.level IN ['state', 'national'] THEN 'state'
       WHEN p.level IN ['local', 'regional'] THEN 'local'
       WHEN pt.level IN ['state', 'local'] THEN pt.level
     END AS side
WITH m, collect({
       region: p.region,
       side: coalesce(side, ''),
       national_everywhere: coalesce(p.level, '') = 'national' AND p.region IS NULL,
       national: coalesce(p.level, '') = 'national',
       anywhere: side IS NULL AND pt.level = 'any' AND p.region IS NULL,
       active: p.status IS NULL OR p.status = 'active',
       type: pt.id
     }) AS partners
UNWIND ['state', 'local'] AS level
WITH m, partners, level
WHERE CASE level
        WHEN 'state' THEN any(x IN partners WHERE x.side = 'state' AND NOT x.national)
        ELSE any(x IN partners WHERE NOT x.national AND x.side <> 'state' AND (x.side = 'local' OR x.region IS NOT NULL))
      END
WITH m, partners, level,
     [x IN partners WHERE
        CASE level
          WHEN 'state' THEN x.side = 'state' AND NOT x.national_everywhere
          ELSE x.region IS NOT NULL OR x.side = 'local'
        END] AS openers
WITH m, partners, level,
     reduce(named = [], x IN openers |
       CASE WHEN x.region IS NULL OR x.region IN named THEN named ELSE named + [x.region] END) AS named,
     size(openers) = 0 OR any(x IN openers WHERE x.region IS NULL) AS statewide
UNWIND CASE WHEN statewide THEN named + [null] ELSE named END AS region
WITH m, level, region,
     [x IN partners WHERE x.active AND x.type IS NOT NULL AND
        CASE level
          WHEN 'state' THEN (x.side = 'state' OR x.anywhere) AND (x.region IS NULL OR x.region = region)
          ELSE x.side <> 'state' AND ((x.region IS NULL AND region IS NULL) OR x.region = region)
        END | x.type] AS present
MATCH (t:AgencyType {map_id: $map, version: m.version})
WHERE t.level IN [level, 'any'] AND t.in_roster = true AND NOT t.id IN present
WITH level, region, t
ORDER BY t.name
RETURN region, level, count(t) AS missing, collect(t.name) AS agency_types
ORDER BY missing DESC, region, level
