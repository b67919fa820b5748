-- The dashboard's findings with the scale of their dimension.
SELECT f.*, d.scale_min, d.scale_max, d.scale_kind
FROM findings f LEFT JOIN playbook_dimensions d USING (dimension_id)
WHERE f.deal_id = ?
ORDER BY f.rank
