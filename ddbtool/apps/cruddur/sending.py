"""Patterns C and D: a new message in an existing conversation, or one that starts one.

Each write may be sent more than once: botocore sends a request again when its
answer is lost (a dropped connection, a time-out, a 5xx), though DynamoDB may
have applied it. Neither write can double: the message put is conditional and,
when its condition fails, reads the item back and recognises its own write by
the message uuid it generated; the new-conversation transaction carries a
ClientRequestToken, and when an endpoint ignores the token it is recognised the
same way. If no answer comes at all, the error says that the message may have
been stored and how to check before sending it again.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, Literal

from ddbtool.apps.cruddur.conversations import list_conversations, require_uuid
from ddbtool.apps.cruddur.inbox import GroupMove, conversation_groups, move_groups_to, request_token
from ddbtool.apps.cruddur.model import GROUP_PREFIX, KEY_TYPES, TABLE_KEY, User, group_item, message_item
from ddbtool.apps.cruddur.users import DynamoUsers, UserDirectory, require_user
from ddbtool.errors import DdbtoolError, NotFoundError, UsageError, transient
from ddbtool.items.batch import transaction_actions
from ddbtool.limits import require_valid_items
from ddbtool.tables.live import require
from ddbtool.values import to_dynamo

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

# The app's limit on one message; DynamoDB's own (400 KB an item) is far above it.
MAX_MESSAGE_LENGTH = 1024

GroupUpdate = Literal["written", "stream", "direct"]


@dataclass(frozen=True)
class SentMessage:
    """What send_message wrote, and how the group items got (or will get) the message."""

    message: dict[str, Any]
    message_group_uuid: str
    started: bool
    groups: GroupUpdate
    moves: list[GroupMove] = field(default_factory=list)


def check_text(text: str) -> str:
    """The message text, trimmed; UsageError if empty or too long."""
    trimmed = text.strip()
    if not trimmed:
        raise UsageError("the message is empty; write some text")
    if len(trimmed) > MAX_MESSAGE_LENGTH:
        raise UsageError(f"the message has {len(trimmed)} characters; the limit is {MAX_MESSAGE_LENGTH}")
    return trimmed


def send_message(
    client: DynamoDBClient,
    table: str,
    sender_handle: str,
    text: str,
    *,
    to_handle: str | None = None,
    group_uuid: str | None = None,
    now: datetime | None = None,
    users: UserDirectory | None = None,
) -> SentMessage:
    """Send `text` from a user to another user (pattern D, or C if they talk already) or a group (C).

    Handles resolve in `users`, by default the table's own user items.
    """
    if (to_handle is None) == (group_uuid is None):
        raise UsageError(
            "name the recipient with --to HANDLE or the conversation with --group UUID, not both"
        )
    text = check_text(text)
    if group_uuid is not None:
        group_uuid = require_uuid(group_uuid, "--group")
    at = now or datetime.now(timezone.utc)
    has_stream = require(client, table).stream_arn is not None
    users = users or DynamoUsers(client, table)
    sender = require_user(users, sender_handle)

    if to_handle is not None:
        recipient = require_user(users, to_handle)
        if recipient.uuid == sender.uuid:
            raise UsageError("a conversation needs two people: --to names yourself")
        group_uuid = existing_conversation(client, table, sender, recipient)
        if group_uuid is None:
            return _start_conversation(client, table, sender, recipient, text, at)
    assert group_uuid is not None
    return _add_message(client, table, sender, group_uuid, text, at, has_stream)


def existing_conversation(client: DynamoDBClient, table: str, owner: User, other: User) -> str | None:
    """The uuid of the conversation between two users, if there is one (every page read)."""
    for conversation in list_conversations(client, table, owner.uuid):
        if conversation["user_uuid"] == other.uuid:
            return str(conversation["message_group_uuid"])
    return None


def _add_message(
    client: DynamoDBClient,
    table: str,
    sender: User,
    group_uuid: str,
    text: str,
    at: datetime,
    has_stream: bool,
) -> SentMessage:
    """Pattern C: put a message item into a conversation the sender belongs to."""
    owners = {group["pk"] for group in conversation_groups(client, table, group_uuid)}
    if not owners:
        raise NotFoundError(f"no conversation {group_uuid} in table {table!r}")
    if f"{GROUP_PREFIX}{sender.uuid}" not in owners:
        raise DdbtoolError(
            f"{sender.handle} is not part of conversation {group_uuid}; refusing to post there"
        )
    message = message_item(group_uuid, str(uuid.uuid4()), sender, text, at)
    require_valid_items([message], KEY_TYPES, TABLE_KEY)
    with _unsure_if_stored(f"`ddbtool get-conversation {group_uuid} --limit 5`"):
        try:
            client.put_item(
                TableName=table,
                Item=to_dynamo(message),
                ConditionExpression="attribute_not_exists(#pk)",  # never overwrite a message
                ExpressionAttributeNames={"#pk": "pk"},
            )
        except client.exceptions.ConditionalCheckFailedException:
            if not _is_stored(client, table, message):
                raise DdbtoolError(
                    f"another message in {group_uuid} has the same time, {message['sk']}; "
                    "nothing was written: send it again"
                ) from None
    if has_stream:
        return SentMessage(message, group_uuid, started=False, groups="stream")
    moves = move_groups_to(client, table, message)
    return SentMessage(message, group_uuid, started=False, groups="direct", moves=moves)


def _start_conversation(
    client: DynamoDBClient, table: str, sender: User, recipient: User, text: str, at: datetime
) -> SentMessage:
    """Pattern D: both group items and the first message in one transaction, all or nothing."""
    group_uuid = str(uuid.uuid4())
    message = message_item(group_uuid, str(uuid.uuid4()), sender, text, at)
    items = [
        group_item(sender, recipient, group_uuid, text, at),
        group_item(recipient, sender, group_uuid, text, at),
        message,
    ]
    require_valid_items(items, KEY_TYPES, TABLE_KEY)
    transaction: list[dict[str, Any]] = [
        {
            "Put": {
                "TableName": table,
                "Item": to_dynamo(item),
                "ConditionExpression": "attribute_not_exists(#pk)",
                "ExpressionAttributeNames": {"#pk": "pk"},
            }
        }
        for item in items
    ]
    with _unsure_if_stored(f"`ddbtool list-conversations {sender.handle}`"):
        try:
            client.transact_write_items(
                TransactItems=transaction_actions(transaction),  # type: ignore[arg-type]
                ClientRequestToken=request_token(transaction),
            )
        except client.exceptions.TransactionCanceledException as exc:
            if not _is_stored(client, table, message):
                reasons = [r.get("Code", "None") for r in exc.response.get("CancellationReasons", [])]
                raise DdbtoolError(
                    "the new conversation was not started, nothing was written "
                    f"(TransactionCanceled: {reasons}); try again"
                ) from None
    return SentMessage(message, group_uuid, started=True, groups="written")


def _is_stored(client: DynamoDBClient, table: str, message: Mapping[str, Any]) -> bool:
    """Whether this very message (by its uuid, which no other write shares) is in the table.

    Asked when a conditional write failed: the condition fails on our own write when
    botocore sent the request again after its first answer was lost.
    """
    key = {"pk": message["pk"], "sk": message["sk"]}
    found = client.get_item(TableName=table, Key=to_dynamo(key), ConsistentRead=True).get("Item")
    return found is not None and found.get("message_uuid") == {"S": message["message_uuid"]}


@contextmanager
def _unsure_if_stored(check: str) -> Iterator[None]:
    """Turn a write that got no answer, even after botocore's retries, into a line saying so."""
    try:
        yield
    except Exception as exc:
        failure = transient(exc)
        if failure is None:
            raise
        raise DdbtoolError(
            f"no answer to the write ({failure}), so the message may or may not be stored: "
            f"check with {check} before sending it again"
        ) from exc
