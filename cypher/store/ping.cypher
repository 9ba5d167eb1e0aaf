// Check that the database answers (and exists) before anything is sent.
// Parameters: none
RETURN 1 AS ok
