-- The partner pack's evidence.csv: evidence not marked internal, organizations named.
SELECT e.dimension_id AS dimension, d.name, CASE e.about_side WHEN 'home' THEN ? ELSE ? END AS about, e.kind,
       e.observation, e.source, CAST(e.recorded_on AS VARCHAR) AS recorded_on
FROM evidence e JOIN playbook_dimensions d USING (dimension_id)
WHERE e.deal_id = ? AND NOT coalesce(e.internal, false) ORDER BY d.sort_order, e.source_file, e.source_row
