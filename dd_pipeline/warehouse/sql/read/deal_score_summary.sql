-- The deal's engagement-risk index with its band, critical and high findings and dimensions scored.
SELECT risk_index, band, critical_gaps, high_gaps, dimensions_scored, dimensions_total
FROM deal_scores WHERE deal_id = $1
