-- The dashboard's category scores, in the playbook's order of categories.
SELECT s.*, d.name AS top_dimension_name
FROM category_scores s
JOIN playbook_categories c USING (category_id)
LEFT JOIN playbook_dimensions d ON d.dimension_id = s.top_dimension
WHERE s.deal_id = ?
ORDER BY c.sort_order
