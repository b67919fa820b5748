-- The deal's findings at band high or worse that no mitigation covers.
SELECT finding_id, band FROM uncovered_gaps WHERE deal_id = $1 ORDER BY finding_id
