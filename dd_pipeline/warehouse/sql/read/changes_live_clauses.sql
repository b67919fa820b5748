-- The deal's clauses now, each with a hash of its text.
SELECT clause_id, title, sha256(text) AS sha, reasons FROM clauses WHERE deal_id = ?
