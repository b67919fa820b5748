-- The answers behind each side's score on one deal's gaps, as text ("P01=3; P02=4", by respondent id): the
-- answers of the view the score was taken from (its basis, gaps.sql), one row per dimension. Built for the
-- deal being reported (gaps.csv, the dashboard), not in the scoring of every deal. $1 = the deal id.
SELECT a.dimension_id,
       string_agg(a.respondent_id || '=' || CAST(CAST(a.raw_value AS INTEGER) AS VARCHAR), '; '
                  ORDER BY a.respondent_id) FILTER (WHERE a.rated_side = 'home') AS home_answers,
       string_agg(a.respondent_id || '=' || CAST(CAST(a.raw_value AS INTEGER) AS VARCHAR), '; '
                  ORDER BY a.respondent_id) FILTER (WHERE a.rated_side = 'partner') AS partner_answers
FROM answers a JOIN gaps g ON g.deal_id = a.deal_id AND g.dimension_id = a.dimension_id
WHERE a.deal_id = $1 AND a.status = 'answered'
  AND (a.respondent_side = a.rated_side)
      = (CASE a.rated_side WHEN 'home' THEN g.home_basis WHEN 'partner' THEN g.partner_basis END = 'self')
GROUP BY a.dimension_id
