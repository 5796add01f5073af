"""Key-condition queries on any table or index, and counts, every page.

The user gives values only: the key attribute names come from the table or
index, and the values are typed by its attribute definitions. `--where`
conditions become a FilterExpression; DynamoDB applies it after reading, so it
saves output, not read capacity.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from ddbtool.errors import UsageError
from ddbtool.items.expressions import Placeholders, projection
from ddbtool.items.keys import Key, TableKeys
from ddbtool.items.scan import Scan, items_of, pages, parallel_pages
from ddbtool.items.where import filter_expression
from ddbtool.tables.live import require

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

SortOperator = Literal["=", "<", "<=", ">", ">=", "begins_with", "between"]


@dataclass(frozen=True)
class KeyCondition:
    """The partition key value and an optional condition on the sort key, as written (text)."""

    partition: str
    sort_operator: SortOperator | None = None
    sort_values: tuple[str, ...] = ()

    def expression(self, key: Key, keys: TableKeys, placeholders: Placeholders) -> str:
        partition = placeholders.name(key.partition)
        text = f"{partition} = {placeholders.value(keys.value(key.partition, self.partition))}"
        if self.sort_operator is None:
            return text
        if key.sort is None:
            raise UsageError(
                f"{key.partition} is the whole key here: there is no sort key to give a condition on"
            )
        name = placeholders.name(key.sort)
        values = [placeholders.value(keys.value(key.sort, value)) for value in self.sort_values]
        if self.sort_operator == "begins_with":
            return f"{text} AND begins_with({name}, {values[0]})"
        if self.sort_operator == "between":
            return f"{text} AND {name} BETWEEN {values[0]} AND {values[1]}"
        return f"{text} AND {name} {self.sort_operator} {values[0]}"


@dataclass(frozen=True)
class Selection:
    """What to read: the table or an index, optional key condition, filters and projection."""

    table: str
    condition: KeyCondition | None = None
    index: str | None = None
    where: Sequence[str] = ()
    attributes: Sequence[str] = ()
    consistent: bool = False
    reverse: bool = False


def _request(client: DynamoDBClient, selection: Selection, *, count: bool) -> tuple[Key, dict[str, Any]]:
    keys = TableKeys.from_live(require(client, selection.table))
    key = keys.key_of(selection.index, consistent=selection.consistent)
    placeholders = Placeholders()
    request: dict[str, Any] = {"TableName": selection.table, "ConsistentRead": selection.consistent}
    if selection.index:
        request["IndexName"] = selection.index
    if selection.condition is not None:
        request["KeyConditionExpression"] = selection.condition.expression(key, keys, placeholders)
        if selection.reverse:
            request["ScanIndexForward"] = False
    filters = filter_expression(selection.where, keys, placeholders)
    if filters:
        request["FilterExpression"] = filters
    if count:
        request["Select"] = "COUNT"
    else:
        request |= projection(list(selection.attributes), placeholders)
    request |= placeholders.request()
    return key, request


def query(client: DynamoDBClient, selection: Selection, *, limit: int | None = None) -> Scan:
    """Start a key-condition query; items come as plain values, every page, up to `limit`."""
    if selection.condition is None:
        raise UsageError("a query needs --pk VALUE; use `ddbtool scan` to read every item")
    if limit is not None and limit < 1:
        raise UsageError("--limit must be 1 or more")
    key, request = _request(client, selection, count=False)
    found = pages(client, "query", request, limit)  # pages no larger than needed
    return Scan(selection.table, key.names, items_of(found, limit))


def count(client: DynamoDBClient, selection: Selection, *, segments: int = 1) -> int:
    """How many items match: a Query with Select COUNT, else a (parallel) Scan, over every page."""
    if segments < 1:
        raise UsageError("--segments must be 1 or more")
    _, request = _request(client, selection, count=True)
    if selection.condition is not None:
        if segments > 1:
            raise UsageError("--segments is for counting without --pk: a query reads one partition")
        found: Iterator[dict[str, Any]] = pages(client, "query", request, None)
    elif segments > 1:
        found = parallel_pages(client, request, segments, None)
    else:
        found = pages(client, "scan", request, None)
    return sum(int(page.get("Count", 0)) for page in found)
