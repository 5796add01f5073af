"""list-conversations and get-conversation in-process: exit codes, stdout and stderr apart."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest

from ddbtool.apps.cruddur.model import group_item, message_item

from ..messaging import (
    ANDREW,
    BAYKO,
    EVE_GROUP,
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


@pytest.fixture
def seeded(dynamodb: Any) -> Any:
    seed(dynamodb)
    return dynamodb


@pytest.fixture
def india(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Local time UTC+05:30, so that "local" cannot pass for UTC."""
    with monkeypatch.context() as patch:
        patch.setenv("TZ", "Asia/Kolkata")
        time.tzset()
        yield
    time.tzset()


def test_list_by_handle_and_by_uuid_agree(cli: Any, seeded: Any) -> None:
    by_handle = cli("list-conversations", "andrewbrown", "-o", "json")
    by_uuid = cli("list-conversations", ANDREW.uuid, "-o", "json")
    assert by_handle.exit_code == 0, by_handle.stderr
    assert by_uuid.exit_code == 0, by_uuid.stderr
    found = json.loads(by_handle.stdout)
    assert found == json.loads(by_uuid.stdout)
    assert [c["message_group_uuid"] for c in found] == [NEW_YEAR_GROUP, EVE_GROUP]
    assert set(found[0]) == {
        "message_group_uuid",
        "user_uuid",
        "user_handle",
        "user_display_name",
        "message",
        "last_message_at",
    }
    assert found[0]["last_message_at"] == "2023-01-01T00:14:00.000000+00:00"


def test_list_jsonl_limit_and_range(cli: Any, seeded: Any) -> None:
    newest = cli("list-conversations", "andrewbrown", "--limit", "1", "-o", "jsonl")
    assert newest.exit_code == 0
    [line] = newest.stdout.splitlines()
    assert json.loads(line)["message_group_uuid"] == NEW_YEAR_GROUP
    old_year = cli("list-conversations", "andrewbrown", "--until", "2022-12-31T23:59:59Z", "-o", "jsonl")
    assert [json.loads(row)["message_group_uuid"] for row in old_year.stdout.splitlines()] == [EVE_GROUP]


def test_list_table_view(cli: Any, seeded: Any, india: None) -> None:
    long = "word " * 40
    write(seeded, conversation(ANDREW, BAYKO, NEW_YEAR_GROUP, [long], NEW_YEAR_START, timedelta(hours=1)))
    result = cli("list-conversations", "andrewbrown")
    assert result.exit_code == 0
    assert result.stderr == ""
    out = result.stdout
    assert "Andrew Bayko (@bayko)" in out and "Londo Mollari (@londo)" in out
    assert NEW_YEAR_GROUP in out and EVE_GROUP in out
    # 2022-12-31T20:00Z and 23:50Z in UTC+05:30.
    assert "2023-01-01 01:30 IST" in out and "2023-01-01 05:20 IST" in out
    assert "word word" in out and " …" in out and long.strip() not in out


def test_list_shows_a_sort_key_that_is_no_time_as_stored(cli: Any, seeded: Any) -> None:
    item = group_item(ANDREW, BAYKO, NO_MESSAGES_GROUP, "hand-written", NEW_YEAR_START)
    write(seeded, [{**item, "sk": "2023-13-99 by hand"}])
    result = cli("list-conversations", "andrewbrown")
    assert result.exit_code == 0, result.stderr
    assert "2023-13-99 by hand" in result.stdout


def test_list_for_an_unknown_handle_is_exit_1(cli: Any, seeded: Any) -> None:
    result = cli("list-conversations", "nobody")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith("error: no user with handle 'nobody' in table 'cruddur-messages'")


def test_list_for_a_user_without_conversations(cli: Any, seeded: Any) -> None:
    stranger = "00000000-0000-4000-8000-00000000abcd"
    result = cli("list-conversations", stranger)
    assert result.exit_code == 0
    assert result.stderr.strip() == f"{stranger} has no conversations"
    as_json = cli("list-conversations", stranger, "-o", "json")
    assert (as_json.exit_code, json.loads(as_json.stdout)) == (0, [])


def test_bad_since_is_exit_2_naming_the_option(cli: Any, seeded: Any) -> None:
    result = cli("list-conversations", "andrewbrown", "--since", "last week")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "error: --since 'last week' is not an ISO-8601 time" in result.stderr


def test_get_newest_twenty_oldest_first(cli: Any, seeded: Any) -> None:
    result = cli("get-conversation", NEW_YEAR_GROUP, "-o", "json")
    assert result.exit_code == 0, result.stderr
    messages = json.loads(result.stdout)
    assert [m["message"] for m in messages] == [message_text(n) for n in range(5, 25)]
    assert set(messages[0]) == {
        "message_uuid",
        "message_group_uuid",
        "user_uuid",
        "user_handle",
        "user_display_name",
        "message",
        "created_at",
    }
    # The newest messages cross into the new year; oldest first.
    assert messages[0]["created_at"].startswith("2022-12-31T23:55")
    assert messages[-1]["created_at"].startswith("2023-01-01T00:14")


def test_get_limit_since_until_jsonl(cli: Any, seeded: Any) -> None:
    result = cli(
        "get-conversation",
        NEW_YEAR_GROUP,
        "--since",
        "2022-12-31T23:58:00Z",
        "--until",
        "2023-01-01T00:01:00Z",
        "-n",
        "2",
        "-o",
        "jsonl",
    )
    assert result.exit_code == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["created_at"][:16] for r in rows] == ["2023-01-01T00:00", "2023-01-01T00:01"]


def test_get_all_over_several_pages_with_capacity(cli: Any, seeded: Any) -> None:
    group = "11111111-1111-4111-8111-111111111111"
    texts = [big_text(n) for n in range(MANY)]
    write(seeded, conversation(ANDREW, BAYKO, group, texts, NEW_YEAR_START, timedelta(seconds=1)))
    result = cli("get-conversation", group, "--all", "--show-capacity", "-o", "jsonl")
    assert result.exit_code == 0, result.stderr
    assert [json.loads(line)["message"] for line in result.stdout.splitlines()] == texts
    [report] = result.stderr.splitlines()
    assert report.startswith("consumed capacity: ")
    assert report.endswith("read units over 2 page(s)")


def test_get_table_view_wraps_the_whole_message(cli: Any, seeded: Any, india: None) -> None:
    # Longer than a piped table's 240 columns: it must wrap, not be cut.
    words = [f"w{n:03d}" for n in range(80)]
    at = NEW_YEAR_START + timedelta(hours=1)
    write(seeded, [message_item(NEW_YEAR_GROUP, "m-long", ANDREW, " ".join(words), at)])
    result = cli("get-conversation", NEW_YEAR_GROUP, "-n", "3")
    assert result.exit_code == 0
    out = result.stdout
    assert "@bayko" in out and "@andrewbrown" in out
    assert "2023-01-01 05:43 IST" in out and "2023-01-01 06:20 IST" in out
    assert all(word in out for word in words)
    assert "…" not in out
    assert len(out.splitlines()) > 3 + 3 + 1  # header, rule, border: the long message took two lines


def test_get_with_a_malformed_uuid_is_exit_2(cli: Any, seeded: Any) -> None:
    result = cli("get-conversation", "not-a-uuid")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith("error: MESSAGE_GROUP_UUID 'not-a-uuid' is not a uuid")


def test_get_without_messages_is_exit_1(cli: Any, seeded: Any) -> None:
    result = cli("get-conversation", NO_MESSAGES_GROUP)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith(f"error: conversation {NO_MESSAGES_GROUP} has no messages")


def test_get_all_with_limit_is_exit_2(cli: Any, seeded: Any) -> None:
    result = cli("get-conversation", NEW_YEAR_GROUP, "--all", "--limit", "5")
    assert result.exit_code == 2
    assert "--all and --limit exclude each other" in result.stderr
