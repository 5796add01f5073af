"""YAML input files that remember where each value came from.

Every mapping and list loaded here knows its line, and the line of each key or
item, so that validation can name file, line and field for each problem.
Scalars stay plain: floats become Decimal (DynamoDB numbers are exact),
timestamps stay the text that was written (DynamoDB has no date type), and
`!!set` gives a set whose members DynamoDB would accept.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from ddbtool.errors import InputFileError, Problem
from ddbtool.gcpause import gc_paused
from ddbtool.limits import describe_type, set_member_problem
from ddbtool.values import parse_number
from ddbtool.yamlevents import NotPlain, load_plain
from ddbtool.yamltypes import YamlList, YamlMap

_BaseLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_BaseLoader):  # type: ignore[valid-type,misc]
    pass


_MERGE_TAG = "tag:yaml.org,2002:merge"


def _line(node: yaml.Node) -> int:
    return int(node.start_mark.line) + 1


def _construct_map(loader: yaml.SafeLoader, node: yaml.MappingNode) -> YamlMap:
    own = sum(1 for key_node, _ in node.value if key_node.tag != _MERGE_TAG)
    # Merge keys (`<<: *defaults`) put the merged pairs first; the mapping's own keys
    # override them, as YAML says, and only a repeated own key is a mistake.
    loader.flatten_mapping(node)
    merged = len(node.value) - own
    result = YamlMap()
    result.line = _line(node)
    result.key_lines = {}
    own_keys: set[Any] = set()
    for position, (key_node, value_node) in enumerate(node.value):
        key = loader.construct_object(key_node, deep=True)
        try:
            duplicate = key in own_keys
        except TypeError:
            raise yaml.constructor.ConstructorError(
                None, None, "a mapping key must be a plain value", key_node.start_mark
            ) from None
        if position >= merged:
            own_keys.add(key)
        if duplicate:
            raise yaml.constructor.ConstructorError(None, None, f"duplicate key {key!r}", key_node.start_mark)
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = _line(key_node)
    return result


def _construct_list(loader: yaml.SafeLoader, node: yaml.SequenceNode) -> YamlList:
    result = YamlList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = _line(node)
    result.item_lines = [_line(child) for child in node.value]
    return result


def _construct_decimal(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Decimal:
    try:
        return parse_number(str(loader.construct_scalar(node)))
    except ValueError as exc:
        raise yaml.constructor.ConstructorError(None, None, str(exc), node.start_mark) from None


def _construct_set(loader: yaml.SafeLoader, node: yaml.MappingNode) -> set[Any]:
    """`!!set {a, b}`: DynamoDB's string, number or binary set (its members checked as DynamoDB would)."""
    members = []
    for member_node, value_node in node.value:
        if loader.construct_object(value_node) is not None:
            raise yaml.constructor.ConstructorError(
                None, None, "a set lists values only: write `!!set {a, b}`", value_node.start_mark
            )
        members.append(loader.construct_object(member_node, deep=True))
    problem = set_member_problem(members)
    if problem:
        raise yaml.constructor.ConstructorError(None, None, problem, node.start_mark)
    return set(members)


def _construct_text(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> str:
    return str(loader.construct_scalar(node))


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_map)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_list)
_Loader.add_constructor("tag:yaml.org,2002:float", _construct_decimal)
_Loader.add_constructor("tag:yaml.org,2002:timestamp", _construct_text)
_Loader.add_constructor("tag:yaml.org,2002:set", _construct_set)


# Limits on every YAML file ddbtool reads. Aliases (`*name`) are expanded into
# copies when the data is used, so a small file of nested aliases (a "billion
# laughs") could stand for billions of values: refuse it before building anything.
MAX_YAML_BYTES = 64 * 1024 * 1024
MAX_ALIAS_NODES = 1_000_000  # values that aliases add, counted as if written out
MAX_DEPTH = 100  # nesting of lists and mappings; DynamoDB itself stores 32 levels


def load(path: Path) -> Any:
    """Load one YAML document, or raise InputFileError naming the file and line."""
    return load_text(_read(path), str(path))


def load_text(text: str, source: str) -> Any:
    """Load one YAML document from text (stdin, an option's value); `source` names it in errors."""
    with gc_paused():
        loader = _Loader(text)
        try:
            return load_plain(loader, MAX_DEPTH - 2)
        except NotPlain:
            pass  # anchors, tags, merge keys or an error: the full loader below
        finally:
            loader.dispose()
        return _load_full(text, source)


def _load_full(text: str, source: str) -> Any:
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _check_expansion(node, source)
        return loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = int(mark.line) + 1 if mark else None
        message = " ".join(part for part in (exc.context, exc.problem) if part)
        if "maximum nesting depth" in message:  # libyaml's own limit (PyYAML 6.0.4), far above ours
            message = f"nested more than {MAX_DEPTH} levels deep"
        raise InputFileError([Problem(source, line, "", f"YAML error: {message}")]) from None
    except yaml.YAMLError as exc:
        raise InputFileError([Problem(source, None, "", f"YAML error: {exc}")]) from None
    finally:
        loader.dispose()


def _read(path: Path) -> str:
    try:
        with path.open("rb") as stream:
            data = stream.read(MAX_YAML_BYTES + 1)
    except FileNotFoundError:
        raise InputFileError([Problem(str(path), None, "", "no such file")]) from None
    except OSError as exc:
        raise InputFileError([Problem(str(path), None, "", f"cannot read: {exc.strerror or exc}")]) from None
    if len(data) > MAX_YAML_BYTES:
        limit = MAX_YAML_BYTES // (1024 * 1024)
        message = f"larger than {limit} MiB, the most ddbtool reads from one YAML file; split it"
        raise InputFileError([Problem(str(path), None, "", message)])
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputFileError([Problem(str(path), None, "", f"cannot read: {exc}")]) from None


def _children(node: yaml.Node) -> list[tuple[yaml.Node, int]]:
    """A node's children, each with the line that uses it (an alias has no node of its own)."""
    if isinstance(node, yaml.MappingNode):
        return [(child, _line(key)) for key, value in node.value for child in (key, value)]
    if isinstance(node, yaml.SequenceNode):
        return [(child, _line(node)) for child in node.value]
    return []


def _check_expansion(root: yaml.Node, file: str) -> None:
    """Refuse recursive aliases, deep nesting, and aliases that add more than MAX_ALIAS_NODES.

    Each node's expanded size is computed once, so this takes time in proportion
    to the file, not to what its aliases stand for.
    """

    def refuse(line: int, message: str) -> InputFileError:
        return InputFileError([Problem(file, line, "", f"YAML error: {message}")])

    sizes: dict[int, int] = {}
    open_nodes = {id(root)}
    added = 0
    # Depth-first without recursion: [node, its children, next child, expanded size so far].
    stack: list[list[Any]] = [[root, _children(root), 0, 1]]
    while stack:
        frame = stack[-1]
        node, children, index = frame[0], frame[1], frame[2]
        if index == len(children):
            stack.pop()
            open_nodes.discard(id(node))
            sizes[id(node)] = frame[3]
            if stack:
                stack[-1][3] += frame[3]
            continue
        frame[2] += 1
        child, line = children[index]
        if id(child) in open_nodes:
            raise refuse(
                line, "an alias refers to a list or mapping that contains it; DynamoDB cannot store that"
            )
        if id(child) in sizes:  # reached again: an alias
            added += sizes[id(child)]
            frame[3] += sizes[id(child)]
            if added > MAX_ALIAS_NODES:
                raise refuse(
                    line,
                    f"aliases expand to more than {MAX_ALIAS_NODES:,} values, the most ddbtool "
                    "accepts in one file; write the data out or use fewer aliases",
                )
            continue
        if len(stack) >= MAX_DEPTH:
            raise refuse(line, f"nested more than {MAX_DEPTH} levels deep")
        open_nodes.add(id(child))
        stack.append([child, _children(child), 0, 1])


def yaml_files(folder: Path) -> list[Path]:
    """Every `*.yaml` / `*.yml` file in `folder`, sorted."""
    return sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")])


def line_of(container: Any, key: Any = None) -> int | None:
    """The line of `container[key]` (or of the container itself), if known."""
    if isinstance(container, YamlMap):
        return container.key_lines.get(key, container.line) if key is not None else container.line
    if isinstance(container, YamlList):
        if isinstance(key, int) and 0 <= key < len(container.item_lines):
            return container.item_lines[key]
        return container.line
    return None


@dataclass
class Checker:
    """Collects every problem in a file instead of stopping at the first."""

    file: str
    problems: list[Problem] = field(default_factory=list)

    def add(self, line: int | None, path: str, message: str) -> None:
        self.problems.append(Problem(self.file, line, path, message))

    def mapping(
        self,
        value: Any,
        path: str,
        line: int | None,
        *,
        allowed: Iterable[str],
        required: Iterable[str] = (),
    ) -> YamlMap | None:
        """Check that `value` is a mapping with only `allowed` keys and every `required` one."""
        if not isinstance(value, YamlMap):
            self.add(line, path, f"expected a mapping, found {describe_type(value)}")
            return None
        allowed = list(allowed)
        for key in value:
            if key not in allowed:
                near = difflib.get_close_matches(str(key), allowed, n=1)
                hint = f"; did you mean {near[0]!r}?" if near else f"; expected one of {allowed}"
                self.add(value.key_lines[key], join(path, str(key)), f"unknown field{hint}")
        for key in required:
            if value.get(key) is None:
                self.add(value.line, join(path, key), "missing; this field is required")
        return value

    def text(self, container: Any, key: str, path: str) -> str | None:
        """A non-empty string field, or None after recording why not."""
        value = container.get(key)
        if isinstance(value, str) and value.strip():
            return value
        if value is not None:
            self.add(line_of(container, key), join(path, key), "expected text")
        return None

    def raise_if_any(self) -> None:
        if self.problems:
            raise InputFileError(self.problems)


def join(path: str, key: str | int) -> str:
    """Extend a field path: `join("indexes[0]", "name")` is `indexes[0].name`."""
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key
