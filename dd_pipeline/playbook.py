"""Load assets/ into one typed, cross-checked Playbook.

An error names the file and the key path (for example
``assets/framework/dimensions/norms.yaml: dimensions[3].scale.labels: ...``).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from dd_pipeline.errors import InputProblem, ProblemList
from dd_pipeline.models import (
    AllianceType,
    Category,
    Challenge,
    ChallengeFile,
    Clause,
    ClauseFile,
    Dimension,
    DimensionFile,
    LaunchPlanSeed,
    Mitigation,
    Strict,
    MitigationFile,
    ScoringRules,
)

MAX_ASSET_BYTES = 2_000_000
M = TypeVar("M", bound=BaseModel)


class _CategoryFile(Strict):
    categories: list[Category]
    alliance_types: list[AllianceType]


@dataclass(frozen=True)
class Playbook:
    root: Path
    categories: list[Category]
    alliance_types: list[AllianceType]
    dimensions: list[Dimension]
    challenges: list[Challenge]
    scoring: ScoringRules
    mitigations: list[Mitigation]
    clauses: list[Clause]
    launch_plan: LaunchPlanSeed
    fingerprint: str = field(default="")

    @cached_property
    def dimension_by_id(self) -> dict[str, Dimension]:
        return {d.id: d for d in self.dimensions}

    @cached_property
    def challenge_by_id(self) -> dict[str, Challenge]:
        return {c.id: c for c in self.challenges}

    @cached_property
    def clause_by_id(self) -> dict[str, Clause]:
        return {c.id: c for c in self.clauses}

    @cached_property
    def alliance_type_ids(self) -> list[str]:
        return [t.id for t in self.alliance_types]


def _location(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def read_yaml(path: Path, root: Path) -> object:
    rel = _rel(path, root)
    if path.stat().st_size > MAX_ASSET_BYTES:
        raise ProblemList([InputProblem(rel, None, None, None, f"file is larger than {MAX_ASSET_BYTES} bytes")])
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ProblemList(
            [InputProblem(rel, None, None, None, f"is not UTF-8 text (byte {exc.start})")]
        ) from None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise ProblemList([InputProblem(rel, None, None, None, f"is not valid YAML: {where}{problem}")]) from None


def _rel(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root.parent))
    except ValueError:
        return str(path)


def parse_model(model: type[M], raw: object, path: Path, root: Path) -> M:
    rel = _rel(path, root)
    if raw is None:
        raise ProblemList([InputProblem(rel, None, None, None, "is empty")])
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        problems = [
            InputProblem(rel, None, _location(err["loc"]) or None, _short(err.get("input")), err["msg"])
            for err in exc.errors()
        ]
        raise ProblemList(problems) from None


def _short(value: object) -> str | None:
    if isinstance(value, dict | list):
        return None
    text = repr(value) if value is not None else None
    if text and len(text) > 60:
        text = text[:57] + "..."
    return text


def _files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())


def load_playbook(root: Path) -> Playbook:
    """Read and cross-check every file under ``root`` (the assets/ folder)."""
    problems: list[InputProblem] = []
    digest = hashlib.sha256()

    def load(model: type[M], path: Path) -> M | None:
        if not path.is_file():
            problems.append(InputProblem(_rel(path, root), None, None, None, "is missing"))
            return None
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
        try:
            return parse_model(model, read_yaml(path, root), path, root)
        except ProblemList as exc:
            problems.extend(exc.problems)
            return None

    def load_many(model: type[M], folder: Path) -> list[tuple[Path, M]]:
        files = _files(folder)
        if not files:
            problems.append(InputProblem(_rel(folder, root), None, None, None, "has no YAML files"))
        loaded = [(p, load(model, p)) for p in files]
        return [(p, m) for p, m in loaded if m is not None]

    framework = root / "framework"
    cats = load(_CategoryFile, framework / "categories.yaml")
    scoring = load(ScoringRules, framework / "scoring.yaml")
    challenges = load(ChallengeFile, root / "challenges.yaml")
    dimension_files = load_many(DimensionFile, framework / "dimensions")
    mitigation_files = load_many(MitigationFile, root / "mitigations")
    clause_files = load_many(ClauseFile, root / "clauses")
    seed = load(LaunchPlanSeed, root / "launch_plan" / "seed.yaml")
    if problems:
        raise ProblemList(problems)
    assert cats and scoring and challenges and seed  # for the type checker: problems would be set

    playbook = Playbook(
        root=root,
        categories=cats.categories,
        alliance_types=cats.alliance_types,
        dimensions=[d for _, f in dimension_files for d in f.dimensions],
        challenges=challenges.challenges,
        scoring=scoring,
        mitigations=[m for _, f in mitigation_files for m in f.mitigations],
        clauses=[c for _, f in clause_files for c in f.clauses],
        launch_plan=seed,
        fingerprint=digest.hexdigest()[:16],
    )
    _cross_check(playbook, dimension_files, mitigation_files, clause_files, root, problems)
    if problems:
        raise ProblemList(problems)
    return playbook


def _cross_check(
    pb: Playbook,
    dimension_files: list[tuple[Path, DimensionFile]],
    mitigation_files: list[tuple[Path, MitigationFile]],
    clause_files: list[tuple[Path, ClauseFile]],
    root: Path,
    problems: list[InputProblem],
) -> None:
    """References between files: every id used is defined once."""
    types = set(pb.alliance_type_ids)
    challenge_ids = set(pb.challenge_by_id)
    dims = set(pb.dimension_by_id)
    clause_ids = {c.id for c in pb.clauses}

    def add(path: Path, key: str, value: str, message: str) -> None:
        problems.append(InputProblem(_rel(path, root), None, key, repr(value), message))

    seen: dict[str, Path] = {}
    for path, dfile in dimension_files:
        for i, d in enumerate(dfile.dimensions):
            key = f"dimensions[{i}]"
            if d.id in seen:
                add(path, f"{key}.id", d.id, f"is defined twice (also in {_rel(seen[d.id], root)})")
            seen[d.id] = path
            for t in d.weights:
                if t not in types:
                    add(path, f"{key}.weights", t, f"is not an alliance type (expected one of {sorted(types)})")
            for c in d.challenges:
                if c not in challenge_ids:
                    add(path, f"{key}.challenges", c, "is not a challenge id in assets/challenges.yaml")

    task_ids: set[str] = set()
    ws_ids = {w.id for w in pb.launch_plan.workstreams}
    for w in pb.launch_plan.workstreams:
        task_ids.update(t.id for t in w.tasks)
    seed_path = root / "launch_plan" / "seed.yaml"
    for wi, w in enumerate(pb.launch_plan.workstreams):
        for ti, t in enumerate(w.tasks):
            for dep in t.depends_on:
                if dep not in task_ids:
                    add(seed_path, f"workstreams[{wi}].tasks[{ti}].depends_on", dep, "is not a task id")

    seen_m: dict[str, Path] = {}
    for path, mfile in mitigation_files:
        for i, m in enumerate(mfile.mitigations):
            key = f"mitigations[{i}]"
            if m.id in seen_m:
                add(path, f"{key}.id", m.id, f"is defined twice (also in {_rel(seen_m[m.id], root)})")
            seen_m[m.id] = path
            for ti, trig in enumerate(m.triggers):
                for dim in trig.dimensions + [c.dimension for c in trig.conditions]:
                    if dim not in dims:
                        add(path, f"{key}.triggers[{ti}]", dim, "is not a dimension id in assets/framework/")
                for t in trig.alliance_types:
                    if t not in types:
                        add(path, f"{key}.triggers[{ti}].alliance_types", t, "is not an alliance type")
            for c in m.challenges:
                if c not in challenge_ids:
                    add(path, f"{key}.challenges", c, "is not a challenge id in assets/challenges.yaml")
            for c in m.clauses:
                if c not in clause_ids:
                    add(path, f"{key}.clauses", c, "is not a clause id in assets/clauses/")
            for ti, task in enumerate(m.tasks):
                if task.workstream not in ws_ids:
                    add(path, f"{key}.tasks[{ti}].workstream", task.workstream, "is not a workstream id")
                for dep in task.depends_on:
                    if dep not in task_ids and dep not in {t.id for t in m.tasks}:
                        add(path, f"{key}.tasks[{ti}].depends_on", dep, "is not a task id")

    seen_c: dict[str, Path] = {}
    for path, cfile in clause_files:
        for i, c in enumerate(cfile.clauses):
            if c.id in seen_c:
                add(path, f"clauses[{i}].id", c.id, f"is defined twice (also in {_rel(seen_c[c.id], root)})")
            seen_c[c.id] = path
            for t in c.baseline_for:
                if t not in types:
                    add(path, f"clauses[{i}].baseline_for", t, "is not an alliance type")
