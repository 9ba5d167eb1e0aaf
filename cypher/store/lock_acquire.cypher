// Take the load lock of a map when it is free, expired or already ours, in one statement:
// at most one load writes to a map at a time. The first SET takes the node's write lock
// (Neo4j), so the owner and expiry read next are the ones that hold when this commits.
// Times are the server's (timestamp(), milliseconds), so clients' clocks do not matter.
// Parameters: $map (map name), $owner (this load's unique token), $holder (who this load is, for messages), $loading (the version this load writes, or null), $lease (milliseconds the lock holds unless renewed)
MERGE (l:LoadLock {map: $map})
SET l.touched = timestamp()
WITH l, (l.owner IS NULL OR l.owner = $owner OR l.expires <= timestamp()) AS free
SET
  l.owner = CASE WHEN free THEN $owner ELSE l.owner END,
  l.holder = CASE WHEN free THEN $holder ELSE l.holder END,
  l.loading = CASE WHEN free THEN $loading ELSE l.loading END,
  l.expires = CASE WHEN free THEN timestamp() + $lease ELSE l.expires END
RETURN free AS acquired, l.holder AS holder, l.expires - timestamp() AS remaining
