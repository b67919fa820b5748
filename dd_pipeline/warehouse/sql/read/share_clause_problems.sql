-- The clauses that could not be drafted (the legal pack's README).
SELECT clause_id, title, parameter, message FROM clause_problems WHERE deal_id = ? ORDER BY clause_id
