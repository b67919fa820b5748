-- The internal pack's answers.csv: every accepted answer.
SELECT respondent_id, respondent_side, division, level, rated_side, dimension_id AS dimension,
       CASE status WHEN 'answered' THEN CAST(raw_value AS VARCHAR) WHEN 'not_applicable' THEN 'n/a'
            ELSE status END AS value, comment, source_file, source_row
FROM answers WHERE deal_id = ? ORDER BY respondent_side, respondent_id, rated_side, dimension_id
