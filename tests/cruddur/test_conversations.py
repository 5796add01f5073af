"""Access patterns A and B against moto in-process: order, pages, ranges, errors."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from ddbtool.apps.cruddur import conversations
from ddbtool.apps.cruddur.model import group_item, timestamp
from ddbtool.apps.cruddur.users import DynamoUsers
from ddbtool.errors import NotFoundError, UsageError
from ddbtool.tables.definition import load_definitions
from ddbtool.tables.patterns import AccessPattern, KeyPart
from ddbtool.tables.templates import parse

from ..messaging import (
    ANDREW,
    BAYKO,
    EVE_GROUP,
    LONDO,
    MANY,
    NEW_YEAR_GROUP,
    NEW_YEAR_START,
    NO_MESSAGES_GROUP,
    big_text,
    conversation,
    message_text,
    seed,
    write,
)
from ..support import SCHEMAS


@pytest.fixture
def table(dynamodb: Any) -> str:
    return seed(dynamodb)


def query_pages(client: Any) -> list[dict[str, Any]]:
    """Every Query request the client sends from now on (botocore's public event hook)."""
    sent: list[dict[str, Any]] = []
    client.meta.events.register(
        "provide-client-params.dynamodb.Query", lambda params, **_: sent.append(params)
    )
    return sent


def test_a_handle_and_its_uuid_resolve_to_the_same_user(dynamodb: Any, table: str) -> None:
    assert conversations.resolve_user_uuid(DynamoUsers(dynamodb, table), "andrewbrown") == ANDREW.uuid
    assert conversations.resolve_user_uuid(DynamoUsers(dynamodb, table), ANDREW.uuid.upper()) == ANDREW.uuid


def test_an_unknown_handle_is_not_found(dynamodb: Any, table: str) -> None:
    with pytest.raises(NotFoundError, match="no user with handle 'nobody'"):
        conversations.resolve_user_uuid(DynamoUsers(dynamodb, table), "nobody")


def test_conversations_newest_first_across_new_year(dynamodb: Any, table: str) -> None:
    found = list(conversations.list_conversations(dynamodb, table, ANDREW.uuid))
    assert found == [
        {
            "message_group_uuid": NEW_YEAR_GROUP,
            "user_uuid": BAYKO.uuid,
            "user_handle": "bayko",
            "user_display_name": "Andrew Bayko",
            "message": message_text(24),
            "last_message_at": "2023-01-01T00:14:00.000000+00:00",
        },
        {
            "message_group_uuid": EVE_GROUP,
            "user_uuid": LONDO.uuid,
            "user_handle": "londo",
            "user_display_name": "Londo Mollari",
            "message": "Happy New Year!",
            "last_message_at": "2022-12-31T20:00:00.000000+00:00",
        },
    ]
    # Each participant's inbox names the other one.
    [bayko_view] = conversations.list_conversations(dynamodb, table, BAYKO.uuid)
    assert bayko_view["user_handle"] == "andrewbrown"


def test_conversation_limit_keeps_the_newest(dynamodb: Any, table: str) -> None:
    found = list(conversations.list_conversations(dynamodb, table, ANDREW.uuid, limit=1))
    assert [c["message_group_uuid"] for c in found] == [NEW_YEAR_GROUP]


@pytest.mark.parametrize(
    ("since", "until", "expected"),
    [
        ("2023-01-01T00:00:00Z", None, [NEW_YEAR_GROUP]),
        (None, "2022-12-31T23:59:59Z", [EVE_GROUP]),
        # An offset is converted to the stored UTC shape: as raw text it would sort after 00:14Z.
        ("2023-01-01T01:00:00+01:00", None, [NEW_YEAR_GROUP]),
        # Bounds are inclusive.
        ("2022-12-31T20:00:00Z", "2022-12-31T20:00:00Z", [EVE_GROUP]),
        ("2022-01-01T00:00:00Z", "2023-12-31T00:00:00Z", [NEW_YEAR_GROUP, EVE_GROUP]),
    ],
)
def test_conversations_in_a_time_range(
    dynamodb: Any, table: str, since: str | None, until: str | None, expected: list[str]
) -> None:
    period = conversations.time_range(since, until)
    found = conversations.list_conversations(dynamodb, table, ANDREW.uuid, period=period)
    assert [c["message_group_uuid"] for c in found] == expected


def test_time_range_is_a_key_condition_with_placeholders() -> None:
    period = conversations.time_range("2023-01-01T00:00:00Z", "2023-02-01T00:00:00Z")
    pattern = period.read(
        AccessPattern("b", "t", KeyPart("pk", "S", "=", (parse(conversations.CONVERSATIONS_OF_USER),)))
    )
    request = pattern.request({"user_uuid": "x", **period.arguments()})
    assert request["KeyConditionExpression"] == "#n0 = :v0 AND #n1 BETWEEN :v1 AND :v2"
    assert request["ExpressionAttributeNames"] == {"#n0": "pk", "#n1": "sk"}
    assert request["ExpressionAttributeValues"][":v0"] == {"S": "GRP#x"}
    assert request["ExpressionAttributeValues"][":v1"] == {"S": "2023-01-01T00:00:00.000000+00:00"}


def test_the_app_reads_as_the_bundled_definition_declares() -> None:
    [spec] = load_definitions([SCHEMAS / "cruddur-messages.yaml"])
    declared = {p.name: p for p in spec.patterns}
    assert (
        str(declared["conversations-of-user"].partition.templates[0]) == conversations.CONVERSATIONS_OF_USER
    )
    assert declared["conversations-of-user"].newest_first
    assert str(declared["messages-of-conversation"].partition.templates[0]) == (
        conversations.MESSAGES_OF_CONVERSATION
    )


@pytest.mark.parametrize(
    ("since", "until", "message"),
    [
        ("yesterday", None, "--since 'yesterday' is not an ISO-8601 time"),
        (None, "2023-01-01T00:00:00", "--until '2023-01-01T00:00:00' is not an ISO-8601 time with a zone"),
        ("2023-02-01T00:00:00Z", "2023-01-01T00:00:00Z", "is after --until"),
    ],
)
def test_bad_times_are_usage_errors_naming_the_option(
    since: str | None, until: str | None, message: str
) -> None:
    with pytest.raises(UsageError, match=message):
        conversations.time_range(since, until)


def test_every_page_of_conversations_is_read(dynamodb: Any, table: str) -> None:
    # Inbox entries of ~4 KB each: DynamoDB (and moto) end a page at 1 MB.
    at = NEW_YEAR_START - timedelta(days=400)
    write(
        dynamodb,
        [
            group_item(
                ANDREW, BAYKO, f"00000000-0000-4000-8000-{n:012d}", big_text(n), at + timedelta(hours=n)
            )
            for n in range(MANY)
        ],
    )
    sent = query_pages(dynamodb)
    found = list(conversations.list_conversations(dynamodb, table, ANDREW.uuid))
    assert len(sent) >= 2
    assert len(found) == MANY + 2
    times = [c["last_message_at"] for c in found]
    assert times == sorted(times, reverse=True)


def test_messages_newest_twenty_shown_oldest_first(dynamodb: Any, table: str) -> None:
    conversation_ = conversations.get_conversation(dynamodb, table, NEW_YEAR_GROUP)
    texts = [m["message"] for m in conversation_.messages]
    assert texts == [message_text(n) for n in range(5, 25)]
    first = conversation_.messages[0]
    assert first == {
        "message_uuid": "00000000-0000-0000-0000-000000000006",
        "message_group_uuid": NEW_YEAR_GROUP,
        "user_uuid": BAYKO.uuid,
        "user_handle": "bayko",
        "user_display_name": "Andrew Bayko",
        "message": message_text(5),
        "created_at": timestamp(NEW_YEAR_START + timedelta(minutes=5)),
    }


def test_message_limit_and_range_across_new_year(dynamodb: Any, table: str) -> None:
    newest = conversations.get_conversation(dynamodb, table, NEW_YEAR_GROUP, limit=3)
    assert [m["message"] for m in newest.messages] == [message_text(n) for n in (22, 23, 24)]
    eve = conversations.get_conversation(
        dynamodb,
        table,
        NEW_YEAR_GROUP,
        read_all=True,
        period=conversations.time_range(until="2022-12-31T23:59:59Z"),
    )
    assert [m["message"] for m in eve.messages] == [message_text(n) for n in range(10)]
    day = conversations.get_conversation(
        dynamodb,
        table,
        NEW_YEAR_GROUP,
        limit=2,
        period=conversations.time_range(since="2023-01-01T00:00:00Z"),
    )
    assert [m["created_at"][:16] for m in day.messages] == ["2023-01-01T00:13", "2023-01-01T00:14"]


def test_all_reads_every_page_and_reports_capacity(dynamodb: Any, table: str) -> None:
    group = "11111111-1111-4111-8111-111111111111"
    texts = [big_text(n) for n in range(MANY)]
    write(dynamodb, conversation(ANDREW, BAYKO, group, texts, NEW_YEAR_START, timedelta(seconds=1)))
    sent = query_pages(dynamodb)
    everything = conversations.get_conversation(dynamodb, table, group, read_all=True)
    assert [m["message"] for m in everything.messages] == texts
    assert everything.capacity.pages == len(sent) >= 2
    assert everything.capacity.units > 0
    assert all(params["ReturnConsumedCapacity"] == "TOTAL" for params in sent)
    # A limit larger than one 1 MB page still follows LastEvaluatedKey.
    newest = conversations.get_conversation(dynamodb, table, group, limit=MANY - 10)
    assert [m["message"] for m in newest.messages] == texts[10:]


def test_a_malformed_uuid_is_a_usage_error(dynamodb: Any, table: str) -> None:
    with pytest.raises(UsageError, match="conversation '5ae290ed' is not a uuid"):
        conversations.get_conversation(dynamodb, table, "5ae290ed")


def test_a_conversation_without_messages_is_not_found(dynamodb: Any, table: str) -> None:
    with pytest.raises(NotFoundError, match=f"conversation {NO_MESSAGES_GROUP} has no messages"):
        conversations.get_conversation(dynamodb, table, NO_MESSAGES_GROUP)
    with pytest.raises(NotFoundError, match=r"has no messages since 2024-01-01T00:00:00\.000000"):
        conversations.get_conversation(
            dynamodb, table, NEW_YEAR_GROUP, period=conversations.time_range(since="2024-01-01T00:00:00Z")
        )
