"""Seed files in YAML: the envelope and plain items, validated into a plan.

A seed file names its `table` and holds `items`: plain items for any
single-table design, as ordinary YAML values, and `entities`: items by the
entities the table's definition declares (entityseed.py; the README documents
the format).
Other lists belong to the installed apps (ddbtool.apps): each app reads the
sections it registered into seed items, and a file with a list no app knows is
an error like any other.

`load_seeds` validates every file completely and raises one InputFileError
naming file, line and field of every problem, so that nothing is written from a
set of files that has any problem. Loading the same files twice gives the very
same items: seeding is idempotent.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ddbtool import yamlfile
from ddbtool.apps import installed
from ddbtool.errors import InputFileError, Problem
from ddbtool.gcpause import gc_paused
from ddbtool.items.batch import show_key_values
from ddbtool.items.entityseed import SECTION as ENTITIES
from ddbtool.items.entityseed import entity_items
from ddbtool.limits import describe_type, item_problems, scalar_type
from ddbtool.values import from_yaml
from ddbtool.yamlfile import Checker, join, line_of
from ddbtool.yamltypes import YamlList, YamlMap

if TYPE_CHECKING:
    from ddbtool.tables.design import Entity
    from ddbtool.tables.live import LiveTable
    from ddbtool.tables.spec import TableSpec

PLAIN_KIND = "item"


@dataclass(frozen=True)
class TableKey:
    """A table's key attributes, partition first, each with its type (S, N or B).

    `indexed` gives the other key attributes of its indexes, with their types:
    an item need not have them, but where it does DynamoDB checks their type.
    """

    attributes: tuple[tuple[str, str], ...]
    indexed: tuple[tuple[str, str], ...] = field(default=(), compare=False)
    # The entities its definition declares, whose items a seed file may list by entity.
    entities: tuple[Entity, ...] = field(default=(), compare=False)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.attributes)

    @cached_property
    def types(self) -> dict[str, str]:
        """Every key attribute of the table and its indexes, with its type."""
        return dict((*self.attributes, *self.indexed))

    @classmethod
    def from_spec(cls, spec: TableSpec) -> TableKey:
        """From a table definition in ./schemas (where only key attributes have types)."""
        names = [name for name in (spec.key.partition, spec.key.sort) if name]
        others = tuple((name, kind) for name, kind in spec.attributes.items() if name not in names)
        return cls(tuple((name, spec.attributes[name]) for name in names), others, spec.entities)

    @classmethod
    def from_live(cls, table: LiveTable) -> TableKey:
        """From the live table."""
        names = table.key.names
        others = tuple((name, kind) for name, kind in table.attributes.items() if name not in names)
        return cls(table.typed(table.key), others)


@dataclass(frozen=True)
class KeyRule:
    """The key an app's seed items need their table to have, and the sentence saying so."""

    key: TableKey
    sentence: str  # what the app needs, for example "...need a table keyed by pk (S) and sk (S)"


@dataclass(frozen=True)
class SeedDocument:
    """One seed file as loaded, for the sections an app reads from it."""

    check: Checker  # records problems against the file
    doc: YamlMap
    table: str


@dataclass(frozen=True)
class SeedItem:
    """One item to write, with its kind and the place in a seed file it comes from."""

    table: str
    kind: str
    item: dict[str, Any]
    file: str
    line: int | None
    field: str
    # The item as loaded from YAML, which knows the line of each value in it.
    source: Any = None
    # Set by an app whose items only fit a table keyed its way.
    key_rule: KeyRule | None = None
    # Listed by entity (entityseed.py): written whole by the batch writer, as plain items are.
    by_entity: bool = False

    def problem(self, message: str, path: Sequence[str | int] = ()) -> Problem:
        """A problem with the item, or with the value at `path` inside it (then at that value's line)."""
        where, line, value = self.field, self.line, self.source
        for part in path:
            line = line_of(value, part) or line
            where = join(where, part)
            value = value[part] if _holds(value, part) else None
        return Problem(self.file, line, where, message)


def _holds(container: Any, part: str | int) -> bool:
    if isinstance(container, dict):
        return part in container
    return isinstance(container, list) and isinstance(part, int) and 0 <= part < len(container)


@dataclass
class SeedPlan:
    """Every item of a set of seed files, validated, in file order."""

    items: list[SeedItem] = field(default_factory=list)
    keys: dict[str, TableKey] = field(default_factory=dict)

    def tables(self) -> list[str]:
        return list(dict.fromkeys(seed.table for seed in self.items))

    def for_table(self, table: str) -> list[dict[str, Any]]:
        return [seed.item for seed in self.items if seed.table == table]

    def counts(self) -> dict[str, int]:
        """Items per kind: every kind an installed app seeds, the entities seeded, then plain items."""
        found = Counter(seed.kind for seed in self.items)
        entities = (seed.kind for seed in self.items if seed.by_entity)
        kinds = [*(kind for app in installed() for kind in app.seed_kinds), *entities, PLAIN_KIND]
        return {kind: found[kind] for kind in dict.fromkeys(kinds)}


KeyLookup = Callable[[str], TableKey]


def load_seeds(
    paths: Sequence[Path], key_of: KeyLookup, app_options: Mapping[str, Mapping[str, Any]] | None = None
) -> SeedPlan:
    """Load and validate every seed file; raise one InputFileError with every problem.

    `key_of(table)` gives the key attributes of a table the files name (from its
    definition, or the live table); it is asked once per table. `app_options`
    holds each app's seed option values (by app name), given to its `read_seeds`.
    """
    with gc_paused():
        return _load_seeds(paths, key_of, app_options or {})


def _load_seeds(
    paths: Sequence[Path], key_of: KeyLookup, app_options: Mapping[str, Mapping[str, Any]]
) -> SeedPlan:
    problems: list[Problem] = []
    documents: list[SeedDocument] = []
    fields = ("table", *(name for app in installed() for name in app.seed_sections), ENTITIES, "items")
    for path in paths:
        check = Checker(str(path))
        try:
            loaded = yamlfile.load(path)
        except InputFileError as exc:
            problems.extend(exc.problems)
            continue
        doc = check.mapping(loaded, "", 1, allowed=fields, required=("table",))
        if doc is not None:
            documents.append(SeedDocument(check, doc, check.text(doc, "table", "table") or ""))
        problems.extend(check.problems)
        check.problems.clear()

    seeds: list[SeedItem] = []
    for app in installed():
        if app.read_seeds is not None:
            seeds.extend(app.read_seeds(documents, **app_options.get(app.name, {})))
    keys: dict[str, TableKey] = {}
    for document in documents:
        if ENTITIES in document.doc and document.table:
            key = keys.setdefault(document.table, key_of(document.table))
            seeds.extend(entity_items(document, key.entities, key.types))
        seeds.extend(_plain_items(document.check, document.doc, document.table))
        problems.extend(document.check.problems)

    for table in dict.fromkeys(seed.table for seed in seeds if seed.table):
        if table not in keys:
            keys[table] = key_of(table)
    problems.extend(_check_items(seeds, keys))
    if problems:
        raise InputFileError(problems)
    return SeedPlan(seeds, keys)


# --- plain items ---------------------------------------------------------------------


def _plain_items(check: Checker, doc: YamlMap, table: str) -> Iterable[SeedItem]:
    for raw, path, line in entries(check, doc, "items", allowed=None):
        bad_names = [name for name in raw if not isinstance(name, str) or not name]
        for name in bad_names:
            check.add(line_of(raw, name), join(path, str(name)), "an attribute name is non-empty text")
        if not raw:
            check.add(line, path, "an item needs at least its key attributes")
        elif not bad_names:
            yield SeedItem(table, PLAIN_KIND, from_yaml(raw), check.file, line, path, source=raw)


# --- checks across items -------------------------------------------------------------


def _check_items(seeds: Sequence[SeedItem], keys: Mapping[str, TableKey]) -> Iterable[Problem]:
    reported_designs: set[tuple[str, str]] = set()
    seen: dict[tuple[str, tuple[Any, ...]], SeedItem] = {}
    for seed in seeds:
        key = keys.get(seed.table)
        if key is None:
            continue
        if seed.key_rule is not None and key != seed.key_rule.key:
            if (seed.file, seed.table) not in reported_designs:
                reported_designs.add((seed.file, seed.table))
                yield seed.problem(
                    f"{seed.key_rule.sentence}; {seed.table!r} is keyed by {describe_key(key)}"
                )
            continue
        found = item_problems(seed.item, key.types, key.names)
        yield from (seed.problem(problem.message, problem.path) for problem in found)
        if not all(scalar_type(seed.item.get(name)) == kind for name, kind in key.attributes):
            continue
        values = tuple(seed.item[name] for name in key.names)
        first = seen.setdefault((seed.table, values), seed)
        if first is not seed:
            where = f"{first.file}:{first.line}" if first.line else first.file
            shown = show_key_values(dict(zip(key.names, values, strict=True)))
            yield seed.problem(f"key {shown} is also written by {where} ({first.field})")


def describe_key(key: TableKey) -> str:
    return ", ".join(f"{name} ({kind})" for name, kind in key.attributes)


# --- helpers -------------------------------------------------------------------------


def entries(
    check: Checker,
    container: YamlMap,
    path: str,
    *,
    allowed: Sequence[str] | None,
    required: Sequence[str] = (),
) -> Iterable[tuple[YamlMap, str, int | None]]:
    """The mappings of the list at `path` (its last part names it in `container`).

    Yields each entry that is a mapping, its field path and line; `allowed=None`
    accepts any field. Whatever is wrong is recorded on `check`.
    """
    key = path.rsplit(".", 1)[-1]
    raw = container.get(key)
    if raw is None:
        return
    if not isinstance(raw, YamlList):
        check.add(line_of(container, key), path, f"expected a list, found {describe_type(raw)}")
        return
    for position, entry in enumerate(raw):
        entry_path, line = join(path, position), line_of(raw, position)
        fields = list(entry) if allowed is None and isinstance(entry, dict) else allowed or ()
        mapping = check.mapping(entry, entry_path, line, allowed=fields, required=required)
        if mapping is not None:
            yield mapping, entry_path, line


def clip(text: str, width: int = 60) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
