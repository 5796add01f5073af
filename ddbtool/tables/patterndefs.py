"""Access patterns as a table definition declares them: parsed into AccessPattern and linted."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from ddbtool.errors import Problem
from ddbtool.tables.keyfields import DesignTable, key_mapping, key_template, named_entries
from ddbtool.tables.patterns import SORT_CONDITIONS, AccessPattern, KeyPart
from ddbtool.yamlfile import Checker, join, line_of
from ddbtool.yamltypes import YamlList, YamlMap

if TYPE_CHECKING:
    from ddbtool.tables.spec import TableSpec

PATTERN_FIELDS = ("description", "index", "key", "newest_first", "limit")


def parse_patterns(check: Checker, doc: YamlMap, table: DesignTable) -> list[AccessPattern]:
    patterns = []
    for name, entry, path in named_entries(check, doc, "access_patterns", "pattern", PATTERN_FIELDS):
        pattern = _pattern(check, name, entry, path, table)
        if pattern is not None:
            patterns.append(pattern)
    return patterns


def _pattern(
    check: Checker, name: str, entry: YamlMap, path: str, table: DesignTable
) -> AccessPattern | None:
    before = len(check.problems)
    index = entry.get("index")
    if index is not None and index not in table.indexes:
        names = ", ".join(sorted(table.indexes)) or "none"
        check.add(
            line_of(entry, "index"),
            join(path, "index"),
            f"table {table.name!r} has no index {index!r} (its indexes: {names})",
        )
        return None
    target = table.key_of(index)
    where = join(path, "key")
    what = f"index {index!r}" if index else f"table {table.name!r}"
    mapping = key_mapping(check, entry.get("key"), where, line_of(entry, "key"), target, what)
    if mapping is None:
        return None
    if target.partition not in mapping:
        check.add(
            mapping.line,
            join(where, target.partition),
            f"missing: every pattern gives the partition key of {what}; without it the read would be a Scan",
        )
    partition = _part(check, mapping, target.partition, where, table, sort=False)
    sort = _part(check, mapping, target.sort, where, table, sort=True) if target.sort in mapping else None
    description = entry.get("description", "")
    if not isinstance(description, str):
        check.add(line_of(entry, "description"), join(path, "description"), "expected text")
    get_item = index is None and (target.sort is None or (sort is not None and sort.condition == "="))
    newest_first = entry.get("newest_first", False)
    if not isinstance(newest_first, bool):
        check.add(line_of(entry, "newest_first"), join(path, "newest_first"), "expected true or false")
    limit = entry.get("limit")
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 1):
        check.add(line_of(entry, "limit"), join(path, "limit"), "expected a whole number, 1 or more")
    if get_item:
        for field in ("newest_first", "limit"):
            if field in entry:
                check.add(
                    line_of(entry, field),
                    join(path, field),
                    "this pattern fixes the whole primary key: a GetItem reads one item; remove it",
                )
    if len(check.problems) > before or partition is None:
        return None
    return AccessPattern(
        name=name,
        table=table.name,
        partition=partition,
        sort=sort,
        index=index,
        description=description if isinstance(description, str) else "",
        get_item=get_item,
        newest_first=newest_first is True,
        limit=limit,
        source=check.file,
        line=entry.line,
    )


def _part(
    check: Checker, mapping: YamlMap, name: str | None, where: str, table: DesignTable, *, sort: bool
) -> KeyPart | None:
    if name is None or name not in mapping:
        return None
    path = join(where, name)
    kind = table.types.get(name, "S")
    raw = mapping[name]
    if not isinstance(raw, YamlMap):
        template = key_template(check, raw, line_of(mapping, name), path, kind)
        return KeyPart(name, kind, "=", (template,)) if template else None
    if not sort:
        check.add(
            line_of(mapping, name),
            path,
            "a partition key takes one value (a template); conditions work on a sort key",
        )
        return None
    condition = check.mapping(raw, path, line_of(mapping, name), allowed=list(SORT_CONDITIONS))
    if condition is None:
        return None
    if len(condition) != 1:
        check.add(condition.line, path, f"give one sort condition: {', '.join(SORT_CONDITIONS)}")
        return None
    [(operator, value)] = condition.items()
    if operator not in SORT_CONDITIONS:
        return None  # reported by the mapping check
    operator_path = join(path, str(operator))
    if operator == "begins_with" and kind == "N":
        check.add(
            line_of(condition, operator),
            operator_path,
            "begins_with works on text and binary sort keys, not numbers",
        )
        return None
    if operator == "between":
        if not isinstance(value, YamlList) or len(value) != 2:
            check.add(
                line_of(condition, operator), operator_path, "between takes exactly two values: [low, high]"
            )
            return None
        templates = [
            key_template(
                check, value[position], line_of(value, position), join(operator_path, position), kind
            )
            for position in range(2)
        ]
    else:
        templates = [key_template(check, value, line_of(condition, operator), operator_path, kind)]
    if any(t is None for t in templates):
        return None
    return KeyPart(name, kind, str(operator), tuple(t for t in templates if t is not None))


def repeated_patterns(specs: Sequence[TableSpec]) -> list[Problem]:
    """`ddbtool query NAME` runs a pattern by its name alone: two tables cannot share one."""
    first: dict[str, str] = {}
    problems = []
    for spec in specs:
        for pattern in spec.patterns:
            if pattern.name in first:
                problems.append(
                    Problem(
                        spec.source,
                        pattern.line,
                        f"access_patterns.{pattern.name}",
                        f"a pattern of this name is also declared in {first[pattern.name]}: rename one",
                    )
                )
            first.setdefault(pattern.name, spec.source)
    return problems
