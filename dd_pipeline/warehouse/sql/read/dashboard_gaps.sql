-- The dashboard's gaps: every dimension with the answers behind each score, its labels, scale kind and
-- category name, ranked. $1 = the deal id.
WITH lists AS ({answer_lists})
SELECT g.*, l.home_answers, l.partner_answers, d.low_label, d.high_label, d.scale_kind, c.name AS category_name
FROM gaps g
JOIN playbook_dimensions d USING (dimension_id)
LEFT JOIN playbook_categories c ON c.category_id = g.category_id
LEFT JOIN lists l ON l.dimension_id = g.dimension_id
WHERE g.deal_id = $1
ORDER BY g.rank NULLS LAST, d.sort_order
