"""Problems with what a user gave us, described in plain words.

Every problem reads ``<file>, row <n>, <column>: <value found> <what was expected>``; in YAML files the
place is a line and a key (``assets/clauses/10_governance.yaml, line 12, clauses[0] (governance_committees)
.template: ...``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

VALUE_SHOWN_CHARS = 80
_YAML_SUFFIXES = (".yaml", ".yml")


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
            where += f", {'line' if self.file.endswith(_YAML_SUFFIXES) else 'row'} {self.row}"
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


def shown(value: object) -> str:
    """A value as the user typed it, quoted, and cut short when it is long (a stray quote in a CSV file
    can turn the rest of the file into one cell)."""
    text = repr(value)
    if len(text) > VALUE_SHOWN_CHARS:
        text = text[: VALUE_SHOWN_CHARS - 4] + "...'"
    return text


# Patterns of dd_pipeline/models/ in words.
_PATTERNS = {
    r"^[a-z][a-z0-9_]{1,63}$": "expected an id of lowercase letters, digits and '_', starting with a letter",
    r"^C\d{2}$": "expected a challenge id such as C07",
    r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$": "expected letters, digits, '.', '-' or '_' (at most 40 characters)",
}


def plain_validation_message(err: Mapping[str, Any]) -> str:
    """What pydantic found wrong with one value, in the words of someone who edits the file by hand."""
    kind = str(err.get("type", ""))
    ctx = err.get("ctx") or {}
    message = str(err.get("msg", "is not valid"))
    if kind == "missing":
        return "is missing; it is required"
    if kind == "extra_forbidden":
        return "is not a known key"
    if kind in ("enum", "literal_error"):
        return f"is not allowed; expected one of {ctx.get('expected', '')}"
    if kind == "string_too_short":
        if ctx.get("min_length") == 1:
            return "is empty; a value is required"
        return f"is too short; expected at least {ctx.get('min_length')} characters"
    if kind == "string_too_long":
        return f"is too long; expected at most {ctx.get('max_length')} characters"
    if kind == "string_pattern_mismatch":
        pattern = str(ctx.get("pattern", ""))
        return "is not allowed; " + _PATTERNS.get(pattern, f"expected text matching {pattern}")
    if kind == "string_type":
        return "is not text; put it in quotes"
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return "is not a whole number"
    if kind in ("float_parsing", "float_type"):
        return "is not a number"
    if kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        bound = next(iter(ctx.values()), "")
        words = {
            "greater_than_equal": "at least",
            "greater_than": "more than",
            "less_than_equal": "at most",
            "less_than": "less than",
        }[kind]
        return f"is out of range; expected {words} {_number(bound)}"
    if kind.startswith("date") or kind.startswith("datetime"):
        return "is not a date; expected YYYY-MM-DD"
    if kind in ("bool_parsing", "bool_type"):
        return "is not yes or no; expected true or false"
    if kind in ("list_type", "tuple_type"):
        return "is not a list; expected a list such as [a, b] or lines starting with '- '"
    if kind in ("dict_type", "model_type", "model_attributes_type", "mapping_type"):
        return "is not a group of 'key: value' lines"
    if kind == "union_tag_invalid" or kind.startswith("union"):
        return "is not a value of the expected kind"
    if kind == "value_error":
        return message.removeprefix("Value error, ")
    if kind == "assertion_error":
        return message.removeprefix("Assertion failed, ")
    return message


def _number(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
