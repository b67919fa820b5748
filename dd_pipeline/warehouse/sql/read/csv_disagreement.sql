-- internal_disagreement.csv: the spread among one organization's own divisions.
SELECT i.side, i.dimension_id AS dimension, d.name, i.band, i.severity, i.spread_scale, i.spread, d.scale_min,
       d.scale_max, i.lowest_division, i.lowest_mean, i.highest_division, i.highest_mean, i.divisions,
       i.respondents, i.respondent_sd, i.weight, i.confidence, i.flagged
FROM internal_disagreement i JOIN playbook_dimensions d USING (dimension_id)
WHERE i.deal_id = ? ORDER BY i.severity DESC NULLS LAST, i.spread DESC, i.side, d.sort_order
