"""A tiny playbook for fast unit tests: the layout of assets/, with 2 categories, 4 dimensions, 2 challenges,
3 mitigations, 3 clauses (one with a parameter no default fills) and a launch seed of 2 workstreams. Each file is
written as a user would write it, so a test can break one line of it and read the message a user would get.

    from fake_playbook import write_fake_playbook
    root = write_fake_playbook(tmp_path)  # tmp_path/assets
    playbook = load_playbook(root)
"""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent

CATEGORIES = """\
categories:
  - id: strategy
    name: Business strategy
    description: What each organization wants from the alliance.
  - id: norms
    name: Cultural norms
    description: How people behave day to day.
alliance_types:
  - id: co_development
    name: Co-development
    description: The partners develop products together.
  - id: licensing
    name: Licensing
    description: One party grants the other rights to its technology.
"""

SCORING = """\
select_band: high
bands:
  moderate: 20
  high: 45
  critical: 70
"""

GOVERNANCE = """\
cadences:
  monthly: 21
  quarterly: 63
defaults:
  steering_committee: Joint Steering Committee
  operating_committee: Joint Operating Committee
  steering_cadence: quarterly
  operating_cadence: monthly
  escalation_days: [10, 10]
  meeting_time: "10:00"
  meeting_minutes: 60
"""

MATURITY = """\
source: Fake maturity model
areas:
  - id: process_tools
    name: Process and tools
    levels:
      1: Case by case.
      2: Some processes.
      3: Processes used across alliances.
      4: Processes built on good practice, used routinely.
rule:
  overall: median
  immature_at_or_below: 2
  fallback_dimension: am_maturity
"""

CHALLENGES = """\
challenges:
  - id: C01
    group: strategy_alignment
    title: Partner objectives not understood
    description: People do not know what their partner is trying to achieve.
    costliest: true
    source: fake source 1
  - id: C02
    group: governance_leadership
    title: No clear collaboration expectations
    description: Leaders do not spell out what good collaboration looks like.
    source: fake source 2
"""

DIMENSIONS_STRATEGY = """\
dimensions:
  - id: alliance_priority
    category: strategy
    name: Alliance priority
    question: How important is the alliance to the organization?
    scale:
      labels:
        1: A side project
        5: Central to the strategy
    direction: higher_is_better
    weights:
      co_development: 1.5
    challenges: [C01]
    why: A side that cares less starves the alliance of people.
    source: fake source 3
  - id: time_horizon
    category: strategy
    name: Time horizon
    question: How long is the organization prepared to wait for results?
    scale:
      labels:
        1: Months
        5: Many years
    challenges: [C01]
    why: Different patience turns into fights over milestones.
    source: fake source 4
"""

DIMENSIONS_NORMS = """\
dimensions:
  - id: conflict_style
    category: norms
    name: Conflict style
    question: Is conflict surfaced or hidden in the organization?
    scale:
      labels:
        1: Hidden
        5: Surfaced at once
    challenges: [C02]
    why: Hidden conflict surfaces late and as a crisis.
    source: fake source 5
  - id: am_maturity
    category: norms
    name: Alliance management maturity
    question: How mature is the organization's alliance management?
    scale:
      min: 1
      max: 4
      labels:
        1: Level 1
        4: Level 4
    direction: higher_is_better
    why: Immature organizations meet every challenge more often.
    source: fake source 6
"""

MITIGATIONS_GOVERNANCE = """\
mitigations:
  - id: priority_review
    title: Priority review led by {{ short_party }}
    type: governance_design
    description: "{{ short_party }} restates what the alliance is worth to it, for {{ other_party }}."
    owner_role: Alliance Managers
    owned_by: short_side
    effort: low
    triggers:
      - dimensions: [alliance_priority]
        min_band: moderate
    challenges: [C01]
    clauses: [steering_committee_charter]
    tasks:
      - id: priority_review_session
        workstream: governance_setup
        title: "{{ short_party }} presents its priorities to {{ other_party }}"
        owner: short_side
        owner_role: Alliance Manager
        start_day: 12
        duration_days: 5
        depends_on: [committee_staffing]
    source: fake source 7
  - id: conflict_norms
    title: Agreed conflict norms
    type: behavioral_norm
    description: Both teams agree how disagreements are raised.
    owner_role: Alliance Managers
    effort: medium
    triggers:
      - dimensions: [conflict_style]
        min_band: high
    challenges: [C02]
    clauses: [joint_escalation]
    tasks:
      - id: conflict_norms_workshop
        workstream: launch_review
        title: Workshop on how disagreements are raised
        owner_role: Alliance Managers
        start_day: 20
        duration_days: 4
        depends_on: [kickoff]
        milestone: true
    source: fake source 8
"""

MITIGATIONS_TRAINING = """\
mitigations:
  - id: joint_training
    title: Joint alliance training
    type: training
    description: Train both teams together.
    owner_role: Alliance Managers
    effort: high
    triggers:
      - dimensions: [am_maturity]
        min_band: high
    source: fake source 9
"""

CLAUSES = """\
escalation_tiers:
  - the {{ operating_committee }}
  - the {{ steering_committee }}
clauses:
  - id: steering_committee_charter
    title: Steering Committee
    topic: governance
    baseline_for: [co_development]
    parameters:
      - name: steering_members
        description: Members per Party.
        default: 3
    template: The {{ steering_committee }} has {{ steering_members }} members from each Party.
    note: A committee with equal seats keeps both Parties at the table.
    source: fake source 10
  - id: joint_escalation
    title: Joint Escalation
    topic: escalation
    template: >-
      An Issue passes through {% for t in escalation_tiers %}{{ t.body }}{% if not loop.last %}, {% endif %}
      {%- endfor %}.
    note: Escalating together avoids two versions of one story.
    source: fake source 11
  - id: dispute_resolution
    title: Dispute Resolution
    topic: disputes
    baseline_for: [licensing]
    parameters:
      - name: governing_law
        description: The law that governs the agreement.
      - name: arbitration_seat
        description: The city where an arbitration sits.
        default: London
    template: This Agreement is governed by {{ governing_law }}. An arbitration sits in {{ arbitration_seat }}.
    note: Without a governing law no dispute can be settled.
    source: fake source 14
"""

SEED = """\
horizon_days: 100
milestone_days: [30, 60, 90, 100]
meetings:
  after_task: committee_first_meetings
  steering_first_day: 10
  operating_first_day: 5
workstreams:
  - id: governance_setup
    name: Governance set-up
    deliverable: Staffed committees that have met
    tasks:
      - id: committee_staffing
        title: Name the members of both committees
        owner_role: Alliance Managers
        start_day: 0
        duration_days: 5
      - id: committee_first_meetings
        title: First meetings of both committees
        owner_role: Joint Steering Committee
        start_day: 5
        duration_days: 3
        depends_on: [committee_staffing]
        milestone: true
    source: fake source 12
  - id: launch_review
    name: Launch review
    deliverable: A close-out of the first 100 days
    tasks:
      - id: kickoff
        title: Joint kickoff of the alliance team
        owner_role: Launch Leadership Team
        start_day: 0
        duration_days: 2
      - id: closeout
        title: Day-100 close-out review
        owner_role: Joint Steering Committee
        start_day: 64
        duration_days: 5
        depends_on: [kickoff]
        milestone: true
    source: fake source 13
"""

FILES = {
    "framework/categories.yaml": CATEGORIES,
    "framework/scoring.yaml": SCORING,
    "framework/governance.yaml": GOVERNANCE,
    "framework/maturity.yaml": MATURITY,
    "framework/dimensions/norms.yaml": DIMENSIONS_NORMS,
    "framework/dimensions/strategy.yaml": DIMENSIONS_STRATEGY,
    "challenges.yaml": CHALLENGES,
    "mitigations/governance.yaml": MITIGATIONS_GOVERNANCE,
    "mitigations/training.yaml": MITIGATIONS_TRAINING,
    "clauses/10_governance.yaml": CLAUSES,
    "launch_plan/seed.yaml": SEED,
}

DIMENSION_IDS = ("alliance_priority", "time_horizon", "conflict_style", "am_maturity")
SEED_TASK_IDS = ("committee_staffing", "committee_first_meetings", "kickoff", "closeout")


def write_fake_playbook(folder: Path) -> Path:
    """Write the tiny playbook to ``folder``/assets and return that folder (messages then read 'assets/...')."""
    root = folder / "assets"
    for relative, text in FILES.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(dedent(text), encoding="utf-8")
    return root


def edit_file(root: Path, relative: str, old: str, new: str) -> Path:
    """Replace ``old`` (which must occur exactly once) by ``new`` in one file of the playbook at ``root``."""
    path = root / relative
    text = path.read_text(encoding="utf-8")
    if text.count(old) != 1:
        raise ValueError(f"{old!r} occurs {text.count(old)} times in {relative}; expected once")
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


def line_of(root: Path, relative: str, text: str) -> int:
    """The 1-based line of the first line of ``relative`` that holds ``text``."""
    for number, line in enumerate((root / relative).read_text(encoding="utf-8").splitlines(), start=1):
        if text in line:
            return number
    raise ValueError(f"{text!r} is not in {relative}")


PARTIES = {"home": "HomeCo", "partner": "PartnerCo"}
GAP_COLUMNS = ["dimension_id", "dimension_name", "home_score", "partner_score"]


def finding_row(playbook, kind: str, dimension: str, side: str | None, band: str, severity: float = 50.0) -> dict:  # type: ignore[no-untyped-def]
    """One row of the findings table as the scoring writes it (the id names the kind, dimension and side)."""
    return {
        "finding_id": f"{kind}:{dimension}" + (f":{side}" if side else ""),
        "kind": kind,
        "dimension_id": dimension,
        "dimension_name": playbook.dimension_by_id[dimension].name,
        "side": side,
        "band": band,
        "severity": severity,
        "size_scale": 0.5,
        "detail": None,
    }


def matched(playbook, *findings: tuple[str, str, str | None, str], alliance_type: str = "co_development"):  # type: ignore[no-untyped-def]
    """The mitigations matched for findings given as (kind, dimension, side, band), with no scores."""
    import pandas as pd

    from dd_pipeline.matching import match_mitigations

    rows = pd.DataFrame([finding_row(playbook, *f) for f in findings])
    return match_mitigations(playbook, rows, pd.DataFrame(columns=GAP_COLUMNS), alliance_type, PARTIES)
