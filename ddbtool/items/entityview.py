"""Which declared entity an item is, and items shown by entity: one section each, its own columns.

An item is the first entity whose table key templates its key matches by their
literal parts; items of no entity come last, in the generic view. Columns are
the key, the entity's declared attributes, then the others its items have;
index keys built from other attributes (`STATUS#paid`) are left out, since they
only repeat them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ddbtool.tables.design import Entity


@dataclass
class Section:
    """The items of one entity (or of no entity) as a table: a title, columns, rows."""

    title: str
    columns: list[str]
    rows: list[list[Any]] = field(default_factory=list)


def entity_of(item: Mapping[str, Any], entities: Sequence[Entity]) -> Entity | None:
    """The first entity whose key templates the item's key matches, or None."""
    return next((entity for entity in entities if entity.is_item(item)), None)


def sections(
    items: Iterable[Mapping[str, Any]],
    entities: Sequence[Entity],
    key: Sequence[str],
    other: Callable[[Mapping[str, Any]], Mapping[str, Any]],
) -> list[Section]:
    """Items grouped by entity, in the order the entities are declared, then the items of none.

    `other` makes the row of an item of no entity (an installed app's view, or every attribute).
    """
    grouped: dict[str, list[Mapping[str, Any]]] = {entity.name: [] for entity in entities}
    unknown: list[Mapping[str, Any]] = []
    for item in items:
        entity = entity_of(item, entities)
        (grouped[entity.name] if entity else unknown).append(item)
    found = []
    for entity in entities:
        members = grouped[entity.name]
        if not members:
            continue
        columns = _columns(entity, key, members)
        rows = [[member.get(column, "") for column in columns] for member in members]
        found.append(Section(entity.name, columns, rows))
    if unknown:
        shown = [other(item) for item in unknown]
        columns = list(dict.fromkeys([*key, *(name for row in shown for name in row)]))
        found.append(Section("other items", columns, [[row.get(c, "") for c in columns] for row in shown]))
    return found


def _columns(entity: Entity, key: Sequence[str], items: Sequence[Mapping[str, Any]]) -> list[str]:
    derived = {
        name
        for name, template in entity.templates().items()
        if name not in key and not (template.whole and template.whole.name == name)
    }
    declared = [name for name, _ in entity.attributes]
    seen = sorted({name for item in items for name in item} - set(declared))
    ordered = dict.fromkeys([*key, *declared, *seen])
    return [name for name in ordered if name not in derived]
