-- The recorded severity and band of every gap in every run of a deal.
SELECT h.run_id, r.sequence, r.recorded_at, h.dimension_id, h.severity, h.band
FROM history_gaps h JOIN run_history r ON r.run_id = h.run_id AND r.deal_id = h.deal_id
WHERE h.deal_id = ?
ORDER BY r.sequence, h.dimension_id
