"""A table's design in its definition: `entities` and `access_patterns`, parsed and linted.

Every problem is recorded against file, line and field (the README lists the
checks); an index that no pattern uses is a warning, not an error.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ddbtool.errors import Problem
from ddbtool.tables.keyfields import DesignTable, key_mapping, key_template, named_entries
from ddbtool.tables.patterndefs import parse_patterns
from ddbtool.tables.patterns import AccessPattern
from ddbtool.tables.spec import IndexSpec, KeySchema
from ddbtool.tables.templates import Template, overlap_all
from ddbtool.yamlfile import Checker, join, line_of
from ddbtool.yamltypes import YamlMap

ENTITY_FIELDS = ("key", "indexes", "attributes")
ATTRIBUTE_TYPES = ("S", "N", "B", "BOOL", "SS", "NS", "BS", "M", "L")

KeyTemplates = tuple[tuple[str, Template], ...]  # key attribute -> template, partition first


@dataclass(frozen=True)
class Entity:
    """One kind of item: the templates of its table key and of its index keys, and its attributes."""

    name: str
    key: KeyTemplates
    indexes: tuple[tuple[str, KeyTemplates], ...] = ()
    attributes: tuple[tuple[str, str], ...] = ()  # declared types, optional

    def templates(self) -> dict[str, Template]:
        """Every key attribute the entity's items carry, table key first, with its template."""
        found = dict(self.key)
        for _, key in self.indexes:
            for name, template in key:
                found.setdefault(name, template)
        return found

    def is_item(self, item: Mapping[str, Any]) -> bool:
        """Whether the item's table key has this entity's literal parts."""
        return all(isinstance(item.get(n), str) and t.matches(item[n]) for n, t in self.key if not t.whole)


@dataclass(frozen=True)
class Design:
    entities: tuple[Entity, ...] = ()
    patterns: tuple[AccessPattern, ...] = ()
    warnings: tuple[Problem, ...] = ()


def parse_design(
    check: Checker,
    doc: YamlMap,
    name: str,
    types: Mapping[str, str],
    key: KeySchema,
    indexes: list[IndexSpec],
) -> Design:
    """The entities and access patterns of a definition; problems go to `check`."""
    table = DesignTable(name, types, key, {index.name: index for index in indexes})
    entities = _entities(check, doc, table)
    patterns = parse_patterns(check, doc, table)
    warnings: list[Problem] = []
    if "access_patterns" in doc:
        used = {pattern.index for pattern in patterns}
        for index in indexes:
            if index.name not in used:
                warnings.append(
                    Problem(
                        check.file,
                        _index_line(doc, index.name),
                        "access_patterns",
                        f"no access pattern uses index {index.name!r}: declare the pattern that needs it, "
                        "or remove the index (it costs a write for every item it holds)",
                    )
                )
    return Design(tuple(entities), tuple(patterns), tuple(warnings))


def _index_line(doc: YamlMap, name: str) -> int | None:
    for field in ("global_indexes", "local_indexes"):
        for item in doc.get(field) or []:
            if isinstance(item, dict) and item.get("name") == name:
                return line_of(item, "name")
    return line_of(doc, "access_patterns")


# --- entities -------------------------------------------------------------------------


def _entities(check: Checker, doc: YamlMap, table: DesignTable) -> list[Entity]:
    entities: list[Entity] = []
    for name, entry, path in named_entries(check, doc, "entities", "entity", ENTITY_FIELDS):
        attributes = _entity_attributes(check, entry, path)
        declared = dict(attributes) if "attributes" in entry else None
        key = _entity_key(
            check, entry.get("key"), join(path, "key"), line_of(entry, "key"), table, None, declared
        )
        indexes = []
        raw = entry.get("indexes")
        if raw is not None:
            mapping = check.mapping(
                raw, join(path, "indexes"), line_of(entry, "indexes"), allowed=list(table.indexes)
            )
            for index, templates in (mapping or {}).items():
                if index not in table.indexes:
                    continue  # reported by the mapping check, with the names it has
                where = join(join(path, "indexes"), str(index))
                built = _entity_key(
                    check, templates, where, line_of(mapping, index), table, index, declared, key
                )
                if built is not None:
                    indexes.append((str(index), built))
        if key is None:
            continue
        entity = Entity(name, key, tuple(indexes), tuple(attributes))
        for other in entities:
            if overlap_all([t for _, t in other.key], [t for _, t in key]):
                check.add(
                    line_of(entry, "key"),
                    join(path, "key"),
                    f"an item could be both {other.name} and {name}: make their keys' literal parts "
                    "differ (a prefix such as ORDER# or a fixed sort key)",
                )
        entities.append(entity)
    return entities


def _entity_attributes(check: Checker, entry: YamlMap, path: str) -> list[tuple[str, str]]:
    raw = entry.get("attributes")
    if raw is None:
        return []
    where = join(path, "attributes")
    mapping = check.mapping(
        raw, where, line_of(entry, "attributes"), allowed=list(raw) if isinstance(raw, dict) else ()
    )
    found = []
    for name, kind in (mapping or {}).items():
        if kind not in ATTRIBUTE_TYPES:
            check.add(
                line_of(mapping, name),
                join(where, str(name)),
                f"{kind!r} is not one of {', '.join(ATTRIBUTE_TYPES)}",
            )
        else:
            found.append((str(name), str(kind)))
    return found


def _entity_key(
    check: Checker,
    raw: Any,
    path: str,
    line: int | None,
    table: DesignTable,
    index: str | None,
    declared: Mapping[str, str] | None,
    table_key: KeyTemplates | None = None,
) -> KeyTemplates | None:
    """The templates of an entity's table key (or of one index's key), checked."""
    if raw is None:
        return None
    target = table.key_of(index)
    names = [n for n in (target.partition, target.sort) if n]
    mapping = key_mapping(check, raw, path, line, target, f"index {index!r}" if index else "the table")
    if mapping is None:
        return None
    built = dict(table_key or ())
    templates: list[tuple[str, Template]] = []
    ok = True
    for name in names:
        if name not in mapping:
            if name in built:
                continue  # the table's key builds it already (a local index's partition key, ...)
            what = f"index {index!r}" if index else "the table"
            check.add(mapping.line, join(path, name), f"missing: {what} is keyed by {' and '.join(names)}")
            ok = False
            continue
        template = key_template(
            check, mapping[name], line_of(mapping, name), join(path, name), table.types.get(name, "S")
        )
        if template is None:
            ok = False
            continue
        if name in built and built[name].text != template.text:
            check.add(
                line_of(mapping, name),
                join(path, name),
                f"{name} is the table's key, built as {built[name]}; give it once, under key",
            )
            ok = False
        for placeholder in (p for p in template.parts if not isinstance(p, str)):
            if declared is not None and placeholder.name not in declared:
                check.add(
                    line_of(mapping, name),
                    join(path, name),
                    f"unknown placeholder {{{placeholder.name}}}: declare it under attributes",
                )
                ok = False
            elif placeholder.width and declared is not None and declared.get(placeholder.name) != "N":
                check.add(
                    line_of(mapping, name),
                    join(path, name),
                    f"{{{placeholder}}} pads a number: declare {placeholder.name} as N",
                )
                ok = False
        templates.append((name, template))
    return tuple(templates) if ok else None
