"""The app's read access patterns (see the README): one user's conversations (B) and
the messages of one conversation (A). Each function queries and returns plain data.

Every query reads each page DynamoDB returns (a page ends at 1 MB or at Limit), and
a time range is a key condition on `sk`, never a filter: the original scripts
filtered on the current year and so hid every conversation each January.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from ddbtool.apps.cruddur.model import is_uuid, parse_timestamp, timestamp
from ddbtool.apps.cruddur.users import UserDirectory, require_user
from ddbtool.errors import NotFoundError, UsageError
from ddbtool.tables.patterns import AccessPattern, KeyPart
from ddbtool.tables.templates import parse
from ddbtool.values import from_dynamo

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import PaginatorConfigTypeDef

DEFAULT_MESSAGES = 20


def require_uuid(text: str, what: str) -> str:
    """The uuid in its stored (lower-case) form, or UsageError naming `what`."""
    if not is_uuid(text):
        raise UsageError(
            f"{what} {text!r} is not a uuid; write it as xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx "
            "(hex digits), e.g. 5ae290ed-55d1-47a0-bc6d-fe2bc2700399"
        )
    return text.lower()


def resolve_user_uuid(users: UserDirectory, user: str) -> str:
    """A user uuid as given, or the uuid of the user with this handle in the directory."""
    if is_uuid(user):
        return user.lower()
    return require_user(users, user).uuid


@dataclass(frozen=True)
class TimeRange:
    """Inclusive bounds on `sk`, already in the stored timestamp shape."""

    since: str | None = None
    until: str | None = None

    def read(self, pattern: AccessPattern) -> AccessPattern:
        """The pattern narrowed to this range: a key condition on `sk`, never a filter."""
        templates: tuple[str, ...]
        if self.since and self.until:
            operator, templates = "between", ("{since}", "{until}")
        elif self.since or self.until:
            operator, templates = ("gte", ("{since}",)) if self.since else ("lte", ("{until}",))
        else:
            return pattern
        return replace(pattern, sort=KeyPart("sk", "S", operator, tuple(parse(t) for t in templates)))

    def arguments(self) -> dict[str, str]:
        """The values of the range's parameters, as the narrowed pattern takes them."""
        return {name: value for name, value in (("since", self.since), ("until", self.until)) if value}

    def describe(self) -> str:
        """The range in words, for messages; empty when unbounded."""
        if self.since and self.until:
            return f" between {self.since} and {self.until}"
        if self.since:
            return f" since {self.since}"
        if self.until:
            return f" until {self.until}"
        return ""


def time_range(since: str | None = None, until: str | None = None) -> TimeRange:
    """Parse --since/--until (ISO-8601 with a zone) into the sort-key shape; UsageError if bad."""

    def parse(option: str, text: str | None) -> datetime | None:
        if text is None:
            return None
        try:
            return parse_timestamp(text)
        except ValueError:
            raise UsageError(
                f"{option} {text!r} is not an ISO-8601 time with a zone; "
                "write it like 2023-01-01T00:00:00Z or 2023-01-01T10:00:00+01:00"
            ) from None

    start, end = parse("--since", since), parse("--until", until)
    if start and end and start > end:
        raise UsageError(f"--since {since} is after --until {until}; swap them")
    return TimeRange(timestamp(start) if start else None, timestamp(end) if end else None)


@dataclass
class ConsumedCapacity:
    """Read capacity the queries of one call consumed, as DynamoDB reported it."""

    units: float = 0.0
    pages: int = 0

    def add(self, units: float) -> None:
        self.units += units
        self.pages += 1


# Patterns B and A, as schemas/cruddur-messages.yaml declares them (conversations-of-user,
# messages-of-conversation), run through the toolkit's pattern engine.
CONVERSATIONS_OF_USER = "GRP#{user_uuid}"
MESSAGES_OF_CONVERSATION = "MSG#{message_group_uuid}"


def _query(
    client: DynamoDBClient,
    table: str,
    partition: tuple[str, str],
    period: TimeRange,
    *,
    newest_first: bool,
    limit: int | None,
    capacity: ConsumedCapacity | None = None,
) -> Iterator[dict[str, Any]]:
    """Items of one partition (a template and its one parameter's value) in `sk` order, every page,
    stopping after `limit` items."""
    template, value = partition
    key = KeyPart("pk", "S", "=", (parse(template),))
    pattern = period.read(AccessPattern(template, table, key, newest_first=newest_first))
    [name] = pattern.partition.templates[0].names
    request = pattern.request({name: value, **period.arguments()})
    if capacity is not None:
        request["ReturnConsumedCapacity"] = "TOTAL"
    pagination: PaginatorConfigTypeDef = {}
    if limit is not None:
        # Ask for no more than we show: Limit caps what each page reads (and costs).
        pagination = {"MaxItems": limit, "PageSize": limit}
    pages = client.get_paginator("query").paginate(**request, PaginationConfig=pagination)
    for page in pages:
        if capacity is not None:
            capacity.add(page.get("ConsumedCapacity", {}).get("CapacityUnits", 0.0))
        for item in page.get("Items", []):
            yield from_dynamo(item)


def _person(item: dict[str, Any]) -> dict[str, Any]:
    return {key: item.get(key) for key in ("user_uuid", "user_handle", "user_display_name")}


def list_conversations(
    client: DynamoDBClient,
    table: str,
    user_uuid: str,
    *,
    limit: int | None = None,
    period: TimeRange | None = None,
) -> Iterator[dict[str, Any]]:
    """Pattern B: one user's conversations, newest first, each naming the other participant."""
    items = _query(
        client,
        table,
        (CONVERSATIONS_OF_USER, user_uuid),
        period or TimeRange(),
        newest_first=True,
        limit=limit,
    )
    for item in items:
        yield {
            "message_group_uuid": item.get("message_group_uuid"),
            **_person(item),
            "message": item.get("message"),
            "last_message_at": item["sk"],
        }


@dataclass
class Conversation:
    message_group_uuid: str
    messages: list[dict[str, Any]] = field(default_factory=list)
    capacity: ConsumedCapacity = field(default_factory=ConsumedCapacity)


def get_conversation(
    client: DynamoDBClient,
    table: str,
    group_uuid: str,
    *,
    limit: int = DEFAULT_MESSAGES,
    read_all: bool = False,
    period: TimeRange | None = None,
) -> Conversation:
    """Pattern A: the newest `limit` messages (or all of them), oldest first.

    NotFoundError if the conversation has no messages (in the range).
    """
    group_uuid = require_uuid(group_uuid, "conversation")
    period = period or TimeRange()
    conversation = Conversation(group_uuid)
    # Newest first to take the last N, then reversed; --all simply reads forwards.
    items = _query(
        client,
        table,
        (MESSAGES_OF_CONVERSATION, group_uuid),
        period,
        newest_first=not read_all,
        limit=None if read_all else limit,
        capacity=conversation.capacity,
    )
    for item in items:
        conversation.messages.append(
            {
                "message_uuid": item.get("message_uuid"),
                "message_group_uuid": group_uuid,
                **_person(item),
                "message": item.get("message"),
                "created_at": item["sk"],
            }
        )
    if not read_all:
        conversation.messages.reverse()
    if not conversation.messages:
        raise NotFoundError(
            f"conversation {group_uuid} has no messages{period.describe()} in table {table!r}; "
            "check the uuid with `ddbtool list-conversations USER`"
        )
    return conversation
