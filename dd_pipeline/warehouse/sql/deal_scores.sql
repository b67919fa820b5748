-- One engagement-risk index per deal: top_share x the mean of the top_k finding severities (findings of every
-- kind) + (1 - top_share) x the weight-averaged severity of the scored dimensions, each dimension counted at
-- its worst finding (0 when it has none). Counts of critical and high findings. $1 = the list of deal ids.
INSERT INTO deal_scores
WITH rules AS ({rules}),
deal AS (SELECT deal_id FROM deals WHERE list_contains($1, deal_id)),
f AS (SELECT * FROM findings WHERE list_contains($1, deal_id)),
g AS (SELECT * FROM gaps WHERE list_contains($1, deal_id)),
worst AS (SELECT deal_id, dimension_id, max(severity) AS severity FROM f GROUP BY ALL),
dim AS (
    SELECT g.deal_id, g.dimension_id, g.weight, g.severity IS NOT NULL AS scored,
           CASE WHEN g.severity IS NOT NULL OR w.severity IS NOT NULL
                THEN greatest(coalesce(g.severity, 0), coalesce(w.severity, 0)) END AS severity
    FROM g LEFT JOIN worst w USING (deal_id, dimension_id)
),
top AS (SELECT f.deal_id, avg(severity) AS top_mean FROM f, rules WHERE rank <= top_k GROUP BY ALL),
whole AS (
    SELECT deal_id,
           sum(severity * weight) / nullif(sum(weight) FILTER (WHERE severity IS NOT NULL), 0) AS weighted_mean,
           count(*) FILTER (WHERE scored) AS scored, count(*) AS total
    FROM dim GROUP BY ALL
),
bands AS (
    SELECT deal_id, count(*) FILTER (WHERE band = 'critical') AS critical_gaps,
           count(*) FILTER (WHERE band = 'high') AS high_gaps
    FROM f GROUP BY ALL
),
people AS (
    SELECT deal_id,
           count(DISTINCT respondent_id) FILTER (WHERE respondent_side = 'home') AS home_people,
           count(DISTINCT respondent_id) FILTER (WHERE respondent_side = 'partner') AS partner_people
    FROM answers WHERE list_contains($1, deal_id) GROUP BY ALL
),
idx AS (
    SELECT deal.deal_id,
           round(top_share * coalesce(top_mean, 0) + (1 - top_share) * weighted_mean, 1) AS risk_index,
           top_mean, weighted_mean, scored, total, critical_gaps, high_gaps, home_people, partner_people,
           b_mod, b_high, b_crit
    FROM deal
    LEFT JOIN top USING (deal_id) LEFT JOIN whole USING (deal_id) LEFT JOIN bands USING (deal_id)
    LEFT JOIN people USING (deal_id)
    CROSS JOIN rules
)
SELECT deal_id, risk_index, band_of(risk_index, b_mod, b_high, b_crit), round(top_mean, 1),
       round(weighted_mean, 1), coalesce(scored, 0), coalesce(total, 0), coalesce(critical_gaps, 0),
       coalesce(high_gaps, 0), coalesce(home_people, 0), coalesce(partner_people, 0)
FROM idx
ORDER BY deal_id;
