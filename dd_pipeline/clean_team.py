"""Clean-team deals: where a deal run by a clean team writes its outputs, decided in this one place.

A deal whose deal.yaml says ``clean_team: true`` keeps every output file under its clean-team root and nothing
under the shared outputs folder. The root is deal.yaml's ``clean_team_outputs`` or, when that is not given, the
folder named by the DD_CLEAN_TEAM_ROOT setting. The root must exist and lie outside the shared outputs and
inputs folders. The deal's files then go to ``<root>/<deal_id>/``, the staging folder of its runs is
``<root>/.staging/`` and its dashboard's plotly.min.js is ``<root>/plotly.min.js``. A clean-team deal with
no usable root is refused: it is never written to the shared outputs folder instead (docs/clean-team.md).

Standard library and PyYAML only: the quick path of a rerun with nothing to do reads it too.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Protocol

import yaml

from dd_pipeline.errors import InputProblem, ProblemList
from dd_pipeline.errors import shown as quoted


class Settings(Protocol):
    """The folders this module reads from the settings (dd_pipeline.settings.Settings, which asks this module
    where a deal's outputs go and so is not imported here)."""

    @property
    def inputs_dir(self) -> Path: ...
    @property
    def outputs_dir(self) -> Path: ...
    @property
    def clean_team_root(self) -> Path | None: ...
    def deal_dir(self, deal_id: str) -> Path: ...


ROOT_SETTING = "DD_CLEAN_TEAM_ROOT"
FLAG = "clean_team"
OUTPUTS = "clean_team_outputs"
_MAX_BYTES = 2_000_000


class CleanTeamRefused(ProblemList):
    """A clean-team deal with no safe place for its outputs (the problem says what to set)."""


@dataclass(frozen=True)
class _Declared:
    readable: bool  # deal.yaml could be read as 'key: value' lines
    mentions: bool  # the file names a clean-team key at all (also when it cannot be read)
    flag: object = False  # clean_team as written (False when absent)
    has_flag: bool = False
    outputs: object = None  # clean_team_outputs as written (None when absent)


def _read(path: Path) -> _Declared:
    try:
        stat = path.stat()
    except OSError:
        return _Declared(False, False)
    return _read_cached(str(path), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=8192)
def _read_cached(path: str, mtime_ns: int, size: int) -> _Declared:
    """What deal.yaml says about the clean team, read again whenever the file changes. A file that does not
    name clean_team is not parsed (a portfolio of many deals reads them all); the intake checks that the deal
    it accepts agrees with this (clean_team_problems)."""
    try:
        raw = Path(path).read_bytes()[:_MAX_BYTES]
    except OSError:
        return _Declared(False, False)
    mentions = FLAG.encode() in raw
    if not mentions:
        return _Declared(True, False)
    try:
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        doc = yaml.load(raw.decode("utf-8-sig"), Loader=loader) if size <= _MAX_BYTES else None  # noqa: S506
    except (yaml.YAMLError, UnicodeDecodeError, ValueError, RecursionError):
        doc = None
    if not isinstance(doc, dict):
        return _Declared(False, mentions)
    return _Declared(True, mentions, doc.get(FLAG, False), FLAG in doc, doc.get(OUTPUTS))


def declares_clean_team(settings: Settings, deal_id: str) -> bool:
    """Whether the deal's deal.yaml makes, or may make, it a clean-team deal: any value of clean_team but
    false, any clean_team_outputs, or a file that cannot be read but names clean_team. The shared pages leave
    such a deal out even while its deal.yaml is being corrected."""
    found = _read(settings.deal_dir(deal_id) / "deal.yaml")
    if not found.readable:
        return found.mentions
    return found.flag is not False or found.outputs is not None


def clean_team_root(settings: Settings, deal_id: str) -> Path | None:
    """The clean-team root of the deal, or None for a deal whose outputs go to the shared outputs folder.

    Raises CleanTeamRefused when deal.yaml makes the deal a clean-team deal but gives it no usable root.
    A deal.yaml that cannot be read at all makes no clean-team deal here; the intake refuses such a deal, so
    nothing of it is written anywhere."""
    path = settings.deal_dir(deal_id) / "deal.yaml"
    found = _read(path)
    if not found.readable or (found.flag is False and found.outputs is None):
        return None
    where = _display(path, settings)

    def refuse(field: str, value: object, message: str, file: str = where) -> CleanTeamRefused:
        return CleanTeamRefused([InputProblem(file, None, field, None if value is None else quoted(value), message)])

    if found.flag is not True:
        if found.flag is False:
            raise refuse(
                OUTPUTS,
                found.outputs,
                "is set, but clean_team is not true: add clean_team: true to run the deal as a clean-team deal "
                "(or remove clean_team_outputs)",
            )
        raise refuse(
            FLAG,
            found.flag,
            "is not true or false; write clean_team: true for a deal run by a clean team (its outputs are then "
            "kept out of the shared outputs folder) or clean_team: false",
        )
    if found.outputs is not None:
        if not isinstance(found.outputs, str) or not found.outputs.strip():
            raise refuse(OUTPUTS, found.outputs, "is not a folder path; expected the full path of a folder")
        root = Path(found.outputs)
        if not root.is_absolute():
            raise refuse(
                OUTPUTS,
                found.outputs,
                "is not an absolute path; expected the full path of the clean-team folder, such as "
                f"/srv/clean-team (the deal's outputs then go to /srv/clean-team/{deal_id}/)",
            )
        field, file = OUTPUTS, where
    elif settings.clean_team_root is not None:
        root = settings.clean_team_root
        field, file = ROOT_SETTING, "environment setting"
        if not root.is_absolute():
            raise refuse(field, str(root), "is not an absolute path; expected the full path of a folder", file)
    else:
        raise refuse(
            FLAG,
            True,
            "is set, but there is no folder for the deal's outputs: set clean_team_outputs in deal.yaml or the "
            f"environment setting {ROOT_SETTING} to a folder only the clean team can read (the outputs then go "
            f"to <folder>/{deal_id}/); a clean-team deal is never written to the shared outputs folder",
        )
    if not root.is_dir():
        raise refuse(
            field,
            str(root),
            f"does not exist or is not a folder; create it, readable only by the clean team of {deal_id}, "
            "and run again",
            file,
        )
    resolved = root.resolve()
    shared = settings.outputs_dir.resolve()
    if resolved == shared or resolved.is_relative_to(shared):
        raise refuse(
            field,
            str(root),
            f"is inside the shared outputs folder {settings.outputs_dir}; choose a folder outside it, readable "
            "only by the clean team",
            file,
        )
    if shared.is_relative_to(resolved / deal_id):
        raise refuse(
            field,
            str(root),
            f"would hold the shared outputs folder {settings.outputs_dir} in the deal's folder {deal_id}/; choose "
            "a folder outside the shared outputs",
            file,
        )
    if resolved.is_relative_to(settings.inputs_dir.resolve()):
        raise refuse(
            field,
            str(root),
            f"is inside the inputs folder {settings.inputs_dir}; choose a folder outside it, readable only by "
            "the clean team",
            file,
        )
    return root


def clean_team_roots(settings: Settings, deal_ids: list[str]) -> list[Path]:
    """The usable clean-team roots of ``deal_ids``, once each."""
    roots: dict[Path, Path] = {}
    for deal_id in deal_ids:
        try:
            root = clean_team_root(settings, deal_id)
        except CleanTeamRefused:
            continue
        if root is not None:
            roots.setdefault(root.resolve(), root)
    return list(roots.values())


def _display(path: Path, settings: Settings) -> str:
    base = settings.inputs_dir.parent
    return str(path.relative_to(base)) if path.is_relative_to(base) else str(path)


def clean_team_problems(settings: Settings, deal_id: str) -> list[InputProblem]:
    """Why a deal whose deal.yaml was read with clean_team: true cannot run: no usable root, or a folder of
    the deal left in the shared outputs folder from before (moved or deleted by hand, never by a run)."""
    try:
        root = clean_team_root(settings, deal_id)
    except CleanTeamRefused as exc:
        return list(exc.problems)
    if root is None:  # the model read clean_team: true where the quick read did not: never run it as shared
        path = settings.deal_dir(deal_id) / "deal.yaml"
        return [
            InputProblem(
                _display(path, settings),
                None,
                FLAG,
                None,
                "could not be read as a clean-team deal; write it as a plain line 'clean_team: true'",
            )
        ]
    left = settings.outputs_dir / deal_id
    if not left.exists():
        return []
    return [
        InputProblem(
            _display(left, settings),
            None,
            None,
            None,
            "holds outputs of this deal from before it was a clean-team deal; move the folder to "
            f"{root / deal_id} (or delete it) so that the shared outputs folder keeps nothing of the deal, "
            "and run again",
        )
    ]
