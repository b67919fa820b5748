-- The staged evidence of a deal (the frame the expectation suites check).
SELECT source_file, source_row, dimension_id, about_side, kind, observation
FROM staged_evidence WHERE deal_id = ? ORDER BY source_file, source_row
