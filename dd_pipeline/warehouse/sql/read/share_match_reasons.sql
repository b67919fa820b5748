-- The reason each mitigation match gives, with the finding behind it, in the order of the matches.
SELECT mitigation_id, finding_id, reason FROM mitigation_matches WHERE deal_id = ? ORDER BY rank, position
