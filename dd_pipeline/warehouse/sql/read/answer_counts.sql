-- How many accepted answer rows a deal has, how many answered, and how many respondents on each side.
SELECT count(*), count(*) FILTER (WHERE status = 'answered'),
       count(DISTINCT respondent_id) FILTER (WHERE respondent_side = 'home'),
       count(DISTINCT respondent_id) FILTER (WHERE respondent_side = 'partner')
FROM answers WHERE deal_id = $1
