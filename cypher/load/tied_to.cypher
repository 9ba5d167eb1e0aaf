// Load (:Partner)-[:TIED_TO]->(:Partner) relationships of one version of a map, after its nodes.
// Idempotent: a relationship is identified by its two ends and its key. The ends are found
// by their uid, one indexed property (a composite-key lookup costs twice as much on FalkorDB).
// Parameters: $prefix (the version's key prefix: a node's uid is the prefix followed by its id), $rows (list of maps {source: Partner id, target: Partner id, key: text, props: map, start: ISO date text or null, end: ISO date text or null})
UNWIND $rows AS row
MATCH (a:Partner {uid: $prefix + row.source})
MATCH (b:Partner {uid: $prefix + row.target})
MERGE (a)-[r:TIED_TO {key: row.key}]->(b)
SET r += row.props, r.start = date(row.start), r.end = date(row.end)
