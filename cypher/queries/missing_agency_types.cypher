// Which agency types of the recommended roster have no active partner, level by level and region by region?
// Parameters: $map (map name)
// Runs on: Neo4j 5 and FalkorDB
// The same list as netmap.analysis.gaps.roster_gaps(G).missing, scope by scope: state types are
// checked among state-side partners in each region those are listed under (partners listed
// without a region count in every state scope; national partners without one open no scope);
// local types region by region. A partner's side is its own level (national counts as state,
// regional as local), else its agency type's level. Scopes are opened by partners of any status,
// but only active partners (no status, or "active") make a type present. With no scope at all, a
// level is checked once, with region null. Roster types are the AgencyType nodes with in_roster;
// a type of level 'any' (the employers) is checked at both levels. A partner with no side of its own
// whose type is of level 'any' and who has no region counts at both levels. Only the levels the map
// lists are checked (roster_gaps' scope "auto"): the state level if some partner is state-level
// (national ones are not), the local level if some partner other than a state-level or national one
// is local or placed in a region.
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
OPTIONAL MATCH (t)-[:IN_CATEGORY]->(c:Category {map_id: $map, version: m.version})
RETURN level, region, c.name AS category, t.name AS agency_type, t.id AS agency_type_id
ORDER BY level, region, agency_type_id
