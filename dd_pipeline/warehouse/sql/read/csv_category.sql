-- category_scores.csv: the category scores, highest first.
SELECT category_id AS category, category_name AS name, score, band, max_severity, critical_gaps, high_gaps,
       dimensions_scored, dimensions_total, home_mean, partner_mean, mean_abs_gap, top_dimension
FROM category_scores WHERE deal_id = ? ORDER BY score DESC NULLS LAST, category_id
