"""The `key:` fields of entities and access patterns in a table definition.

Each names key attributes of the table or of one index and gives each a
template (templates.py); these helpers check the names against that key and
read the templates, recording every problem with its line and field.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ddbtool.tables.spec import IndexSpec, KeySchema
from ddbtool.tables.templates import Template, TemplateError, parse
from ddbtool.values import parse_number
from ddbtool.yamlfile import Checker, join, line_of
from ddbtool.yamltypes import YamlMap

_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")


@dataclass(frozen=True)
class DesignTable:
    """What the design's checks need of the table: its name, types, key and indexes."""

    name: str
    types: Mapping[str, str]
    key: KeySchema
    indexes: Mapping[str, IndexSpec]

    def key_of(self, index: str | None) -> KeySchema:
        return self.indexes[index].key if index else self.key


def named_entries(
    check: Checker, doc: YamlMap, field: str, kind: str, fields: tuple[str, ...]
) -> list[tuple[str, YamlMap, str]]:
    """The entries of the mapping `field`: (name, entry, path), each name checked."""
    raw = doc.get(field)
    if raw is None:
        return []
    section = check.mapping(
        raw, field, line_of(doc, field), allowed=list(raw) if isinstance(raw, dict) else ()
    )
    found = []
    for name, entry in (section or {}).items():
        path = join(field, str(name))
        if not isinstance(name, str) or not _NAME.fullmatch(name):
            check.add(
                line_of(section, name),
                path,
                f"a {kind} name is letters, digits, '_', '-' and '.', starting with a letter or digit",
            )
            continue
        mapping = check.mapping(entry, path, line_of(section, name), allowed=fields, required=("key",))
        if mapping is not None:
            found.append((name, mapping, path))
    return found


def key_mapping(
    check: Checker, raw: Any, path: str, line: int | None, target: KeySchema, what: str
) -> YamlMap | None:
    """A `key:` mapping whose names are all key attributes of the table or index `what`."""
    if not isinstance(raw, YamlMap):
        check.add(line, path, 'expected a mapping of key attribute to template, such as {pk: "ITEM#{id}"}')
        return None
    names = [n for n in (target.partition, target.sort) if n]
    wrong = False
    for name, value in raw.items():
        if name in names:
            continue
        wrong = True
        if target.sort is None and isinstance(value, YamlMap):
            message = f"{what} has no sort key, so there is nothing for a sort condition to work on"
        else:
            message = f"{name!r} is not a key attribute of {what}: its key is {' and '.join(names)}"
        check.add(line_of(raw, name), join(path, str(name)), message)
    return None if wrong else raw


def key_template(check: Checker, raw: Any, line: int | None, path: str, kind: str) -> Template | None:
    """One key value as a template: text (or a number, for N) with placeholders; None if not."""
    if isinstance(raw, (int, Decimal)) and not isinstance(raw, bool) and kind == "N":
        raw = str(raw)
    if not isinstance(raw, str) or not raw:
        check.add(line, path, "expected a template: text with {placeholders}, such as CUSTOMER#{customer_id}")
        return None
    try:
        template = parse(raw)
    except TemplateError as exc:
        check.add(line, path, str(exc))
        return None
    literal_number = kind == "N" and template.is_literal and _is_number(raw)
    if kind != "S" and template.whole is None and not literal_number:
        what = "a number (N)" if kind == "N" else "binary (B)"
        check.add(
            line, path, f"this key attribute is {what}: its template is one placeholder, such as {{value}}"
        )
        return None
    return template


def _is_number(text: str) -> bool:
    try:
        parse_number(text)
    except ValueError:
        return False
    return True
