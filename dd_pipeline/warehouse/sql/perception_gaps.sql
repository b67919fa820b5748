-- How each side sees itself vs how the other side sees it (the HP/Microsoft perception tables).
-- difference = other view - self view, on 0..1. $1 = the list of deal ids.
INSERT INTO perception_gaps
WITH rules AS ({rules}),
answered AS (SELECT * FROM answers WHERE list_contains($1, deal_id) AND status = 'answered'),
views AS (
    SELECT deal_id, dimension_id, rated_side,
           avg(raw_value) FILTER (WHERE respondent_side = rated_side) AS self_view,
           avg(raw_value) FILTER (WHERE respondent_side <> rated_side) AS other_view,
           avg(norm_value) FILTER (WHERE respondent_side = rated_side) AS self_norm,
           avg(norm_value) FILTER (WHERE respondent_side <> rated_side) AS other_norm,
           count(*) FILTER (WHERE respondent_side = rated_side) AS self_n,
           count(*) FILTER (WHERE respondent_side <> rated_side) AS other_n
    FROM answered GROUP BY ALL
)
SELECT v.deal_id, v.dimension_id, v.rated_side, round(self_view, 4), round(other_view, 4), round(self_norm, 4),
       round(other_norm, 4), round(other_norm - self_norm, 4), self_n, other_n,
       abs(round(other_norm - self_norm, 4)) >= perception_threshold
FROM views v JOIN playbook_dimensions d USING (dimension_id) CROSS JOIN rules
WHERE self_n > 0 AND other_n > 0
ORDER BY v.deal_id, d.sort_order, v.rated_side;
