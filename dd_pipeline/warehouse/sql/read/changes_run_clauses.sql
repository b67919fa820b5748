-- A recorded run's clauses, each with the hash of its text.
SELECT clause_id, title, text_sha AS sha, reasons FROM history_clauses WHERE run_id = ? AND deal_id = ?
