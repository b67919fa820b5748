-- The execution challenges the deal's findings make most likely, the first $2 of them.
SELECT challenge_id, title, likelihood FROM likely_challenges WHERE deal_id = $1 AND rank <= $2 ORDER BY rank
