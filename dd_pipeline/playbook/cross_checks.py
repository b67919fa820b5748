"""References between the playbook's files: every id used is defined once, every template can be read."""

from __future__ import annotations

import difflib
from pathlib import Path

from jinja2 import StrictUndefined, TemplateSyntaxError, meta
from jinja2.sandbox import SandboxedEnvironment

from dd_pipeline.errors import InputProblem, shown
from dd_pipeline.models import (
    ClauseFile,
    DimensionFile,
    MitigationFile,
)
from dd_pipeline.models.governance import listed
from dd_pipeline.network.pattern_ids import NOT_A_PATTERN
from dd_pipeline.network.pattern_ids import PATTERNS as NETWORK_PATTERNS
from dd_pipeline.playbook.book import Playbook
from dd_pipeline.playbook.placement import place
from dd_pipeline.playbook.yaml_reading import rel_path


def cross_check(
    pb: Playbook,
    dimension_files: list[tuple[Path, DimensionFile]],
    mitigation_files: list[tuple[Path, MitigationFile]],
    clause_files: list[tuple[Path, ClauseFile]],
    root: Path,
    problems: list[InputProblem],
    raws: dict[Path, object],
) -> None:
    """References between files: every id used is defined once; every clause template can be read."""
    types = set(pb.alliance_type_ids)
    challenge_ids = set(pb.challenge_by_id)
    dims = set(pb.dimension_by_id)
    clause_ids = {c.id for c in pb.clauses}
    not_a_type = "is not an alliance type; expected one of " + ", ".join(pb.alliance_type_ids)

    def add(path: Path, loc: tuple[int | str, ...], value: str | None, message: str) -> None:
        key, line = place(raws.get(path), loc)
        problems.append(InputProblem(rel_path(path, root), line, key, shown(value) if value else None, message))

    def first_place(path: Path, loc: tuple[int | str, ...]) -> str:
        key, line = place(raws.get(path), loc)
        return f"{rel_path(path, root)}, line {line}" if line else f"{rel_path(path, root)}, {key}"

    seen: dict[str, str] = {}
    for path, dfile in dimension_files:
        for i, d in enumerate(dfile.dimensions):
            key = ("dimensions", i)
            if d.id in seen:
                add(path, (*key, "id"), d.id, f"is defined twice (first in {seen[d.id]})")
            seen.setdefault(d.id, first_place(path, (*key, "id")))
            for t in d.weights:
                if t not in types:
                    add(path, (*key, "weights", t), t, not_a_type)
            for j, c in enumerate(d.challenges):
                if c not in challenge_ids:
                    add(path, (*key, "challenges", j), c, "is not a challenge id in assets/challenges.yaml")

    challenges_path = root / "challenges.yaml"
    seen_ch: dict[str, str] = {}
    for ci, challenge in enumerate(pb.challenges):
        if challenge.id in seen_ch:
            add(
                challenges_path,
                ("challenges", ci, "id"),
                challenge.id,
                f"is defined twice (first in {seen_ch[challenge.id]})",
            )
        seen_ch.setdefault(challenge.id, first_place(challenges_path, ("challenges", ci, "id")))

    task_ids: set[str] = set()
    ws_ids = {w.id for w in pb.launch_plan.workstreams}
    seed_path = root / "launch_plan" / "seed.yaml"
    seen_t: dict[str, str] = {}
    for wi, w in enumerate(pb.launch_plan.workstreams):
        for ti, task in enumerate(w.tasks):
            id_loc = ("workstreams", wi, "tasks", ti, "id")
            if task.id in seen_t:
                add(seed_path, id_loc, task.id, f"is defined twice (first in {seen_t[task.id]})")
            seen_t.setdefault(task.id, first_place(seed_path, id_loc))
            task_ids.add(task.id)
    for wi, w in enumerate(pb.launch_plan.workstreams):
        for ti, task in enumerate(w.tasks):
            for di, dep in enumerate(task.depends_on):
                if dep not in task_ids:
                    loc = ("workstreams", wi, "tasks", ti, "depends_on", di)
                    add(seed_path, loc, dep, "is not a task id")
    for task_id, cycle in _dependency_circles(pb):
        wi, ti = _task_position(pb, task_id)
        add(
            seed_path,
            ("workstreams", wi, "tasks", ti, "depends_on"),
            task_id,
            "depends on itself in a circle (" + " -> ".join(cycle) + "); no task of a circle could ever start: "
            "remove one of these depends_on entries",
        )
    after = pb.launch_plan.meetings.after_task
    if after is not None and after not in task_ids:
        add(
            seed_path,
            ("meetings", "after_task"),
            after,
            "is not a task id of the seed; expected the task that staffs the committees",
        )

    seen_m: dict[str, str] = {}
    for path, mfile in mitigation_files:
        for i, m in enumerate(mfile.mitigations):
            key = ("mitigations", i)
            if m.id in seen_m:
                add(path, (*key, "id"), m.id, f"is defined twice (first in {seen_m[m.id]})")
            seen_m.setdefault(m.id, first_place(path, (*key, "id")))
            for ti, trig in enumerate(m.triggers):
                for di, dim in enumerate(trig.dimensions):
                    if dim not in dims:
                        add(
                            path,
                            (*key, "triggers", ti, "dimensions", di),
                            dim,
                            "is not a dimension id in assets/framework/dimensions/",
                        )
                for ci, cond in enumerate(trig.conditions):
                    if cond.dimension not in dims:
                        add(
                            path,
                            (*key, "triggers", ti, "conditions", ci, "dimension"),
                            cond.dimension,
                            "is not a dimension id in assets/framework/dimensions/",
                        )
                for ni, pattern in enumerate(trig.network):
                    if pattern not in NETWORK_PATTERNS:
                        add(path, (*key, "triggers", ti, "network", ni), pattern, NOT_A_PATTERN)
                for ai, t in enumerate(trig.alliance_types):
                    if t not in types:
                        add(path, (*key, "triggers", ti, "alliance_types", ai), t, not_a_type)
            for j, c in enumerate(m.challenges):
                if c not in challenge_ids:
                    add(path, (*key, "challenges", j), c, "is not a challenge id in assets/challenges.yaml")
            for j, c in enumerate(m.clauses):
                if c not in clause_ids:
                    close = difflib.get_close_matches(c, clause_ids, n=1)
                    add(
                        path,
                        (*key, "clauses", j),
                        c,
                        "is not a clause id in assets/clauses/" + (f" (did you mean '{close[0]}'?)" if close else ""),
                    )
            own_tasks = {t.id for t in m.tasks}
            for ti, spec in enumerate(m.tasks):
                if spec.workstream not in ws_ids:
                    add(
                        path,
                        (*key, "tasks", ti, "workstream"),
                        spec.workstream,
                        "is not a workstream id in assets/launch_plan/seed.yaml",
                    )
                for di, dep in enumerate(spec.depends_on):
                    if dep not in task_ids and dep not in own_tasks:
                        add(path, (*key, "tasks", ti, "depends_on", di), dep, "is not a task id")

    seen_c: dict[str, str] = {}
    templates = SandboxedEnvironment(undefined=StrictUndefined)
    for path, cfile in clause_files:
        for i, clause in enumerate(cfile.clauses):
            key = ("clauses", i)
            if clause.id in seen_c:
                add(path, (*key, "id"), clause.id, f"is defined twice (first in {seen_c[clause.id]})")
            seen_c.setdefault(clause.id, first_place(path, (*key, "id")))
            for j, t in enumerate(clause.baseline_for):
                if t not in types:
                    add(path, (*key, "baseline_for", j), t, not_a_type)
            for j, other in enumerate(clause.excludes):
                if other not in clause_ids or other == clause.id:
                    add(path, (*key, "excludes", j), other, "is not the id of another clause in assets/clauses/")
            try:
                templates.parse(clause.template)
            except TemplateSyntaxError as exc:
                add(
                    path,
                    (*key, "template"),
                    None,
                    f"cannot be used: {exc.message} (on line {exc.lineno} of the template); "
                    "names go in {{ name }} and blocks in {% ... %}",
                )


TIER_NAMES = ("operating_committee", "steering_committee")  # what the wording of an escalation tier may name


def _task_position(pb: Playbook, task_id: str) -> tuple[int, int]:
    for wi, w in enumerate(pb.launch_plan.workstreams):
        for ti, task in enumerate(w.tasks):
            if task.id == task_id:
                return wi, ti
    return 0, 0


def _dependency_circles(pb: Playbook) -> list[tuple[str, list[str]]]:
    """Each circle of depends_on among the seed's tasks once, as (the first task of the circle in file order,
    the circle's task ids from that task back to it)."""
    order = [t.id for w in pb.launch_plan.workstreams for t in w.tasks]
    deps = {t.id: list(t.depends_on) for w in pb.launch_plan.workstreams for t in w.tasks}
    reported: set[frozenset[str]] = set()
    found: list[tuple[str, list[str]]] = []
    for start in order:
        stack: list[tuple[str, list[str]]] = [(start, [start])]
        seen: set[str] = set()
        while stack:
            node, path = stack.pop()
            for dep in deps.get(node, []):
                if dep == start:
                    members = frozenset(path)
                    if members not in reported:
                        reported.add(members)
                        found.append((start, [*path, start]))
                elif dep not in seen and dep in deps:
                    seen.add(dep)
                    stack.append((dep, [*path, dep]))
    return found


def check_governance(
    pb: Playbook,
    mitigation_files: list[tuple[Path, MitigationFile]],
    clause_files: list[tuple[Path, ClauseFile]],
    root: Path,
    problems: list[InputProblem],
    raws: dict[Path, object],
) -> None:
    """The default cadences, and the cadences mitigations set, are cadences of governance.yaml; one clause file
    words the escalation tiers, and each tier's wording names nothing but the committees."""

    def add(path: Path, loc: tuple[int | str, ...], value: str | None, message: str) -> None:
        key, line = place(raws.get(path), loc)
        problems.append(InputProblem(rel_path(path, root), line, key, shown(value) if value else None, message))

    governance_path = root / "framework" / "governance.yaml"
    cadences = list(pb.governance.cadences)
    for name in ("steering_cadence", "operating_cadence"):
        value = getattr(pb.governance.defaults, name)
        if value not in cadences:
            add(
                governance_path,
                ("defaults", name),
                value,
                "is not one of the cadences above; expected one of " + listed(cadences),
            )

    for path, mfile in mitigation_files:
        for i, m in enumerate(mfile.mitigations):
            for name, value in m.parameters.items():
                if name.endswith("_cadence") and value not in cadences:
                    expected = "is not a cadence of assets/framework/governance.yaml; expected one of " + listed(
                        cadences
                    )
                    add(path, ("mitigations", i, "parameters", name), str(value), expected)

    worded = [(path, f) for path, f in clause_files if f.escalation_tiers]
    if not worded and clause_files:
        problems.append(
            InputProblem(
                "assets/clauses/",
                None,
                "escalation_tiers",
                None,
                "is in no file; one clause file must list who considers an escalated issue at each tier",
            )
        )
    for path, _ in worded[1:]:
        first = worded[0][0]
        key, line = place(raws.get(first), ("escalation_tiers",))
        add(
            path,
            ("escalation_tiers",),
            None,
            f"is given twice (first in {rel_path(first, root)}, line {line}); keep one",
        )
    templates = SandboxedEnvironment(undefined=StrictUndefined)
    for path, cfile in worded:
        for i, body in enumerate(cfile.escalation_tiers):
            try:
                names = meta.find_undeclared_variables(templates.parse(body))
            except TemplateSyntaxError as exc:
                add(path, ("escalation_tiers", i), body, f"cannot be used: {exc.message}; names go in {{{{ name }}}}")
                continue
            unknown = sorted(names - set(TIER_NAMES))
            if unknown:
                add(
                    path,
                    ("escalation_tiers", i),
                    body,
                    f"names {listed(unknown)}, which a tier cannot use; expected only "
                    + " or ".join("{{ " + n + " }}" for n in TIER_NAMES),
                )
