-- A deal's maturity profile as the outputs show it: one row per side and area rated, then the side's overall
-- row, with the description of the (whole) level reached and the immature rule. $1 = the deal id.
SELECT m.side, m.area_id AS area, m.area_name, m.level, m.respondents, m.view, m.immature,
       CASE floor(m.level) WHEN 1 THEN a.level_1 WHEN 2 THEN a.level_2 WHEN 3 THEN a.level_3
                           WHEN 4 THEN a.level_4 END AS level_description,
       (SELECT immature_at_or_below FROM playbook_maturity_rule LIMIT 1) AS immature_at_or_below,
       (SELECT fallback_dimension FROM playbook_maturity_rule LIMIT 1) AS fallback_dimension
FROM maturity_profile m LEFT JOIN playbook_maturity_areas a USING (area_id)
WHERE m.deal_id = $1
ORDER BY m.side, m.sort_order, m.area_id
