-- The answered answers of the deals in $1 (a list of deal ids), read once for gaps.sql, perception_gaps.sql
-- and internal_disagreement.sql, into two tables of this connection only (dropped after the statements that
-- read them; dd_pipeline/scoring). Every figure is aggregated from the answers themselves, with the same
-- aggregates each statement used on its own.
-- answer_views: per deal, dimension, organization rated and whether the respondents rate their own
-- organization (own), the count, the mean on the item's own scale and on 0..1, and the spread on 0..1.
CREATE OR REPLACE TEMP TABLE answer_views AS
SELECT deal_id, dimension_id, rated_side, respondent_side = rated_side AS own, count(*) AS n,
       avg(raw_value) AS mean_raw, avg(norm_value) AS mean_norm, stddev_pop(norm_value) AS sd_norm
FROM answers
WHERE deal_id IN (SELECT unnest($1::VARCHAR[])) AND status = 'answered'
GROUP BY ALL;
-- division_views: an organization's own answers about itself per division, the count and the mean on 0..1.
CREATE OR REPLACE TEMP TABLE division_views AS
SELECT deal_id, dimension_id, rated_side, division, count(*) AS n, avg(norm_value) AS mean_norm
FROM answers
WHERE deal_id IN (SELECT unnest($1::VARCHAR[])) AND status = 'answered' AND respondent_side = rated_side
GROUP BY ALL;
