-- A recorded run's mitigations.
SELECT mitigation_id, status, dimensions, reason FROM history_mitigations
WHERE run_id = ? AND deal_id = ?
