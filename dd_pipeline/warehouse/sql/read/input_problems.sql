-- A deal's stored input problems (every severity, or the one given as $2), in the order a user reads them.
SELECT file, row_number, field, value, message, severity
FROM input_problems
WHERE deal_id = $1 AND ($2 IS NULL OR severity = $2)
ORDER BY severity, file, row_number NULLS FIRST, field
