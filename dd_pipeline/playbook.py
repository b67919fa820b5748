"""Load assets/ into one typed, cross-checked Playbook.

An error names the file and the key path (for example
``assets/framework/dimensions/norms.yaml: dimensions[3].scale.labels: ...``).
"""

from __future__ import annotations

import difflib
import hashlib
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import TypeVar, get_args

import yaml
from jinja2 import StrictUndefined, TemplateSyntaxError
from jinja2.sandbox import SandboxedEnvironment
from pydantic import BaseModel, ValidationError

from dd_pipeline.errors import InputProblem, ProblemList, plain_validation_message, shown
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
    MitigationFile,
    ScoringRules,
    Strict,
)
from dd_pipeline.network.config import NetworkConfig
from dd_pipeline.network.pattern_ids import NOT_A_PATTERN
from dd_pipeline.network.pattern_ids import PATTERNS as NETWORK_PATTERNS

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
    network: NetworkConfig = field(default_factory=NetworkConfig)  # framework/network.yaml

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


class _Refused(yaml.MarkedYAMLError):
    """Valid YAML that this tool refuses, with its own plain message."""

    def __init__(self, message: str, mark: yaml.Mark, key: str | None = None):
        super().__init__(problem=message, problem_mark=mark)
        self.key = key


class _SafeLoader(yaml.SafeLoader):
    """YAML without Python objects, aliases or repeated keys; dates stay text so that the models parse them
    (and say plainly when one is not a date)."""

    def compose_node(self, parent, index):  # type: ignore[no-untyped-def]
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise _Refused(
                f"uses the alias *{event.anchor}; aliases are not accepted: write the value out in full",
                event.start_mark,
            )
        return super().compose_node(parent, index)

    def construct_mapping(self, node, deep=False):  # type: ignore[no-untyped-def]
        seen: dict[object, int] = {}
        for key_node, _ in node.value:
            key = key_node.value
            if not isinstance(key_node, yaml.ScalarNode):
                continue  # the constructor says plainly that such a key cannot be used
            if key in seen:
                raise _Refused(f"is given twice (first on line {seen[key]}); keep one", key_node.start_mark, str(key))
            seen[key] = key_node.start_mark.line + 1
        return super().construct_mapping(node, deep=deep)


_SafeLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}

_YAML_PLAIN = {
    "mapping values are not allowed here": "a ':' inside a value needs quotes around the value",
    "found character '\\t' that cannot start any token": "a tab is used to indent; indent with spaces",
    "found unhashable key": "text starting with '{' needs quotes around it",
    "found unexpected end of stream": "a quote opened here is never closed",
    "could not find expected ':'": "a line is neither 'key: value' nor a list item; check indentation and quotes",
}


class YamlMapping(dict):  # type: ignore[type-arg]
    """A YAML file's top-level mapping that remembers the YAML nodes, to name lines in messages."""

    node: yaml.Node | None = None


def read_yaml(path: Path, root: Path) -> object:
    """The data in a YAML file, loaded safely; ProblemList with a plain message when it cannot be read."""
    rel = _rel(path, root)

    def fail(message: str, line: int | None = None) -> ProblemList:
        return ProblemList([InputProblem(rel, line, None, None, message)])

    size = path.stat().st_size
    if size > MAX_ASSET_BYTES:
        raise fail(f"is {size:,} bytes; the limit for a YAML file is {MAX_ASSET_BYTES:,} bytes")
    raw = path.read_bytes()
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise fail("is saved as UTF-16; save it as UTF-8")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise fail(
            f"has the byte 0x{raw[exc.start]:02X}, which is not UTF-8 text; save the file as UTF-8", line
        ) from None
    try:
        loader = _SafeLoader(text)  # its reader refuses control characters at once
    except yaml.reader.ReaderError as exc:
        line = text[: exc.position].count("\n") + 1
        raise fail(
            f"has the control character U+{exc.character:04X} at column "
            f"{exc.position - (text.rfind(chr(10), 0, exc.position) + 1) + 1}; remove it (YAML files "
            "cannot hold control characters)",
            line,
        ) from None
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except _Refused as exc:
        mark = exc.problem_mark
        raise ProblemList(
            [InputProblem(rel, mark.line + 1 if mark else None, exc.key, None, str(exc.problem))]
        ) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or str(exc)
        if problem == "found unexpected end of stream" and exc.context_mark is not None:
            mark = exc.context_mark
        where = f" at column {mark.column + 1}" if mark else ""
        raise fail(
            f"is not valid YAML{where}: {_YAML_PLAIN.get(problem, problem)}", mark.line + 1 if mark else None
        ) from None
    except (yaml.YAMLError, ValueError, OverflowError, RecursionError) as exc:
        raise fail(f"is not valid YAML: {exc}") from None
    finally:
        loader.dispose()
    if isinstance(data, dict):
        located = YamlMapping(data)
        located.node = node
        return located
    return data


def _rel(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root.parent))
    except ValueError:
        return str(path)


def _place(raw: object, loc: tuple[int | str, ...]) -> tuple[str, int | None]:
    """The key path of ``loc`` as shown to a user (list items named by their id) and its line in the file."""
    node = raw.node if isinstance(raw, YamlMapping) else None
    line = None
    data: object = raw
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
        data = _child(data, part)
        if isinstance(data, dict):
            label = data.get("id", data.get("name"))
            if isinstance(part, int) and isinstance(label, str):
                text += f" ({label})"
        node, found = _child_node(node, part)
        line = found or line
    return text, line


def key_line(raw: object, *loc: int | str) -> int | None:
    """The line of a key in a file read by read_yaml (None when it is not known)."""
    return _place(raw, loc)[1]


def _child(data: object, part: int | str) -> object:
    if isinstance(data, list) and isinstance(part, int) and 0 <= part < len(data):
        return data[part]
    if isinstance(data, dict):
        return data.get(part, data.get(str(part)))
    return None


def _child_node(node: yaml.Node | None, part: int | str) -> tuple[yaml.Node | None, int | None]:
    """The YAML node of ``part`` inside ``node`` and the line a user would look at (the key's line)."""
    if isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
        child = node.value[part]
        return child, child.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if str(key.value) == str(part):
                return value, key.start_mark.line + 1
    return None, None


def _model_keys(model: type[BaseModel], loc: tuple[int | str, ...]) -> list[str]:
    """The keys a model allows at ``loc`` (for a did-you-mean on a misspelt key)."""
    current: object = model
    for part in loc:
        if isinstance(part, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return []
        if part not in current.model_fields:
            return []
        current = _inner_model(current.model_fields[part].annotation)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return list(current.model_fields)
    return []


def _inner_model(annotation: object) -> object:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


def parse_model(model: type[M], raw: object, path: Path, root: Path) -> M:
    rel = _rel(path, root)
    if raw is None:
        raise ProblemList([InputProblem(rel, None, None, None, "is empty; expected 'key: value' lines")])
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        problems = []
        for err in _union_as_one(exc.errors()):
            loc = tuple(err["loc"])
            key, line = _place(raw, loc)
            message = plain_validation_message(err)
            value = _short(err.get("input"))
            if err["type"] == "extra_forbidden":
                value = None
                allowed = _model_keys(model, loc[:-1])
                close = difflib.get_close_matches(str(loc[-1]), allowed, n=1)
                if close:
                    message += f" (did you mean '{close[0]}'?)"
                elif allowed:
                    message += "; expected one of " + ", ".join(allowed)
            elif err["type"] == "missing":
                value = None
                line = _place(raw, loc[:-1])[1] if len(loc) > 1 else None
            problems.append(InputProblem(rel, line, key or None, value, message))
        raise ProblemList(problems) from None


_KINDS = {
    "str": "text",
    "int": "a whole number",
    "float": "a number",
    "bool": "true or false",
    "list[str]": "a list of text",
    "list[int]": "a list of whole numbers",
}


def _union_as_one(errors: list) -> list:  # type: ignore[type-arg]
    """Pydantic reports a value that fits none of several kinds once per kind; a user needs one message."""
    by_place: dict[tuple[object, ...], list] = {}  # type: ignore[type-arg]
    for err in errors:
        loc = tuple(err["loc"])
        if loc and isinstance(loc[-1], str) and loc[-1] in _KINDS:
            by_place.setdefault(loc[:-1], []).append(err)
    merged, done = [], set()
    for err in errors:
        loc = tuple(err["loc"])
        group = by_place.get(loc[:-1]) if loc else None
        if group and len(group) > 1 and err in group:
            if loc[:-1] not in done:
                done.add(loc[:-1])
                kinds = [_KINDS[str(e["loc"][-1])] for e in group]
                merged.append(
                    {
                        "type": "value_error",
                        "loc": loc[:-1],
                        "input": err.get("input"),
                        "msg": "is not one of the kinds of value accepted here: "
                        + ", ".join(kinds[:-1])
                        + f" or {kinds[-1]}",
                    }
                )
            continue
        merged.append(err)
    return merged


def _short(value: object) -> str | None:
    if isinstance(value, dict | list):
        return None
    return shown(value) if value is not None else None


def _files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())


def playbook_files(root: Path) -> list[Path]:
    """Every file of the playbook, in the order load_playbook reads them."""
    framework = root / "framework"
    return [
        framework / "categories.yaml",
        framework / "scoring.yaml",
        framework / "network.yaml",
        root / "challenges.yaml",
        *_files(framework / "dimensions"),
        *_files(root / "mitigations"),
        *_files(root / "clauses"),
        root / "launch_plan" / "seed.yaml",
    ]


def playbook_fingerprint(root: Path) -> str:
    """A content hash of the playbook's files (names and bytes); cheap, no validation."""
    digest = hashlib.sha256()
    for path in playbook_files(root):
        if path.is_file():
            digest.update(str(path.relative_to(root)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


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
            problems.append(InputProblem(_rel(path, root), None, None, None, "is missing"))
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
    network = load(NetworkConfig, framework / "network.yaml") if (framework / "network.yaml").is_file() else None
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
        fingerprint=playbook_fingerprint(root),
        network=network or NetworkConfig(),
    )
    _cross_check(playbook, dimension_files, mitigation_files, clause_files, root, problems, raws)
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
    raws: dict[Path, object],
) -> None:
    """References between files: every id used is defined once; every clause template can be read."""
    types = set(pb.alliance_type_ids)
    challenge_ids = set(pb.challenge_by_id)
    dims = set(pb.dimension_by_id)
    clause_ids = {c.id for c in pb.clauses}
    not_a_type = "is not an alliance type; expected one of " + ", ".join(pb.alliance_type_ids)

    def add(path: Path, loc: tuple[int | str, ...], value: str | None, message: str) -> None:
        key, line = _place(raws.get(path), loc)
        problems.append(InputProblem(_rel(path, root), line, key, shown(value) if value else None, message))

    def first_place(path: Path, loc: tuple[int | str, ...]) -> str:
        key, line = _place(raws.get(path), loc)
        return f"{_rel(path, root)}, line {line}" if line else f"{_rel(path, root)}, {key}"

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

    task_ids: set[str] = set()
    ws_ids = {w.id for w in pb.launch_plan.workstreams}
    for w in pb.launch_plan.workstreams:
        task_ids.update(t.id for t in w.tasks)
    seed_path = root / "launch_plan" / "seed.yaml"
    for wi, w in enumerate(pb.launch_plan.workstreams):
        for ti, t in enumerate(w.tasks):
            for di, dep in enumerate(t.depends_on):
                if dep not in task_ids:
                    loc = ("workstreams", wi, "tasks", ti, "depends_on", di)
                    add(seed_path, loc, dep, "is not a task id")

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
            for ti, task in enumerate(m.tasks):
                if task.workstream not in ws_ids:
                    add(
                        path,
                        (*key, "tasks", ti, "workstream"),
                        task.workstream,
                        "is not a workstream id in assets/launch_plan/seed.yaml",
                    )
                for di, dep in enumerate(task.depends_on):
                    if dep not in task_ids and dep not in own_tasks:
                        add(path, (*key, "tasks", ti, "depends_on", di), dep, "is not a task id")

    seen_c: dict[str, str] = {}
    templates = SandboxedEnvironment(undefined=StrictUndefined)
    for path, cfile in clause_files:
        for i, c in enumerate(cfile.clauses):
            key = ("clauses", i)
            if c.id in seen_c:
                add(path, (*key, "id"), c.id, f"is defined twice (first in {seen_c[c.id]})")
            seen_c.setdefault(c.id, first_place(path, (*key, "id")))
            for j, t in enumerate(c.baseline_for):
                if t not in types:
                    add(path, (*key, "baseline_for", j), t, not_a_type)
            for j, other in enumerate(c.excludes):
                if other not in clause_ids or other == c.id:
                    add(path, (*key, "excludes", j), other, "is not the id of another clause in assets/clauses/")
            try:
                templates.parse(c.template)
            except TemplateSyntaxError as exc:
                add(
                    path,
                    (*key, "template"),
                    None,
                    f"cannot be used: {exc.message} (on line {exc.lineno} of the template); "
                    "names go in {{ name }} and blocks in {% ... %}",
                )
