-- The deal's drafted clauses in their numbered order.
SELECT number, clause_id, title, text, reasons, mitigations, dimensions
FROM clauses WHERE deal_id = ? ORDER BY number
