"""Shared pieces of every file model: identifiers, text and date checks, the strict base model."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    StringConstraints,
)

from dd_pipeline.names import DEAL_ID_PATTERN as DEAL_ID_PATTERN  # re-exported: models name it

Identifier = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{1,63}$")]
ParameterValue = str | int | float | list[str] | list[int]

# Dates the outputs can hold: a launch plan adds business days to them, a calendar writes them.
EARLIEST_DATE = dt.date(1900, 1, 1)
LATEST_DATE = dt.date(2200, 12, 31)
_LINE_BREAKS = "\n\r\u2028\u2029\x85"


def control_character(text: str, multiline: bool = False) -> str | None:
    """The first character of ``text`` that no output can hold as text (a C0 or C1 control character, DEL,
    a line or paragraph separator, an unpaired surrogate, a non-character), described; None if there is none.
    Multi-line fields (notes, comments, descriptions) may hold tabs and line breaks."""
    for position, char in enumerate(text, start=1):
        code = ord(char)
        if multiline and char in "\t\n\r":
            continue
        if (
            code < 0x20
            or 0x7F <= code <= 0x9F
            or char in _LINE_BREAKS
            or 0xD800 <= code <= 0xDFFF
            or code in (0xFFFE, 0xFFFF)
        ):
            kind = "a line break" if char in _LINE_BREAKS else "a tab" if char == "\t" else "a control character"
            return f"{kind} (U+{code:04X}) at character {position}"
    return None


def _single_line(value: str) -> str:
    found = control_character(value)
    if found:
        raise ValueError(f"has {found}; write it on one line without control characters")
    return value


def _multi_line(value: str) -> str:
    found = control_character(value, multiline=True)
    if found:
        raise ValueError(f"has {found}; remove it (only tabs and line breaks are allowed in this text)")
    return value


def _not_blank(value: str) -> str:
    _single_line(value)
    if not value.strip():
        raise ValueError("is blank; a name is required")
    return value


def _sane_date(value: dt.date) -> dt.date:
    if not EARLIEST_DATE <= value <= LATEST_DATE:
        raise ValueError(f"is out of range; expected a date from {EARLIEST_DATE} to {LATEST_DATE}")
    return value


Line = Annotated[str, AfterValidator(_single_line)]
Text = Annotated[str, AfterValidator(_multi_line)]
Name = Annotated[str, AfterValidator(_not_blank)]
SaneDate = Annotated[dt.date, AfterValidator(_sane_date)]


class Strict(BaseModel):
    """Base for file models: unknown keys are mistakes, not silently ignored."""

    model_config = ConfigDict(extra="forbid", frozen=True)
