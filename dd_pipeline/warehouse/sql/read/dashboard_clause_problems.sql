-- The clauses that could not be drafted, with the parameter each one misses.
SELECT clause_id, title, parameter, message FROM clause_problems
WHERE deal_id = ? ORDER BY clause_id, parameter
