-- The dashboard's likely execution challenges with their descriptions.
SELECT l.*, c.description
FROM likely_challenges l LEFT JOIN playbook_challenges c USING (challenge_id)
WHERE l.deal_id = ?
ORDER BY l.rank
