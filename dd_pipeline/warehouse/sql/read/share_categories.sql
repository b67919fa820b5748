-- The partner pack's category_scores.csv.
SELECT category_id AS category, category_name AS name, score, band, max_severity, critical_gaps, high_gaps,
       dimensions_scored, dimensions_total, home_mean, partner_mean
FROM category_scores WHERE deal_id = ? ORDER BY score DESC NULLS LAST, category_id
