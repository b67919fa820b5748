-- A recorded run's gaps, as runs recorded by earlier versions kept them (main columns only).
SELECT dimension_id, home_score, partner_score, severity, band, overridden
FROM history_gaps WHERE run_id = ? AND deal_id = ?
