-- Every recorded run of a deal, oldest first.
SELECT run_id, sequence, recorded_at, risk_index, band, critical_gaps, high_gaps, uncovered_gaps
FROM run_history WHERE deal_id = ? ORDER BY sequence
