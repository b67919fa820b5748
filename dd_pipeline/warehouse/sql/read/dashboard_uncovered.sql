-- The dashboard's findings at band high or worse that no mitigation covers.
SELECT u.dimension_id, u.band, u.severity, u.finding_id, u.kind, u.side, coalesce(d.name, f.dimension_name) AS dimension_name, f.detail
FROM uncovered_gaps u LEFT JOIN playbook_dimensions d USING (dimension_id)
LEFT JOIN findings f ON f.deal_id = u.deal_id AND f.finding_id = u.finding_id
WHERE u.deal_id = ?
ORDER BY u.severity DESC, u.finding_id
