"""The playbook catalogue: every dimension, mitigation, clause and launch workstream in assets/, as Markdown.

``make catalogue`` writes it to docs/catalogue.md. It is rendered from the loaded (and cross-checked)
playbook only, in the order the playbook is read, with no dates or paths of this machine, so the same
assets/ always give the same bytes. A test compares the checked-in file with what the playbook gives today.

    python -m dd_pipeline.reporting.catalogue [OUT] [--assets FOLDER]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from dd_pipeline.errors import ProblemList
from dd_pipeline.models import Clause, Dimension, Mitigation, SideCondition, Trigger
from dd_pipeline.playbook import Playbook, load_playbook
from dd_pipeline.settings import PROJECT_ROOT

DEFAULT_OUT = PROJECT_ROOT / "docs" / "catalogue.md"

OWNED_BY = {
    "joint": "both organizations jointly",
    "short_side": "the organization the triggering findings concern (joint when they concern both)",
    "other_side": "the peer of the organization the triggering findings concern (joint when they concern both)",
}


KIND_WORDS = {"shared": "shared-weakness", "perception": "perception-gap", "disagreement": "internal-disagreement"}


def _cell(text: object) -> str:
    """Text for one Markdown table cell: on one line, with pipes escaped."""
    return " ".join(str(text).split()).replace("|", "\\|")


def _line(text: object) -> str:
    return " ".join(str(text).split())


def _number(value: float) -> str:
    return f"{value:g}"


def _code_list(items: list[str]) -> str:
    return ", ".join(f"`{i}`" for i in items) if items else "none"


def _scale(dimension: Dimension) -> str:
    return f"{dimension.scale.min}-{dimension.scale.max} {dimension.scale.kind.value}"


def _weight(dimension: Dimension, alliance_types: list[str]) -> str:
    text = _number(dimension.weight)
    special = [f"{t} {_number(dimension.weights[t])}" for t in alliance_types if t in dimension.weights]
    special += [f"{t} {_number(w)}" for t, w in sorted(dimension.weights.items()) if t not in alliance_types]
    return f"{text} ({'; '.join(special)})" if special else text


def _condition(condition: SideCondition) -> str:
    bounds = []
    if condition.at_least is not None:
        bounds.append(f"at least {_number(condition.at_least)}")
    if condition.at_most is not None:
        bounds.append(f"at most {_number(condition.at_most)}")
    who = "either organization scores" if condition.side == "either" else "both organizations score"
    return f"{who} {' and '.join(bounds)} on `{condition.dimension}`"


def _trigger(trigger: Trigger) -> str:
    names = [KIND_WORDS.get(k.value, k.value) for k in trigger.findings]
    kinds = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"
    parts = []
    if trigger.any_dimension:
        parts.append(f"a {kinds} finding on any dimension at {trigger.min_band.value} or worse")
    elif trigger.dimensions:
        parts.append(
            f"a {kinds} finding on {'any of ' if len(trigger.dimensions) > 1 else ''}"
            f"{_code_list(trigger.dimensions)} at {trigger.min_band.value} or worse"
        )
    if trigger.network:
        any_of = "any of " if len(trigger.network) > 1 else ""
        parts.append(f"a network finding {any_of}{_code_list(trigger.network)} at {trigger.min_band.value} or worse")
    parts += [_condition(c) for c in trigger.conditions]
    if not parts:
        if trigger.alliance_types:
            return f"always, for {_code_list(trigger.alliance_types)} alliances"
        return "never (no dimensions, conditions or alliance types)"
    text = "; and ".join(parts)
    if trigger.alliance_types:
        text += f" (only for {_code_list(trigger.alliance_types)} alliances)"
    return text


def _dimensions(pb: Playbook) -> list[str]:
    types = pb.alliance_type_ids
    out = [
        "## Dimensions",
        "",
        f"{len(pb.dimensions)} dimensions in {len(pb.categories)} categories. Scale: the answer points and the "
        "kind of scale. Direction: which end is better (symmetric: a style, neither end is). Perspective: "
        "both (each organization rates itself and the other) or self (each rates only itself). Weight: the "
        "default, with the weights for particular alliance types in brackets. A question whose weight for the "
        f"deal's alliance type is {_number(pb.scoring.key_item_weight)} or more is starred as a key question in the "
        "questionnaires (`key_item_weight` in scoring.yaml).",
        "",
    ]
    for category in pb.categories:
        dims = [d for d in pb.dimensions if d.category == category.id]
        out += [f"### {_line(category.name)} (`{category.id.value}`)", "", _line(category.description), ""]
        out += [
            "| id | dimension | scale | direction | perspective | weight | challenges | source |",
            "| --- | --- | --- | --- | --- | --- | --- | --- |",
        ]
        for d in dims:
            out.append(
                f"| `{d.id}` | {_cell(d.name)} | {_scale(d)} | {d.direction.value} | {d.perspective.value} "
                f"| {_weight(d, types)} | {', '.join(d.challenges) or '-'} | {_cell(d.source)} |"
            )
        out.append("")
    return out


def _mitigation(pb: Playbook, m: Mitigation) -> list[str]:
    out = [
        f"### {_line(m.title)} (`{m.id}`)",
        "",
        _line(m.description),
        "",
        f"- Type: {m.type.value}; effort: {m.effort.value}",
        f"- Owner: {_line(m.owner_role)}; carried out by {OWNED_BY[m.owned_by]}",
        "- Triggers (any one is enough):",
    ]
    out += [f"  - {_trigger(t)}" for t in m.triggers]
    challenges = [f"{c} {_line(pb.challenge_by_id[c].title)}" for c in m.challenges if c in pb.challenge_by_id]
    out.append(f"- Challenges addressed: {'; '.join(challenges) or 'none'}")
    out.append(f"- Clauses: {_code_list(m.clauses)}")
    if m.parameters:
        params = ", ".join(f"`{k}` = {_line(v)}" for k, v in sorted(m.parameters.items()))
        out.append(f"- Clause parameters it sets: {params}")
    if m.tasks:
        out.append("- Launch-plan tasks:")
        for t in m.tasks:
            extra = f", after {_code_list(t.depends_on)}" if t.depends_on else ""
            mark = ", milestone" if t.milestone else ""
            out.append(
                f"  - `{t.id}` ({t.workstream}): {_line(t.title)}. Owner {t.owner}, {_line(t.owner_role)}; "
                f"business day {t.start_day} for {t.duration_days} day(s){extra}{mark}"
            )
    else:
        out.append("- Launch-plan tasks: none")
    out += [f"- Source: {_line(m.source)}", ""]
    return out


def _clause(c: Clause) -> list[str]:
    out = [
        f"### {_line(c.title)} (`{c.id}`)",
        "",
        f"- Topic: {_line(c.topic)}",
        f"- Baseline for: {_code_list(c.baseline_for)}",
    ]
    if c.excludes:
        out.append(f"- Cannot stand beside: {_code_list(c.excludes)}")
    if c.parameters:
        out.append("- Parameters:")
        for p in c.parameters:
            default = f"default {_line(p.default)}" if p.default is not None else "no default: the deal must set it"
            out.append(f"  - `{p.name}`: {_line(p.description)} ({default})")
    else:
        out.append("- Parameters: none")
    out += [f"- Why: {_line(c.note)}", f"- Source: {_line(c.source)}", ""]
    return out


def _governance(pb: Playbook) -> list[str]:
    gov = pb.governance.defaults
    out = [
        "## Governance",
        "",
        "What a deal gets unless its deal.yaml says otherwise (framework/governance.yaml): the "
        f"{_line(gov.steering_committee)} meets {gov.steering_cadence} and the {_line(gov.operating_committee)} "
        f"{gov.operating_cadence}, at {gov.meeting_time} for {gov.meeting_minutes} minutes; escalation allows "
        f"{', '.join(str(d) for d in gov.escalation_days)} business days at its tiers.",
        "",
        "| cadence | business days between meetings |",
        "| --- | --- |",
    ]
    out += [f"| {_cell(name)} | {days} |" for name, days in pb.governance.cadences.items()]
    out += [
        "",
        "Who considers an escalated issue, by tier (`escalation_tiers` in assets/clauses/; the committees are "
        "the deal's):",
        "",
    ]
    out += [f"{i}. `{_line(body)}`" for i, body in enumerate(pb.escalation_tiers, start=1)]
    return [*out, ""]


def _maturity(pb: Playbook) -> list[str]:
    m = pb.maturity
    rule = m.rule
    overall = "the median of its area levels" if rule.overall == "median" else "its lowest area level"
    out = [
        "## Alliance management maturity",
        "",
        f"{len(m.areas)} areas, each at level 1 to 4 (assets/framework/maturity.yaml). A side's overall level is "
        f"{overall}, rounded down; at level {rule.immature_at_or_below} or below it is immature and every execution "
        f"challenge becomes {_number(pb.scoring.immature_uplift)} points more likely. A side without maturity "
        f"answers is judged on `{rule.fallback_dimension}`. Source: {_line(m.source)}.",
        "",
        "| id | area | level 1 | level 2 | level 3 | level 4 |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    out += [
        f"| `{a.id}` | {_cell(a.name)} | " + " | ".join(_cell(a.levels[n]) for n in (1, 2, 3, 4)) + " |"
        for a in m.areas
    ]
    return [*out, ""]


def render_catalogue(pb: Playbook) -> str:
    """The catalogue of a loaded playbook as Markdown."""
    out = [
        "# Playbook catalogue",
        "",
        "Generated from `assets/` by `make catalogue`; do not edit by hand. How to change the playbook: "
        "[playbook.md](playbook.md).",
        "",
        "## Alliance types",
        "",
        "| id | name | description |",
        "| --- | --- | --- |",
    ]
    out += [f"| `{t.id}` | {_cell(t.name)} | {_cell(t.description)} |" for t in pb.alliance_types]
    out.append("")
    out += _dimensions(pb)
    out += [
        "## Execution challenges",
        "",
        "| id | group | challenge | costliest |",
        "| --- | --- | --- | --- |",
    ]
    out += [f"| {c.id} | {c.group.value} | {_cell(c.title)} | {'yes' if c.costliest else ''} |" for c in pb.challenges]
    out += ["", *_maturity(pb)]
    out += [
        "## Mitigations",
        "",
        f"{len(pb.mitigations)} mitigation strategies. A finding at {pb.scoring.select_band.value} or worse selects "
        "the mitigations it triggers; milder findings only suggest them (`select_band` in scoring.yaml).",
        "",
    ]
    for m in pb.mitigations:
        out += _mitigation(pb, m)
    out += ["## Clauses", "", f"{len(pb.clauses)} clause templates, in drafting order.", ""]
    for c in pb.clauses:
        out += _clause(c)
    out += _governance(pb)
    seed = pb.launch_plan
    out += [
        "## Launch-plan seed",
        "",
        f"{len(seed.workstreams)} standard workstreams over {seed.horizon_days} days, milestones due by day "
        f"{', '.join(str(d) for d in seed.milestone_days)}. Committees meet first no earlier than business day "
        f"{seed.meetings.steering_first_day} (steering) and {seed.meetings.operating_first_day} (operating)"
        + (f", and not before task `{seed.meetings.after_task}` starts." if seed.meetings.after_task else "."),
        "",
        "| id | workstream | deliverable | tasks |",
        "| --- | --- | --- | --- |",
    ]
    out += [f"| `{w.id}` | {_cell(w.name)} | {_cell(w.deliverable)} | {len(w.tasks)} |" for w in seed.workstreams]
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write the playbook catalogue (Markdown).")
    parser.add_argument("out", nargs="?", type=Path, default=DEFAULT_OUT, help="file to write")
    parser.add_argument("--assets", type=Path, default=PROJECT_ROOT / "assets", help="the playbook folder")
    args = parser.parse_args(argv)
    try:
        playbook = load_playbook(args.assets)
    except ProblemList as exc:
        print(f"The playbook in {args.assets} cannot be used: {len(exc.problems)} problem(s)", file=sys.stderr)
        for problem in exc.problems:
            print(f"  x {problem}", file=sys.stderr)
        return 2
    from dd_pipeline.outputs import atomic_write_text

    args.out.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(args.out, render_catalogue(playbook))
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
