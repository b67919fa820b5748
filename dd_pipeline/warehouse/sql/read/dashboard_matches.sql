-- The dashboard's mitigation matches with the dimension's name and the band of the finding.
SELECT m.rank, m.mitigation_id, m.status, m.dimension_id, m.reason, m.worst_severity, m.finding_id, m.kind,
       m.owner_side, m.sides, m.position, coalesce(d.name, f.dimension_name) AS dimension_name, f.band AS finding_band
FROM mitigation_matches m LEFT JOIN playbook_dimensions d USING (dimension_id)
LEFT JOIN findings f ON f.deal_id = m.deal_id AND f.finding_id = m.finding_id
WHERE m.deal_id = ?
ORDER BY m.rank, m.position
