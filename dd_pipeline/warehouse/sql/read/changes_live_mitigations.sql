-- The deal's mitigations now, one row per mitigation with the dimensions it covers and its reasons.
SELECT mitigation_id, min(status) AS status,
       coalesce(string_agg(dimension_id, ' ' ORDER BY dimension_id), '') AS dimensions,
       string_agg(reason, '; ' ORDER BY dimension_id) AS reason
FROM mitigation_matches WHERE deal_id = ? GROUP BY mitigation_id
