"""The local loop end to end: send-message, stream-sync --once, list-conversations, over HTTP."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from typing import Any

import pytest

from ddbtool.apps.cruddur.model import user_item

from ..messaging import EVE_GROUP, NEW_YEAR_GROUP, USERS, conversation_items, write
from ..support import aws_client as client

pytestmark = pytest.mark.e2e


@pytest.fixture
def target(ddbtool: Any, endpoint: str) -> list[str]:
    created = ddbtool("schema-load", "--endpoint-url", endpoint)
    assert created.returncode == 0, created.stderr
    write(client("dynamodb", endpoint), [user_item(u) for u in USERS] + conversation_items())
    return ["--endpoint-url", endpoint]


def conversations(ddbtool: Any, handle: str, target: list[str]) -> list[dict[str, Any]]:
    listed = ddbtool("list-conversations", handle, "-o", "json", *target)
    assert listed.returncode == 0, listed.stderr
    return list(json.loads(listed.stdout))


def test_send_sync_list_get(ddbtool: Any, target: list[str]) -> None:
    assert [c["message_group_uuid"] for c in conversations(ddbtool, "andrewbrown", target)] == [
        NEW_YEAR_GROUP,
        EVE_GROUP,
    ]
    sent = ddbtool(
        "send-message", "--from", "londo", "--to", "andrewbrown", "The council meets at dawn", *target
    )
    assert sent.returncode == 0, sent.stderr
    assert "The council meets at dawn" in sent.stdout
    assert "stream-sync --once" in sent.stderr  # the table has a stream: the groups wait for it

    synced = ddbtool("stream-sync", "--once", "-o", "json", *target)
    assert synced.returncode == 0, synced.stderr
    assert json.loads(synced.stdout)["groups_moved"] == 2

    for handle, other in (("andrewbrown", "londo"), ("londo", "andrewbrown")):
        newest = conversations(ddbtool, handle, target)[0]
        assert newest["message_group_uuid"] == EVE_GROUP
        assert newest["message"] == "The council meets at dawn"
        assert newest["user_handle"] == other

    shown = ddbtool("get-conversation", EVE_GROUP, "-o", "json", *target)
    assert [m["message"] for m in json.loads(shown.stdout)][-1] == "The council meets at dawn"

    again = ddbtool("stream-sync", "--once", "-o", "json", *target)
    assert json.loads(again.stdout)["groups_moved"] == 0


def test_starting_a_conversation_shows_in_both_inboxes(ddbtool: Any, target: list[str]) -> None:
    sent = ddbtool("send-message", "--from", "bayko", "--to", "londo", "First contact", "-o", "json", *target)
    assert sent.returncode == 0, sent.stderr
    group = json.loads(sent.stdout)["message_group_uuid"]
    assert json.loads(sent.stdout)["started"] is True
    for handle in ("bayko", "londo"):
        newest = conversations(ddbtool, handle, target)[0]
        assert (newest["message_group_uuid"], newest["message"]) == (group, "First contact")


@pytest.mark.parametrize("endpoint", ["dynamodb-local"], indirect=True)  # moto caps items at 405,000 bytes
@pytest.mark.parametrize("recipient", [["--to", "londo"], ["--group", NEW_YEAR_GROUP]])
def test_a_message_dynamodb_would_refuse_is_refused_before_anything_is_sent(
    ddbtool: Any, target: list[str], endpoint: str, recipient: list[str]
) -> None:
    # The sender's stored name fits in their user item (409,600 bytes at most), not beside a long message.
    andrew = next(u for u in USERS if u.handle == "andrewbrown")
    write(client("dynamodb", endpoint), [user_item(replace(andrew, display_name="x" * 408_861))])
    before = ddbtool("scan", "-o", "jsonl", *target).stdout
    sent = ddbtool("send-message", "--from", "andrewbrown", *recipient, "y" * 1024, *target)
    assert sent.returncode == 2 and sent.stdout == ""
    assert [line for line in sent.stderr.splitlines() if line.startswith("error:")] == [
        sent.stderr.splitlines()[-1]
    ]
    assert re.fullmatch(
        r"error: item pk='(MSG|GRP)#[-0-9a-f]+', sk='[-0-9T:.+]+': the item is 410,\d{3} bytes; "
        r"DynamoDB allows at most 409,600; nothing was written",
        sent.stderr.splitlines()[-1],
    ), sent.stderr
    assert ddbtool("scan", "-o", "jsonl", *target).stdout == before
