"""Pattern E: keep each conversation's group items at its newest message.

For every new message item, the conversation's group items (found through the
sparse `message-group-sk-index`) move to the message: new `sk`, new `message`.
`sk` is a key, so a move is a delete and a put in one transaction, guarded so
that a replayed or out-of-order message never moves a group backwards and a
move that races another is retried against fresh data. Each transaction carries
a ClientRequestToken made from its own content: when its answer is lost and it
is sent again (by botocore, or by a second run within DynamoDB's ten minutes),
DynamoDB applies it once.

Seeding converges through the same move (`converge_groups`): a re-seed never
adds a second group item beside one the stream moved on, and never moves one back.

This module imports only boto3-level code, so the Lambda entry point
(`ddbtool.apps.cruddur.lambdas.message_stream`) can use it without the command line's
dependencies.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ddbtool.apps.cruddur.model import GROUP_INDEX, KEY_TYPES, MESSAGE_PREFIX, TABLE_KEY, kind_of
from ddbtool.errors import DdbtoolError, UsageError
from ddbtool.items.batch import transaction_actions
from ddbtool.limits import require_valid_items
from ddbtool.values import from_dynamo, to_dynamo

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

# A move fails its condition only when another writer changed the group between our
# read and our write (or the index was behind); re-reading a few times settles it.
MOVE_ATTEMPTS = 4


@dataclass(frozen=True)
class GroupMove:
    """One group item moved to a newer message."""

    owner_pk: str
    message_group_uuid: str
    from_sk: str
    to_sk: str
    message: str


def conversation_groups(client: DynamoDBClient, table: str, group_uuid: str) -> list[dict[str, Any]]:
    """Every group item of one conversation (one per participant), every page."""
    pages = client.get_paginator("query").paginate(
        TableName=table,
        IndexName=GROUP_INDEX,
        KeyConditionExpression="#group = :group",
        ExpressionAttributeNames={"#group": "message_group_uuid"},
        ExpressionAttributeValues=to_dynamo({":group": group_uuid}),
    )
    return [from_dynamo(item) for page in pages for item in page.get("Items", [])]


def move_groups_to(client: DynamoDBClient, table: str, message: Mapping[str, Any]) -> list[GroupMove]:
    """Move every group item of the message's conversation to it, unless already as new."""
    group_uuid = str(message["pk"]).removeprefix(MESSAGE_PREFIX)
    groups = conversation_groups(client, table, group_uuid)
    moves = []
    latest = {"sk": message["sk"], "message": message["message"]}
    for owner_pk in {group["pk"] for group in groups}:
        current = [g for g in groups if g["pk"] == owner_pk]
        move = _move_owner_group(client, table, owner_pk, current, group_uuid, latest)
        if move is not None:
            moves.append(move)
    return sorted(moves, key=lambda m: m.owner_pk)


def converge_groups(client: DynamoDBClient, table: str, wanted: Sequence[Mapping[str, Any]]) -> int:
    """Give one conversation exactly one group item per participant, at `wanted` or newer.

    `wanted` are a seed's group items of one conversation, at its last message. An
    owner with none gets its item; one behind it is moved to it (the pattern E
    move); one at a newer message (moved there by the stream) stays where it is;
    older duplicates beside an owner's newest item are deleted. Idempotent.
    Returns how many owners kept a newer group item than the seed's.
    """
    group_uuid = str(wanted[0]["message_group_uuid"])
    # The index is read eventually consistently: right after a move it can show the
    # old item, and then the move's own condition (the old item exists) fails and
    # _move_owner_group reads again.
    groups = conversation_groups(client, table, group_uuid)
    kept_newer = 0
    for item in wanted:
        current = [g for g in groups if g["pk"] == item["pk"]]
        newest = max(current, key=lambda g: str(g["sk"]), default=None)
        if newest is None or newest["sk"] == item["sk"]:
            if newest != item:
                client.put_item(TableName=table, Item=to_dynamo(item))
        elif newest["sk"] < item["sk"]:
            _move_owner_group(client, table, str(item["pk"]), [newest], group_uuid, item)
        else:
            kept_newer += 1
        for stale in current:
            if stale is not newest:
                key = {"pk": stale["pk"], "sk": stale["sk"]}
                client.delete_item(TableName=table, Key=to_dynamo(key))
    return kept_newer


def _move_owner_group(
    client: DynamoDBClient,
    table: str,
    owner_pk: str,
    current: list[dict[str, Any]],
    group_uuid: str,
    target: Mapping[str, Any],
) -> GroupMove | None:
    """Move one owner's newest group item to `target` (its new `sk` and `message`, maybe more).

    It reads the groups again only after a move was cancelled.
    """
    for _ in range(MOVE_ATTEMPTS):
        if not current or max(g["sk"] for g in current) >= target["sk"]:
            return None  # gone, or already at this message or a newer one: never backwards
        group = max(current, key=lambda g: g["sk"])
        moved = {**group, **target}
        require_valid_items([moved], KEY_TYPES, TABLE_KEY)
        transaction: list[dict[str, Any]] = [
            {
                "Delete": {
                    "TableName": table,
                    "Key": to_dynamo({"pk": group["pk"], "sk": group["sk"]}),
                    "ConditionExpression": "attribute_exists(#pk)",
                    "ExpressionAttributeNames": {"#pk": "pk"},
                }
            },
            {
                "Put": {
                    "TableName": table,
                    "Item": to_dynamo(moved),
                    "ConditionExpression": "attribute_not_exists(#pk)",
                    "ExpressionAttributeNames": {"#pk": "pk"},
                }
            },
        ]
        try:
            client.transact_write_items(
                TransactItems=transaction_actions(transaction),  # type: ignore[arg-type]
                ClientRequestToken=request_token(transaction),
            )
        except client.exceptions.TransactionCanceledException:
            # Someone moved it first, the index was behind, or this very move was applied
            # and its answer lost (an endpoint without request tokens): read it again.
            current = [g for g in conversation_groups(client, table, group_uuid) if g["pk"] == owner_pk]
            continue
        return GroupMove(owner_pk, group_uuid, group["sk"], moved["sk"], moved["message"])
    raise DdbtoolError(
        f"could not move group {owner_pk} of conversation {group_uuid} to message {target['sk']} "
        f"after {MOVE_ATTEMPTS} attempts; run stream-sync again"
    )


def request_token(transaction: Sequence[Mapping[str, Any]]) -> str:
    """A ClientRequestToken (at most 36 characters) that names this exact transaction.

    The same writes give the same token, so a resent transaction is applied once;
    different writes never share one (DynamoDB refuses a token reused for others).
    """
    return str(uuid.uuid5(uuid.NAMESPACE_URL, json.dumps(transaction, sort_keys=True)))


def newest_messages(records: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The newest inserted message item of each conversation in a batch of stream records.

    Every record counts (the original handler read only the first); only the
    newest message per conversation needs applying, since groups show the last one.
    """
    newest: dict[str, dict[str, Any]] = {}
    for record in records:
        image = record.get("dynamodb", {}).get("NewImage")
        if record.get("eventName") != "INSERT" or not image:
            continue
        item = from_dynamo(image)
        if kind_of(item) != "message":
            continue
        seen = newest.get(item["pk"])
        if seen is None or item["sk"] > seen["sk"]:
            newest[item["pk"]] = item
    return sorted(newest.values(), key=lambda m: (m["pk"], m["sk"]))


def apply_records(
    client: DynamoDBClient, table: str, records: Iterable[Mapping[str, Any]]
) -> list[GroupMove]:
    """Pattern E for a batch of stream records: every group move it causes."""
    return [move for message in newest_messages(records) for move in move_groups_to(client, table, message)]


@dataclass
class StreamSync:
    """What one run of stream-sync read and moved, and whether Ctrl-C ended it."""

    records: int = 0
    moves: list[GroupMove] = field(default_factory=list)
    stopped: bool = False


def sync_from_stream(
    client: DynamoDBClient,
    streams: Any,
    table: str,
    *,
    follow: bool,
    on_start: Callable[[], None] | None = None,
    on_move: Callable[[GroupMove], None] | None = None,
) -> StreamSync:
    """Move group items to the newest message of every record in `table`'s stream, as the Lambda does.

    Drains the stream, or with `follow` tails it until Ctrl-C. Raises UsageError
    when the table has no stream.
    """
    from ddbtool.items.streams import read_stream
    from ddbtool.tables.live import require

    arn = require(client, table).stream_arn
    if arn is None:
        raise UsageError(f"table {table!r} has no stream; add `stream: NEW_IMAGE` to its definition")
    if on_start is not None:
        on_start()
    result = StreamSync()
    try:
        for batch in read_stream(streams, arn, follow=follow):
            result.records += len(batch)
            moved = apply_records(client, table, batch)
            result.moves.extend(moved)
            if on_move is not None:
                for move in moved:
                    on_move(move)
    except KeyboardInterrupt:
        result.stopped = True
    return result
