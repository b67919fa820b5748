-- The portfolio page: one row per accepted deal with the scores of its last recorded run and its history.
-- A rerun that changes nothing leaves the page as it was: the date shown is when the current results first
-- appeared, and the change compares them with the results before (not with an identical rerun).
WITH runs AS (
    SELECT deal_id, sequence, recorded_at, risk_index, band, critical_gaps, high_gaps, uncovered_gaps,
           output_fingerprint, row_number() OVER (PARTITION BY deal_id ORDER BY sequence DESC) AS k
    FROM run_history
),
committed AS (SELECT * FROM runs WHERE k = 1),
latest AS (SELECT deal_id, output_fingerprint, risk_index FROM runs WHERE k = 1),
before AS (
    SELECT r.deal_id, max(r.sequence) AS sequence FROM runs r JOIN latest l USING (deal_id)
    WHERE r.output_fingerprint IS DISTINCT FROM l.output_fingerprint GROUP BY ALL
),
history AS (
    SELECT l.deal_id, (SELECT count(*) FROM runs r WHERE r.deal_id = l.deal_id) AS runs,
           (SELECT min(r.recorded_at) FROM runs r WHERE r.deal_id = l.deal_id
              AND r.sequence > coalesce(b.sequence, 0)) AS last_run,
           l.risk_index AS last_risk,
           (SELECT r.risk_index FROM runs r WHERE r.deal_id = l.deal_id AND r.sequence = b.sequence)
               AS previous_risk,
           b.sequence IS NOT NULL AS has_previous
    FROM latest l LEFT JOIN before b USING (deal_id)
),
errors AS (
    SELECT deal_id, count(*) AS input_errors FROM input_problems WHERE severity = 'error' GROUP BY deal_id
),
uncovered AS (SELECT deal_id, count(*) AS uncovered_gaps FROM uncovered_gaps GROUP BY deal_id)
SELECT d.deal_id, d.partner, d.partner_short, d.alliance_type,
       CASE WHEN c.deal_id IS NULL THEN s.risk_index ELSE c.risk_index END AS risk_index,
       CASE WHEN c.deal_id IS NULL THEN s.band ELSE c.band END AS band,
       coalesce(CASE WHEN c.deal_id IS NULL THEN s.critical_gaps ELSE c.critical_gaps END, 0) AS critical_gaps,
       coalesce(CASE WHEN c.deal_id IS NULL THEN s.high_gaps ELSE c.high_gaps END, 0) AS high_gaps,
       coalesce(CASE WHEN c.deal_id IS NULL THEN u.uncovered_gaps ELSE c.uncovered_gaps END, 0) AS uncovered_gaps,
       coalesce(e.input_errors, 0) AS input_errors,
       coalesce(h.runs, 0) AS runs, h.last_run, h.last_risk, h.previous_risk,
       coalesce(h.has_previous, false) AS has_previous
FROM deals d
LEFT JOIN deal_scores s USING (deal_id)
LEFT JOIN committed c USING (deal_id)
LEFT JOIN uncovered u USING (deal_id)
LEFT JOIN errors e USING (deal_id)
LEFT JOIN history h USING (deal_id)
ORDER BY 5 DESC NULLS LAST, d.deal_id
