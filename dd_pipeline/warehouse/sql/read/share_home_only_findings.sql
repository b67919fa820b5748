-- The findings only the home team sees: the home organization's own internal disagreement.
SELECT finding_id FROM findings WHERE deal_id = ? AND kind = 'disagreement' AND side = 'home'
