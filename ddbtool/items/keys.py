"""A table's key attributes, read from the live table, and NAME=VALUE arguments typed by them.

The user writes values only: `order_no=7` is the number 7 when the table
defines `order_no` as N, and the text "007" stays text when it is S. Values of
attributes the table does not define (non-key attributes) are read as YAML, as
in seed files: `12` is a number, `paid` text, `'"12"'` the text "12",
`!!set {a, b}` a set.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ddbtool.errors import UsageError
from ddbtool.limits import KEY_TYPES
from ddbtool.values import from_text, from_yaml

if TYPE_CHECKING:
    from ddbtool.tables.live import LiveTable


@dataclass(frozen=True)
class Key:
    """The key attributes of a table or an index, partition first, each with its type (S, N or B)."""

    attributes: tuple[tuple[str, str], ...]

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.attributes)

    @property
    def partition(self) -> str:
        return self.attributes[0][0]

    @property
    def sort(self) -> str | None:
        return self.attributes[1][0] if len(self.attributes) > 1 else None


@dataclass(frozen=True)
class TableKeys:
    """What item commands need of a live table: its key and its indexes' keys, typed."""

    table: str
    key: Key
    types: Mapping[str, str]
    indexes: Mapping[str, tuple[str, Key]]  # name -> ("global" | "local", its key)

    @classmethod
    def from_live(cls, live: LiveTable) -> TableKeys:
        indexes = {index.name: (index.kind, Key(live.typed(index.key))) for index in live.indexes}
        return cls(live.name, Key(live.typed(live.key)), live.attributes, indexes)

    def key_of(self, index: str | None, *, consistent: bool = False) -> Key:
        """The key of the table, or of one of its indexes; UsageError for an unknown index."""
        if not index:
            return self.key
        if index not in self.indexes:
            names = ", ".join(sorted(self.indexes)) or "none"
            raise UsageError(f"table {self.table!r} has no index {index!r} (its indexes: {names})")
        kind, key = self.indexes[index]
        if kind == "global" and consistent:
            raise UsageError("--consistent does not work on a global index: DynamoDB reads those eventually")
        return key

    def value(self, name: str, text: str) -> Any:
        """`text` as the value of attribute `name`: typed by its definition, else read as YAML."""
        kind = self.types.get(name)
        if kind is None:
            return yaml_value(text, name)
        try:
            return from_text(text, kind)
        except ValueError as exc:
            raise UsageError(f"{name} is {KEY_TYPES[kind]} in {self.table}: {exc}") from None

    def parse_key(self, arguments: Sequence[str]) -> dict[str, Any]:
        """NAME=VALUE arguments as the table's full primary key, typed; UsageError otherwise."""
        given = dict(split_assignment(argument, "NAME=VALUE") for argument in arguments)
        wanted = self.key.names
        if set(given) != set(wanted):
            missing = [name for name in wanted if name not in given]
            extra = [name for name in given if name not in wanted]
            problems = [
                f"missing {', '.join(missing)}" if missing else "",
                f"not key {', '.join(extra)}" if extra else "",
            ]
            example = " ".join(f"{name}=VALUE" for name in wanted)
            wrong = "; ".join(p for p in problems if p)
            raise UsageError(f"name the full primary key of {self.table} as {example} ({wrong})")
        return {name: self.value(name, given[name]) for name in wanted}


def split_assignment(text: str, form: str) -> tuple[str, str]:
    """`name=value` as (name, value); UsageError naming the expected form otherwise."""
    name, equals, value = text.partition("=")
    if not equals or not name.strip():
        raise UsageError(f"{text!r} is not {form}")
    return name.strip(), value


def yaml_value(text: str, source: str) -> Any:
    """One value written as YAML (a number, text, true/false, null, a list, a !!set ...), as a plain value."""
    from ddbtool import yamlfile

    if text.strip() == "":
        return ""
    return from_yaml(yamlfile.load_text(text, source))
