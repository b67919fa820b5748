"""The corpus of bad inputs in tests/cases/, and how a case is applied to a copy of the sample project.

A case is a folder in tests/cases/:
- files under inputs/... or assets/... replace or add to the project's files at the same path;
- remove.txt (optional) lists project files to delete, one per line;
- args.txt (optional) holds the arguments of `dd-pipeline validate` (default: --deal helix-jv; an empty
  file validates every deal);
- about.txt says in one line what the mistake is;
- expected.txt is exactly what `dd-pipeline validate` prints for it.
A few cases are generated (generated_cases below) because their files are too large to keep in the repository.
"""

from __future__ import annotations

import shlex
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sample_project import sample_file

from dd_pipeline.intake.tables import MAX_TABLE_BYTES, MAX_TABLE_ROWS
from dd_pipeline.playbook import MAX_ASSET_BYTES

CASES_DIR = Path(__file__).parent / "cases"
SPECIAL = {"remove.txt", "args.txt", "about.txt", "expected.txt"}
DEFAULT_ARGS = ["--deal", "helix-jv"]
ANSWER_HEADER = "respondent_id,respondent_side,division,level,rated_side,dimension,value,comment\n"


@dataclass(frozen=True)
class Case:
    name: str
    folder: Path | None  # None for a generated case
    args: list[str]
    expected: list[str]
    generate: Callable[[Path], None] | None = None

    def apply(self, root: Path) -> Callable[[], None]:
        """Change the project at ``root`` as the case says; returns a function that undoes the change."""
        saved: dict[Path, bytes | None] = {}

        def keep(path: Path) -> None:
            if path not in saved:
                saved[path] = path.read_bytes() if path.is_file() else None

        if self.folder is not None:
            for source in sorted(p for p in self.folder.rglob("*") if p.is_file()):
                rel = source.relative_to(self.folder)
                if len(rel.parts) == 1 and rel.name in SPECIAL:
                    continue
                target = root / rel
                keep(target)
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(source.read_bytes())
            removal = self.folder / "remove.txt"
            if removal.is_file():
                for line in removal.read_text(encoding="utf-8").splitlines():
                    if line.strip():
                        target = root / line.strip()
                        keep(target)
                        target.unlink()
        if self.generate is not None:
            before = {p: p.read_bytes() for p in root.rglob("*") if p.is_file() and "outputs" not in p.parts}
            self.generate(root)
            after = {p for p in root.rglob("*") if p.is_file() and "outputs" not in p.parts}
            saved.update({p: None for p in after - set(before)})
            saved.update({p: data for p, data in before.items() if p.read_bytes() != data})

        def undo() -> None:
            for path, data in saved.items():
                if data is None:
                    path.unlink(missing_ok=True)
                else:
                    path.parent.mkdir(parents=True, exist_ok=True)
                    path.write_bytes(data)
            for path in saved:  # folders a case created
                parent = path.parent
                while parent != root and parent.is_dir() and not any(parent.iterdir()):
                    parent.rmdir()
                    parent = parent.parent

        return undo


def _oversized_answers() -> bytes:
    row = "P20,partner,Manufacturing,middle,partner,decision_style,2,\n"
    return (ANSWER_HEADER + row * (MAX_TABLE_BYTES // len(row) + 10)).encode()


def _too_many_rows() -> bytes:
    row = "P20,partner,Manufacturing,middle,partner,decision_style,2,\n"
    return (ANSWER_HEADER + row * (MAX_TABLE_ROWS + 1)).encode()


def _oversized_deal_yaml() -> bytes:
    text = sample_file("deals/helix-jv/deal.yaml").read_text(encoding="utf-8")
    filler = "# " + "x" * 98 + "\n"
    return (text + filler * (MAX_ASSET_BYTES // len(filler) + 10)).encode()


def _generated(name: str, path: str, content: Callable[[], bytes], message: str) -> Case:
    """A case whose one file is made here; ``message`` gets the file's size in place of {size}."""
    data = content()

    def generate(root: Path) -> None:
        (root / path).write_bytes(data)

    expected = [
        "helix-jv: 1 problem",
        f"  x {path}: " + message.format(size=f"{len(data):,}"),
        "1 of 1 deal(s) have input problems; nothing was run.",
    ]
    return Case(name, None, DEFAULT_ARGS, expected, generate)


def generated_cases() -> list[Case]:
    return [
        _generated(
            "answers_oversized",
            "inputs/deals/helix-jv/answers_late.csv",
            _oversized_answers,
            f"is {{size}} bytes; the limit is {MAX_TABLE_BYTES:,} bytes: split it into several files",
        ),
        _generated(
            "answers_too_many_rows",
            "inputs/deals/helix-jv/answers_late.csv",
            _too_many_rows,
            f"has more than {MAX_TABLE_ROWS:,} rows; split it into several files",
        ),
        _generated(
            "deal_yaml_oversized",
            "inputs/deals/helix-jv/deal.yaml",
            _oversized_deal_yaml,
            f"is {{size}} bytes; the limit for a YAML file is {MAX_ASSET_BYTES:,} bytes",
        ),
    ]


def load_cases() -> list[Case]:
    cases = []
    for folder in sorted(p for p in CASES_DIR.iterdir() if p.is_dir()):
        args_file = folder / "args.txt"
        args = shlex.split(args_file.read_text(encoding="utf-8")) if args_file.is_file() else DEFAULT_ARGS
        expected = (folder / "expected.txt").read_text(encoding="utf-8").splitlines()
        cases.append(Case(folder.name, folder, args, expected))
    return cases + generated_cases()
