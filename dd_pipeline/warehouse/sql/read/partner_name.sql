-- The partner's name of an accepted deal.
SELECT partner FROM deals WHERE deal_id = ?
