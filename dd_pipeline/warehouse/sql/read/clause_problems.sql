-- The clauses of the deal that could not be drafted, and why.
SELECT clause_id, message FROM clause_problems WHERE deal_id = $1 ORDER BY clause_id
