-- The id of the deal's latest recorded run.
SELECT run_id FROM run_history WHERE deal_id = ? ORDER BY sequence DESC LIMIT 1
