-- The full and short names of both organizations of an accepted deal (the short falls back on the full).
SELECT partner, coalesce(partner_short, partner), home_name, coalesce(home_short, home_name)
FROM deals WHERE deal_id = ?
