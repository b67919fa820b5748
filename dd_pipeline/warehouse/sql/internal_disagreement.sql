-- How far one organization's own divisions disagree about it ("four different partners rather than one"):
-- spread = highest division mean - lowest division mean, on 0..1. $1 = the list of deal ids.
INSERT INTO internal_disagreement
WITH rules AS ({rules}),
own AS (
    SELECT * FROM answers
    WHERE list_contains($1, deal_id) AND status = 'answered' AND respondent_side = rated_side
),
by_division AS (
    SELECT deal_id, rated_side AS side, dimension_id, division, avg(norm_value) AS mean_norm
    FROM own GROUP BY ALL
),
spread AS (
    SELECT deal_id, side, dimension_id, count(*) AS divisions,
           arg_min(division, (mean_norm, division)) AS lowest_division, min(mean_norm) AS lowest_mean,
           arg_max(division, (mean_norm, division)) AS highest_division, max(mean_norm) AS highest_mean
    FROM by_division GROUP BY ALL
),
people AS (
    SELECT deal_id, rated_side AS side, dimension_id, count(*) AS respondents, stddev_pop(norm_value) AS sd
    FROM own GROUP BY ALL
)
SELECT s.deal_id, s.side, s.dimension_id, divisions, respondents, lowest_division, round(lowest_mean, 4),
       highest_division, round(highest_mean, 4), round(highest_mean - lowest_mean, 4), round(sd, 4),
       divisions > 1 AND round(highest_mean - lowest_mean, 4) >= disagreement_threshold
FROM spread s JOIN people p USING (deal_id, side, dimension_id) JOIN playbook_dimensions d USING (dimension_id)
CROSS JOIN rules
ORDER BY s.deal_id, s.side, d.sort_order;
