-- The drafted clauses without drafting notes, in their numbered order.
SELECT number, title, text, dimensions FROM clauses WHERE deal_id = ? ORDER BY number
