-- The partner pack's findings.csv: the joint findings, organizations named as the deal names them.
SELECT f.rank, f.kind, f.dimension_id AS dimension, f.dimension_name AS name, f.category_id AS category,
       CASE f.side WHEN 'home' THEN ? WHEN 'partner' THEN ? ELSE 'both' END AS concerns, f.band, f.severity,
       f.size_scale, d.scale_min, d.scale_max, f.home_score, f.partner_score, f.confidence, f.overridden
FROM findings f LEFT JOIN playbook_dimensions d USING (dimension_id)
WHERE f.deal_id = ? AND NOT (f.kind = 'disagreement' AND f.side = 'home') ORDER BY f.rank
