-- The partner pack's perception_gaps.csv, organizations named.
SELECT p.dimension_id AS dimension, d.name, CASE p.rated_side WHEN 'home' THEN ? ELSE ? END AS organization,
       p.self_view, p.other_view, p.difference, p.flagged
FROM perception_gaps p JOIN playbook_dimensions d USING (dimension_id)
WHERE p.deal_id = ? ORDER BY abs(p.difference) DESC, d.sort_order, p.rated_side
