"""Draft clauses: which clauses a deal needs, their parameters, and their text.

A clause is included because it is baseline for the deal's alliance type or because a selected mitigation
asks for it. Parameters are looked up, first match wins, in: the deal's ``clause_parameters``, values set
by selected mitigations (best-ranked first), the deal's own fields (names, committees, cadences, escalation
tiers), and the clause's default. A clause with a parameter that has no value is not drafted; the run
reports which parameter is missing. Templates render in a Jinja2 sandbox where an unknown name is an error,
and values from the inputs are passed as data, so text in a partner's name can never run as template code.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from jinja2 import StrictUndefined, TemplateError
from jinja2.sandbox import SandboxedEnvironment

from dd_pipeline.matching import MatchResult
from dd_pipeline.models import Clause, Deal, HomeOrganization
from dd_pipeline.playbook import Playbook

TIER_BODIES = ("{operating}", "{steering}", "the Chief Executive Officers",
               "a senior executive of each Party designated for the purpose")


@dataclass
class DraftedClause:
    number: int
    clause: Clause
    text: str
    reasons: list[str]
    mitigations: list[str]
    dimensions: list[str]
    parameters: dict[str, Any] = field(default_factory=dict)


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


def _date(value: Any) -> str:
    return f"{value.day} {value:%B %Y}"


def standard_context(deal: Deal, home: HomeOrganization, playbook: Playbook) -> dict[str, Any]:
    """The names every clause template may use."""
    gov = deal.governance
    types = {t.id: t.name for t in playbook.alliance_types}
    tiers = []
    for i, days in enumerate(gov.escalation_days, start=1):
        body = TIER_BODIES[min(i - 1, len(TIER_BODIES) - 1)]
        body = body.format(operating=f"the {gov.operating_committee}", steering=f"the {gov.steering_committee}")
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


def select_clauses(
    playbook: Playbook, alliance_type: str, matches: MatchResult
) -> list[tuple[Clause, list[str], list[str], list[str]]]:
    """(clause, reasons, mitigation ids, dimension ids) in library order."""
    chosen: dict[str, tuple[list[str], list[str], list[str]]] = {}
    type_name = {t.id: t.name for t in playbook.alliance_types}.get(alliance_type, alliance_type)
    for clause in playbook.clauses:
        if alliance_type in clause.baseline_for:
            chosen.setdefault(clause.id, ([], [], []))[0].append(f"baseline for {type_name.lower()} alliances")
    for match in matches.selected:
        for clause_id in match.mitigation.clauses:
            reasons, mitigations, dims = chosen.setdefault(clause_id, ([], [], []))
            reasons.append(f"selected by mitigation '{match.mitigation.title}' ({match.mitigation.id})")
            mitigations.append(match.mitigation.id)
            dims.extend(d for d in match.dimensions if d not in dims)
    return [(c, *chosen[c.id]) for c in playbook.clauses if c.id in chosen]


def mitigation_parameters(matches: MatchResult) -> dict[str, Any]:
    """Parameters set by selected mitigations; the best-ranked mitigation to set one wins."""
    values: dict[str, Any] = {}
    for match in matches.selected:
        for name, value in match.mitigation.parameters.items():
            values.setdefault(name, value)
    return values


def effective_context(
    playbook: Playbook, deal: Deal, home: HomeOrganization, matches: MatchResult
) -> dict[str, Any]:
    """The standard names after mitigations and the deal's clause_parameters have had their say.

    A mitigation may change a standard value (e.g. committees meet more often when communication norms
    differ); the deal's own clause_parameters win over everything.
    """
    context = standard_context(deal, home, playbook)
    for source in (mitigation_parameters(matches), deal.clause_parameters):
        for name, value in source.items():
            if name in context:
                context[name] = value
    return context


def draft_clauses(
    playbook: Playbook, deal: Deal, home: HomeOrganization, matches: MatchResult
) -> ClauseDraft:
    env = SandboxedEnvironment(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=False)
    base = effective_context(playbook, deal, home, matches)
    from_mitigations = mitigation_parameters(matches)

    drafted: list[DraftedClause] = []
    problems: list[ClauseProblem] = []
    for clause, reasons, mitigations, dims in select_clauses(playbook, deal.alliance_type, matches):
        context = dict(base)
        missing = []
        used: dict[str, Any] = {}
        for param in clause.parameters:
            for source in (deal.clause_parameters, from_mitigations, base):
                if param.name in source:
                    value = source[param.name]
                    break
            else:
                value = param.default
            if value is None or value == "" or value == []:
                missing.append(param.name)
                problems.append(ClauseProblem(
                    clause.id, clause.title, param.name,
                    f"parameter '{param.name}' ({param.description.rstrip('.')}) has no value; "
                    f"set it in deal.yaml under clause_parameters, e.g. '{param.name}: ...'"))
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
            problems.append(ClauseProblem(clause.id, clause.title, None,
                                          f"the template in assets/clauses/ cannot be rendered: {exc.message}"))
            continue
        text = "\n".join(line.rstrip() for line in text.strip().splitlines())
        drafted.append(DraftedClause(0, clause, text, reasons, mitigations, dims, used))
    for number, item in enumerate(drafted, start=1):
        item.number = number
    return ClauseDraft(drafted, problems, str(base["alliance_type"]))
