-- The dashboard's internal disagreement: dimensions where two or more divisions answered.
SELECT i.*, d.name AS dimension_name
FROM internal_disagreement i JOIN playbook_dimensions d USING (dimension_id)
WHERE i.deal_id = ? AND i.divisions >= 2  -- one division cannot disagree with itself
ORDER BY i.spread DESC NULLS LAST, i.side, d.sort_order
