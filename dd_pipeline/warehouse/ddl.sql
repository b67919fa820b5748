-- dd-pipeline warehouse. Playbook tables are replaced whole; deal tables are replaced per deal
-- (delete-then-insert inside one transaction), history tables are append-only.

CREATE TABLE IF NOT EXISTS playbook_categories (
    category_id VARCHAR PRIMARY KEY, name VARCHAR, description VARCHAR, sort_order INTEGER);
CREATE TABLE IF NOT EXISTS playbook_dimensions (
    dimension_id VARCHAR PRIMARY KEY, category_id VARCHAR, name VARCHAR, question VARCHAR,
    scale_kind VARCHAR, scale_min DOUBLE, scale_max DOUBLE, low_label VARCHAR, high_label VARCHAR,
    direction VARCHAR, perspective VARCHAR, default_weight DOUBLE, why VARCHAR, source VARCHAR,
    sort_order INTEGER);
CREATE TABLE IF NOT EXISTS playbook_dimension_weights (
    dimension_id VARCHAR, alliance_type VARCHAR, weight DOUBLE, PRIMARY KEY (dimension_id, alliance_type));
CREATE TABLE IF NOT EXISTS playbook_challenges (
    challenge_id VARCHAR PRIMARY KEY, challenge_group VARCHAR, title VARCHAR, description VARCHAR,
    costliest BOOLEAN, source VARCHAR);
CREATE TABLE IF NOT EXISTS playbook_dimension_challenges (
    dimension_id VARCHAR, challenge_id VARCHAR, PRIMARY KEY (dimension_id, challenge_id));
CREATE TABLE IF NOT EXISTS playbook_rules (name VARCHAR PRIMARY KEY, value DOUBLE);
CREATE TABLE IF NOT EXISTS playbook_meta (fingerprint VARCHAR, loaded_from VARCHAR);

CREATE TABLE IF NOT EXISTS deals (
    deal_id VARCHAR PRIMARY KEY, partner VARCHAR, partner_short VARCHAR, home_name VARCHAR,
    home_short VARCHAR, alliance_type VARCHAR, term_sheet_date DATE, effective_date DATE,
    description VARCHAR, deal_json VARCHAR, home_json VARCHAR, input_fingerprint VARCHAR);

-- Staged inputs: what the last read of a deal folder produced, before the checks pass.
CREATE TABLE IF NOT EXISTS staged_answers (
    deal_id VARCHAR, source_file VARCHAR, source_row INTEGER, respondent_id VARCHAR,
    respondent_side VARCHAR, division VARCHAR, level VARCHAR, rated_side VARCHAR, dimension_id VARCHAR,
    status VARCHAR, raw_value DOUBLE, comment VARCHAR);
CREATE TABLE IF NOT EXISTS staged_evidence (
    deal_id VARCHAR, source_file VARCHAR, source_row INTEGER, dimension_id VARCHAR, about_side VARCHAR,
    kind VARCHAR, observation VARCHAR, source VARCHAR, recorded_on DATE);
CREATE TABLE IF NOT EXISTS staged_deals (deal_id VARCHAR PRIMARY KEY, deal_json VARCHAR,
    home_json VARCHAR, input_fingerprint VARCHAR);
CREATE TABLE IF NOT EXISTS staged_overrides (
    deal_id VARCHAR, dimension_id VARCHAR, severity DOUBLE, adjust DOUBLE, band VARCHAR, reason VARCHAR,
    author VARCHAR, override_date DATE, source_file VARCHAR, position INTEGER);
CREATE TABLE IF NOT EXISTS input_problems (
    deal_id VARCHAR, file VARCHAR, row_number INTEGER, field VARCHAR, value VARCHAR, message VARCHAR,
    severity VARCHAR);
CREATE TABLE IF NOT EXISTS quarantine (
    deal_id VARCHAR, source_file VARCHAR, source_row INTEGER, field VARCHAR, value VARCHAR, reason VARCHAR);
-- The rejected row's cells as JSON (kept even when the file is corrected later); warehouses made before it
-- gain the column here.
ALTER TABLE quarantine ADD COLUMN IF NOT EXISTS row_values VARCHAR;

-- Accepted facts.
CREATE TABLE IF NOT EXISTS answers (
    deal_id VARCHAR, source_file VARCHAR, source_row INTEGER, respondent_id VARCHAR,
    respondent_side VARCHAR, division VARCHAR, level VARCHAR, rated_side VARCHAR, dimension_id VARCHAR,
    status VARCHAR, raw_value DOUBLE, norm_value DOUBLE, comment VARCHAR);
CREATE TABLE IF NOT EXISTS evidence (
    deal_id VARCHAR, source_file VARCHAR, source_row INTEGER, dimension_id VARCHAR, about_side VARCHAR,
    kind VARCHAR, observation VARCHAR, source VARCHAR, recorded_on DATE);
-- Evidence marked internal is for the home side only (warehouses made before it gain the column here).
ALTER TABLE staged_evidence ADD COLUMN IF NOT EXISTS internal BOOLEAN DEFAULT false;
ALTER TABLE evidence ADD COLUMN IF NOT EXISTS internal BOOLEAN DEFAULT false;
CREATE TABLE IF NOT EXISTS overrides (
    deal_id VARCHAR, dimension_id VARCHAR, severity DOUBLE, adjust DOUBLE, band VARCHAR, reason VARCHAR,
    author VARCHAR, override_date DATE, source_file VARCHAR, position INTEGER);

-- Scores.
CREATE TABLE IF NOT EXISTS gaps (
    deal_id VARCHAR, dimension_id VARCHAR, category_id VARCHAR, dimension_name VARCHAR,
    direction VARCHAR, scale_min DOUBLE, scale_max DOUBLE,
    home_score DOUBLE, partner_score DOUBLE, home_norm DOUBLE, partner_norm DOUBLE,
    home_n INTEGER, partner_n INTEGER, home_sd DOUBLE, partner_sd DOUBLE,
    home_basis VARCHAR, partner_basis VARCHAR,
    signed_gap DOUBLE, abs_gap DOUBLE, effective_gap DOUBLE, weight DOUBLE,
    home_confidence DOUBLE, partner_confidence DOUBLE, confidence DOUBLE,
    severity DOUBLE, band VARCHAR, band_rank INTEGER, rank INTEGER,
    home_rag VARCHAR, partner_rag VARCHAR, evidence_count INTEGER,
    -- an alliance manager's override (inputs/deals/<id>/overrides.yaml); the computed values are kept
    overridden BOOLEAN DEFAULT false, computed_severity DOUBLE, computed_band VARCHAR,
    override_reason VARCHAR, override_author VARCHAR, override_date DATE);
-- The two-sided model (warehouses made before it gain these columns here).
ALTER TABLE gaps ADD COLUMN IF NOT EXISTS kind VARCHAR;
ALTER TABLE gaps ADD COLUMN IF NOT EXISTS short_side VARCHAR;
ALTER TABLE gaps ADD COLUMN IF NOT EXISTS home_goodness DOUBLE;
ALTER TABLE gaps ADD COLUMN IF NOT EXISTS partner_goodness DOUBLE;
ALTER TABLE gaps ADD COLUMN IF NOT EXISTS home_weak BOOLEAN;
ALTER TABLE gaps ADD COLUMN IF NOT EXISTS partner_weak BOOLEAN;
ALTER TABLE gaps ADD COLUMN IF NOT EXISTS home_other_score DOUBLE;
ALTER TABLE gaps ADD COLUMN IF NOT EXISTS partner_other_score DOUBLE;
ALTER TABLE gaps ADD COLUMN IF NOT EXISTS home_other_rag VARCHAR;
ALTER TABLE gaps ADD COLUMN IF NOT EXISTS partner_other_rag VARCHAR;
ALTER TABLE gaps ADD COLUMN IF NOT EXISTS size_factor DOUBLE;
ALTER TABLE gaps ADD COLUMN IF NOT EXISTS confidence_factor DOUBLE;
-- The answers behind each score are listed where one deal is reported (read/answer_lists.sql), not stored
-- for every deal scored; warehouses made before lose the two columns here.
ALTER TABLE gaps DROP COLUMN IF EXISTS home_answers;
ALTER TABLE gaps DROP COLUMN IF EXISTS partner_answers;
CREATE TABLE IF NOT EXISTS category_scores (
    deal_id VARCHAR, category_id VARCHAR, category_name VARCHAR, dimensions_scored INTEGER,
    dimensions_total INTEGER, home_mean DOUBLE, partner_mean DOUBLE, mean_abs_gap DOUBLE,
    score DOUBLE, max_severity DOUBLE, band VARCHAR, critical_gaps INTEGER, high_gaps INTEGER,
    top_dimension VARCHAR);
CREATE TABLE IF NOT EXISTS deal_scores (
    deal_id VARCHAR PRIMARY KEY, risk_index DOUBLE, band VARCHAR, top_mean DOUBLE, weighted_mean DOUBLE,
    dimensions_scored INTEGER, dimensions_total INTEGER, critical_gaps INTEGER, high_gaps INTEGER,
    home_respondents INTEGER, partner_respondents INTEGER);
CREATE TABLE IF NOT EXISTS perception_gaps (
    deal_id VARCHAR, dimension_id VARCHAR, rated_side VARCHAR, self_view DOUBLE, other_view DOUBLE,
    self_norm DOUBLE, other_norm DOUBLE, difference DOUBLE, self_n INTEGER, other_n INTEGER,
    flagged BOOLEAN);
CREATE TABLE IF NOT EXISTS internal_disagreement (
    deal_id VARCHAR, side VARCHAR, dimension_id VARCHAR, divisions INTEGER, respondents INTEGER,
    lowest_division VARCHAR, lowest_mean DOUBLE, highest_division VARCHAR, highest_mean DOUBLE,
    spread DOUBLE, respondent_sd DOUBLE, flagged BOOLEAN);
ALTER TABLE perception_gaps ADD COLUMN IF NOT EXISTS difference_scale DOUBLE;
ALTER TABLE perception_gaps ADD COLUMN IF NOT EXISTS self_rag VARCHAR;
ALTER TABLE perception_gaps ADD COLUMN IF NOT EXISTS other_rag VARCHAR;
ALTER TABLE perception_gaps ADD COLUMN IF NOT EXISTS weight DOUBLE;
ALTER TABLE perception_gaps ADD COLUMN IF NOT EXISTS confidence DOUBLE;
ALTER TABLE perception_gaps ADD COLUMN IF NOT EXISTS severity DOUBLE;
ALTER TABLE perception_gaps ADD COLUMN IF NOT EXISTS band VARCHAR;
ALTER TABLE internal_disagreement ADD COLUMN IF NOT EXISTS spread_scale DOUBLE;
ALTER TABLE internal_disagreement ADD COLUMN IF NOT EXISTS weight DOUBLE;
ALTER TABLE internal_disagreement ADD COLUMN IF NOT EXISTS confidence DOUBLE;
ALTER TABLE internal_disagreement ADD COLUMN IF NOT EXISTS severity DOUBLE;
ALTER TABLE internal_disagreement ADD COLUMN IF NOT EXISTS band VARCHAR;
-- Every finding of a deal, of every kind, ranked together (findings.sql).
CREATE TABLE IF NOT EXISTS findings (
    deal_id VARCHAR, rank INTEGER, finding_id VARCHAR, kind VARCHAR, dimension_id VARCHAR,
    category_id VARCHAR, dimension_name VARCHAR, side VARCHAR, severity DOUBLE, band VARCHAR,
    band_rank INTEGER, size DOUBLE, size_scale DOUBLE, weight DOUBLE, confidence DOUBLE,
    home_score DOUBLE, partner_score DOUBLE, detail VARCHAR, overridden BOOLEAN);
CREATE TABLE IF NOT EXISTS likely_challenges (
    deal_id VARCHAR, challenge_id VARCHAR, title VARCHAR, challenge_group VARCHAR, costliest BOOLEAN,
    likelihood DOUBLE, band VARCHAR, driving_dimensions VARCHAR, high_gaps INTEGER, rank INTEGER);

-- The Alliance Management Maturity Model (assets/framework/maturity.yaml): its areas with the four level
-- descriptions, its rule, each person's levels (maturity.csv, questionnaires' "Maturity" sheet) and each
-- side's profile: one row per side and area rated, and one row per side with area_id 'overall'.
CREATE TABLE IF NOT EXISTS playbook_maturity_areas (
    area_id VARCHAR PRIMARY KEY, name VARCHAR, sort_order INTEGER, level_1 VARCHAR, level_2 VARCHAR,
    level_3 VARCHAR, level_4 VARCHAR);
CREATE TABLE IF NOT EXISTS playbook_maturity_rule (
    overall VARCHAR, immature_at_or_below INTEGER, fallback_dimension VARCHAR);
CREATE TABLE IF NOT EXISTS staged_maturity (
    deal_id VARCHAR, source_file VARCHAR, source_row INTEGER, respondent_id VARCHAR, respondent_side VARCHAR,
    rated_side VARCHAR, area_id VARCHAR, level INTEGER);
CREATE TABLE IF NOT EXISTS maturity_answers (
    deal_id VARCHAR, source_file VARCHAR, source_row INTEGER, respondent_id VARCHAR, respondent_side VARCHAR,
    rated_side VARCHAR, area_id VARCHAR, level INTEGER);
CREATE TABLE IF NOT EXISTS maturity_profile (
    deal_id VARCHAR, side VARCHAR, area_id VARCHAR, area_name VARCHAR, sort_order INTEGER, level DOUBLE,
    respondents INTEGER, view VARCHAR, immature BOOLEAN);
-- The people and ties a deal's inputs list (people.csv, contacts.csv, the questionnaires' "About you" and
-- "Your contacts" sheets), as read and checked (staged_*) and as accepted with the answers.
CREATE TABLE IF NOT EXISTS staged_people (
    deal_id VARCHAR, source_file VARCHAR, source_row INTEGER, person_id VARCHAR, organization VARCHAR,
    level VARCHAR, function VARCHAR, alliance_role VARCHAR, name VARCHAR, named VARCHAR, status VARCHAR);
CREATE TABLE IF NOT EXISTS staged_contacts (
    deal_id VARCHAR, source_file VARCHAR, source_row INTEGER, person_id VARCHAR, contact_id VARCHAR,
    contact_organization VARCHAR, frequency VARCHAR, importance VARCHAR, close VARCHAR);
CREATE TABLE IF NOT EXISTS alliance_people (
    deal_id VARCHAR, source_file VARCHAR, source_row INTEGER, person_id VARCHAR, organization VARCHAR,
    level VARCHAR, function VARCHAR, alliance_role VARCHAR, name VARCHAR, named VARCHAR, status VARCHAR);
CREATE TABLE IF NOT EXISTS alliance_contacts (
    deal_id VARCHAR, source_file VARCHAR, source_row INTEGER, person_id VARCHAR, contact_id VARCHAR,
    contact_organization VARCHAR, frequency VARCHAR, importance VARCHAR, close VARCHAR);
-- The alliance's communication network (people.csv and contacts.csv; network/analysis.py): one row per
-- person with the metrics, per tie, per management level and firm, and the network findings, which
-- findings.sql ranks with the others.
CREATE TABLE IF NOT EXISTS network_people (
    deal_id VARCHAR, person_id VARCHAR, organization VARCHAR, level VARCHAR, function VARCHAR,
    alliance_role VARCHAR, status VARCHAR, surveyed BOOLEAN, shown_as VARCHAR, degree INTEGER,
    weighted_degree DOUBLE, betweenness DOUBLE, closeness DOUBLE, core BOOLEAN, internal_ties INTEGER,
    cross_ties INTEGER, strong_internal INTEGER, strong_cross INTEGER, cross_weight DOUBLE,
    boundary_spanner BOOLEAN, key_person BOOLEAN);
CREATE TABLE IF NOT EXISTS network_ties (
    deal_id VARCHAR, person_a VARCHAR, person_b VARCHAR, organization_a VARCHAR, organization_b VARCHAR,
    weight DOUBLE, frequency VARCHAR, importance VARCHAR, close BOOLEAN, reported_by VARCHAR, one_way BOOLEAN,
    cross_firm BOOLEAN, strong BOOLEAN);
CREATE TABLE IF NOT EXISTS network_levels (
    deal_id VARCHAR, level VARCHAR, home_people INTEGER, partner_people INTEGER, ties INTEGER,
    strong_ties INTEGER, connected BOOLEAN, pairs VARCHAR);
CREATE TABLE IF NOT EXISTS network_organizations (
    deal_id VARCHAR, side VARCHAR, people INTEGER, with_cross_ties INTEGER, cross_ties INTEGER,
    cross_weight DOUBLE, top_contact VARCHAR, top_share DOUBLE, centralized BOOLEAN);
CREATE TABLE IF NOT EXISTS network_findings (
    deal_id VARCHAR, finding_id VARCHAR, pattern VARCHAR, subject VARCHAR, side VARCHAR, severity DOUBLE,
    band VARCHAR, title VARCHAR, detail VARCHAR, people VARCHAR, ties VARCHAR);

-- Mitigations, clauses and the launch plan: each row names what it came from (traceability).
CREATE TABLE IF NOT EXISTS mitigation_matches (
    deal_id VARCHAR, rank INTEGER, mitigation_id VARCHAR, status VARCHAR, dimension_id VARCHAR,
    reason VARCHAR, worst_severity DOUBLE);
CREATE TABLE IF NOT EXISTS uncovered_gaps (
    deal_id VARCHAR, dimension_id VARCHAR, band VARCHAR, severity DOUBLE);
ALTER TABLE mitigation_matches ADD COLUMN IF NOT EXISTS finding_id VARCHAR;
ALTER TABLE mitigation_matches ADD COLUMN IF NOT EXISTS kind VARCHAR;
ALTER TABLE mitigation_matches ADD COLUMN IF NOT EXISTS owner_side VARCHAR;
ALTER TABLE mitigation_matches ADD COLUMN IF NOT EXISTS sides VARCHAR;
ALTER TABLE mitigation_matches ADD COLUMN IF NOT EXISTS position INTEGER;
ALTER TABLE mitigation_matches ADD COLUMN IF NOT EXISTS dimensions VARCHAR;
ALTER TABLE uncovered_gaps ADD COLUMN IF NOT EXISTS finding_id VARCHAR;
ALTER TABLE uncovered_gaps ADD COLUMN IF NOT EXISTS kind VARCHAR;
ALTER TABLE uncovered_gaps ADD COLUMN IF NOT EXISTS side VARCHAR;
CREATE TABLE IF NOT EXISTS clauses (
    deal_id VARCHAR, number INTEGER, clause_id VARCHAR, title VARCHAR, text VARCHAR, reasons VARCHAR,
    mitigations VARCHAR, dimensions VARCHAR, parameters_json VARCHAR);
CREATE TABLE IF NOT EXISTS clause_problems (
    deal_id VARCHAR, clause_id VARCHAR, title VARCHAR, parameter VARCHAR, message VARCHAR);
CREATE TABLE IF NOT EXISTS launch_tasks (
    deal_id VARCHAR, task_id VARCHAR, kind VARCHAR, workstream VARCHAR, title VARCHAR, owner VARCHAR,
    owner_role VARCHAR, start_date DATE, end_date DATE, start_business_day INTEGER, end_business_day INTEGER,
    end_calendar_day INTEGER, depends_on VARCHAR, milestone BOOLEAN, milestone_day INTEGER, origin VARCHAR,
    addresses_gaps VARCHAR);

-- The latest change report of each deal, as rows (section, change) for the dashboard.
CREATE TABLE IF NOT EXISTS deal_changes (deal_id VARCHAR, position INTEGER, section VARCHAR, change VARCHAR);

-- History: one snapshot per deal per run, appended and never overwritten.
CREATE TABLE IF NOT EXISTS run_history (
    run_id VARCHAR, deal_id VARCHAR, sequence INTEGER, recorded_at TIMESTAMP, input_fingerprint VARCHAR,
    playbook_fingerprint VARCHAR, output_fingerprint VARCHAR, risk_index DOUBLE, band VARCHAR,
    critical_gaps INTEGER, high_gaps INTEGER, uncovered_gaps INTEGER, clauses INTEGER, tasks INTEGER,
    code_fingerprint VARCHAR);
CREATE TABLE IF NOT EXISTS history_gaps (
    run_id VARCHAR, deal_id VARCHAR, dimension_id VARCHAR, home_score DOUBLE, partner_score DOUBLE,
    severity DOUBLE, band VARCHAR, overridden BOOLEAN);
CREATE TABLE IF NOT EXISTS history_category_scores (
    run_id VARCHAR, deal_id VARCHAR, category_id VARCHAR, score DOUBLE, band VARCHAR);
CREATE TABLE IF NOT EXISTS history_mitigations (
    run_id VARCHAR, deal_id VARCHAR, mitigation_id VARCHAR, status VARCHAR, dimensions VARCHAR);
CREATE TABLE IF NOT EXISTS history_clauses (
    run_id VARCHAR, deal_id VARCHAR, clause_id VARCHAR, title VARCHAR, text_sha VARCHAR, reasons VARCHAR);
CREATE TABLE IF NOT EXISTS history_tasks (
    run_id VARCHAR, deal_id VARCHAR, task_id VARCHAR, title VARCHAR, kind VARCHAR, start_date DATE,
    end_date DATE, origin VARCHAR);

-- Each run's inputs (answers, evidence, deal.yaml fields, overrides) and findings (gaps, perception gaps,
-- internal disagreement) as one JSON object per row and key, so any two runs can be compared column by
-- column, whatever columns the tables gain later.
CREATE TABLE IF NOT EXISTS history_inputs (
    run_id VARCHAR, deal_id VARCHAR, kind VARCHAR, item_key VARCHAR, row_json VARCHAR);
CREATE TABLE IF NOT EXISTS history_findings (
    run_id VARCHAR, deal_id VARCHAR, finding VARCHAR, item_key VARCHAR, row_json VARCHAR);
-- Why each mitigation was selected or suggested (warehouses made before it gain the column here).
ALTER TABLE history_mitigations ADD COLUMN IF NOT EXISTS reason VARCHAR;

-- Red/amber/green of an agreement item's mean on its own scale; empty for other scales or no answers.
CREATE OR REPLACE MACRO rag(kind, score, red, green) AS
    CASE WHEN kind <> 'agreement' OR score IS NULL THEN NULL WHEN round(score, 4) <= red THEN 'red'
         WHEN round(score, 4) >= green THEN 'green' ELSE 'amber' END;

-- Band of a 0..100 severity, given the lower bounds of moderate, high and critical.
CREATE OR REPLACE MACRO band_of(s, b_mod, b_high, b_crit) AS
    CASE WHEN s IS NULL THEN NULL WHEN s >= b_crit THEN 'critical' WHEN s >= b_high THEN 'high'
         WHEN s >= b_mod THEN 'moderate' ELSE 'low' END;
CREATE OR REPLACE MACRO band_rank(b) AS
    CASE b WHEN 'critical' THEN 3 WHEN 'high' THEN 2 WHEN 'moderate' THEN 1 WHEN 'low' THEN 0 END;
