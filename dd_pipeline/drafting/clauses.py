"""Draft clauses: which clauses a deal needs, their parameters, and their text.

A clause is included because it is baseline for the deal's alliance type or because a selected mitigation
asks for it. Parameters are looked up, first match wins, in: the deal's ``clause_parameters``, values set
by selected mitigations (best-ranked first), the deal's own fields (names, committees, cadences, escalation
tiers), and the clause's default. A clause with a parameter that has no value is not drafted; the run
reports which parameter is missing. Templates render in a Jinja2 sandbox where an unknown name is an error,
and values from the inputs are passed as data, so text in a partner's name can never run as template code.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from jinja2 import StrictUndefined, TemplateError
from jinja2.sandbox import SandboxedEnvironment

from dd_pipeline.matching import MatchResult
from dd_pipeline.models import Clause, Deal, HomeOrganization
from dd_pipeline.playbook import Playbook


@dataclass
class DraftedClause:
    number: int
    clause: Clause
    text: str
    reasons: list[str]
    mitigations: list[str]
    dimensions: list[str]
    parameters: dict[str, Any] = field(default_factory=dict)
    findings: list[str] = field(default_factory=list)  # finding ids behind the mitigations that chose it
    triggers: list[str] = field(default_factory=list)  # the conditions that fired, in words


@dataclass
class ClauseProblem:
    clause_id: str
    title: str
    parameter: str | None
    message: str

    def __str__(self) -> str:
        return f"clause '{self.clause_id}' ({self.title}): not drafted: {self.message}"


@dataclass
class ClauseDraft:
    drafted: list[DraftedClause]
    problems: list[ClauseProblem]
    alliance_type: str = ""  # the alliance type's display name


SMALL_NUMBERS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")


def number_in_words(value: Any) -> Any:
    """The clauses' one way of writing numbers: whole numbers below ten in words, all others in digits
    (the template texts follow the same rule)."""
    if isinstance(value, int | float) and not isinstance(value, bool) and float(value).is_integer() and 0 <= value < 10:
        return SMALL_NUMBERS[int(value)]
    return value


def _date(value: Any) -> str:
    return f"{value.day} {value:%B %Y}"


# The wording of the escalation tiers (assets/clauses/, escalation_tiers) names the committees as data.
_TIER_TEXT = SandboxedEnvironment(undefined=StrictUndefined, autoescape=False)


def standard_context(deal: Deal, home: HomeOrganization, playbook: Playbook) -> dict[str, Any]:
    """The names every clause template may use."""
    gov = deal.governance
    types = {t.id: t.name for t in playbook.alliance_types}
    tiers = []
    wording = playbook.escalation_tiers
    committees = {"operating_committee": gov.operating_committee, "steering_committee": gov.steering_committee}
    for i, days in enumerate(gov.escalation_days, start=1):
        body = _TIER_TEXT.from_string(wording[min(i - 1, len(wording) - 1)]).render(committees)
        tiers.append({"tier": i, "body": body, "days": days})
    context: dict[str, Any] = {
        "home_name": home.name,
        "home_short": home.short_name,
        "partner_name": deal.partner,
        "partner_short": deal.partner_label,
        "alliance_type": types.get(deal.alliance_type, deal.alliance_type),
        "effective_date": _date(deal.effective_date),
        "term_sheet_date": _date(deal.term_sheet_date),
        "home_alliance_manager": deal.home_alliance_manager.name,
        "home_alliance_manager_role": deal.home_alliance_manager.role,
        "partner_alliance_manager": deal.partner_alliance_manager.name,
        "partner_alliance_manager_role": deal.partner_alliance_manager.role,
        "steering_committee": gov.steering_committee,
        "operating_committee": gov.operating_committee,
        "steering_cadence": gov.steering_cadence,
        "operating_cadence": gov.operating_cadence,
        "escalation_tiers": tiers,
        "escalation_total_days": sum(gov.escalation_days),
    }
    if gov.governing_law:
        context["governing_law"] = gov.governing_law
    return context


@dataclass
class ClauseChoice:
    """Why a clause is in the draft: its reasons, the mitigations, dimensions and findings behind it, and the
    conditions that fired."""

    clause: Clause
    reasons: list[str] = field(default_factory=list)
    mitigations: list[str] = field(default_factory=list)
    dimensions: list[str] = field(default_factory=list)
    findings: list[str] = field(default_factory=list)
    triggers: list[str] = field(default_factory=list)


def select_clauses(playbook: Playbook, alliance_type: str, matches: MatchResult) -> list[ClauseChoice]:
    """The clauses of the draft in library order. Of clauses that exclude each other (``excludes``), the one
    chosen by the best-ranked mitigation is kept; a baseline clause yields to one a finding calls for."""
    chosen: dict[str, ClauseChoice] = {}
    by_id = playbook.clause_by_id
    type_name = {t.id: t.name for t in playbook.alliance_types}.get(alliance_type, alliance_type)
    for clause in playbook.clauses:
        if alliance_type in clause.baseline_for:
            chosen.setdefault(clause.id, ClauseChoice(clause)).reasons.append(
                f"baseline for {type_name.lower()} alliances"
            )
    called: list[str] = []
    for match in matches.selected:
        for clause_id in match.mitigation.clauses:
            choice = chosen.setdefault(clause_id, ClauseChoice(by_id[clause_id]))
            if clause_id not in called:
                called.append(clause_id)
            choice.reasons.append(f"selected by mitigation '{match.mitigation.title}' ({match.mitigation.id})")
            choice.mitigations.append(match.mitigation.id)
            choice.dimensions.extend(d for d in match.dimensions if d not in choice.dimensions)
            choice.findings.extend(f for f in match.findings if f not in choice.findings)
            choice.triggers.extend(r for r in match.reasons[len(match.findings) :] if r not in choice.triggers)
    # mutually exclusive variants: keep the first called for (mitigations are in rank order), else the baseline
    order = called + [c.id for c in playbook.clauses if c.id in chosen and c.id not in called]
    kept: list[str] = []
    for clause_id in order:
        rivals = set(by_id[clause_id].excludes) | {c for c in kept if clause_id in by_id[c].excludes}
        if not rivals & set(kept):
            kept.append(clause_id)
    return [chosen[c.id] for c in playbook.clauses if c.id in kept]


def mitigation_parameters(matches: MatchResult) -> dict[str, Any]:
    """Parameters set by selected mitigations; the best-ranked mitigation to set one wins."""
    values: dict[str, Any] = {}
    for match in matches.selected:
        for name, value in match.mitigation.parameters.items():
            values.setdefault(name, value)
    return values


def effective_context(playbook: Playbook, deal: Deal, home: HomeOrganization, matches: MatchResult) -> dict[str, Any]:
    """The standard names after mitigations and the deal's clause_parameters have had their say.

    A mitigation may change a standard value (e.g. committees meet more often when communication norms
    differ); the deal's own clause_parameters win over everything.
    """
    context = standard_context(deal, home, playbook)
    for name, value in mitigation_parameters(matches).items():
        if name in CADENCES:
            context[name] = more_frequent(context[name], value, playbook.governance.cadences)
        elif name in context:
            context[name] = value
    for name, value in deal.clause_parameters.items():
        if name in context:
            context[name] = value
    return context


# Committee cadences: a mitigation may make committees meet more often than the deal sets, never less often.
CADENCES = ("steering_cadence", "operating_cadence")


def more_frequent(current: Any, proposed: Any, days: Mapping[str, int]) -> Any:
    """The more frequent of two cadences (``days``: business days between meetings, from
    assets/framework/governance.yaml); an unknown one never wins."""
    if str(proposed) not in days:
        return current
    if str(current) not in days:
        return proposed
    return proposed if days[str(proposed)] < days[str(current)] else current


def draft_clauses(playbook: Playbook, deal: Deal, home: HomeOrganization, matches: MatchResult) -> ClauseDraft:
    env = SandboxedEnvironment(
        undefined=StrictUndefined, autoescape=False, keep_trailing_newline=False, finalize=number_in_words
    )
    base = effective_context(playbook, deal, home, matches)
    from_mitigations = mitigation_parameters(matches)

    drafted: list[DraftedClause] = []
    problems: list[ClauseProblem] = []
    for choice in select_clauses(playbook, deal.alliance_type, matches):
        clause, reasons, mitigations, dims = choice.clause, choice.reasons, choice.mitigations, choice.dimensions
        context = dict(base)
        missing = []
        used: dict[str, Any] = {}
        for param in clause.parameters:
            # a cadence in base is already the more frequent of the deal's and the mitigations'
            sources = (
                (deal.clause_parameters, base)
                if param.name in CADENCES
                else (deal.clause_parameters, from_mitigations, base)
            )
            for source in sources:
                if param.name in source:
                    value = source[param.name]
                    break
            else:
                value = param.default
            if value is None or value == "" or value == []:
                missing.append(param.name)
                problems.append(
                    ClauseProblem(
                        clause.id,
                        clause.title,
                        param.name,
                        f"parameter '{param.name}' ({param.description.rstrip('.')}) has no value; "
                        f"set it in deal.yaml under clause_parameters, e.g. '{param.name}: ...'",
                    )
                )
                continue
            context[param.name] = value
            used[param.name] = value
        for name, value in deal.clause_parameters.items():
            context.setdefault(name, value)
        if missing:
            continue
        try:
            text = env.from_string(clause.template).render(context)
        except TemplateError as exc:
            problems.append(
                ClauseProblem(
                    clause.id, clause.title, None, f"the template in assets/clauses/ cannot be rendered: {exc.message}"
                )
            )
            continue
        text = "\n".join(line.rstrip() for line in text.strip().splitlines())
        drafted.append(
            DraftedClause(0, clause, text, reasons, mitigations, dims, used, choice.findings, choice.triggers)
        )
    for number, item in enumerate(drafted, start=1):
        item.number = number
    return ClauseDraft(drafted, problems, str(base["alliance_type"]))
