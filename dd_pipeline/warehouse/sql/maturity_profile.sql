-- Each side's alliance-management maturity profile. Per area: the median level given by the people rating
-- that side, from its own people (view 'self') when any rated it, else from the other side ('other').
-- Per side, one row with area_id 'overall': the median of its area levels (or its lowest, as the rule says),
-- rounded down to a whole level; a side without maturity answers takes its score on the rule's fallback
-- dimension instead (view 'fallback'), and one with neither has no level. A whole level at or below the
-- rule's immature_at_or_below is immature. $1 = the list of deal ids.
INSERT INTO maturity_profile
WITH rule AS (SELECT * FROM playbook_maturity_rule LIMIT 1),
sides AS (SELECT d.deal_id, s.side FROM deals d CROSS JOIN (VALUES ('home'), ('partner')) s(side)
          WHERE list_contains($1, d.deal_id)),
rated AS (
    SELECT deal_id, rated_side AS side, area_id,
           CASE WHEN respondent_side = rated_side THEN 'self' ELSE 'other' END AS view, level, respondent_id
    FROM maturity_answers WHERE list_contains($1, deal_id)
),
per_view AS (
    SELECT deal_id, side, area_id, view, quantile_cont(level, 0.5) AS level,
           count(DISTINCT respondent_id) AS respondents
    FROM rated GROUP BY ALL
),
areas AS (
    SELECT p.deal_id, p.side, p.area_id, a.name AS area_name, a.sort_order, p.level, p.respondents, p.view
    FROM per_view p JOIN playbook_maturity_areas a USING (area_id)
    WHERE p.view = 'self' OR NOT EXISTS (
        SELECT 1 FROM per_view s
        WHERE s.deal_id = p.deal_id AND s.side = p.side AND s.area_id = p.area_id AND s.view = 'self')
),
-- the people whose levels the profile uses
people AS (
    SELECT r.deal_id, r.side, count(DISTINCT r.respondent_id) AS respondents
    FROM rated r JOIN areas a USING (deal_id, side, area_id, view) GROUP BY ALL
),
from_areas AS (
    SELECT deal_id, side,
           floor(CASE WHEN (SELECT overall FROM rule) = 'lowest' THEN min(level)
                      ELSE quantile_cont(level, 0.5) END) AS level,
           CASE WHEN count(DISTINCT view) > 1 THEN 'mixed' ELSE min(view) END AS view
    FROM areas GROUP BY ALL
),
fallback AS (
    SELECT g.deal_id, s.side,
           floor(CASE s.side WHEN 'home' THEN g.home_score ELSE g.partner_score END) AS level,
           CASE s.side WHEN 'home' THEN g.home_n ELSE g.partner_n END AS respondents
    FROM gaps g CROSS JOIN (VALUES ('home'), ('partner')) s(side)
    WHERE list_contains($1, g.deal_id) AND g.dimension_id = (SELECT fallback_dimension FROM rule)
),
overall AS (
    SELECT sides.deal_id, sides.side, 'overall' AS area_id, 'Overall level' AS area_name, 1000 AS sort_order,
           coalesce(a.level, f.level) AS level,
           CASE WHEN a.level IS NOT NULL THEN p.respondents ELSE f.respondents END AS respondents,
           CASE WHEN a.level IS NOT NULL THEN a.view WHEN f.level IS NOT NULL THEN 'fallback' END AS view
    FROM sides
    LEFT JOIN from_areas a ON a.deal_id = sides.deal_id AND a.side = sides.side
    LEFT JOIN people p ON p.deal_id = sides.deal_id AND p.side = sides.side
    LEFT JOIN fallback f ON f.deal_id = sides.deal_id AND f.side = sides.side
)
SELECT deal_id, side, area_id, area_name, sort_order, level, coalesce(respondents, 0), view,
       coalesce(floor(level) <= (SELECT immature_at_or_below FROM rule), false)
FROM (SELECT * FROM areas UNION ALL SELECT * FROM overall)
ORDER BY deal_id, side, sort_order;
