-- The partner pack's internal disagreement of the partner organization.
SELECT i.dimension_id AS dimension, d.name, i.spread, i.lowest_division, i.lowest_mean, i.highest_division,
       i.highest_mean, i.divisions, i.flagged
FROM internal_disagreement i JOIN playbook_dimensions d USING (dimension_id)
WHERE i.deal_id = ? AND i.side = 'partner' ORDER BY i.spread DESC, d.sort_order
