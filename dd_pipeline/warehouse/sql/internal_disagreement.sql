-- How far one organization's own divisions disagree about it ("four different partners rather than one"):
-- spread = highest division mean - lowest division mean, on 0..1 and on the item's own scale. Severity as
-- for gaps with the spread in place of the gap, its confidence from the people in the two divisions at the
-- ends; only an organization with two or more divisions answering can disagree with itself. $1 = the list of deal ids.
INSERT INTO internal_disagreement (
    deal_id, side, dimension_id, divisions, respondents, lowest_division, lowest_mean, highest_division,
    highest_mean, spread, respondent_sd, flagged, spread_scale, weight, confidence, severity, band)
WITH rules AS ({rules}),
deal AS (SELECT deal_id, alliance_type FROM deals WHERE list_contains($1, deal_id)),
-- an organization's own answers about itself, aggregated once per division and in all (answer_views.sql)
by_division AS (
    -- rounded, so that divisions with equal means tie and the tie goes by division name, whatever the row order
    SELECT deal_id, rated_side AS side, dimension_id, division, round(mean_norm, 6) AS mean_norm, n
    FROM division_views
),
spread AS (
    SELECT deal_id, side, dimension_id, count(*) AS divisions,
           arg_min(division, (mean_norm, division)) AS lowest_division, min(mean_norm) AS lowest_mean,
           arg_max(division, (mean_norm, division)) AS highest_division, max(mean_norm) AS highest_mean,
           arg_min(n, (mean_norm, division)) AS lowest_n, arg_max(n, (mean_norm, division)) AS highest_n
    FROM by_division GROUP BY ALL
),
people AS (
    SELECT deal_id, rated_side AS side, dimension_id, n AS respondents, sd_norm AS sd FROM answer_views WHERE own
),
scored AS (
    SELECT s.*, p.respondents, p.sd, d.sort_order, d.scale_min, d.scale_max,
           coalesce(w.weight, d.default_weight) AS weight, rules.*,
           round(highest_mean - lowest_mean, 4) AS size,
           -- as sure as the two divisions at the ends are well covered: full_n people in each
           least(1, least(lowest_n, highest_n) / full_n) AS confidence
    FROM spread s JOIN people p USING (deal_id, side, dimension_id) JOIN deal USING (deal_id)
    JOIN playbook_dimensions d USING (dimension_id)
    LEFT JOIN playbook_dimension_weights w
           ON w.dimension_id = d.dimension_id AND w.alliance_type = deal.alliance_type
    CROSS JOIN rules
)
SELECT deal_id, side, dimension_id, divisions, respondents, lowest_division, round(lowest_mean, 4),
       highest_division, round(highest_mean, 4), size, round(sd, 4),
       divisions > 1 AND size >= disagreement_threshold,
       round(size * (scale_max - scale_min), 4), weight, round(confidence, 4),
       CASE WHEN divisions > 1 THEN
           round(100 * least(1, size * weight) * (severity_floor + (1 - severity_floor) * confidence), 1) END,
       CASE WHEN divisions > 1 THEN band_of(
           round(100 * least(1, size * weight) * (severity_floor + (1 - severity_floor) * confidence), 1),
           b_mod, b_high, b_crit) END
FROM scored
ORDER BY deal_id, side, sort_order;
