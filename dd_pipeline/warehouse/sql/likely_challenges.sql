-- Which of the Top 21 execution challenges this deal is likely to meet: a challenge is as likely as the
-- worst gap among the dimensions that tend to cause it, raised by immature_uplift when either side is at
-- alliance-management maturity level 1 or 2 (immature organizations meet all 21 more often).
INSERT INTO likely_challenges
WITH rules AS ({rules}),
g AS (SELECT * FROM gaps WHERE deal_id = $1),
immature AS (
    SELECT coalesce(bool_or(least(home_score, partner_score) < 3), false) AS flag
    FROM g WHERE dimension_id = 'am_maturity'
),
linked AS (
    SELECT c.challenge_id, g.dimension_id, g.severity, g.band
    FROM playbook_dimension_challenges c JOIN g USING (dimension_id)
    WHERE g.severity IS NOT NULL
),
agg AS (
    SELECT ch.challenge_id, ch.title, ch.challenge_group, ch.costliest,
           max(l.severity) AS worst,
           count(*) FILTER (WHERE l.band IN ('high', 'critical')) AS high_gaps,
           string_agg(l.dimension_id, ', ' ORDER BY l.severity DESC, l.dimension_id)
               FILTER (WHERE l.band IN ('high', 'critical')) AS driving
    FROM playbook_challenges ch LEFT JOIN linked l USING (challenge_id)
    GROUP BY ALL
),
scored AS (
    SELECT agg.*, round(least(100, worst + CASE WHEN immature.flag THEN immature_uplift ELSE 0 END), 1)
               AS likelihood, rules.*
    FROM agg CROSS JOIN immature CROSS JOIN rules
)
SELECT $1, challenge_id, title, challenge_group, costliest, likelihood,
       band_of(likelihood, b_mod, b_high, b_crit), coalesce(driving, ''), high_gaps,
       row_number() OVER (ORDER BY likelihood DESC NULLS LAST, high_gaps DESC, costliest DESC, challenge_id)
FROM scored
ORDER BY challenge_id;
