-- The internal pack's evidence.csv: every piece of evidence.
SELECT dimension_id AS dimension, about_side, kind, observation, source, CAST(recorded_on AS VARCHAR) AS recorded_on,
       coalesce(internal, false) AS internal, source_file, source_row
FROM evidence WHERE deal_id = ? ORDER BY source_file, source_row
