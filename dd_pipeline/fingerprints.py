"""Content hashes of what a run reads and writes: inputs, the playbook's files, the tool's code, a deal's outputs.

Names and bytes, never modification times. Standard library only: deciding whether a deal needs a run must
be cheap enough for a rerun with nothing to do to return at once.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

import dd_pipeline

RUN_FILES = ("run.json", "changes.md", "index.html")  # a run's own files, left out of the output fingerprint


def fingerprint(*folders: Path) -> str:
    """A content hash of the files in ``folders`` (names and bytes, not modification times)."""
    digest = hashlib.sha256()
    for folder in folders:
        if not folder.is_dir():
            continue
        for path in sorted(p for p in folder.rglob("*") if p.is_file() and not p.name.startswith((".", "~$"))):
            digest.update(str(path.relative_to(folder)).encode())
            digest.update(b"\0")
            digest.update(path.read_bytes())
            digest.update(b"\0")
    return digest.hexdigest()[:16]


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
        framework / "governance.yaml",
        framework / "maturity.yaml",
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


@cache
def code_fingerprint() -> str:
    """A hash of the package's code and SQL: a new version of the tool reruns every deal."""
    digest = hashlib.sha256()
    root = Path(dd_pipeline.__file__).parent
    for path in sorted(p for p in root.rglob("*") if p.suffix in (".py", ".sql", ".j2", ".html", ".css")):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def output_fingerprint(folder: Path) -> str:
    """A hash of a deal's output files (names and bytes), leaving out the run's own files."""
    digest = hashlib.sha256()
    if folder.is_dir():
        for path in sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")):
            if path.name in RUN_FILES:
                continue
            digest.update(path.name.encode())
            digest.update(b"\0")
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]
