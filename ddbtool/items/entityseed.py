"""The `entities:` section of seed files: items of the entities a table declares, keys filled in.

A seed file may list items by entity (`entities: {order: [{customer_id: c1,
order_no: 7, ...}]}`); each item gets its table's key attributes, and those of
the indexes its entity belongs to, from the entity's templates. A placeholder
the item does not give is a problem with file and line, like any other.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ddbtool.limits import describe_type
from ddbtool.tables.templates import Template, TemplateError
from ddbtool.values import from_yaml
from ddbtool.yamlfile import join, line_of

if TYPE_CHECKING:
    from ddbtool.items.seedfile import SeedDocument, SeedItem
    from ddbtool.tables.design import Entity

SECTION = "entities"

# The Python type of a plain value of each declared attribute type.
_PLAIN_TYPES: dict[str, type | tuple[type, ...]] = {
    "S": str,
    "N": Decimal,
    "B": bytes,
    "BOOL": bool,
    "SS": (set, frozenset),
    "NS": (set, frozenset),
    "BS": (set, frozenset),
    "M": dict,
    "L": list,
}


def entity_items(
    document: SeedDocument, entities: Sequence[Entity], types: Mapping[str, str]
) -> Iterable[SeedItem]:
    """The items of the document's `entities:` section, keys built; problems go to its checker.

    `types` are the key attribute types of the table: a key typed N or B takes
    the value of its one placeholder as it is.
    """
    from ddbtool.items.seedfile import SeedItem, entries

    check, doc = document.check, document.doc
    raw = doc.get(SECTION)
    if raw is None:
        return
    allowed = list(raw) if isinstance(raw, dict) else ()
    section = check.mapping(raw, SECTION, line_of(doc, SECTION), allowed=allowed)
    if section is None:
        return
    known = {entity.name: entity for entity in entities}
    for name in section:
        entity = known.get(name)
        if entity is None:
            declared = ", ".join(known) or "none"
            check.add(
                line_of(section, name),
                join(SECTION, str(name)),
                f"table {document.table!r} declares no entity {name!r} in its definition (its entities: "
                f"{declared}); declare it under `entities:` in ./schemas",
            )
            continue
        for raw_item, path, line in entries(check, section, join(SECTION, name), allowed=None):
            item = from_yaml(raw_item)
            problems = [*_type_problems(entity, item), *_fill_keys(entity, item, types)]
            for field, message in problems:
                check.add(line_of(raw_item, field) or line, join(path, field), message)
            if not problems:
                yield SeedItem(
                    document.table, entity.name, item, check.file, line, path, source=raw_item, by_entity=True
                )


def _type_problems(entity: Entity, item: Mapping[str, Any]) -> Iterable[tuple[str, str]]:
    for name, kind in entity.attributes:
        value = item.get(name)
        if value is not None and not isinstance(value, _PLAIN_TYPES[kind]):
            yield name, f"{entity.name} declares {name} as {kind}; found {describe_type(value)}"


def _key_value(template: Template, item: Mapping[str, Any], kind: str) -> Any:
    """A key attribute's value: its one placeholder's value as is for N or B, else the filled text."""
    whole = template.whole
    if whole is None or whole.width is not None or kind == "S":
        return template.format(item)
    if item.get(whole.name) is None:
        raise TemplateError(f"needs {whole.name} for {template}")
    return item[whole.name]


def _fill_keys(entity: Entity, item: dict[str, Any], types: Mapping[str, str]) -> list[tuple[str, str]]:
    """Add the key attributes to `item`; return (field, problem) for what cannot be built."""
    problems = []
    built: dict[str, Any] = {}
    for attribute, template in entity.templates().items():
        try:
            value = _key_value(template, item, types.get(attribute, "S"))
        except TemplateError as exc:
            problems.append((attribute, str(exc)))
            continue
        if attribute in item and item[attribute] != value:
            problems.append(
                (attribute, f"{attribute} is built from {template} for {entity.name} items; leave it out")
            )
        built[attribute] = value
    if not problems:
        item.update(built)
    return problems
