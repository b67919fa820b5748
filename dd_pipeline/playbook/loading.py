"""Which files make up the playbook, their fingerprint, and reading them (once per content) into a Playbook."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from dd_pipeline.errors import InputProblem, ProblemList, shown
from dd_pipeline.fingerprints import _files, playbook_fingerprint
from dd_pipeline.fingerprints import playbook_files as playbook_files
from dd_pipeline.maturity.models import MaturityModel
from dd_pipeline.models import (
    ChallengeFile,
    ClauseFile,
    DimensionFile,
    GovernanceFile,
    LaunchPlanSeed,
    MitigationFile,
    ScoringRules,
)
from dd_pipeline.network.config import NetworkConfig
from dd_pipeline.playbook.book import Playbook, _CategoryFile
from dd_pipeline.playbook.cross_checks import check_governance, cross_check
from dd_pipeline.playbook.placement import M, parse_model, place
from dd_pipeline.playbook.yaml_reading import read_yaml, rel_path


def load_playbook(root: Path) -> Playbook:
    """Read and cross-check every file under ``root`` (the assets/ folder).

    A run asks for the playbook in many steps; files whose bytes have not changed are not parsed again.
    """
    return _load_cached(str(root.resolve()), playbook_fingerprint(root))


@lru_cache(maxsize=8)
def _load_cached(root: str, fingerprint: str) -> Playbook:
    return _read_playbook(Path(root))


def _read_playbook(root: Path) -> Playbook:
    problems: list[InputProblem] = []
    raws: dict[Path, object] = {}

    def load(model: type[M], path: Path) -> M | None:
        if not path.is_file():
            problems.append(InputProblem(rel_path(path, root), None, None, None, "is missing"))
            return None
        try:
            raws[path] = read_yaml(path, root)
            return parse_model(model, raws[path], path, root)
        except ProblemList as exc:
            problems.extend(exc.problems)
            return None

    def load_many(model: type[M], folder: Path) -> list[tuple[Path, M]]:
        files = _files(folder)
        if not files:
            problems.append(InputProblem(rel_path(folder, root), None, None, None, "has no YAML files"))
        loaded = [(p, load(model, p)) for p in files]
        return [(p, m) for p, m in loaded if m is not None]

    framework = root / "framework"
    cats = load(_CategoryFile, framework / "categories.yaml")
    scoring = load(ScoringRules, framework / "scoring.yaml")
    governance = load(GovernanceFile, framework / "governance.yaml")
    challenges = load(ChallengeFile, root / "challenges.yaml")
    dimension_files = load_many(DimensionFile, framework / "dimensions")
    mitigation_files = load_many(MitigationFile, root / "mitigations")
    clause_files = load_many(ClauseFile, root / "clauses")
    seed = load(LaunchPlanSeed, root / "launch_plan" / "seed.yaml")
    maturity = load(MaturityModel, framework / "maturity.yaml")
    network = load(NetworkConfig, framework / "network.yaml") if (framework / "network.yaml").is_file() else None
    if problems:
        raise ProblemList(problems)
    assert (
        cats and scoring and governance and challenges and seed and maturity
    )  # for the type checker: problems would be set

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
        governance=governance,
        escalation_tiers=[body for _, f in clause_files for body in f.escalation_tiers],
        maturity=maturity,
        network=network or NetworkConfig(),
        fingerprint=playbook_fingerprint(root),
    )
    cross_check(playbook, dimension_files, mitigation_files, clause_files, root, problems, raws)
    check_governance(playbook, mitigation_files, clause_files, root, problems, raws)
    # the maturity model's fallback names a dimension
    fallback = maturity.rule.fallback_dimension
    if fallback not in playbook.dimension_by_id:
        key, line = place(raws.get(framework / "maturity.yaml"), ("rule", "fallback_dimension"))
        problems.append(
            InputProblem(
                rel_path(framework / "maturity.yaml", root),
                line,
                key,
                shown(fallback),
                "is not a dimension id in assets/framework/dimensions/",
            )
        )
    if problems:
        raise ProblemList(problems)
    return playbook
