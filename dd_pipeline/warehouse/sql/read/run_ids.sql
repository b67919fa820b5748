-- The deal's recorded runs: sequence number and run id, oldest first.
SELECT sequence, run_id FROM run_history WHERE deal_id = ? ORDER BY sequence
