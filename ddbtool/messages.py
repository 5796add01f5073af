"""Patterns C and D: a new message in an existing conversation, or one that starts one."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, Literal

from ddbtool.errors import DdbtoolError, NotFoundError, UsageError
from ddbtool.groups import GroupMove, conversation_groups, move_groups_to
from ddbtool.items import to_dynamo
from ddbtool.model import GROUP_PREFIX, User, group_item, message_item
from ddbtool.patterns import list_conversations, require_uuid
from ddbtool.streams import stream_arn
from ddbtool.tables import require_table
from ddbtool.users import require_user

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
) -> SentMessage:
    """Send `text` from a user to another user (pattern D, or C if they talk already) or a group (C)."""
    if (to_handle is None) == (group_uuid is None):
        raise UsageError(
            "name the recipient with --to HANDLE or the conversation with --group UUID, not both"
        )
    text = check_text(text)
    if group_uuid is not None:
        group_uuid = require_uuid(group_uuid, "--group")
    at = now or datetime.now(timezone.utc)
    has_stream = stream_arn(require_table(client, table)) is not None
    sender = require_user(client, table, sender_handle)

    if to_handle is not None:
        recipient = require_user(client, table, to_handle)
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
    client.put_item(
        TableName=table,
        Item=to_dynamo(message),
        ConditionExpression="attribute_not_exists(#pk)",  # never overwrite a message
        ExpressionAttributeNames={"#pk": "pk"},
    )
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
    try:
        client.transact_write_items(
            TransactItems=[
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
        )
    except client.exceptions.TransactionCanceledException as exc:
        reasons = [r.get("Code", "None") for r in exc.response.get("CancellationReasons", [])]
        raise DdbtoolError(
            f"the new conversation was not started, nothing was written (TransactionCanceled: {reasons}); "
            "try again"
        ) from None
    return SentMessage(message, group_uuid, started=True, groups="written")
