-- One row with the scoring rules (playbook_rules holds them as name/value pairs). Included by other queries.
SELECT
    max(value) FILTER (WHERE name = 'full_at_respondents') AS full_n,
    max(value) FILTER (WHERE name = 'spread_penalty') AS spread_penalty,
    max(value) FILTER (WHERE name = 'severity_floor') AS severity_floor,
    max(value) FILTER (WHERE name = 'band_moderate') AS b_mod,
    max(value) FILTER (WHERE name = 'band_high') AS b_high,
    max(value) FILTER (WHERE name = 'band_critical') AS b_crit,
    max(value) FILTER (WHERE name = 'agreement_red') AS red,
    max(value) FILTER (WHERE name = 'agreement_green') AS green,
    max(value) FILTER (WHERE name = 'top_k') AS top_k,
    max(value) FILTER (WHERE name = 'top_share') AS top_share,
    max(value) FILTER (WHERE name = 'disagreement_threshold') AS disagreement_threshold,
    max(value) FILTER (WHERE name = 'perception_threshold') AS perception_threshold,
    max(value) FILTER (WHERE name = 'immature_uplift') AS immature_uplift,
    max(value) FILTER (WHERE name = 'weak_rating') AS weak_rating
FROM playbook_rules
