-- The rows the last read of the deal's inputs set aside, and why.
SELECT source_file, source_row, field, value, reason FROM quarantine
WHERE deal_id = ? ORDER BY source_file, source_row, field
