-- Respondents, answer rows and answers per side and division of a deal.
SELECT respondent_side AS side, coalesce(division, '(no division)') AS division,
       count(DISTINCT respondent_id) AS respondents, count(*) AS answers,
       count(*) FILTER (WHERE status = 'answered') AS answered
FROM answers WHERE deal_id = ?
GROUP BY ALL ORDER BY side, division
