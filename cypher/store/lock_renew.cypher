// Extend the load lock of a map while its owner works; nothing when the lock has expired
// or another load holds it (then renewed is 0 and the owner must not switch the map).
// Parameters: $map (map name), $owner (the owner's token), $lease (milliseconds from now)
MATCH (l:LoadLock {map: $map})
WHERE l.owner = $owner AND l.expires > timestamp()
SET l.expires = timestamp() + $lease
RETURN count(l) AS renewed
