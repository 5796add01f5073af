"""Run a declared access pattern: its GetItem or its Query, every page up to its limit.

The request is built from the definition alone, so `explain` shows it without
calling anything; `read` sends it. `--where` and `--attributes` add a filter and
a projection with the same placeholders as the key condition.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ddbtool.errors import NotFoundError, UsageError
from ddbtool.items.batch import show_key_values
from ddbtool.items.expressions import Placeholders, projection
from ddbtool.items.keys import Key, TableKeys, split_assignment
from ddbtool.items.scan import Scan, items_of, pages
from ddbtool.items.where import filter_expression
from ddbtool.values import from_dynamo

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

    from ddbtool.tables.patterns import AccessPattern


@dataclass(frozen=True)
class PatternRead:
    """One run of a pattern: the request, and how many items to stop after (None: every one)."""

    pattern: AccessPattern
    request: dict[str, Any]
    limit: int | None

    @property
    def operation(self) -> str:
        return "get_item" if self.pattern.get_item else "query"

    def explained(self) -> dict[str, Any]:
        """The request as `aws dynamodb get-item --cli-input-json` (or `aws dynamodb query ...`) takes it."""
        if self.limit is None or self.pattern.get_item:
            return dict(self.request)
        return {**self.request, "Limit": self.limit}


def plan_read(
    pattern: AccessPattern,
    arguments: Sequence[str],
    *,
    limit: int | None = None,
    read_all: bool = False,
    reverse: bool = False,
    consistent: bool = False,
    where: Sequence[str] = (),
    attributes: Sequence[str] = (),
) -> PatternRead:
    """The request for NAME=VALUE arguments; UsageError for a wrong argument or option."""
    if limit is not None and read_all:
        raise UsageError("give --limit N or --all, not both")
    if limit is not None and limit < 1:
        raise UsageError("--limit must be 1 or more")
    if pattern.get_item and (where or reverse or read_all or limit is not None):
        raise UsageError(
            f"pattern {pattern.name} is a GetItem, which reads one item: "
            "--where, --reverse, --limit and --all do not apply"
        )
    given: dict[str, str] = {}
    for argument in arguments:
        name, value = split_assignment(argument, "NAME=VALUE")
        if name in given:
            raise UsageError(f"{name} is given twice")
        given[name] = value
    placeholders = Placeholders()
    request = pattern.request(given, consistent=consistent, reverse=reverse, placeholders=placeholders)
    if where:
        request["FilterExpression"] = filter_expression(where, _keys(pattern), placeholders)
    request |= projection(list(attributes), placeholders)
    request |= placeholders.request()
    return PatternRead(pattern, request, None if read_all else (limit or pattern.limit))


def _keys(pattern: AccessPattern) -> TableKeys:
    """What a filter needs to type its values: the pattern's key attributes and their types."""
    key = Key(tuple((part.attribute, part.kind) for part in pattern.parts))
    return TableKeys(pattern.table, key, dict(key.attributes), {})


def read(client: DynamoDBClient, planned: PatternRead) -> Scan:
    """Send the request: the items as plain values, every page up to the limit.

    A GetItem that finds nothing is NotFoundError.
    """
    pattern = planned.pattern
    if pattern.get_item:
        found = client.get_item(**planned.request)
        if "Item" not in found:
            key = from_dynamo(planned.request["Key"])
            raise NotFoundError(f"no item {show_key_values(key)} in {pattern.table} (pattern {pattern.name})")
        return Scan(pattern.table, pattern.key_names, iter([from_dynamo(found["Item"])]))
    answers = pages(client, "query", planned.request, planned.limit)  # pages no larger than needed
    return Scan(pattern.table, pattern.key_names, items_of(answers, planned.limit))
