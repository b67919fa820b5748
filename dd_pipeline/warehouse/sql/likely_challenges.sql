-- Which of the Top 21 execution challenges a deal is likely to meet: a challenge is as likely as the
-- worst gap among the dimensions that tend to cause it, raised by immature_uplift when either side's
-- alliance-management maturity profile is immature (immature organizations meet all 21 more often). Findings of
-- every kind count; a challenge none of whose dimensions has a finding or a score has no likelihood.
-- $1 = the list of deal ids.
INSERT INTO likely_challenges
WITH rules AS ({rules}),
deal AS (SELECT deal_id FROM deals WHERE list_contains($1, deal_id)),
g AS (SELECT * FROM gaps WHERE list_contains($1, deal_id)),
-- a side is immature as its maturity profile says (maturity_profile.sql: its maturity answers, or the
-- maturity model's fallback dimension when it has none)
immature AS (
    SELECT deal.deal_id, coalesce(bool_or(m.immature), false) AS flag
    FROM deal LEFT JOIN maturity_profile m ON m.deal_id = deal.deal_id AND m.area_id = 'overall'
    GROUP BY deal.deal_id
),
-- each dimension at its worst finding; a scored dimension without a finding counts as 0
per_dimension AS (
    SELECT deal_id, dimension_id, severity, band FROM (
        SELECT deal_id, dimension_id, severity, band,
               row_number() OVER (PARTITION BY deal_id, dimension_id ORDER BY severity DESC, band_rank DESC) AS n
        FROM findings WHERE list_contains($1, deal_id))
    WHERE n = 1
    UNION ALL
    SELECT g.deal_id, g.dimension_id, 0, 'low' FROM g
    WHERE g.severity IS NOT NULL AND NOT EXISTS (
        SELECT 1 FROM findings f WHERE f.deal_id = g.deal_id AND f.dimension_id = g.dimension_id)
),
linked AS (
    SELECT p.deal_id, c.challenge_id, p.dimension_id, p.severity, p.band
    FROM playbook_dimension_challenges c JOIN per_dimension p USING (dimension_id)
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
    SELECT agg.*, CASE WHEN worst IS NOT NULL THEN
               round(least(100, worst + CASE WHEN immature.flag THEN immature_uplift ELSE 0 END), 1) END
               AS likelihood, rules.*
    FROM agg JOIN immature USING (deal_id) CROSS JOIN rules
)
SELECT deal_id, challenge_id, title, challenge_group, costliest, likelihood,
       band_of(likelihood, b_mod, b_high, b_crit), coalesce(driving, ''), high_gaps,
       row_number() OVER (PARTITION BY deal_id
                          ORDER BY likelihood DESC NULLS LAST, high_gaps DESC, costliest DESC, challenge_id)
FROM scored
ORDER BY deal_id, challenge_id;
