-- Every finding of a deal in one ranked list: gaps (difference or shortfall, after overrides), shared
-- weaknesses, perception gaps and internal disagreement. A shared weakness is a dimension where one end is
-- better and both organizations sit in its weak zone; its size is how far the stronger of the two still is
-- from the better end (1 - the higher goodness), so it is large only when both are weak. Perception gaps and
-- internal disagreement become findings from the playbook's perception_threshold and disagreement_threshold;
-- network findings come ranked in with the rest.
-- $1 = the list of deal ids.
INSERT INTO findings
WITH rules AS ({rules}),
g AS (SELECT * FROM gaps WHERE list_contains($1, deal_id)),
dims AS (SELECT dimension_id, category_id, name, scale_min, scale_max FROM playbook_dimensions),
gap_findings AS (
    SELECT deal_id, kind, dimension_id, short_side AS side, severity, band, effective_gap AS size,
           effective_gap * (scale_max - scale_min) AS size_scale, weight, confidence, home_score,
           partner_score, NULL::VARCHAR AS detail, overridden
    FROM g WHERE severity > 0
),
shared AS (
    SELECT deal_id, 'shared' AS kind, dimension_id, NULL::VARCHAR AS side, weight, confidence, home_score,
           partner_score, confidence_factor, scale_min, scale_max,
           1 - greatest(home_goodness, partner_goodness) AS size
    FROM g WHERE home_weak AND partner_weak AND confidence_factor IS NOT NULL
),
shared_findings AS (
    SELECT deal_id, kind, dimension_id, side, s.severity, band_of(s.severity, b_mod, b_high, b_crit) AS band,
           size, size * (scale_max - scale_min) AS size_scale, weight, confidence, home_score, partner_score,
           NULL::VARCHAR AS detail, false AS overridden
    FROM (SELECT *, round(100 * least(1, size * weight) * confidence_factor, 1) AS severity FROM shared) s
    CROSS JOIN rules
    WHERE s.severity > 0
),
perception_findings AS (
    SELECT deal_id, 'perception' AS kind, dimension_id, rated_side AS side, severity, band,
           abs(difference) AS size, abs(difference_scale) AS size_scale, weight, confidence,
           NULL::DOUBLE AS home_score, NULL::DOUBLE AS partner_score,
           printf('self view %.2f, other view %.2f', self_view, other_view) AS detail, false AS overridden
    FROM perception_gaps WHERE list_contains($1, deal_id) AND flagged AND severity > 0
),
disagreement_findings AS (
    SELECT deal_id, 'disagreement' AS kind, dimension_id, side, severity, band, spread AS size,
           spread_scale AS size_scale, weight, confidence, NULL::DOUBLE AS home_score,
           NULL::DOUBLE AS partner_score,
           printf('%s %.2f to %s %.2f', lowest_division, lowest_mean, highest_division, highest_mean) AS detail,
           false AS overridden
    FROM internal_disagreement WHERE list_contains($1, deal_id) AND flagged AND severity > 0
),
everything AS (
    SELECT * FROM gap_findings UNION ALL SELECT * FROM shared_findings
    UNION ALL SELECT * FROM perception_findings UNION ALL SELECT * FROM disagreement_findings
),
named AS (
    SELECT e.*, e.kind || ':' || e.dimension_id || coalesce(':' || e.side, '') AS finding_id, d.category_id,
           d.name
    FROM everything e JOIN dims d USING (dimension_id)
),
-- Patterns of the communication network (network_findings): the pattern id stands where a dimension would,
-- the category is 'network', and a pattern that concerns both firms has no side, like a shared weakness.
network AS (
    SELECT deal_id, 'network' AS kind, pattern AS dimension_id, nullif(side, 'both') AS side, severity, band,
           NULL::DOUBLE AS size, NULL::DOUBLE AS size_scale, 1.0::DOUBLE AS weight, NULL::DOUBLE AS confidence,
           NULL::DOUBLE AS home_score, NULL::DOUBLE AS partner_score, detail, false AS overridden, finding_id,
           'network' AS category_id, title AS name
    FROM network_findings WHERE list_contains($1, deal_id) AND severity > 0
),
ranked AS (SELECT * FROM named UNION ALL BY NAME SELECT * FROM network)
SELECT e.deal_id,
       row_number() OVER (PARTITION BY e.deal_id ORDER BY e.severity DESC, band_rank(e.band) DESC, e.weight DESC,
                          e.kind, e.dimension_id, e.side NULLS FIRST, e.finding_id),
       e.finding_id, e.kind, e.dimension_id, e.category_id,
       e.name, e.side, e.severity, e.band, band_rank(e.band), round(e.size, 4), round(e.size_scale, 4), e.weight,
       round(e.confidence, 4), e.home_score, e.partner_score, e.detail, coalesce(e.overridden, false)
FROM ranked e
ORDER BY e.deal_id, 2;
