-- The partner pack's challenges.csv.
SELECT rank, challenge_id, title, challenge_group, likelihood, band, driving_dimensions
FROM likely_challenges WHERE deal_id = ? ORDER BY rank
