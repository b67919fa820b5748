-- Per deal and dimension: each side's score, the gap, its weight, confidence, severity and band.
-- The two organizations are peers. On a style dimension (direction symmetric) a difference is a finding of
-- kind 'difference'; where one end is better (higher_is_better / lower_is_better) it is a 'shortfall' of
-- the side whose score is further from the better end, whichever side that is (short_side). Each side's
-- "goodness" (0 = the worse end, 1 = the better end) and whether it sits in the weak zone feed the shared
-- weaknesses of findings.sql.
-- A side's score is the mean of its own respondents' answers about it ("self" basis); when nobody on that
-- side answered, the other side's view of it is used instead ("other" basis). Not-applicable and unknown
-- answers are not counted. The answers behind each score, as text, are not kept here: gaps.csv and the
-- dashboard list them for their one deal (read/answer_lists.sql). $1 = the list of deal ids to score.
INSERT INTO gaps (
    deal_id, dimension_id, category_id, dimension_name, direction, scale_min, scale_max,
    home_score, partner_score, home_norm, partner_norm, home_n, partner_n, home_sd, partner_sd,
    home_basis, partner_basis, signed_gap, abs_gap, effective_gap, weight,
    home_confidence, partner_confidence, confidence, severity, band, band_rank, rank, home_rag, partner_rag,
    evidence_count, kind, short_side, home_goodness, partner_goodness, home_weak, partner_weak,
    home_other_score, partner_other_score, home_other_rag, partner_other_rag, size_factor, confidence_factor)
WITH rules AS ({rules}),
deal AS (SELECT deal_id, alliance_type FROM deals WHERE list_contains($1, deal_id)),
-- the answers of each view, aggregated once for the three statements that read them (answer_views.sql)
views AS (
    SELECT deal_id, dimension_id, rated_side, CASE WHEN own THEN 'self' ELSE 'other' END AS basis,
           n, mean_raw, mean_norm, coalesce(sd_norm, 0) AS sd_norm
    FROM answer_views
),
-- The other side's view of each organization, for its red/amber/green.
other_views AS (
    SELECT deal_id, dimension_id, rated_side, mean_raw FROM views WHERE basis = 'other'
),
self_views AS (
    SELECT deal_id, dimension_id, rated_side, mean_raw FROM views WHERE basis = 'self'
),
chosen AS (
    SELECT * FROM views
    QUALIFY row_number() OVER (PARTITION BY deal_id, dimension_id, rated_side ORDER BY basis = 'self' DESC) = 1
),
dims AS (
    SELECT deal.deal_id, d.*, coalesce(w.weight, d.default_weight) AS weight
    FROM playbook_dimensions d CROSS JOIN deal
    LEFT JOIN playbook_dimension_weights w
           ON w.dimension_id = d.dimension_id AND w.alliance_type = deal.alliance_type
),
ev AS (SELECT deal_id, dimension_id, count(*) AS n FROM evidence WHERE list_contains($1, deal_id) GROUP BY ALL),
joined AS (
    SELECT dims.*, h.mean_raw AS home_score, p.mean_raw AS partner_score,
           h.mean_norm AS home_norm, p.mean_norm AS partner_norm,
           coalesce(h.n, 0) AS home_n, coalesce(p.n, 0) AS partner_n, h.sd_norm AS home_sd,
           p.sd_norm AS partner_sd, h.basis AS home_basis, p.basis AS partner_basis,
           coalesce(ev.n, 0) AS evidence_count,
           hs.mean_raw AS home_self_score, ps.mean_raw AS partner_self_score,
           ho.mean_raw AS home_other_score, po.mean_raw AS partner_other_score
    FROM dims
    LEFT JOIN chosen h ON h.deal_id = dims.deal_id AND h.dimension_id = dims.dimension_id AND h.rated_side = 'home'
    LEFT JOIN chosen p ON p.deal_id = dims.deal_id AND p.dimension_id = dims.dimension_id
                       AND p.rated_side = 'partner'
    LEFT JOIN ev ON ev.deal_id = dims.deal_id AND ev.dimension_id = dims.dimension_id
    LEFT JOIN self_views hs ON hs.deal_id = dims.deal_id AND hs.dimension_id = dims.dimension_id
                           AND hs.rated_side = 'home'
    LEFT JOIN self_views ps ON ps.deal_id = dims.deal_id AND ps.dimension_id = dims.dimension_id
                           AND ps.rated_side = 'partner'
    LEFT JOIN other_views ho ON ho.deal_id = dims.deal_id AND ho.dimension_id = dims.dimension_id
                            AND ho.rated_side = 'home'
    LEFT JOIN other_views po ON po.deal_id = dims.deal_id AND po.dimension_id = dims.dimension_id
                            AND po.rated_side = 'partner'
),
scored AS (
    SELECT joined.*, rules.*,
           partner_norm - home_norm AS signed_gap,
           abs(partner_norm - home_norm) AS abs_gap,
           abs(partner_norm - home_norm) AS effective_gap,
           CASE direction WHEN 'higher_is_better' THEN home_norm WHEN 'lower_is_better' THEN 1 - home_norm
           END AS home_goodness,
           CASE direction WHEN 'higher_is_better' THEN partner_norm WHEN 'lower_is_better' THEN 1 - partner_norm
           END AS partner_goodness,
           -- the weak zone on the goodness scale: the red threshold on agreement items, weak_rating otherwise
           CASE WHEN scale_kind = 'agreement' THEN round((red - scale_min) / (scale_max - scale_min), 4)
                ELSE weak_rating END AS weak_at,
           least(1, home_n / full_n) * (1 - spread_penalty * least(1, home_sd / 0.5)) AS home_confidence,
           least(1, partner_n / full_n) * (1 - spread_penalty * least(1, partner_sd / 0.5)) AS partner_confidence
    FROM joined CROSS JOIN rules
),
severity AS (
    -- DuckDB's least() skips NULLs: a side with no score must leave confidence and severity empty.
    SELECT scored.*,
           CASE WHEN home_norm IS NOT NULL AND partner_norm IS NOT NULL
                THEN least(1, effective_gap * weight) END AS size_factor,
           CASE WHEN home_norm IS NOT NULL AND partner_norm IS NOT NULL
                THEN severity_floor + (1 - severity_floor) * least(home_confidence, partner_confidence)
           END AS confidence_factor,
           CASE WHEN direction = 'symmetric' THEN 'difference' ELSE 'shortfall' END AS kind,
           CASE WHEN direction = 'symmetric' OR home_norm IS NULL OR partner_norm IS NULL THEN NULL
                WHEN round(home_goodness, 6) < round(partner_goodness, 6) THEN 'home'
                WHEN round(partner_goodness, 6) < round(home_goodness, 6) THEN 'partner' END AS short_side,
           CASE WHEN home_norm IS NOT NULL AND partner_norm IS NOT NULL
                THEN least(home_confidence, partner_confidence) END AS confidence,
           CASE WHEN home_norm IS NOT NULL AND partner_norm IS NOT NULL
                THEN round(100 * least(1, effective_gap * weight)
                           * (severity_floor + (1 - severity_floor) * least(home_confidence, partner_confidence)), 1)
           END AS severity
    FROM scored
)
SELECT deal_id, dimension_id, category_id, name, direction, scale_min, scale_max,
       round(home_score, 4), round(partner_score, 4), round(home_norm, 4), round(partner_norm, 4),
       home_n, partner_n, round(home_sd, 4), round(partner_sd, 4), home_basis, partner_basis,
       round(signed_gap, 4), round(abs_gap, 4), round(effective_gap, 4), weight,
       round(home_confidence, 4), round(partner_confidence, 4), round(confidence, 4),
       severity, band_of(severity, b_mod, b_high, b_crit), band_rank(band_of(severity, b_mod, b_high, b_crit)),
       CASE WHEN severity IS NOT NULL THEN
           row_number() OVER (PARTITION BY deal_id, severity IS NULL
                              ORDER BY severity DESC, weight DESC, dimension_id) END,
       rag(scale_kind, home_self_score, red, green), rag(scale_kind, partner_self_score, red, green),
       evidence_count, kind, short_side, round(home_goodness, 4), round(partner_goodness, 4),
       direction <> 'symmetric' AND round(home_goodness, 4) <= weak_at,
       direction <> 'symmetric' AND round(partner_goodness, 4) <= weak_at,
       round(home_other_score, 4), round(partner_other_score, 4),
       rag(scale_kind, home_other_score, red, green), rag(scale_kind, partner_other_score, red, green),
       round(size_factor, 4), round(confidence_factor, 4)
FROM severity
ORDER BY deal_id, sort_order;
