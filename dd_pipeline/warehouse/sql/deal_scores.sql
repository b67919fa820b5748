-- One engagement-risk index per deal: top_share x the mean of the top_k severities
-- + (1 - top_share) x the weight-averaged severity of all scored dimensions.
INSERT INTO deal_scores
WITH rules AS ({rules}),
g AS (SELECT * FROM gaps WHERE deal_id = $1),
top AS (SELECT avg(severity) AS top_mean FROM g, rules WHERE rank <= top_k),
whole AS (
    SELECT sum(severity * weight) / nullif(sum(weight) FILTER (WHERE severity IS NOT NULL), 0) AS weighted_mean,
           count(severity) AS scored, count(*) AS total,
           count(*) FILTER (WHERE band = 'critical') AS critical_gaps,
           count(*) FILTER (WHERE band = 'high') AS high_gaps
    FROM g
),
people AS (
    SELECT count(DISTINCT respondent_id) FILTER (WHERE respondent_side = 'home') AS home_people,
           count(DISTINCT respondent_id) FILTER (WHERE respondent_side = 'partner') AS partner_people
    FROM answers WHERE deal_id = $1
),
idx AS (
    SELECT round(top_share * top_mean + (1 - top_share) * weighted_mean, 1) AS risk_index, *
    FROM top, whole, people, rules
)
SELECT $1, risk_index, band_of(risk_index, b_mod, b_high, b_crit), round(top_mean, 1), round(weighted_mean, 1),
       scored, total, critical_gaps, high_gaps, home_people, partner_people
FROM idx;
