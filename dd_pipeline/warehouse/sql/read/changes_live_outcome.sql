-- The deal's engagement-risk index and band as the warehouse holds them now.
SELECT risk_index, band FROM deal_scores WHERE deal_id = ?
