-- The short names of both organizations of an accepted deal (the full name when there is none).
SELECT coalesce(home_short, home_name), coalesce(partner_short, partner) FROM deals WHERE deal_id = ?
