-- The legal pack: the evidence on the dimensions the clauses rest on.
SELECT e.dimension_id AS dimension, d.name, e.about_side, e.kind, e.observation, e.source,
       CAST(e.recorded_on AS VARCHAR) AS recorded_on,
       coalesce(e.internal, false) AS internal, e.source_file, e.source_row
FROM evidence e JOIN playbook_dimensions d USING (dimension_id)
WHERE e.deal_id = ? AND list_contains(?, e.dimension_id) ORDER BY d.sort_order, e.source_file, e.source_row
