-- The portfolio page: deals staged but never accepted, with their input errors.
SELECT s.deal_id, json_extract_string(s.deal_json, '$.partner') AS partner,
       (SELECT count(*) FROM input_problems p WHERE p.deal_id = s.deal_id AND p.severity = 'error') AS input_errors
FROM staged_deals s
WHERE s.deal_id NOT IN (SELECT deal_id FROM deals)
ORDER BY s.deal_id
