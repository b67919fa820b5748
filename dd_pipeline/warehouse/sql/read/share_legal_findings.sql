-- The legal pack: the gaps of the dimensions the clauses rest on.
SELECT g.dimension_id AS dimension, g.dimension_name AS name, g.band, g.severity, g.home_score, g.partner_score,
       g.scale_min, g.scale_max, g.confidence, g.overridden, g.override_reason, g.override_author
FROM gaps g JOIN playbook_dimensions d USING (dimension_id)
WHERE g.deal_id = ? AND list_contains(?, g.dimension_id) ORDER BY g.rank NULLS LAST, d.sort_order
