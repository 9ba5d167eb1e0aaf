// Load (:Partner)-[:IS_A]->(:AgencyType) relationships of one version of a map, after its nodes.
// Idempotent: a relationship is identified by its two ends and its key. The ends are found
// by their uid, one indexed property (a composite-key lookup costs twice as much on FalkorDB).
// Parameters: $prefix (the version's key prefix: a node's uid is the prefix followed by its id), $rows (list of maps {source: Partner id, target: AgencyType id, key: text, props: map})
UNWIND $rows AS row
MATCH (a:Partner {uid: $prefix + row.source})
MATCH (b:AgencyType {uid: $prefix + row.target})
MERGE (a)-[r:IS_A {key: row.key}]->(b)
SET r += row.props
