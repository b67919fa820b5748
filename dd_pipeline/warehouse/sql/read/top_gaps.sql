-- The deal's highest-ranked gaps, the first $2 of them.
SELECT rank, dimension_name, band, severity FROM gaps WHERE deal_id = $1 AND rank <= $2 ORDER BY rank
