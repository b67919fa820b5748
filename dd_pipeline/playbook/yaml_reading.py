"""Reading a YAML file safely, keeping the positions of its keys for messages."""

from __future__ import annotations

from pathlib import Path

import yaml

from dd_pipeline.errors import InputProblem, ProblemList

MAX_ASSET_BYTES = 2_000_000


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


class YamlMapping(dict):
    """A YAML file's top-level mapping that remembers the YAML nodes, to name lines in messages."""

    node: yaml.Node | None = None


def read_yaml(path: Path, root: Path) -> object:
    """The data in a YAML file, loaded safely; ProblemList with a plain message when it cannot be read."""
    rel = rel_path(path, root)

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


def rel_path(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root.parent))
    except ValueError:
        return str(path)
