-- The deal's engagement-risk index, its band and its critical and high findings.
SELECT risk_index, band, critical_gaps, high_gaps FROM deal_scores WHERE deal_id = $1
