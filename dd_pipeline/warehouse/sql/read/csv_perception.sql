-- perception_gaps.csv: how each side sees itself against how the other side sees it.
SELECT p.dimension_id AS dimension, d.name, p.rated_side, p.band, p.severity, p.self_view, p.other_view,
       p.difference_scale, p.difference, d.scale_min, d.scale_max, p.self_rag, p.other_rag, p.weight, p.confidence,
       p.self_n, p.other_n, p.flagged
FROM perception_gaps p JOIN playbook_dimensions d USING (dimension_id)
WHERE p.deal_id = ? ORDER BY p.severity DESC, abs(p.difference) DESC, d.sort_order, p.rated_side
