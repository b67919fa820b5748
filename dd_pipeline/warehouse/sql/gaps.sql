-- Per deal and dimension: each side's score, the gap, its weight, confidence, severity and band.
-- A side's score is the mean of its own respondents' answers about it ("self" basis); when nobody on that
-- side answered, the other side's view of it is used instead ("other" basis). Not-applicable and unknown
-- answers are not counted. $1 = the list of deal ids to score.
INSERT INTO gaps (
    deal_id, dimension_id, category_id, dimension_name, direction, scale_min, scale_max,
    home_score, partner_score, home_norm, partner_norm, home_n, partner_n, home_sd, partner_sd,
    home_basis, partner_basis, home_answers, partner_answers, signed_gap, abs_gap, effective_gap, weight,
    home_confidence, partner_confidence, confidence, severity, band, band_rank, rank, home_rag, partner_rag,
    evidence_count)
WITH rules AS ({rules}),
deal AS (SELECT deal_id, alliance_type FROM deals WHERE list_contains($1, deal_id)),
answered AS (SELECT * FROM answers WHERE list_contains($1, deal_id) AND status = 'answered'),
views AS (
    SELECT deal_id, dimension_id, rated_side,
           CASE WHEN respondent_side = rated_side THEN 'self' ELSE 'other' END AS basis,
           count(*) AS n, avg(raw_value) AS mean_raw, avg(norm_value) AS mean_norm,
           coalesce(stddev_pop(norm_value), 0) AS sd_norm
    FROM answered GROUP BY ALL
),
chosen AS (
    SELECT * FROM views
    QUALIFY row_number() OVER (PARTITION BY deal_id, dimension_id, rated_side ORDER BY basis = 'self' DESC) = 1
),
-- The answers behind each chosen score, as text ("P01=3; P02=4"), built only for the view that is kept.
profile AS (
    SELECT c.*, string_agg(a.respondent_id || '=' || CAST(CAST(a.raw_value AS INTEGER) AS VARCHAR), '; '
                           ORDER BY a.respondent_id) AS answers_text
    FROM chosen c JOIN answered a
      ON a.deal_id = c.deal_id AND a.dimension_id = c.dimension_id AND a.rated_side = c.rated_side
     AND (a.respondent_side = a.rated_side) = (c.basis = 'self')
    GROUP BY ALL
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
           h.answers_text AS home_answers, p.answers_text AS partner_answers, coalesce(ev.n, 0) AS evidence_count
    FROM dims
    LEFT JOIN profile h ON h.deal_id = dims.deal_id AND h.dimension_id = dims.dimension_id AND h.rated_side = 'home'
    LEFT JOIN profile p ON p.deal_id = dims.deal_id AND p.dimension_id = dims.dimension_id
                       AND p.rated_side = 'partner'
    LEFT JOIN ev ON ev.deal_id = dims.deal_id AND ev.dimension_id = dims.dimension_id
),
scored AS (
    SELECT joined.*, rules.*,
           partner_norm - home_norm AS signed_gap,
           abs(partner_norm - home_norm) AS abs_gap,
           CASE direction
               WHEN 'partner_lower' THEN greatest(home_norm - partner_norm, 0)
               WHEN 'partner_higher' THEN greatest(partner_norm - home_norm, 0)
               ELSE abs(partner_norm - home_norm) END AS effective_gap,
           least(1, home_n / full_n) * (1 - spread_penalty * least(1, home_sd / 0.5)) AS home_confidence,
           least(1, partner_n / full_n) * (1 - spread_penalty * least(1, partner_sd / 0.5)) AS partner_confidence
    FROM joined CROSS JOIN rules
),
severity AS (
    -- DuckDB's least() skips NULLs: a side with no score must leave confidence and severity empty.
    SELECT scored.*,
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
       home_answers, partner_answers,
       round(signed_gap, 4), round(abs_gap, 4), round(effective_gap, 4), weight,
       round(home_confidence, 4), round(partner_confidence, 4), round(confidence, 4),
       severity, band_of(severity, b_mod, b_high, b_crit), band_rank(band_of(severity, b_mod, b_high, b_crit)),
       CASE WHEN severity IS NOT NULL THEN
           row_number() OVER (PARTITION BY deal_id, severity IS NULL
                              ORDER BY severity DESC, weight DESC, dimension_id) END,
       CASE WHEN scale_kind <> 'agreement' OR home_score IS NULL THEN NULL
            WHEN round(home_score, 4) <= red THEN 'red' WHEN round(home_score, 4) >= green THEN 'green'
            ELSE 'amber' END,
       CASE WHEN scale_kind <> 'agreement' OR partner_score IS NULL THEN NULL
            WHEN round(partner_score, 4) <= red THEN 'red' WHEN round(partner_score, 4) >= green THEN 'green'
            ELSE 'amber' END,
       evidence_count
FROM severity
ORDER BY deal_id, sort_order;
