-- Which of the Top 21 execution challenges a deal is likely to meet: a challenge is as likely as the
-- worst gap among the dimensions that tend to cause it, raised by immature_uplift when either side is at
-- alliance-management maturity level 1 or 2 (immature organizations meet all 21 more often).
-- $1 = the list of deal ids.
INSERT INTO likely_challenges
WITH rules AS ({rules}),
deal AS (SELECT deal_id FROM deals WHERE list_contains($1, deal_id)),
g AS (SELECT * FROM gaps WHERE list_contains($1, deal_id)),
immature AS (
    SELECT deal.deal_id, coalesce(bool_or(least(g.home_score, g.partner_score) < 3), false) AS flag
    FROM deal LEFT JOIN g ON g.deal_id = deal.deal_id AND g.dimension_id = 'am_maturity'
    GROUP BY deal.deal_id
),
linked AS (
    SELECT g.deal_id, c.challenge_id, g.dimension_id, g.severity, g.band
    FROM playbook_dimension_challenges c JOIN g USING (dimension_id)
    WHERE g.severity IS NOT NULL
),
agg AS (
    SELECT deal.deal_id, ch.challenge_id, ch.title, ch.challenge_group, ch.costliest,
           max(l.severity) AS worst,
           count(l.dimension_id) FILTER (WHERE l.band IN ('high', 'critical')) AS high_gaps,
           string_agg(l.dimension_id, ', ' ORDER BY l.severity DESC, l.dimension_id)
               FILTER (WHERE l.band IN ('high', 'critical')) AS driving
    FROM deal CROSS JOIN playbook_challenges ch
    LEFT JOIN linked l ON l.deal_id = deal.deal_id AND l.challenge_id = ch.challenge_id
    GROUP BY ALL
),
scored AS (
    SELECT agg.*, round(least(100, worst + CASE WHEN immature.flag THEN immature_uplift ELSE 0 END), 1)
               AS likelihood, rules.*
    FROM agg JOIN immature USING (deal_id) CROSS JOIN rules
)
SELECT deal_id, challenge_id, title, challenge_group, costliest, likelihood,
       band_of(likelihood, b_mod, b_high, b_crit), coalesce(driving, ''), high_gaps,
       row_number() OVER (PARTITION BY deal_id
                          ORDER BY likelihood DESC NULLS LAST, high_gaps DESC, costliest DESC, challenge_id)
FROM scored
ORDER BY deal_id, challenge_id;
