// Schema of a netmap database (Neo4j 5). Run once before loading; safe to re-run.
// Parameters: none.
// Every node carries the id of the map it belongs to, so one database can hold many
// regions and snapshots: a node is identified by (map_id, id) within its label.
CREATE CONSTRAINT partner_key IF NOT EXISTS FOR (n:Partner) REQUIRE (n.map_id, n.id) IS UNIQUE;
CREATE CONSTRAINT agency_type_key IF NOT EXISTS FOR (n:AgencyType) REQUIRE (n.map_id, n.id) IS UNIQUE;
CREATE CONSTRAINT category_key IF NOT EXISTS FOR (n:Category) REQUIRE (n.map_id, n.id) IS UNIQUE;
CREATE CONSTRAINT role_key IF NOT EXISTS FOR (n:Role) REQUIRE (n.map_id, n.id) IS UNIQUE;
CREATE CONSTRAINT agreement_key IF NOT EXISTS FOR (n:Agreement) REQUIRE (n.map_id, n.id) IS UNIQUE;
CREATE CONSTRAINT funding_stream_key IF NOT EXISTS FOR (n:FundingStream) REQUIRE (n.map_id, n.id) IS UNIQUE;
CREATE CONSTRAINT service_key IF NOT EXISTS FOR (n:Service) REQUIRE (n.map_id, n.id) IS UNIQUE;
CREATE CONSTRAINT population_key IF NOT EXISTS FOR (n:Population) REQUIRE (n.map_id, n.id) IS UNIQUE;
CREATE CONSTRAINT region_key IF NOT EXISTS FOR (n:Region) REQUIRE (n.map_id, n.id) IS UNIQUE;
CREATE CONSTRAINT person_key IF NOT EXISTS FOR (n:Person) REQUIRE (n.map_id, n.id) IS UNIQUE;
