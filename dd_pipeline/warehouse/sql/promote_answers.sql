-- Accept the staged answers of the deals in $1 (a list of deal ids): each answer gets its value on 0..1,
-- normalized on the dimension's own scale.
INSERT INTO answers
SELECT s.deal_id, s.source_file, s.source_row, s.respondent_id, s.respondent_side, s.division, s.level,
       s.rated_side, s.dimension_id, s.status, s.raw_value,
       (s.raw_value - d.scale_min) / (d.scale_max - d.scale_min) AS norm_value, s.comment
FROM staged_answers s JOIN playbook_dimensions d USING (dimension_id)
WHERE list_contains($1, s.deal_id)
ORDER BY s.deal_id, s.source_file, s.source_row;
