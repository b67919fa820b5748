-- Accept a deal's staged answers and evidence: answers get their value on 0..1 (normalized on the
-- dimension's own scale). $1 = deal id.
INSERT INTO answers
SELECT s.deal_id, s.source_file, s.source_row, s.respondent_id, s.respondent_side, s.division, s.level,
       s.rated_side, s.dimension_id, s.status, s.raw_value,
       (s.raw_value - d.scale_min) / (d.scale_max - d.scale_min) AS norm_value, s.comment
FROM staged_answers s JOIN playbook_dimensions d USING (dimension_id)
WHERE s.deal_id = $1
ORDER BY s.source_file, s.source_row;
