"""Where a problem lies: the key path and line of a value, and a model's errors in plain words."""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import TypeVar, get_args

import yaml
from pydantic import BaseModel, ValidationError

from dd_pipeline.errors import InputProblem, ProblemList, plain_validation_message, shown
from dd_pipeline.playbook.yaml_reading import YamlMapping, rel_path

M = TypeVar("M", bound=BaseModel)


def place(raw: object, loc: tuple[int | str, ...]) -> tuple[str, int | None]:
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
    return place(raw, loc)[1]


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


def parse_model(model: type[M], raw: object, path: Path, root: Path, context: dict[str, object] | None = None) -> M:
    """``raw`` (from read_yaml) as ``model``; ``context`` reaches the model's validators (a deal is read with
    its playbook's GovernanceFile.context())."""
    rel = rel_path(path, root)
    if raw is None:
        raise ProblemList([InputProblem(rel, None, None, None, "is empty; expected 'key: value' lines")])
    try:
        return model.model_validate(raw, context=context)
    except ValidationError as exc:
        problems = []
        for err in _union_as_one(exc.errors()):
            loc = tuple(err["loc"])
            key, line = place(raw, loc)
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
                line = place(raw, loc[:-1])[1] if len(loc) > 1 else None
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


def _union_as_one(errors: list) -> list:
    """Pydantic reports a value that fits none of several kinds once per kind; a user needs one message."""
    by_place: dict[tuple[object, ...], list] = {}
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
