"""One item at a time: GetItem, UpdateItem, DeleteItem and conditional PutItem, by full primary key.

Every function takes plain values and returns plain values or raises a
DdbtoolError; every name and value in an expression goes behind a placeholder.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ddbtool.errors import NotFoundError, UsageError
from ddbtool.items.expressions import Placeholders, projection
from ddbtool.items.keys import Key
from ddbtool.values import from_dynamo, number_text, to_dynamo

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient


def show_key(key: Mapping[str, Any]) -> str:
    """A key as the user writes it: `pk=CUSTOMER#c1 sk=PROFILE`."""
    return " ".join(f"{name}={_show(value)}" for name, value in key.items())


def _show(value: Any) -> str:
    if isinstance(value, (bytes, bytearray)):
        import base64

        return base64.b64encode(value).decode("ascii")
    return value if isinstance(value, str) else number_text(value)


def get_item(
    client: DynamoDBClient,
    table: str,
    key: Mapping[str, Any],
    *,
    consistent: bool = False,
    attributes: Sequence[str] = (),
) -> dict[str, Any]:
    """The item with this key (only `attributes`, when named); NotFoundError when there is none."""
    placeholders = Placeholders()
    request: dict[str, Any] = {"TableName": table, "Key": to_dynamo(key), "ConsistentRead": consistent}
    request |= projection(list(attributes), placeholders)
    request |= placeholders.request()
    found = client.get_item(**request).get("Item")
    if found is None:
        raise NotFoundError(f"no item {show_key(key)} in {table}")
    return from_dynamo(found)


def put_new_items(client: DynamoDBClient, table: str, items: Sequence[Mapping[str, Any]], key: Key) -> int:
    """PutItem each item unless one with its key exists; return how many were new.

    The check is a condition on the write, not a read before it, so two writers cannot both win.
    """
    placeholders = Placeholders()
    condition = f"attribute_not_exists({placeholders.name(key.partition)})"
    written = 0
    for item in items:
        try:
            client.put_item(
                TableName=table, Item=to_dynamo(item), ConditionExpression=condition, **placeholders.request()
            )
        except client.exceptions.ConditionalCheckFailedException:
            continue
        written += 1
    return written


@dataclass
class Update:
    """The changes of one UpdateItem: attributes to set, remove, and add to (numbers and sets)."""

    set: dict[str, Any] = field(default_factory=dict)
    remove: list[str] = field(default_factory=list)
    add: dict[str, Any] = field(default_factory=dict)

    def expression(self, placeholders: Placeholders) -> str:
        clauses = []
        if self.set:
            pairs = (f"{placeholders.name(n)} = {placeholders.value(v)}" for n, v in self.set.items())
            clauses.append("SET " + ", ".join(pairs))
        if self.remove:
            clauses.append("REMOVE " + ", ".join(placeholders.name(n) for n in self.remove))
        if self.add:
            pairs = (f"{placeholders.name(n)} {placeholders.value(v)}" for n, v in self.add.items())
            clauses.append("ADD " + ", ".join(pairs))
        return " ".join(clauses)

    def check(self, key: Key) -> None:
        """UsageError for what DynamoDB would refuse: no change, a key attribute, one attribute twice."""
        named = [*self.set, *self.remove, *self.add]
        if not named:
            raise UsageError("nothing to update: give --set, --remove or --add")
        keys = [name for name in named if name in key.names]
        if keys:
            raise UsageError(
                f"{', '.join(keys)} is part of the key and cannot be changed; put a new item instead"
            )
        twice = sorted({name for name in named if named.count(name) > 1})
        if twice:
            raise UsageError(f"{', '.join(twice)} is changed twice; name each attribute once")


def update_item(
    client: DynamoDBClient, table: str, key: Mapping[str, Any], update: Update, *, upsert: bool = False
) -> dict[str, Any]:
    """Apply `update` in one UpdateItem and return the item after it.

    Without `upsert` a condition keeps DynamoDB from creating a missing item,
    and NotFoundError says so.
    """
    placeholders = Placeholders()
    request: dict[str, Any] = {
        "TableName": table,
        "Key": to_dynamo(key),
        "UpdateExpression": update.expression(placeholders),
        "ReturnValues": "ALL_NEW",
    }
    if not upsert:
        request["ConditionExpression"] = f"attribute_exists({placeholders.name(next(iter(key)))})"
    request |= placeholders.request()
    try:
        response = client.update_item(**request)
    except client.exceptions.ConditionalCheckFailedException:
        raise NotFoundError(f"no item {show_key(key)} in {table}; pass --upsert to create it") from None
    return from_dynamo(response.get("Attributes", {}))


def delete_item(client: DynamoDBClient, table: str, key: Mapping[str, Any]) -> dict[str, Any] | None:
    """Delete the item with this key; return what it held, or None if there was none."""
    response = client.delete_item(TableName=table, Key=to_dynamo(key), ReturnValues="ALL_OLD")
    old = response.get("Attributes")
    return from_dynamo(old) if old else None
