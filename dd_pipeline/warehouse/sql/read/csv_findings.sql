-- findings.csv: every finding of the deal, ranked together.
SELECT f.rank, f.finding_id, f.kind, f.dimension_id AS dimension, f.dimension_name, f.category_id AS category,
       f.side, f.band, f.severity, f.size_scale, f.size, d.scale_min, d.scale_max, f.weight, f.confidence,
       f.home_score, f.partner_score, f.detail, f.overridden
FROM findings f LEFT JOIN playbook_dimensions d USING (dimension_id)
WHERE f.deal_id = ? ORDER BY f.rank
