-- A recorded run's engagement-risk index, band, and the playbook and code it ran with.
SELECT risk_index, band, playbook_fingerprint, code_fingerprint FROM run_history
WHERE run_id = ? AND deal_id = ?
