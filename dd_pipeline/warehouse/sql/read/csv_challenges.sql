-- challenges.csv: the likely execution challenges, ranked.
SELECT rank, challenge_id, title, challenge_group, costliest, likelihood, band, high_gaps, driving_dimensions
FROM likely_challenges WHERE deal_id = ? ORDER BY rank
