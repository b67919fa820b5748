-- Every column of the deal's score row.
SELECT * FROM deal_scores WHERE deal_id = ?
