-- The dashboard's perception gaps, largest difference first.
SELECT p.*, d.name AS dimension_name, d.scale_min, d.scale_max, d.low_label, d.high_label
FROM perception_gaps p JOIN playbook_dimensions d USING (dimension_id)
WHERE p.deal_id = ?
ORDER BY abs(p.difference) DESC, d.sort_order, p.rated_side
