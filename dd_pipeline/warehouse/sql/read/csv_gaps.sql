-- gaps.csv: every dimension's gap with every number behind its severity and the answers behind each score,
-- ranked. $1 = the deal id.
WITH lists AS ({answer_lists})
SELECT g.rank, g.dimension_id AS dimension, g.dimension_name AS name, g.category_id AS category,
       g.kind, g.short_side, g.band, g.severity, g.home_score, g.partner_score, d.scale_min, d.scale_max,
       g.direction, g.signed_gap, g.effective_gap, g.weight, g.confidence, g.size_factor, g.confidence_factor,
       g.home_goodness, g.partner_goodness, g.home_weak, g.partner_weak, g.home_n, g.partner_n, g.home_sd,
       g.partner_sd, g.home_basis, g.partner_basis, g.home_rag AS home_self_rag,
       g.home_other_score, g.home_other_rag, g.partner_rag AS partner_self_rag, g.partner_other_score,
       g.partner_other_rag, g.evidence_count,
       l.home_answers, l.partner_answers, g.overridden, g.computed_severity, g.computed_band,
       g.override_reason, g.override_author, g.override_date
FROM gaps g JOIN playbook_dimensions d USING (dimension_id)
LEFT JOIN lists l ON l.dimension_id = g.dimension_id
WHERE g.deal_id = $1
ORDER BY g.rank NULLS LAST, d.sort_order
