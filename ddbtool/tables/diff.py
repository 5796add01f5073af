"""What differs between a table definition and the live table of that name."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from ddbtool.tables.live import LiveTable
from ddbtool.tables.spec import Capacity, KeySchema, TableSpec


class _Index(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def key(self) -> KeySchema: ...
    @property
    def projection(self) -> str: ...
    @property
    def include(self) -> tuple[str, ...]: ...
    @property
    def capacity(self) -> Capacity | None: ...


class _Table(Protocol):
    """What a definition and a live table both say, under the same names."""

    @property
    def key(self) -> KeySchema: ...
    @property
    def attributes(self) -> Mapping[str, str]: ...
    @property
    def billing(self) -> str: ...
    @property
    def capacity(self) -> Capacity | None: ...
    @property
    def global_indexes(self) -> Sequence[_Index]: ...
    @property
    def local_indexes(self) -> Sequence[_Index]: ...
    @property
    def stream(self) -> str | None: ...
    @property
    def ttl(self) -> str | None: ...
    @property
    def deletion_protection(self) -> bool: ...


def differences(spec: TableSpec, live: LiveTable) -> list[str]:
    """How a live table (read with its TTL) differs from its definition, one line each.

    Empty when the table matches. Tags are not compared.
    """
    wanted = _comparable(spec)
    found = _comparable(live)
    return [
        f"{field}: the file says {_show(wanted.get(field))}, the table has {_show(found.get(field))}"
        for field in sorted(set(wanted) | set(found))
        if wanted.get(field) != found.get(field)
    ]


def _show(value: Any) -> str:
    return "nothing" if value is None else str(value)


def _comparable(table: _Table) -> dict[str, Any]:
    provisioned = table.billing == "PROVISIONED"
    result: dict[str, Any] = {
        "key": _keys(table.key),
        "billing": table.billing,
        "stream": table.stream,
        "ttl": table.ttl,
        "deletion_protection": table.deletion_protection,
    }
    if provisioned:
        result["capacity"] = _units(table.capacity)
    for kind, indexes in (("global index", table.global_indexes), ("local index", table.local_indexes)):
        for index in indexes:
            shape: list[object] = [_keys(index.key), index.projection]
            if index.include:
                shape.append(sorted(index.include))
            if provisioned and kind == "global index":
                shape.append(_units(index.capacity))
            result[f"{kind} {index.name}"] = " ".join(str(part) for part in shape)
    for name, kind in table.attributes.items():
        result[f"attribute {name}"] = kind
    return result


def _keys(key: KeySchema) -> str:
    return ", ".join(f"{name} ({role})" for name, role in zip(key.names, ("HASH", "RANGE"), strict=False))


def _units(capacity: Capacity | None) -> str | None:
    if not capacity:
        return None
    return f"read {capacity.read} / write {capacity.write}"
