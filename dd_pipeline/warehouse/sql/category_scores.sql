-- Per deal and category: the weighted mean severity of its dimensions, each at its worst finding (0 when it
-- has none), the worst finding, and counts of critical and high findings. $1 = the list of deal ids.
INSERT INTO category_scores
WITH rules AS ({rules}),
deal AS (SELECT deal_id FROM deals WHERE list_contains($1, deal_id)),
f AS (SELECT * FROM findings WHERE list_contains($1, deal_id)),
worst AS (
    SELECT deal_id, dimension_id, max(severity) AS severity,
           count(*) FILTER (WHERE band = 'critical') AS critical, count(*) FILTER (WHERE band = 'high') AS high
    FROM f GROUP BY ALL
),
g AS (
    SELECT gaps.*, CASE WHEN gaps.severity IS NOT NULL OR w.severity IS NOT NULL
                        THEN greatest(coalesce(gaps.severity, 0), coalesce(w.severity, 0)) END AS dim_severity,
           coalesce(w.critical, 0) AS critical, coalesce(w.high, 0) AS high
    FROM gaps LEFT JOIN worst w USING (deal_id, dimension_id)
    WHERE list_contains($1, gaps.deal_id)
),
agg AS (
    SELECT deal.deal_id, c.category_id, c.name, c.sort_order,
           count(g.severity) AS scored, count(g.dimension_id) AS total,
           avg(g.home_norm) AS home_mean, avg(g.partner_norm) AS partner_mean, avg(g.abs_gap) AS mean_abs_gap,
           sum(g.dim_severity * g.weight) / nullif(sum(g.weight) FILTER (WHERE g.dim_severity IS NOT NULL), 0)
               AS score,
           max(g.dim_severity) AS max_severity,
           coalesce(sum(g.critical), 0) AS critical_gaps,
           coalesce(sum(g.high), 0) AS high_gaps,
           arg_max(g.dimension_id, (g.dim_severity, g.weight, g.dimension_id))
               FILTER (WHERE g.dim_severity IS NOT NULL) AS top_dimension
    FROM deal CROSS JOIN playbook_categories c
    LEFT JOIN g ON g.deal_id = deal.deal_id AND g.category_id = c.category_id
    GROUP BY deal.deal_id, c.category_id, c.name, c.sort_order
)
SELECT deal_id, category_id, name, scored, total, round(home_mean, 4), round(partner_mean, 4),
       round(mean_abs_gap, 4), round(score, 1), max_severity, band_of(round(score, 1), b_mod, b_high, b_crit),
       critical_gaps, high_gaps, top_dimension
FROM agg CROSS JOIN rules
ORDER BY deal_id, sort_order;
