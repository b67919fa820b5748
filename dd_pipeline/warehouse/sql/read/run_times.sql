-- When each recorded run of a deal was recorded, by sequence number.
SELECT sequence, recorded_at FROM run_history WHERE deal_id = ?
