-- How each organization sees itself vs how the other side sees it (the HP/Microsoft perception tables and
-- the internal vs partner survey comparison). difference = other view - self view, on 0..1 and on the item's
-- own scale; red/amber/green for both views on agreement items. Severity as for gaps, with the size of the
-- difference in place of the gap and the confidence of the thinner of the two views. $1 = the deal ids.
INSERT INTO perception_gaps (
    deal_id, dimension_id, rated_side, self_view, other_view, self_norm, other_norm, difference, self_n, other_n,
    flagged, difference_scale, self_rag, other_rag, weight, confidence, severity, band)
WITH rules AS ({rules}),
deal AS (SELECT deal_id, alliance_type FROM deals WHERE list_contains($1, deal_id)),
-- both views of an organization, each aggregated once from the answers (answer_views.sql)
views AS (
    SELECT s.deal_id, s.dimension_id, s.rated_side, s.mean_raw AS self_view, o.mean_raw AS other_view,
           s.mean_norm AS self_norm, o.mean_norm AS other_norm, coalesce(s.sd_norm, 0) AS self_sd,
           coalesce(o.sd_norm, 0) AS other_sd, s.n AS self_n, o.n AS other_n
    FROM answer_views s JOIN answer_views o USING (deal_id, dimension_id, rated_side)
    WHERE s.own AND NOT o.own
),
scored AS (
    SELECT v.*, d.sort_order, d.scale_kind, d.scale_min, d.scale_max,
           coalesce(w.weight, d.default_weight) AS weight, rules.*,
           least(least(1, self_n / full_n) * (1 - spread_penalty * least(1, self_sd / 0.5)),
                 least(1, other_n / full_n) * (1 - spread_penalty * least(1, other_sd / 0.5))) AS confidence,
           abs(round(other_norm - self_norm, 4)) AS size
    FROM views v JOIN deal USING (deal_id) JOIN playbook_dimensions d USING (dimension_id)
    LEFT JOIN playbook_dimension_weights w
           ON w.dimension_id = d.dimension_id AND w.alliance_type = deal.alliance_type
    CROSS JOIN rules
    WHERE self_n > 0 AND other_n > 0
),
severity AS (
    SELECT scored.*,
           round(100 * least(1, size * weight) * (severity_floor + (1 - severity_floor) * confidence), 1) AS severity
    FROM scored
)
SELECT deal_id, dimension_id, rated_side, round(self_view, 4), round(other_view, 4), round(self_norm, 4),
       round(other_norm, 4), round(other_norm - self_norm, 4), self_n, other_n,
       size >= perception_threshold, round(other_view - self_view, 4),
       rag(scale_kind, self_view, red, green), rag(scale_kind, other_view, red, green),
       weight, round(confidence, 4), severity, band_of(severity, b_mod, b_high, b_crit)
FROM severity
ORDER BY deal_id, sort_order, rated_side;
