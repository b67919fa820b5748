"""What changed between two states of a deal: its inputs first (answers, evidence, deal.yaml, overrides, the
playbook and the tool), then every changed finding (gaps, perception gaps, internal disagreement), then
mitigations, clauses and launch tasks.

A state is either the deal as the warehouse holds it now (``live_state``) or a run recorded in the history
tables (``run_state``). changes.md compares the current state with the latest run; ``dd-pipeline diff``
compares any two runs with the same code, so both read the same. Findings are compared row by row on their
key and column by column on everything else, so a column added to a findings table is compared too. The
report holds no timestamps or run ids (those are in run.json), so two runs over the same inputs write the
same report.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import duckdb
import pandas as pd

from dd_pipeline.sanitize import markdown_text
from dd_pipeline.warehouse import history_reads as reads
from dd_pipeline.warehouse.history import FINDING_KEYS, Items, code_fingerprint, live_findings, live_inputs, recorded

OPEN_BANDS = ("moderate", "high", "critical")
BAND_RANK = {"low": 0, "moderate": 1, "high": 2, "critical": 3}

# Columns a change report does not list one by one: keys, names and fixed facts of a row, numbers another
# column already shows on a different scale, and the answers behind a gap (listed under "Answers").
QUIET = {
    "gaps": {
        "dimension_id",
        "category_id",
        "dimension_name",
        "direction",
        "scale_min",
        "scale_max",
        "home_norm",
        "partner_norm",
        "home_answers",
        "partner_answers",
        "band_rank",
        "rank",
        "signed_gap",
        "abs_gap",
        "effective_gap",
        "home_confidence",
        "partner_confidence",
    },
    "perception_gaps": {"rated_side", "dimension_id", "self_norm", "other_norm"},
    "internal_disagreement": {"side", "dimension_id"},
    "answers": {"respondent_id", "rated_side", "dimension_id", "status", "raw_value"},
    "evidence": {"dimension_id", "about_side", "observation"},
    "overrides": {"dimension_id"},
}
LABELS = {
    "self_view": "self-view",
    "other_view": "other side's view",
    "self_n": "self-view respondents",
    "other_n": "other-view respondents",
    "home_n": "home respondents",
    "partner_n": "partner respondents",
    "home_sd": "home spread",
    "partner_sd": "partner spread",
    "respondent_sd": "spread between respondents",
    "lowest_mean": "lowest division mean",
    "highest_mean": "highest division mean",
    "lowest_division": "lowest division",
    "highest_division": "highest division",
    "home_basis": "home basis",
    "partner_basis": "partner basis",
    "signed_gap": "signed gap",
    "abs_gap": "gap",
    "effective_gap": "effective gap",
    "home_confidence": "home confidence",
    "partner_confidence": "partner confidence",
    "home_rag": "home RAG",
    "partner_rag": "partner RAG",
    "evidence_count": "evidence notes",
    "computed_severity": "computed severity",
    "computed_band": "computed band",
    "override_reason": "override reason",
    "override_author": "override author",
    "override_date": "override date",
    "home_score": "home",
    "partner_score": "partner",
    "recorded_on": "recorded on",
    "override_date_": "date",
}
STATUS_WORDS = {"not_applicable": "not applicable", "unknown": "don't know"}


@dataclass
class State:
    """One state of a deal: its results, and what it read (``inputs``/``findings`` None: not recorded)."""

    risk_index: float | None
    band: str | None
    playbook_fingerprint: str | None
    code_fingerprint: str | None
    inputs: Items | None
    findings: Items | None
    mitigations: dict[str, dict[str, object]]
    clauses: dict[str, dict[str, object]]
    tasks: dict[str, dict[str, object]]


@dataclass
class Changes:
    deal_id: str
    partner: str
    first_run: bool
    risk: tuple[float | None, float | None, str | None, str | None] = (None, None, None, None)
    notes: list[str] = field(default_factory=list)
    answers: list[str] = field(default_factory=list)
    evidence: list[str] = field(default_factory=list)
    deal_fields: list[str] = field(default_factory=list)
    overrides: list[str] = field(default_factory=list)
    setup: list[str] = field(default_factory=list)
    new_gaps: list[str] = field(default_factory=list)
    closed_gaps: list[str] = field(default_factory=list)
    worsened: list[str] = field(default_factory=list)
    improved: list[str] = field(default_factory=list)
    other_gaps: list[str] = field(default_factory=list)
    perception: list[str] = field(default_factory=list)
    disagreement: list[str] = field(default_factory=list)
    network: list[str] = field(default_factory=list)
    mitigations: list[str] = field(default_factory=list)
    clauses: list[str] = field(default_factory=list)
    tasks: list[str] = field(default_factory=list)

    def sections(self) -> list[tuple[str, str, list[str]]]:
        """(heading, section name for the dashboard, items) in the report's order."""
        return [
            ("Answers", "answer", self.answers),
            ("Evidence", "evidence", self.evidence),
            ("Deal (deal.yaml)", "deal", self.deal_fields),
            ("Overrides", "override", self.overrides),
            ("Playbook and tool", "setup", self.setup),
            ("New gaps", "new gap", self.new_gaps),
            ("Closed gaps", "closed gap", self.closed_gaps),
            ("Worsened gaps", "worsened", self.worsened),
            ("Improved gaps", "improved", self.improved),
            ("Other changes to gaps", "gap", self.other_gaps),
            ("Perception gaps", "perception gap", self.perception),
            ("Internal disagreement", "disagreement", self.disagreement),
            ("Ties and boundary spanners", "network", self.network),
            ("Mitigations", "mitigation", self.mitigations),
            ("Clauses", "clause", self.clauses),
            ("Launch-plan tasks", "task", self.tasks),
        ]

    @property
    def any(self) -> bool:
        return (
            any(items for _h, _s, items in self.sections())
            or _num(self.risk[0]) != _num(self.risk[1])
            or self.risk[2] != self.risk[3]
        )


# --------------------------------------------------------------------------------------------------
# States
# --------------------------------------------------------------------------------------------------


def live_state(con: duckdb.DuckDBPyConnection, deal_id: str) -> State:
    now = reads.live_outcome(con, deal_id)
    mitigations = _keyed(reads.live_mitigations(con, deal_id), "mitigation_id")
    clauses = _keyed(reads.live_clauses(con, deal_id), "clause_id")
    tasks = _keyed(reads.live_tasks(con, deal_id), "task_id")
    return State(
        now[0] if now else None,
        now[1] if now else None,
        reads.playbook_fingerprint(con),
        code_fingerprint(),
        live_inputs(con, deal_id),
        live_findings(con, deal_id),
        mitigations,
        clauses,
        tasks,
    )


def run_state(con: duckdb.DuckDBPyConnection, deal_id: str, run_id: str) -> State:
    row = reads.run_outcome(con, deal_id, run_id)
    assert row is not None, f"run {run_id} of {deal_id} is not recorded"
    mitigations = _keyed(reads.run_mitigations(con, deal_id, run_id), "mitigation_id")
    clauses = _keyed(reads.run_clauses(con, deal_id, run_id), "clause_id")
    tasks = _keyed(reads.run_tasks(con, deal_id, run_id), "task_id")
    findings = recorded(con, "history_findings", run_id, deal_id)
    if findings is None:  # recorded by an earlier version: only the gaps' main columns were kept
        gaps = reads.run_gaps(con, deal_id, run_id)
        findings = {
            "gaps": {
                json.dumps([r["dimension_id"]]): {k: _cell(v) for k, v in r.items()} for r in gaps.to_dict("records")
            }
        }
    return State(
        row[0],
        row[1],
        row[2],
        row[3],
        recorded(con, "history_inputs", run_id, deal_id),
        findings,
        mitigations,
        clauses,
        tasks,
    )


def _cell(value: object) -> object:
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return None
    return value.item() if hasattr(value, "item") else value


def _keyed(data: pd.DataFrame, key: str) -> dict[str, dict[str, object]]:
    return {str(r[key]): {k: _cell(v) for k, v in r.items() if k != key} for r in data.to_dict("records")}


# --------------------------------------------------------------------------------------------------
# Comparing
# --------------------------------------------------------------------------------------------------


@dataclass
class _Names:
    dimensions: dict[str, str]
    home: str
    partner: str

    def dim(self, dimension_id: object) -> str:
        return self.dimensions.get(str(dimension_id), str(dimension_id))

    def side(self, side: object) -> str:
        return self.home if side == "home" else self.partner if side == "partner" else str(side)


def _names(con: duckdb.DuckDBPyConnection, deal_id: str) -> _Names:
    row = reads.party_short_names(con, deal_id)
    return _Names(reads.dimension_names(con), row[0] if row else "home", row[1] if row else "partner")


def compare(con: duckdb.DuckDBPyConnection, deal_id: str) -> Changes:
    """The deal now against its latest recorded run (what changes.md says)."""
    previous = reads.latest_run_id(con, deal_id)
    partner = reads.partner_name(con, deal_id) or deal_id
    before = run_state(con, deal_id, previous) if previous else None
    return compare_states(deal_id, partner, before, live_state(con, deal_id), _names(con, deal_id))


def run_ids(con: duckdb.DuckDBPyConnection, deal_id: str) -> dict[int, str]:
    """The deal's recorded runs: sequence number -> run id."""
    return reads.run_ids(con, deal_id)


def compare_runs(con: duckdb.DuckDBPyConnection, deal_id: str, older: int, newer: int) -> Changes:
    """Run ``older`` against run ``newer`` (sequence numbers) of the deal's history."""
    runs = run_ids(con, deal_id)
    partner = reads.partner_name(con, deal_id) or deal_id
    return compare_states(
        deal_id,
        partner,
        run_state(con, deal_id, runs[older]),
        run_state(con, deal_id, runs[newer]),
        _names(con, deal_id),
    )


def compare_states(deal_id: str, partner: str, before: State | None, after: State, names: _Names) -> Changes:
    changes = Changes(deal_id, partner, before is None)
    if before is None:
        return changes
    changes.risk = (before.risk_index, after.risk_index, before.band, after.band)
    if before.inputs is None or after.inputs is None:
        changes.notes.append(
            "The inputs of the earlier run were not recorded (it ran with an earlier version of "
            "dd-pipeline): only the results are compared."
        )
    else:
        _answers(before.inputs.get("answers", {}), after.inputs.get("answers", {}), names, changes)
        _evidence(before.inputs.get("evidence", {}), after.inputs.get("evidence", {}), names, changes)
        _deal_fields(before.inputs.get("deal", {}), after.inputs.get("deal", {}), changes)
        _overrides(before.inputs.get("overrides", {}), after.inputs.get("overrides", {}), names, changes)
    if before.playbook_fingerprint and before.playbook_fingerprint != after.playbook_fingerprint:
        changes.setup.append("the playbook in assets/ (framework, mitigations, clauses or launch plan) changed")
    if before.code_fingerprint and before.code_fingerprint != after.code_fingerprint:
        changes.setup.append("dd-pipeline itself was updated")
    old, new = before.findings or {}, after.findings or {}
    _gaps(old.get("gaps", {}), new.get("gaps", {}), names, changes)
    for finding in ("perception_gaps", "internal_disagreement"):
        if finding not in old:
            continue  # not recorded by the earlier run
        _generic_findings(finding, old.get(finding, {}), new.get(finding, {}), names, changes)
    _network(old, new, names, changes)
    _mitigations(before.mitigations, after.mitigations, changes)
    _clauses(before.clauses, after.clauses, changes)
    _tasks(before.tasks, after.tasks, changes)
    return changes


def _num(value: object, digits: int = 1) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    try:
        return f"{float(value):.{digits}f}"  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return str(value)


def _band(value: object) -> str:
    return value if isinstance(value, str) else "not scored"


def _shown(value: object) -> str:
    """A cell in a change line: numbers to two decimals, yes/no, text quoted, '-' for nothing."""
    if value is None or value == "":
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return f"{value:.2f}"
    text = str(value)
    return repr(text) if len(text) <= 120 else repr(text[:117] + "...")


def _column_changes(old: dict[str, object], new: dict[str, object], quiet: set[str]) -> list[str]:
    """'label old -> new' for every column both rows have whose shown value differs (new columns, which the
    older row lacks, are not changes)."""
    found = []
    for column in sorted(set(old) & set(new)):
        if column in quiet or column == "deal_id":
            continue
        a, b = _shown(old[column]), _shown(new[column])
        if a != b:
            found.append(f"{LABELS.get(column, column.replace('_', ' '))} {a} -> {b}")
    return found


def _answer_value(row: dict[str, object]) -> str:
    status = row.get("status")
    if status == "answered":
        value = row.get("raw_value")
        return _num(value, 0) if isinstance(value, int | float) and float(value).is_integer() else _num(value, 2)
    return STATUS_WORDS.get(str(status), str(status))


def _answers(old: dict[str, dict], new: dict[str, dict], names: _Names, changes: Changes) -> None:
    def who(row: dict) -> str:
        return f"{row.get('respondent_id')} ({row.get('respondent_side')})"

    def by_person(rows: dict[str, dict]) -> dict[str, list[dict]]:
        people: dict[str, list[dict]] = {}
        for row in rows.values():
            people.setdefault(str(row.get("respondent_id")), []).append(row)
        return people

    before, after = by_person(old), by_person(new)
    for person in sorted(set(after) - set(before)):
        rows = after[person]
        first = rows[0]
        changes.answers.append(
            f"{who(first)}, {first.get('division')}, {first.get('level')}: new respondent, "
            f"{len(rows)} answer{'s' if len(rows) != 1 else ''}"
        )
    for person in sorted(set(before) - set(after)):
        rows = before[person]
        changes.answers.append(
            f"{who(rows[0])}: no longer among the respondents ({len(rows)} answer{'s' if len(rows) != 1 else ''} gone)"
        )
    stayed = set(before) & set(after)
    for key in sorted(set(old) | set(new), key=lambda k: json.loads(k)):
        a, b = old.get(key), new.get(key)
        row = b or a
        if row is None or str(row.get("respondent_id")) not in stayed:
            continue
        about = f"{who(row)} about {names.side(row.get('rated_side'))}, {names.dim(row.get('dimension_id'))}"
        if a is None:
            changes.answers.append(f"{about}: added {_answer_value(b)}")  # type: ignore[arg-type]
        elif b is None:
            changes.answers.append(f"{about}: removed (was {_answer_value(a)})")
        else:
            parts = []
            if _answer_value(a) != _answer_value(b):
                parts.append(f"{_answer_value(a)} -> {_answer_value(b)}")
            parts += _column_changes(a, b, QUIET["answers"])
            if parts:
                changes.answers.append(f"{about}: {'; '.join(parts)}")


def _evidence(old: dict[str, dict], new: dict[str, dict], names: _Names, changes: Changes) -> None:
    def line(row: dict) -> str:
        return (
            f"{names.dim(row.get('dimension_id'))}, about {names.side(row.get('about_side'))} "
            f"({row.get('kind')}): {_shown(row.get('observation'))}"
        )

    for key in sorted(set(new) - set(old)):
        changes.evidence.append(f"added: {line(new[key])}")
    for key in sorted(set(old) - set(new)):
        changes.evidence.append(f"removed: {line(old[key])}")
    for key in sorted(set(old) & set(new)):
        parts = _column_changes(old[key], new[key], QUIET["evidence"])
        if parts:
            changes.evidence.append(f"{line(new[key])}: {'; '.join(parts)}")


def _deal_fields(old: dict[str, dict], new: dict[str, dict], changes: Changes) -> None:
    for key in sorted(set(old) | set(new)):
        a = (old.get(key) or {}).get("value")
        b = (new.get(key) or {}).get("value")
        if _shown(a) != _shown(b):
            changes.deal_fields.append(
                f"{key}: {_shown(a) if a is not None else '(not set)'} -> {_shown(b) if b is not None else '(not set)'}"
            )


def _overrides(old: dict[str, dict], new: dict[str, dict], names: _Names, changes: Changes) -> None:
    def what(row: dict) -> str:
        value = next(
            (
                f"{k} {_num(row[k]) if k != 'band' else row[k]}"
                for k in ("severity", "adjust", "band")
                if row.get(k) is not None
            ),
            "",
        )
        return f"{value}, by {row.get('author')}: {row.get('reason')}"

    for key in sorted(set(new) - set(old)):
        changes.overrides.append(f"{names.dim(new[key].get('dimension_id'))}: override added ({what(new[key])})")
    for key in sorted(set(old) - set(new)):
        changes.overrides.append(
            f"{names.dim(old[key].get('dimension_id'))}: override removed (it was {what(old[key])})"
        )
    for key in sorted(set(old) & set(new)):
        parts = _column_changes(old[key], new[key], QUIET["overrides"])
        if parts:
            changes.overrides.append(f"{names.dim(new[key].get('dimension_id'))}: override changed: {'; '.join(parts)}")


def _gaps(old: dict[str, dict], new: dict[str, dict], names: _Names, changes: Changes) -> None:
    shown_in_headline = {"severity", "band", "home_score", "partner_score"}

    def most_severe_first(key: str) -> tuple[float, str]:
        severity = (new.get(key) or old.get(key) or {}).get("severity")
        return (-float(severity) if isinstance(severity, int | float) else 1.0, key)

    order = sorted(set(old) | set(new), key=most_severe_first)
    for key in order:
        a, b = old.get(key) or {}, new.get(key) or {}
        name = b.get("dimension_name") or names.dim((b or a).get("dimension_id") or json.loads(key)[0])
        band, was = _band(b.get("band")), _band(a.get("band"))
        why = (
            f"{name}: {was} ({_num(a.get('severity'))}) -> {band} ({_num(b.get('severity'))}); home "
            f"{_num(a.get('home_score'))} -> {_num(b.get('home_score'))}, partner {_num(a.get('partner_score'))} "
            f"-> {_num(b.get('partner_score'))}"
        )
        if b.get("overridden") is True:
            why += f"; overridden by {b.get('override_author')}: {b.get('override_reason')}"
        was_open, is_open = was in OPEN_BANDS, band in OPEN_BANDS
        if is_open and not was_open:
            changes.new_gaps.append(why)
        elif was_open and not is_open:
            changes.closed_gaps.append(why)
        elif is_open and BAND_RANK[band] > BAND_RANK[was]:
            changes.worsened.append(why)
        elif is_open and BAND_RANK[band] < BAND_RANK[was]:
            changes.improved.append(why)
        elif not a or not b:
            changes.other_gaps.append(
                f"{name}: {'now scored' if b else 'no longer scored'}"
                + (f" ({band}, severity {_num(b.get('severity'))})" if b else "")
            )
        else:
            parts = [
                f"{k.replace('_score', '')} {_num(a.get(k))} -> {_num(b.get(k))}"
                for k in ("severity", "home_score", "partner_score")
                if _num(a.get(k)) != _num(b.get(k))
            ]
            parts = ([f"{was} -> {band}"] if was != band else []) + parts
            parts += _column_changes(a, b, QUIET["gaps"] | shown_in_headline)
            if parts:
                changes.other_gaps.append(f"{name}: {'; '.join(parts)}")


def _generic_findings(
    finding: str, old: dict[str, dict], new: dict[str, dict], names: _Names, changes: Changes
) -> None:
    """Perception gaps and internal disagreement: added, dropped and changed rows, every changed column."""
    target = changes.perception if finding == "perception_gaps" else changes.disagreement
    keys = FINDING_KEYS[finding]

    def title(key: str) -> str:
        side, dimension = json.loads(key)[: len(keys)]
        if finding == "perception_gaps":
            return f"{names.dim(dimension)}, {names.side(side)} as it sees itself and as the other side sees it"
        return f"{names.dim(dimension)}, between the divisions of {names.side(side)}"

    def flag(row: dict) -> str:
        return "flagged" if row.get("flagged") is True else "not flagged"

    for key in sorted(set(old) | set(new), key=lambda k: (json.loads(k)[1], json.loads(k)[0])):
        a, b = old.get(key), new.get(key)
        if a is None:
            target.append(f"{title(key)}: newly measured ({flag(b)})")  # type: ignore[arg-type]
        elif b is None:
            target.append(f"{title(key)}: no longer measured (it was {flag(a)})")
        else:
            parts = _column_changes(a, b, QUIET[finding] | {"flagged"})
            if a.get("flagged") != b.get("flagged"):
                parts.insert(0, "now flagged" if b.get("flagged") is True else "no longer flagged")
            if parts:
                target.append(f"{title(key)}: {'; '.join(parts)}")


def _network(old: Items, new: Items, names: _Names, changes: Changes) -> None:
    """Ties of the communication network that appeared or disappeared or changed strength, and people who
    became or stopped being boundary spanners (a run without people.csv has none)."""
    before, now = old.get("network_ties", {}), new.get("network_ties", {})

    def tie(row: dict) -> str:
        where = (
            f"between {names.side(str(row.get('organization_a')))} and {names.side(str(row.get('organization_b')))}"
            if row.get("cross_firm") is True
            else f"inside {names.side(str(row.get('organization_a')))}"
        )
        strength = "strong" if row.get("strong") is True else "weak"
        return f"{row.get('person_a')}-{row.get('person_b')} ({strength}, {where})"

    for key in sorted(set(now) - set(before)):
        changes.network.append(f"new tie {tie(now[key])}")
    for key in sorted(set(before) - set(now)):
        changes.network.append(f"tie gone: {tie(before[key])}")
    for key in sorted(set(now) & set(before)):
        if now[key].get("strong") != before[key].get("strong"):
            became = "became strong" if now[key].get("strong") is True else "is no longer strong"
            changes.network.append(f"tie {now[key].get('person_a')}-{now[key].get('person_b')} {became}")
    people_before, people_now = old.get("network_people", {}), new.get("network_people", {})

    def spanners(rows: dict[str, dict]) -> dict[str, dict]:
        return {str(r.get("person_id")): r for r in rows.values() if r.get("boundary_spanner") is True}

    was, nowsp = spanners(people_before), spanners(people_now)
    for pid in sorted(set(nowsp) - set(was)):
        r = nowsp[pid]
        changes.network.append(
            f"new boundary spanner: {pid} ({names.side(str(r.get('organization')))}, {r.get('level')})"
        )
    for pid in sorted(set(was) - set(nowsp)):
        r = was[pid]
        gone = (
            "left the network"
            if pid not in {str(p.get("person_id")) for p in people_now.values()}
            else "no longer spans"
        )
        changes.network.append(f"boundary spanner {pid} ({names.side(str(r.get('organization')))}) {gone}")


def _mitigations(before: dict[str, dict], now: dict[str, dict], changes: Changes) -> None:
    for mid in sorted(set(now) - set(before)):
        reason = now[mid].get("reason") or now[mid].get("dimensions") or ""
        changes.mitigations.append(f"added {mid} ({now[mid].get('status')}): {reason}")
    for mid in sorted(set(before) - set(now)):
        dims = before[mid].get("dimensions") or "its triggers"
        changes.mitigations.append(f"dropped {mid}: the gaps that called for it ({dims}) no longer do")
    for mid in sorted(set(now) & set(before)):
        if now[mid].get("status") != before[mid].get("status"):
            changes.mitigations.append(f"{mid}: {before[mid].get('status')} -> {now[mid].get('status')}")


def _clauses(before: dict[str, dict], now: dict[str, dict], changes: Changes) -> None:
    for cid in sorted(set(now) - set(before)):
        changes.clauses.append(f"added '{now[cid].get('title')}': {now[cid].get('reasons')}")
    for cid in sorted(set(before) - set(now)):
        changes.clauses.append(
            f"dropped '{before[cid].get('title')}': no longer called for (it was {before[cid].get('reasons')})"
        )
    for cid in sorted(set(now) & set(before)):
        if now[cid].get("sha") != before[cid].get("sha"):
            changes.clauses.append(f"reworded '{now[cid].get('title')}' (its parameters or template changed)")


def _tasks(before: dict[str, dict], now: dict[str, dict], changes: Changes) -> None:
    for tid in sorted(set(now) - set(before)):
        t = now[tid]
        changes.tasks.append(
            f"added '{t.get('title')}' ({_origin(str(t.get('origin')))}), {t.get('start_date')} to {t.get('end_date')}"
        )
    for tid in sorted(set(before) - set(now)):
        t = before[tid]
        changes.tasks.append(f"dropped '{t.get('title')}' ({_origin(str(t.get('origin')))}, which no longer applies)")
    for tid in sorted(set(now) & set(before)):
        a, b = before[tid], now[tid]
        if (str(a.get("start_date")), str(a.get("end_date"))) != (str(b.get("start_date")), str(b.get("end_date"))):
            changes.tasks.append(
                f"moved '{b.get('title')}': {a.get('start_date')}..{a.get('end_date')} -> "
                f"{b.get('start_date')}..{b.get('end_date')}"
            )


def _origin(origin: str) -> str:
    if origin.startswith("mitigation:"):
        return f"from mitigation {origin.split(':', 1)[1]}"
    return "from the launch-plan seed" if origin == "seed" else origin


# --------------------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------------------


def render(changes: Changes) -> str:
    lines = [f"# What changed: {changes.deal_id} ({markdown_text(changes.partner)})", ""]
    if changes.first_run:
        lines += [
            "First run of this deal: there is no earlier run to compare with. The next run will list what changed.",
            "",
        ]
        return "\n".join(lines)
    if not changes.any:
        lines += [*changes.notes, ""] if changes.notes else []
        lines += ["No change since the previous run.", ""]
        return "\n".join(lines)
    old_risk, new_risk, old_band, new_band = changes.risk
    lines += [
        f"Engagement-risk index: {_num(old_risk)} ({_band(old_band)}) -> {_num(new_risk)} ({_band(new_band)}).",
        "",
    ]
    if changes.notes:
        lines += [*changes.notes, ""]
    for title, _section, items in changes.sections():
        if items:
            lines += [f"## {title}", ""] + [f"- {markdown_text(item)}" for item in items] + [""]
    return "\n".join(lines)


def changes_frame(changes: Changes) -> pd.DataFrame:
    """The same content as rows (section, text), for the dashboard."""
    rows = [(section, item) for _title, section, items in changes.sections() for item in items]
    return pd.DataFrame(rows, columns=["section", "change"])
