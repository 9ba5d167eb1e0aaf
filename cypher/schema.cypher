// Schema of a netmap database (Neo4j 5): uniqueness constraints, each backed by an index.
// Parameters: none. Run before any data is loaded; safe to run again (IF NOT EXISTS).
// A node is identified by (map_id, version, id) within its label: one database holds many
// maps (regions, snapshots), and each map keeps the version readers see apart from one
// being loaded. The (:Map) node of a map names its current version.
// Every node also has a uid (the version's key prefix + its id, one property): loads find
// the two ends of each relationship by it, one index lookup instead of a three-part one.
// A map's (:LoadLock {map}) node, one per map, lets one load at a time write to it.
// A (:MapVersion {map, version}) node per kept version of a map holds its load time and label.
CREATE CONSTRAINT map_key IF NOT EXISTS FOR (m:Map) REQUIRE m.id IS UNIQUE;
CREATE CONSTRAINT partner_key IF NOT EXISTS FOR (n:Partner) REQUIRE (n.map_id, n.version, n.id) IS UNIQUE;
CREATE CONSTRAINT agency_type_key IF NOT EXISTS FOR (n:AgencyType) REQUIRE (n.map_id, n.version, n.id) IS UNIQUE;
CREATE CONSTRAINT category_key IF NOT EXISTS FOR (n:Category) REQUIRE (n.map_id, n.version, n.id) IS UNIQUE;
CREATE CONSTRAINT role_key IF NOT EXISTS FOR (n:Role) REQUIRE (n.map_id, n.version, n.id) IS UNIQUE;
CREATE CONSTRAINT agreement_key IF NOT EXISTS FOR (n:Agreement) REQUIRE (n.map_id, n.version, n.id) IS UNIQUE;
CREATE CONSTRAINT funding_stream_key IF NOT EXISTS FOR (n:FundingStream) REQUIRE (n.map_id, n.version, n.id) IS UNIQUE;
CREATE CONSTRAINT service_key IF NOT EXISTS FOR (n:Service) REQUIRE (n.map_id, n.version, n.id) IS UNIQUE;
CREATE CONSTRAINT population_key IF NOT EXISTS FOR (n:Population) REQUIRE (n.map_id, n.version, n.id) IS UNIQUE;
CREATE CONSTRAINT region_key IF NOT EXISTS FOR (n:Region) REQUIRE (n.map_id, n.version, n.id) IS UNIQUE;
CREATE CONSTRAINT person_key IF NOT EXISTS FOR (n:Person) REQUIRE (n.map_id, n.version, n.id) IS UNIQUE;
CREATE CONSTRAINT partner_uid IF NOT EXISTS FOR (n:Partner) REQUIRE n.uid IS UNIQUE;
CREATE CONSTRAINT agency_type_uid IF NOT EXISTS FOR (n:AgencyType) REQUIRE n.uid IS UNIQUE;
CREATE CONSTRAINT category_uid IF NOT EXISTS FOR (n:Category) REQUIRE n.uid IS UNIQUE;
CREATE CONSTRAINT role_uid IF NOT EXISTS FOR (n:Role) REQUIRE n.uid IS UNIQUE;
CREATE CONSTRAINT agreement_uid IF NOT EXISTS FOR (n:Agreement) REQUIRE n.uid IS UNIQUE;
CREATE CONSTRAINT funding_stream_uid IF NOT EXISTS FOR (n:FundingStream) REQUIRE n.uid IS UNIQUE;
CREATE CONSTRAINT service_uid IF NOT EXISTS FOR (n:Service) REQUIRE n.uid IS UNIQUE;
CREATE CONSTRAINT population_uid IF NOT EXISTS FOR (n:Population) REQUIRE n.uid IS UNIQUE;
CREATE CONSTRAINT region_uid IF NOT EXISTS FOR (n:Region) REQUIRE n.uid IS UNIQUE;
CREATE CONSTRAINT person_uid IF NOT EXISTS FOR (n:Person) REQUIRE n.uid IS UNIQUE;
CREATE CONSTRAINT map_version_key IF NOT EXISTS FOR (v:MapVersion) REQUIRE (v.map, v.version) IS UNIQUE;
CREATE CONSTRAINT load_lock_key IF NOT EXISTS FOR (l:LoadLock) REQUIRE l.map IS UNIQUE;
