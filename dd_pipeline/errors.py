"""Problems with what a user gave us, described in plain words."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class InputProblem:
    """One problem: where it is (file, row, field), the value found, and what was expected."""

    file: str
    row: int | None
    field: str | None
    value: str | None
    message: str
    severity: str = "error"

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.field:
            where += f", {self.field}"
        found = f" {self.value}" if self.value not in (None, "") else ""
        return f"{where}:{found} {self.message}".strip()

    def as_dict(self) -> dict[str, object]:
        return {
            "file": self.file,
            "row": self.row,
            "field": self.field,
            "value": self.value,
            "message": self.message,
            "severity": self.severity,
        }


class ProblemList(Exception):
    """Raised when input cannot be used; carries every problem found, not just the first."""

    def __init__(self, problems: list[InputProblem]):
        self.problems = sorted(problems, key=lambda p: (p.file, p.row or 0, p.field or "", p.message))
        super().__init__("\n".join(str(p) for p in self.problems))
