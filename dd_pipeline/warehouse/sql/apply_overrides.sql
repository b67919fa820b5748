-- Apply an alliance manager's overrides (inputs/deals/<id>/overrides.yaml) to the gaps just computed.
-- The computed severity and band are kept beside the new ones; ranks follow the overridden severities.
-- $1 = the list of deal ids.
UPDATE gaps SET
    computed_severity = gaps.severity,
    computed_band = gaps.band,
    severity = CASE
        WHEN o.severity IS NOT NULL THEN o.severity
        WHEN o.adjust IS NOT NULL THEN round(least(100, greatest(0, gaps.severity + o.adjust)), 1)
        ELSE gaps.severity END,
    overridden = true,
    override_reason = o.reason,
    override_author = o.author,
    override_date = o.override_date
FROM overrides o
WHERE o.deal_id = gaps.deal_id AND o.dimension_id = gaps.dimension_id AND list_contains($1, gaps.deal_id);

UPDATE gaps SET
    band = coalesce(o.band, band_of(gaps.severity, r.b_mod, r.b_high, r.b_crit)),
    band_rank = band_rank(coalesce(o.band, band_of(gaps.severity, r.b_mod, r.b_high, r.b_crit)))
FROM overrides o, ({rules}) r
WHERE o.deal_id = gaps.deal_id AND o.dimension_id = gaps.dimension_id AND list_contains($1, gaps.deal_id);

UPDATE gaps SET rank = ranked.new_rank
FROM (
    SELECT deal_id, dimension_id,
           CASE WHEN severity IS NOT NULL THEN
               row_number() OVER (PARTITION BY deal_id, severity IS NULL ORDER BY severity DESC, weight DESC,
                                  dimension_id) END AS new_rank
    FROM gaps
    WHERE list_contains($1, deal_id) AND deal_id IN (SELECT deal_id FROM overrides)
) ranked
WHERE ranked.deal_id = gaps.deal_id AND ranked.dimension_id = gaps.dimension_id;
