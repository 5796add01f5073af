"""Table definitions in YAML: parse, validate as DynamoDB would, build CreateTable.

A definition file looks like `schemas/orders.yaml`; the README
documents every field. `load_definitions` validates every file completely and
raises one InputFileError listing every problem before anything is called.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from ddbtool import yamlfile
from ddbtool.errors import InputFileError, Problem
from ddbtool.limits import key_name_problem
from ddbtool.tables.design import Design, parse_design
from ddbtool.tables.patterndefs import repeated_patterns
from ddbtool.tables.spec import Capacity, IndexSpec, KeySchema, TableSpec
from ddbtool.yamlfile import Checker, join, line_of
from ddbtool.yamltypes import YamlList, YamlMap

ATTRIBUTE_TYPES = ("S", "N", "B")
BILLING_MODES = ("PROVISIONED", "PAY_PER_REQUEST")
PROJECTIONS = ("ALL", "KEYS_ONLY", "INCLUDE")
STREAM_VIEWS = ("NEW_IMAGE", "OLD_IMAGE", "NEW_AND_OLD_IMAGES", "KEYS_ONLY")
TABLE_CLASSES = ("STANDARD", "STANDARD_INFREQUENT_ACCESS")
MAX_GSIS = 20
MAX_LSIS = 5
MAX_TAGS = 50
_NAME = re.compile(r"[A-Za-z0-9_.-]{3,255}")

_TABLE_FIELDS = (
    "table",
    "attributes",
    "key",
    "billing",
    "capacity",
    "global_indexes",
    "local_indexes",
    "stream",
    "ttl",
    "deletion_protection",
    "table_class",
    "point_in_time_recovery",
    "tags",
    "entities",
    "access_patterns",
)
_INDEX_FIELDS = ("name", "key", "projection", "include", "capacity")
_KEY_FIELDS = ("partition", "sort")
_CAPACITY_FIELDS = ("read", "write")


def load_definitions(paths: Sequence[Path]) -> list[TableSpec]:
    """Load and validate every file; raise one InputFileError with every problem."""
    problems: list[Problem] = []
    specs: list[TableSpec] = []
    for path in paths:
        try:
            specs.append(parse_definition(yamlfile.load(path), str(path)))
        except InputFileError as exc:
            problems.extend(exc.problems)
    seen: dict[str, str] = {}
    for spec in specs:
        if spec.name in seen:
            problems.append(
                Problem(
                    spec.source, None, "table", f"table {spec.name!r} is also defined in {seen[spec.name]}"
                )
            )
        seen.setdefault(spec.name, spec.source)
    problems += repeated_patterns(specs)
    if problems:
        raise InputFileError(problems)
    return specs


def parse_definition(document: Any, source: str) -> TableSpec:
    """Validate one loaded YAML document and return its TableSpec."""
    check = Checker(source)
    doc = check.mapping(document, "", 1, allowed=_TABLE_FIELDS, required=("table", "attributes", "key"))
    if doc is None:
        check.raise_if_any()
        raise AssertionError("unreachable")  # pragma: no cover

    name = _name(check, doc, "table", "table")
    attributes = _attributes(check, doc)
    key = _key(check, doc.get("key"), "key", line_of(doc, "key"), attributes)
    billing = _choice(check, doc, "billing", "billing", BILLING_MODES, "PAY_PER_REQUEST")
    capacity = _capacity(check, doc, "capacity", billing)
    gsis = _indexes(check, doc, "global_indexes", attributes, billing, MAX_GSIS)
    lsis = _local_indexes(
        check, doc, _indexes(check, doc, "local_indexes", attributes, billing, MAX_LSIS), key
    )
    _check_index_names(check, doc, [*gsis, *lsis])
    _check_attributes_used(check, doc, attributes, [key, *(i.key for i in (*gsis, *lsis))])
    stream = _choice(check, doc, "stream", "stream", STREAM_VIEWS, None)
    ttl = check.text(doc, "ttl", "ttl")
    protection = _flag(check, doc, "deletion_protection")
    table_class = _choice(check, doc, "table_class", "table_class", TABLE_CLASSES, "STANDARD")
    recovery = _flag(check, doc, "point_in_time_recovery")
    tags = _tags(check, doc)
    design = parse_design(check, doc, name or "", attributes, key, [*gsis, *lsis]) if key else Design()

    check.raise_if_any()
    assert name is not None and key is not None
    return TableSpec(
        name=name,
        attributes=attributes,
        key=key,
        source=source,
        billing=billing or "PAY_PER_REQUEST",
        capacity=capacity,
        global_indexes=tuple(gsis),
        local_indexes=tuple(lsis),
        stream=stream,
        ttl=ttl,
        deletion_protection=protection,
        table_class=table_class or "STANDARD",
        point_in_time_recovery=recovery,
        tags=tags,
        entities=design.entities,
        patterns=design.patterns,
        warnings=design.warnings,
    )


def valid_name(value: str) -> bool:
    """Whether DynamoDB accepts `value` as a table or index name."""
    return _NAME.fullmatch(value) is not None


def _name(check: Checker, container: Any, key: str, path: str) -> str | None:
    value = check.text(container, key, path)
    if value is not None and not valid_name(value):
        check.add(
            line_of(container, key),
            path,
            f"{value!r} is not a valid name: use 3 to 255 letters, digits, '_', '-' or '.'",
        )
        return None
    return value


def _attributes(check: Checker, doc: YamlMap) -> dict[str, str]:
    raw = doc.get("attributes")
    if raw is None:
        return {}
    mapping = check.mapping(
        raw, "attributes", line_of(doc, "attributes"), allowed=list(raw) if isinstance(raw, dict) else ()
    )
    attributes: dict[str, str] = {}
    for attr, kind in (mapping or {}).items():
        path = join("attributes", str(attr))
        problem = key_name_problem(attr) if isinstance(attr, str) else "an attribute name is text"
        if problem:
            check.add(line_of(mapping, attr), path, problem)
            if isinstance(attr, str):
                attributes[attr] = str(kind)  # still declared: keys naming it are not reported again
        elif kind not in ATTRIBUTE_TYPES:
            check.add(
                line_of(mapping, attr),
                path,
                f"type {kind!r} is not a key type; use S (string), N (number) or B (binary)",
            )
            attributes[attr] = str(kind)  # still declared: keys naming it are not reported again
        else:
            attributes[attr] = kind
    return attributes


def _key(
    check: Checker,
    value: Any,
    path: str,
    line: int | None,
    attributes: dict[str, str],
    *,
    partition_required: bool = True,
) -> KeySchema | None:
    if value is None:
        return None  # a missing key is reported once, by the required-field check
    mapping = check.mapping(
        value, path, line, allowed=_KEY_FIELDS, required=("partition",) if partition_required else ()
    )
    if mapping is None:
        return None
    names: dict[str, str] = {}
    for role in _KEY_FIELDS:
        name = check.text(mapping, role, join(path, role))
        if name is None:
            continue
        if name not in attributes:
            check.add(
                line_of(mapping, role),
                join(path, role),
                f"{name!r} has no type: add it under `attributes:` as S, N or B",
            )
        names[role] = name
    if "partition" not in names and partition_required:
        return None
    if names.get("partition") and names.get("partition") == names.get("sort"):
        check.add(
            line_of(mapping, "sort"), join(path, "sort"), "the sort key must differ from the partition key"
        )
    return KeySchema(names.get("partition", ""), names.get("sort"))


def _choice(
    check: Checker, container: Any, key: str, path: str, choices: Sequence[str], default: str | None
) -> str | None:
    value = container.get(key, default)
    if value is None or value in choices:
        return value  # type: ignore[no-any-return]
    check.add(line_of(container, key), path, f"{value!r} is not one of {', '.join(choices)}")
    return default


def _flag(check: Checker, doc: YamlMap, key: str) -> bool:
    value = doc.get(key, False)
    if not isinstance(value, bool):
        check.add(line_of(doc, key), key, "expected true or false")
    return value is True


def _capacity(check: Checker, container: Any, path: str, billing: str | None) -> Capacity | None:
    raw = container.get("capacity")
    line = line_of(container, "capacity") if raw is not None else line_of(container)
    if billing == "PAY_PER_REQUEST":
        if raw is not None:
            check.add(line, path, "remove it: PAY_PER_REQUEST tables take no read/write units")
        return None
    if raw is None:
        check.add(line, path, "PROVISIONED needs `capacity: {read: N, write: N}`")
        return None
    mapping = check.mapping(raw, path, line, allowed=_CAPACITY_FIELDS, required=_CAPACITY_FIELDS)
    if mapping is None:
        return None
    units = {}
    for role in _CAPACITY_FIELDS:
        value = mapping.get(role)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            check.add(line_of(mapping, role), join(path, role), "expected a whole number of units, 1 or more")
        else:
            units[role] = value
    if len(units) != len(_CAPACITY_FIELDS):
        return None
    return Capacity(units["read"], units["write"])


def _indexes(
    check: Checker, doc: YamlMap, field: str, attributes: dict[str, str], billing: str | None, limit: int
) -> list[IndexSpec]:
    raw = doc.get(field)
    if raw is None:
        return []
    if not isinstance(raw, YamlList):
        check.add(line_of(doc, field), field, "expected a list of indexes")
        return []
    if len(raw) > limit:
        check.add(line_of(doc, field), field, f"{len(raw)} indexes; DynamoDB allows at most {limit}")
    is_global = field == "global_indexes"
    specs = []
    for position, item in enumerate(raw):
        path = join(field, position)
        index = check.mapping(
            item, path, line_of(raw, position), allowed=_INDEX_FIELDS, required=("name", "key")
        )
        if index is None:
            continue
        name = _name(check, index, "name", join(path, "name"))
        key = _key(
            check,
            index.get("key"),
            join(path, "key"),
            line_of(index, "key"),
            attributes,
            partition_required=is_global,
        )
        projection = _choice(check, index, "projection", join(path, "projection"), PROJECTIONS, "ALL")
        include = _include(check, index, path, projection)
        capacity = _capacity(check, index, join(path, "capacity"), billing) if is_global else None
        if not is_global and index.get("capacity") is not None:
            check.add(
                line_of(index, "capacity"),
                join(path, "capacity"),
                "local indexes share the table's capacity; remove it",
            )
        if name and key:
            specs.append(IndexSpec(name, key, projection or "ALL", include, capacity))
    return specs


def _include(check: Checker, index: YamlMap, path: str, projection: str | None) -> tuple[str, ...]:
    raw = index.get("include")
    where = join(path, "include")
    if projection != "INCLUDE":
        if raw is not None:
            check.add(line_of(index, "include"), where, "only an INCLUDE projection takes `include:`")
        return ()
    if not isinstance(raw, list) or not raw or not all(isinstance(a, str) and a for a in raw):
        check.add(line_of(index, "include"), where, "INCLUDE needs `include:` with a list of attribute names")
        return ()
    for position, name in enumerate(raw):
        problem = key_name_problem(name)
        if problem:
            check.add(line_of(raw, position), join(where, position), f"{problem}, projected ones too")
    return tuple(raw)


def _local_indexes(
    check: Checker, doc: YamlMap, lsis: list[IndexSpec], key: KeySchema | None
) -> list[IndexSpec]:
    """Check local indexes against the table key; give each the table's partition key."""
    if key is None:
        return lsis
    raw = doc.get("local_indexes")
    for position, index in enumerate(lsis):
        path = join(join("local_indexes", position), "key")
        line = line_of(raw, position)
        if key.sort is None:
            check.add(line, "local_indexes", "local indexes need a table with a sort key")
            return lsis
        if index.key.partition and index.key.partition != key.partition:
            check.add(
                line,
                join(path, "partition"),
                f"a local index shares the table's partition key {key.partition!r}, "
                f"not {index.key.partition!r}",
            )
        if index.key.sort is None:
            check.add(line, join(path, "sort"), "a local index needs a sort key")
    return [
        IndexSpec(i.name, KeySchema(key.partition, i.key.sort), i.projection, i.include, None) for i in lsis
    ]


def _check_index_names(check: Checker, doc: YamlMap, indexes: list[IndexSpec]) -> None:
    seen: set[str] = set()
    for index in indexes:
        if index.name in seen:
            check.add(
                _index_line(doc, index.name),
                "global_indexes/local_indexes",
                f"index name {index.name!r} is used twice",
            )
        seen.add(index.name)


def _index_line(doc: YamlMap, name: str) -> int | None:
    lines = [
        line_of(item, "name")
        for field in ("global_indexes", "local_indexes")
        for item in (doc.get(field) or [])
        if isinstance(item, dict) and item.get("name") == name
    ]
    return lines[-1] if lines else None


def _check_attributes_used(
    check: Checker, doc: YamlMap, attributes: dict[str, str], keys: Iterable[KeySchema | None]
) -> None:
    used = {name for key in keys if key for name in (key.partition, key.sort) if name}
    for name in attributes:
        if name not in used:
            check.add(
                line_of(doc.get("attributes"), name),
                join("attributes", name),
                "no key or index uses it; DynamoDB rejects typed attributes that are not keys, remove it",
            )


def _tags(check: Checker, doc: YamlMap) -> tuple[tuple[str, str], ...]:
    raw = doc.get("tags")
    if raw is None:
        return ()
    mapping = check.mapping(
        raw, "tags", line_of(doc, "tags"), allowed=list(raw) if isinstance(raw, dict) else ()
    )
    tags = []
    for tag, value in (mapping or {}).items():
        text = str(value) if isinstance(value, (str, int, Decimal)) and not isinstance(value, bool) else None
        if not isinstance(tag, str) or not 1 <= len(tag) <= 128 or text is None or len(text) > 256:
            check.add(
                line_of(mapping, tag),
                join("tags", str(tag)),
                "a tag is a key of 1-128 characters and a text value up to 256",
            )
        else:
            tags.append((tag, text))
    if len(tags) > MAX_TAGS:
        check.add(
            line_of(doc, "tags"), "tags", f"{len(tags)} tags; DynamoDB allows at most {MAX_TAGS} on a table"
        )
    return tuple(tags)
