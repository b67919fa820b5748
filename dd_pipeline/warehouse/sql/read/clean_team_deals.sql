-- The deals that their accepted or last read deal.yaml made clean-team deals: the shared pages leave them out.
SELECT deal_id FROM deals WHERE json_extract_string(deal_json, '$.clean_team') = 'true'
UNION
SELECT deal_id FROM staged_deals WHERE json_extract_string(deal_json, '$.clean_team') = 'true'
ORDER BY deal_id
