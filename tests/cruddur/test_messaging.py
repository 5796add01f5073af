"""Patterns C, D and E against moto in-process: sending, group moves, stream handling."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from ddbtool.apps.cruddur.inbox import apply_records, conversation_groups, move_groups_to, newest_messages
from ddbtool.apps.cruddur.lambdas.message_stream import handler, table_of
from ddbtool.apps.cruddur.model import User, group_item, message_item, timestamp, user_item
from ddbtool.apps.cruddur.sending import MAX_MESSAGE_LENGTH, send_message
from ddbtool.errors import DdbtoolError, NotFoundError, UsageError
from ddbtool.items.batch import MAX_TRANSACTION_ACTIONS
from ddbtool.items.streams import read_stream
from ddbtool.tables.admin import load_table
from ddbtool.tables.definition import load_definitions
from ddbtool.tables.live import require
from ddbtool.values import from_dynamo, to_dynamo

from ..messaging import ANDREW, BAYKO, LONDO, NEW_YEAR_GROUP, USERS, write
from ..support import SCHEMAS

TABLE = "cruddur-messages"
GROUP = NEW_YEAR_GROUP
START = datetime(2023, 12, 31, 23, 0, tzinfo=timezone.utc)


def put(client: Any, *items: dict[str, Any]) -> None:
    write(client, items)


def all_items(client: Any) -> list[dict[str, Any]]:
    pages = client.get_paginator("scan").paginate(TableName=TABLE)
    return sorted((from_dynamo(i) for p in pages for i in p["Items"]), key=lambda i: (i["pk"], i["sk"]))


def groups_by_owner(client: Any, group_uuid: str = GROUP) -> dict[str, dict[str, Any]]:
    return {g["pk"]: g for g in conversation_groups(client, TABLE, group_uuid)}


def make_table(client: Any, *, stream: bool = True) -> None:
    [spec] = load_definitions([SCHEMAS / "cruddur-messages.yaml"])
    load_table(client, spec if stream else replace(spec, stream=None))
    write(client, [user_item(u) for u in USERS])


def start_conversation(client: Any, at: datetime = START) -> None:
    """A conversation between andrewbrown and bayko whose last message is at `at`."""
    first = message_item(GROUP, "m-0", ANDREW, "Hello", at)
    put(
        client,
        first,
        group_item(ANDREW, BAYKO, GROUP, "Hello", at),
        group_item(BAYKO, ANDREW, GROUP, "Hello", at),
    )


@pytest.fixture
def table(dynamodb: Any) -> Any:
    make_table(dynamodb)
    start_conversation(dynamodb)
    return dynamodb


@pytest.fixture
def streams(moto: None) -> Any:
    import boto3

    return boto3.client("dynamodbstreams", region_name="us-east-1")


def insert_record(item: dict[str, Any]) -> dict[str, Any]:
    """A stream record as DynamoDB Streams and Lambda deliver it."""
    return {
        "eventName": "INSERT",
        "eventSourceARN": f"arn:aws:dynamodb:us-east-1:123456789012:table/{TABLE}/stream/2024-01-01T00:00:00",
        "dynamodb": {"NewImage": to_dynamo(item)},
    }


# --- pattern D: a new conversation -------------------------------------------------------


def test_send_to_a_new_person_starts_a_conversation_in_one_transaction(table: Any) -> None:
    at = START + timedelta(hours=1)
    sent = send_message(table, TABLE, "andrewbrown", "  Hi Londo  ", to_handle="londo", now=at)
    assert sent.started and sent.groups == "written"
    groups = groups_by_owner(table, sent.message_group_uuid)
    assert set(groups) == {f"GRP#{ANDREW.uuid}", f"GRP#{LONDO.uuid}"}
    assert groups[f"GRP#{ANDREW.uuid}"]["user_handle"] == "londo"
    assert groups[f"GRP#{LONDO.uuid}"]["user_handle"] == "andrewbrown"
    assert all(g["sk"] == timestamp(at) and g["message"] == "Hi Londo" for g in groups.values())
    messages = [i for i in all_items(table) if i["pk"] == f"MSG#{sent.message_group_uuid}"]
    assert [m["message"] for m in messages] == ["Hi Londo"]


def test_every_transaction_keeps_to_dynamodbs_100_actions(dynamodb: Any) -> None:
    # moto takes any number of actions; count what ddbtool itself sends.
    make_table(dynamodb, stream=False)
    start_conversation(dynamodb)
    sizes: list[int] = []
    dynamodb.meta.events.register(
        "before-parameter-build.dynamodb.TransactWriteItems",
        lambda params, **_: sizes.append(len(params["TransactItems"])),
    )
    send_message(
        dynamodb, TABLE, "andrewbrown", "Hi", to_handle="londo", now=START + timedelta(minutes=1)
    )  # D
    send_message(dynamodb, TABLE, "bayko", "Back", group_uuid=GROUP, now=START + timedelta(hours=1))  # C, E
    assert sizes == [3, 2, 2] and max(sizes) <= MAX_TRANSACTION_ACTIONS


def test_starting_a_conversation_is_all_or_nothing(table: Any) -> None:
    at = START + timedelta(hours=1)
    # Something already holds londo's group key at that instant: the transaction's condition fails.
    put(table, {"pk": f"GRP#{LONDO.uuid}", "sk": timestamp(at), "message": "in the way"})
    before = all_items(table)
    with pytest.raises(DdbtoolError) as caught:
        send_message(table, TABLE, "andrewbrown", "Hi Londo", to_handle="londo", now=at)
    assert "TransactionCanceled" in str(caught.value) or "ConditionalCheckFailed" in str(caught.value)
    assert all_items(table) == before


def test_send_to_someone_you_talk_to_reuses_the_conversation(table: Any) -> None:
    sent = send_message(
        table, TABLE, "bayko", "Again", to_handle="andrewbrown", now=START + timedelta(minutes=5)
    )
    assert not sent.started and sent.message_group_uuid == GROUP
    assert sent.groups == "stream"  # the table has a stream: the handler moves the groups


# --- pattern C: an existing conversation -------------------------------------------------


def test_send_to_a_group_adds_a_message(table: Any) -> None:
    at = START + timedelta(minutes=10)
    sent = send_message(table, TABLE, "bayko", "Reply", group_uuid=GROUP, now=at)
    assert sent.message["pk"] == f"MSG#{GROUP}" and sent.message["sk"] == timestamp(at)
    assert sent.message["user_handle"] == "bayko"
    assert len([i for i in all_items(table) if i["pk"] == f"MSG#{GROUP}"]) == 2
    # With a stream, send-message leaves the groups to the stream handler.
    assert all(g["message"] == "Hello" for g in groups_by_owner(table).values())


def test_a_stranger_cannot_post_to_a_conversation(table: Any) -> None:
    before = all_items(table)
    with pytest.raises(DdbtoolError, match="londo is not part of conversation"):
        send_message(table, TABLE, "londo", "Let me in", group_uuid=GROUP)
    assert all_items(table) == before


def test_unknown_conversation(table: Any) -> None:
    with pytest.raises(NotFoundError, match="no conversation"):
        send_message(table, TABLE, "bayko", "Anyone?", group_uuid="00000000-0000-4000-8000-000000000000")


@pytest.mark.parametrize(
    ("sender", "options", "text", "error", "match"),
    [
        ("ghost", {"to_handle": "bayko"}, "Boo", NotFoundError, "no user with handle 'ghost'"),
        ("andrewbrown", {"to_handle": "ghost"}, "Boo", NotFoundError, "no user with handle 'ghost'"),
        ("andrewbrown", {"to_handle": "bayko"}, "   ", UsageError, "empty"),
        ("andrewbrown", {"to_handle": "bayko"}, "x" * (MAX_MESSAGE_LENGTH + 1), UsageError, "limit"),
        ("andrewbrown", {"group_uuid": "not-a-uuid"}, "Hi", UsageError, "not a uuid"),
        ("andrewbrown", {"to_handle": "andrewbrown"}, "Hi me", UsageError, "two people"),
        ("andrewbrown", {}, "Hi", UsageError, "--to HANDLE or the conversation with --group"),
    ],
)
def test_bad_sends_write_nothing(
    table: Any, sender: str, options: dict[str, str], text: str, error: type[Exception], match: str
) -> None:
    before = all_items(table)
    with pytest.raises(error, match=match):
        send_message(table, TABLE, sender, text, **options)  # type: ignore[arg-type]
    assert all_items(table) == before


def test_without_a_stream_send_message_moves_the_groups_itself(dynamodb: Any) -> None:
    make_table(dynamodb, stream=False)
    start_conversation(dynamodb)
    at = START + timedelta(minutes=10)
    sent = send_message(dynamodb, TABLE, "bayko", "Direct", group_uuid=GROUP, now=at)
    assert sent.groups == "direct" and len(sent.moves) == 2
    assert {(g["sk"], g["message"]) for g in groups_by_owner(dynamodb).values()} == {
        (timestamp(at), "Direct")
    }


# --- pattern E: moving groups ------------------------------------------------------------


def test_a_newer_message_moves_both_groups_across_the_new_year(table: Any) -> None:
    newer = message_item(GROUP, "m-1", BAYKO, "Happy new year", START + timedelta(hours=2))
    moves = move_groups_to(table, TABLE, newer)
    assert len(moves) == 2
    groups = groups_by_owner(table)
    assert {g["sk"] for g in groups.values()} == {newer["sk"]} and newer["sk"].startswith("2024-01-01")
    assert {g["message"] for g in groups.values()} == {"Happy new year"}
    # The move replaced the old keys: two group items in all, still naming the other person.
    assert len([i for i in all_items(table) if i["pk"].startswith("GRP#")]) == 2
    assert groups[f"GRP#{ANDREW.uuid}"]["user_handle"] == "bayko"


def test_an_older_or_replayed_message_never_moves_groups_backwards(table: Any) -> None:
    newer = message_item(GROUP, "m-2", BAYKO, "Newest", START + timedelta(hours=2))
    older = message_item(GROUP, "m-1", ANDREW, "Older", START + timedelta(hours=1))
    assert len(move_groups_to(table, TABLE, newer)) == 2
    assert move_groups_to(table, TABLE, older) == []
    assert move_groups_to(table, TABLE, newer) == []  # a replay
    assert {g["message"] for g in groups_by_owner(table).values()} == {"Newest"}


def test_every_record_of_a_batch_is_handled(table: Any) -> None:
    other = "0f0f0f0f-0000-4000-8000-000000000000"
    put(
        table,
        group_item(ANDREW, LONDO, other, "Hi", START - timedelta(days=1)),
        group_item(LONDO, ANDREW, other, "Hi", START - timedelta(days=1)),
    )
    batch = [
        insert_record(message_item(GROUP, "a", ANDREW, "first", START + timedelta(minutes=1))),
        insert_record(message_item(other, "b", LONDO, "to andrew", START + timedelta(minutes=2))),
        insert_record(message_item(GROUP, "c", BAYKO, "latest", START + timedelta(minutes=3))),
        insert_record(message_item(GROUP, "d", ANDREW, "late arrival", START + timedelta(minutes=2))),
        {**insert_record({"pk": "x", "sk": "y"}), "eventName": "REMOVE"},
        insert_record(user_item(User("u", "someone", "Some One"))),
    ]
    result = handler({"Records": batch}, None, client=table)
    assert result == {"records": 6, "groups_moved": 4}
    assert {g["message"] for g in groups_by_owner(table).values()} == {"latest"}
    assert {g["message"] for g in groups_by_owner(table, other).values()} == {"to andrew"}
    assert handler({"Records": batch}, None, client=table)["groups_moved"] == 0  # replayed batch


def test_newest_messages_keeps_the_newest_per_conversation() -> None:
    records = [
        insert_record(message_item(GROUP, "a", ANDREW, "one", START + timedelta(minutes=2))),
        insert_record(message_item(GROUP, "b", ANDREW, "two", START + timedelta(minutes=1))),
    ]
    assert [m["message"] for m in newest_messages(records)] == ["one"]


def test_table_of_a_record() -> None:
    assert table_of(insert_record({"pk": "x"})) == TABLE
    with pytest.raises(ValueError, match="TABLE_NAME"):
        table_of({"eventName": "INSERT"})


# --- the stream ---------------------------------------------------------------------------


def test_draining_the_stream_reads_every_record(table: Any, streams: Any) -> None:
    for minute in range(1, 2500, 1):  # several GetRecords pages of 1000
        put(
            table,
            message_item(GROUP, f"m{minute}", BAYKO, f"message {minute}", START + timedelta(minutes=minute)),
        )
    arn = require(table, TABLE).stream_arn
    assert arn is not None
    batches = list(read_stream(streams, arn))
    records = [r for batch in batches for r in batch]
    assert len(batches) >= 3
    # user items, the first conversation's three items, and 2499 messages
    assert len(records) == 3 + 3 + 2499
    moves = apply_records(table, TABLE, records)
    assert len(moves) == 2
    assert {g["message"] for g in groups_by_owner(table).values()} == {"message 2499"}


def test_following_the_stream_stops_when_told(table: Any, streams: Any) -> None:
    arn = require(table, TABLE).stream_arn
    assert arn is not None
    seen: list[int] = []
    naps: list[float] = []

    def nap(seconds: float) -> None:
        naps.append(seconds)
        if len(naps) == 2:  # a new message arrives while we tail
            put(table, message_item(GROUP, "late", BAYKO, "late", START + timedelta(hours=5)))

    for batch in read_stream(streams, arn, follow=True, should_stop=lambda: len(seen) == 2, sleep=nap):
        seen.append(len(batch))
    assert seen[0] == 6 and seen[1] == 1 and naps


def test_no_stream_on_the_table(dynamodb: Any) -> None:
    make_table(dynamodb, stream=False)
    assert require(dynamodb, TABLE).stream_arn is None


def test_a_move_that_loses_a_race_reads_again_and_still_moves_forward(table: Any) -> None:
    middle = message_item(GROUP, "m-mid", ANDREW, "Middle", START + timedelta(minutes=30))
    newest = message_item(GROUP, "m-new", BAYKO, "Newest", START + timedelta(hours=1))
    queries: list[bool] = []
    raced: list[bool] = []

    def count_query(**_: Any) -> None:
        queries.append(True)

    def move_first(params: dict[str, Any], **_: Any) -> None:
        """Another writer moves andrew's group to `middle` just before our first transaction."""
        if raced:
            return
        raced.append(True)
        old = groups_by_owner(table)[f"GRP#{ANDREW.uuid}"]
        table.delete_item(TableName=TABLE, Key=to_dynamo({"pk": old["pk"], "sk": old["sk"]}))
        put(table, {**old, "sk": middle["sk"], "message": middle["message"]})

    table.meta.events.register("before-call.dynamodb.Query", count_query)
    table.meta.events.register("before-call.dynamodb.TransactWriteItems", move_first)
    moves = move_groups_to(table, TABLE, newest)
    # One read of the conversation's groups, one in the hook, and one re-read for the
    # move that lost the race: no owner reads again before its first attempt.
    assert len(queries) == 3
    assert {g["message"] for g in groups_by_owner(table).values()} == {"Newest"}
    andrew = next(m for m in moves if m.owner_pk == f"GRP#{ANDREW.uuid}")
    assert andrew.from_sk == middle["sk"]  # re-read after the cancelled transaction
