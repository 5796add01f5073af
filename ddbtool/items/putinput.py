"""Items to put, read from an argument, a file or stdin, and checked before the first write.

One JSON object; a JSON array of objects; JSON lines (one object a line); or
YAML (one mapping or a list of mappings, with `!!set` and `!!binary` for sets
and binary). Numbers keep every digit: they are never floats.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ddbtool.errors import InputFileError, Problem
from ddbtool.limits import item_problems
from ddbtool.values import from_json_text, from_yaml

# Files with these endings are YAML; anything else is JSON when it looks like JSON.
_YAML_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class InputItem:
    """One item and where it was written: `source` (a file, stdin, the argument) and line."""

    item: dict[str, Any]
    source: str
    line: int | None
    field: str

    def problem(self, message: str, field: str = "") -> Problem:
        return Problem(self.source, self.line, ".".join(p for p in (self.field, field) if p), message)


def read_items(text: str, source: str) -> list[InputItem]:
    """The items in `text`; InputFileError naming source, line and field for what is not an item."""
    stripped = text.lstrip()
    if source.endswith(_YAML_SUFFIXES) or not stripped.startswith(("{", "[")):
        return _yaml_items(text, source)
    try:
        document = from_json_text(text)
    except ValueError as whole:
        if not stripped.startswith("{"):
            raise _json_problem(whole, source, 0) from None
        return _json_lines(text, source)
    if isinstance(document, list):
        return [_item(entry, source, None, f"[{n}]") for n, entry in enumerate(document)]
    return [_item(document, source, _first_line(text), "")]


def _first_line(text: str) -> int:
    return text[: len(text) - len(text.lstrip())].count("\n") + 1


def _json_lines(text: str, source: str) -> list[InputItem]:
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            found.append(_item(from_json_text(line), source, number, ""))
        except ValueError as exc:
            raise _json_problem(exc, source, number - 1) from None
    return found


def _json_problem(exc: ValueError, source: str, offset: int) -> InputFileError:
    if isinstance(exc, json.JSONDecodeError):
        return InputFileError([Problem(source, offset + exc.lineno, "", f"not JSON: {exc.msg}")])
    return InputFileError([Problem(source, offset + 1 if offset else None, "", str(exc))])


def _yaml_items(text: str, source: str) -> list[InputItem]:
    from ddbtool import yamlfile

    document = yamlfile.load_text(text, source)
    entries = document if isinstance(document, list) else [document]
    return [
        _item(
            from_yaml(entry), source, yamlfile.line_of(entry), f"[{n}]" if isinstance(document, list) else ""
        )
        for n, entry in enumerate(entries)
    ]


def _item(value: Any, source: str, line: int | None, field: str) -> InputItem:
    if not isinstance(value, Mapping) or not value:
        raise InputFileError(
            [Problem(source, line, field, "an item is an object of attribute names and values")]
        )
    return InputItem(dict(value), source, line, field)


def check_items(items: list[InputItem], key_types: Mapping[str, str], table_key: tuple[str, ...]) -> None:
    """InputFileError naming every item DynamoDB would refuse, and keys given twice; call before writing."""
    problems: list[Problem] = []
    seen: dict[tuple[Any, ...], InputItem] = {}
    for entry in items:
        found = item_problems(entry.item, key_types, table_key)
        problems.extend(entry.problem(p.message, p.field) for p in found)
        if found:
            continue
        values = tuple(repr(entry.item[name]) for name in table_key)
        first = seen.setdefault(values, entry)
        if first is not entry:
            where = f"line {first.line}" if first.line else first.field or "an earlier item"
            problems.append(entry.problem(f"the same key as {where}: an item is put once"))
    if problems:
        raise InputFileError(problems)
