-- The partner's name, the alliance type, and the short names of both organizations of an accepted deal.
SELECT partner, alliance_type, home_short, partner_short FROM deals WHERE deal_id = $1
