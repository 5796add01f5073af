"""send-message and stream-sync in-process: exit codes, stdout and stderr."""

from __future__ import annotations

import json
from typing import Any

import pytest

from ..cruddur.test_messaging import GROUP, make_table, start_conversation


@pytest.fixture
def table(dynamodb: Any) -> Any:
    make_table(dynamodb)
    start_conversation(dynamodb)
    return dynamodb


def test_send_then_sync_moves_both_groups(cli: Any, table: Any) -> None:
    sent = cli("send-message", "--from", "bayko", "--group", GROUP, "See you soon", "-o", "json")
    assert sent.exit_code == 0, sent.stderr
    body = json.loads(sent.stdout)
    assert body["groups"] == "stream" and body["started"] is False
    assert body["message"]["message"] == "See you soon" and body["message"]["user_handle"] == "bayko"
    assert "sending a message in cruddur-messages →" in sent.stderr
    assert "stream-sync --once" in sent.stderr

    # In-process moto routes by host name, so Streams calls need AWS's own endpoints here;
    # the end-to-end test covers one endpoint URL serving both.
    aws = ["--prod", "--region", "us-east-1"]
    synced = cli("stream-sync", "--once", "-o", "json", *aws, target=False)
    assert synced.exit_code == 0, synced.stderr
    report = json.loads(synced.stdout)
    assert report["groups_moved"] == 2
    assert {m["message"] for m in report["moves"]} == {"See you soon"}

    again = json.loads(cli("stream-sync", "-o", "json", *aws, target=False).stdout)
    assert again["groups_moved"] == 0 and again["records"] == report["records"]


def test_send_to_a_new_person_prints_the_message(cli: Any, table: Any) -> None:
    result = cli("send-message", "--from", "andrewbrown", "--to", "londo", "Greetings")
    assert result.exit_code == 0, result.stderr
    assert "Greetings" in result.stdout and "Andrew Brown (@andrewbrown)" in result.stdout
    assert "started a new conversation" in result.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["--from", "andrewbrown", "Hi"],
        ["--from", "andrewbrown", "--to", "londo", "--group", GROUP, "Hi"],
        ["--from", "andrewbrown", "--to", "londo", "  "],
        ["--from", "andrewbrown", "--group", "nope", "Hi"],
    ],
)
def test_usage_errors_are_exit_2(cli: Any, table: Any, args: list[str]) -> None:
    result = cli("send-message", *args)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith("error: ") and len(result.stderr.strip().splitlines()) == 1


def test_unknown_sender_is_exit_1(cli: Any, table: Any) -> None:
    result = cli("send-message", "--from", "ghost", "--to", "londo", "Boo")
    assert result.exit_code == 1
    assert "no user with handle 'ghost'" in result.stderr


def test_stream_sync_without_a_stream_is_exit_2(cli: Any, dynamodb: Any) -> None:
    make_table(dynamodb, stream=False)
    result = cli("stream-sync")
    assert result.exit_code == 2
    assert "has no stream" in result.stderr
