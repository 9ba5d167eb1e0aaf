// Give the load lock of a map back, only if this owner still holds it.
// Parameters: $map (map name), $owner (the owner's token)
MATCH (l:LoadLock {map: $map})
WHERE l.owner = $owner
DELETE l
RETURN count(*) AS released
