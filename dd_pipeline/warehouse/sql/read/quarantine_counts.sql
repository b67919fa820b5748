-- Rows and whole files the last read of the deals $1 set aside; a row of the home profile counts once.
SELECT count(DISTINCT (source_file, source_row)) FILTER (WHERE source_row IS NOT NULL),
       count(DISTINCT source_file) FILTER (WHERE source_row IS NULL)
FROM quarantine WHERE list_contains($1, deal_id)
