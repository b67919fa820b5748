-- The staged answers of a deal with the scale of each dimension and the answer on a 0-1 scale (the frame the
-- expectation suites check).
SELECT s.source_file, s.source_row, s.respondent_id, s.respondent_side, s.division, s.level,
       s.rated_side, s.dimension_id, s.status, s.raw_value, d.scale_min, d.scale_max,
       (s.raw_value - d.scale_min) / (d.scale_max - d.scale_min) AS norm_value
FROM staged_answers s LEFT JOIN playbook_dimensions d USING (dimension_id)
WHERE s.deal_id = ? ORDER BY s.source_file, s.source_row
