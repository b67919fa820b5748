-- The deal's first $2 findings with the scale of their dimension (the terminal table).
SELECT f.rank, f.kind, f.dimension_name, f.side, f.detail, f.category_id, f.home_score, f.partner_score,
       d.scale_min, d.scale_max, f.severity, f.band, f.confidence, f.overridden
FROM findings f LEFT JOIN playbook_dimensions d USING (dimension_id)
WHERE f.deal_id = $1 AND f.rank <= $2 ORDER BY f.rank
