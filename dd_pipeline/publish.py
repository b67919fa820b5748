"""A deal's output files change all at once or not at all.

Each run writes a deal's files into its own staging folder, outputs/.staging/<deal_id>.<run_id>/, which starts
as hard links to the published files. After the run is recorded in the history tables, the staging folder
takes the place of outputs/<deal_id>/ in one rename (an atomic exchange of the two folders where the system
offers it, otherwise two renames that the next run completes or undoes). A run that fails or is killed before
that point leaves outputs/<deal_id>/ exactly as it was; its staging folder is removed by a later run.

A clean-team deal does the same under its clean-team root (Settings.deal_outputs): <root>/.staging/ and
<root>/<deal_id>/, so that nothing of it passes through the shared outputs folder.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import shutil
import socket
from pathlib import Path

from dd_pipeline.outputs import _running, sync_folder
from dd_pipeline.settings import Settings

STAGING = ".staging"
OWNER = ".owner"  # the process id of the run writing the staging folder
OLD = ".old"  # suffix of a published folder set aside during a two-rename swap
RECORDED = ".recorded"  # written into the staging folder once the run is in the history tables


def staging_root(settings: Settings, deal_id: str | None = None) -> Path:
    """outputs/.staging/, or the deal's: <clean-team root>/.staging/ for a clean-team deal."""
    return (settings.outputs_root(deal_id) if deal_id is not None else settings.outputs_dir) / STAGING


def staging_roots(settings: Settings) -> list[Path]:
    """Every staging folder a run may have left: the shared one, then those of the clean-team roots."""
    from dd_pipeline.clean_team import clean_team_roots
    from dd_pipeline.names import deal_ids

    return [staging_root(settings), *(root / STAGING for root in clean_team_roots(settings, deal_ids(settings)))]


def staging_dir(settings: Settings, deal_id: str, run_id: str) -> Path:
    return staging_root(settings, deal_id) / f"{deal_id}.{run_id}"


def stage(settings: Settings, deal_id: str, run_id: str) -> Path:
    """The run's staging folder for the deal, created on first use with links to the published files (a
    run that writes only some files publishes them together with the others as they were)."""
    folder = staging_dir(settings, deal_id, run_id)
    if (folder / OWNER).is_file():
        return folder
    recover(settings, deal_id)
    folder.mkdir(parents=True, exist_ok=True)
    published = settings.deal_outputs(deal_id)
    if published.is_dir():
        for path in sorted(published.iterdir()):
            if path.is_file() and not path.name.startswith("."):
                target = folder / path.name
                target.unlink(missing_ok=True)
                try:
                    os.link(path, target)  # writers replace files by rename, so the published inode stays
                except OSError:
                    shutil.copy2(path, target)
            elif path.is_dir() and not path.name.startswith(".") and not (folder / path.name).exists():
                # folders the run does not write (the packs of dd-pipeline share) stay as they were
                shutil.copytree(path, folder / path.name, copy_function=_link_or_copy)
    (folder / OWNER).write_text(f"{os.getpid()} {socket.gethostname()}", encoding="utf-8")
    return folder


def _link_or_copy(source: str, target: str) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def _owner_running(folder: Path) -> bool:
    """True while the process that writes the staging folder runs. Outputs on shared storage can be written
    from several machines: another machine's process cannot be looked at from here, so it counts as running
    (that machine's next command finishes or removes its folder)."""
    try:
        pid, _, host = (folder / OWNER).read_text(encoding="utf-8").strip().partition(" ")
    except OSError:
        return False
    if host and host != socket.gethostname():
        return True
    return pid.isdigit() and _running(int(pid))


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> bool:
    """Swap two folders in one step (Linux renameat2); False where the system cannot."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    error = ctypes.get_errno()
    if error in (22, 38, 95):  # EINVAL, ENOSYS, EOPNOTSUPP: the file system cannot exchange
        return False
    raise OSError(error, os.strerror(error), str(b))


def publish(settings: Settings, deal_id: str, run_id: str) -> Path:
    """Put the run's staging folder in the place of outputs/<deal_id>/; the old set is then removed."""
    return _swap(staging_dir(settings, deal_id, run_id), settings.deal_outputs(deal_id))


def _swap(folder: Path, target: Path) -> Path:
    """Put the staging folder ``folder`` in the place of the published folder ``target``."""
    (folder / OWNER).unlink(missing_ok=True)  # from here on, a later run may finish the publication
    sync_folder(folder)
    if target.is_dir() and _exchange(folder, target):
        shutil.rmtree(folder, ignore_errors=True)  # now the previous set
    else:
        aside = folder.with_name(folder.name + OLD)
        if target.is_dir():
            os.rename(target, aside)
        os.rename(folder, target)
        shutil.rmtree(aside, ignore_errors=True)
    sync_folder(target.parent)
    (target / RECORDED).unlink(missing_ok=True)
    return target


def mark_recorded(settings: Settings, deal_id: str, run_id: str) -> None:
    """Note in the staging folder that its run is in the history: from now on it is published, not dropped."""
    (staging_dir(settings, deal_id, run_id) / RECORDED).write_text(run_id, encoding="ascii")


def is_recorded(settings: Settings, deal_id: str, run_id: str) -> bool:
    folder = _staged(settings, deal_id, run_id)
    return folder is not None and (folder / RECORDED).is_file()


def _staged(settings: Settings, deal_id: str, run_id: str) -> Path | None:
    """The run's staging folder; None for a clean-team deal refused for want of a place (nothing was staged)."""
    from dd_pipeline.clean_team import CleanTeamRefused

    try:
        return staging_dir(settings, deal_id, run_id)
    except CleanTeamRefused:
        return None


def run_of(folder: Path) -> str | None:
    """The run id in a deal folder's run.json (the run its files come from), or None."""
    import json

    try:
        return str(json.loads((folder / "run.json").read_text(encoding="utf-8"))["run_id"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def discard(settings: Settings, deal_id: str, run_id: str) -> None:
    """Remove the staging folder of a run that did not finish; the published set stays as it was."""
    folder = _staged(settings, deal_id, run_id)
    if folder is not None:
        shutil.rmtree(folder, ignore_errors=True)


def staged_runs(settings: Settings) -> list[tuple[str, str]]:
    """(deal_id, run_id) of every staging folder whose run has ended."""
    return [run for root in staging_roots(settings) for run in _ended(root)]


def _ended(root: Path) -> list[tuple[str, str]]:
    if not root.is_dir():
        return []
    runs: list[tuple[str, str]] = []
    for p in sorted(root.iterdir()):
        if not p.name.endswith(OLD) and "." in p.name and not _owner_running(p):
            deal_id, run_id = p.name.split(".", 1)
            runs.append((deal_id, run_id))
    return runs


def _belongs(settings: Settings, deal_id: str, home: Path) -> bool:
    """Whether the deal's outputs belong in ``home`` now (its deal.yaml may have changed since the run)."""
    from dd_pipeline.clean_team import CleanTeamRefused

    try:
        return settings.outputs_root(deal_id).resolve() == home.resolve()
    except CleanTeamRefused:
        return False


def recover(
    settings: Settings,
    deal_id: str | None = None,
    committed: set[tuple[str, str]] | frozenset[tuple[str, str]] = frozenset(),
) -> list[str]:
    """Finish what a killed run left: a run killed after it was recorded (``committed``: its deal and run
    id are in the history) is published, unless the deal's outputs now belong elsewhere (it became a
    clean-team deal or left one); a set-aside folder whose swap did not complete is put back; the staging
    folders of other runs that no longer run are removed. Returns the deals published."""
    published = []
    for root in staging_roots(settings):
        if not root.is_dir():
            continue
        home = root.parent  # the staging folder's runs are published next to it, never anywhere else
        for deal, run_id in _ended(root):
            folder = root / f"{deal}.{run_id}"
            recorded = (deal, run_id) in committed and run_of(folder) == run_id
            if recorded and deal_id in (None, deal) and _belongs(settings, deal, home):
                _swap(folder, home / deal)
                published.append(deal)
        for entry in sorted(root.iterdir()):
            name = entry.name.removesuffix(OLD)
            deal = name.split(".", 1)[0]
            if deal_id is not None and deal != deal_id:
                continue
            target = home / deal
            if entry.name.endswith(OLD):
                if not target.exists():
                    os.rename(entry, target)
                else:
                    shutil.rmtree(entry, ignore_errors=True)
            elif not _owner_running(entry):
                shutil.rmtree(entry, ignore_errors=True)
    return published
