-- The deal as the last read of its folder staged it (JSON), before it is accepted.
SELECT deal_json FROM staged_deals WHERE deal_id = ?
