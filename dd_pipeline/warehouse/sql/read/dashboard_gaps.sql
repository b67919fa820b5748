-- The dashboard's gaps: every dimension with its labels, scale kind and category name, ranked.
SELECT g.*, d.low_label, d.high_label, d.scale_kind, c.name AS category_name
FROM gaps g
JOIN playbook_dimensions d USING (dimension_id)
LEFT JOIN playbook_categories c ON c.category_id = g.category_id
WHERE g.deal_id = ?
ORDER BY g.rank NULLS LAST, d.sort_order
