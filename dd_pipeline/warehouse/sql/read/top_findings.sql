-- The deal's highest-ranked findings of every kind, the first $2 of them.
SELECT rank, kind, dimension_name, side, band, severity FROM findings WHERE deal_id = $1 AND rank <= $2 ORDER BY rank
