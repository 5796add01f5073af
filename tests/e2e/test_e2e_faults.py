"""Nothing lost, nothing doubled: the installed `ddbtool` through a fault-injecting proxy.

Every fault is injected over real HTTP between ddbtool and the endpoint (see
tests/faults.py); the table is then read directly from the endpoint.
"""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ddbtool.apps.cruddur.seeding import MESSAGING_KEY
from ddbtool.items.seedfile import load_seeds
from ddbtool.values import from_dynamo, to_dynamo

from ..faults import Fault, FaultProxy
from ..support import ROOT
from ..support import aws_client as client

pytestmark = pytest.mark.e2e

NEW_YEAR = "5ae290ed-55d1-47a0-bc6d-fe2bc2700399"
MESSAGES = 480  # with 3 users and 2 group items: 485 items, 20 batches


@pytest.fixture
def proxy(endpoint: str) -> Iterator[FaultProxy]:
    with FaultProxy(endpoint, seed=10).running() as running:
        yield running


@pytest.fixture
def table(ddbtool: Any, endpoint: str) -> str:
    created = ddbtool("schema-load", "--endpoint-url", endpoint)
    assert created.returncode == 0, created.stderr
    return "cruddur-messages"


def stored(endpoint: str) -> list[dict[str, Any]]:
    pages = client("dynamodb", endpoint).get_paginator("scan").paginate(TableName="cruddur-messages")
    return sorted((from_dynamo(i) for p in pages for i in p["Items"]), key=lambda i: (i["pk"], i["sk"]))


def seed_file(folder: Path, messages: int = MESSAGES) -> Path:
    lines = "".join(f"      Person {n % 2 + 1}: message {n:04d}\n" for n in range(messages))
    path = folder / "many.yaml"
    path.write_text(
        "table: cruddur-messages\n"
        "users:\n"
        "  - {uuid: 0b9e4f5a-7d61-4c1b-9a0e-5e2a1c9d3f01, handle: ann, display_name: Ann}\n"
        "  - {uuid: 0b9e4f5a-7d61-4c1b-9a0e-5e2a1c9d3f02, handle: bob, display_name: Bob}\n"
        "  - {uuid: 0b9e4f5a-7d61-4c1b-9a0e-5e2a1c9d3f03, handle: cy, display_name: Cy}\n"
        "conversations:\n"
        "  - uuid: 7c1d0e2f-3a4b-4c5d-8e6f-7a8b9c0d1e2f\n"
        "    participants: [ann, bob]\n"
        "    starts_at: 2024-01-01T00:00:00Z\n"
        "    every: 1m\n"
        f"    transcript: |\n{lines}"
    )
    return path


def planned(path: Path) -> list[dict[str, Any]]:
    plan = load_seeds([path], lambda table: MESSAGING_KEY)
    return sorted((s.item for s in plan.items), key=lambda i: (i["pk"], i["sk"]))


def conversation(ddbtool: Any, target: list[str], handle: str) -> list[dict[str, Any]]:
    listed = ddbtool("list-conversations", handle, "-o", "json", *target)
    assert listed.returncode == 0, listed.stderr
    return list(json.loads(listed.stdout))


def messages(endpoint: str, group: str) -> list[dict[str, Any]]:
    return [i for i in stored(endpoint) if i["pk"] == f"MSG#{group}"]


def groups(endpoint: str, group: str) -> list[dict[str, Any]]:
    return [i for i in stored(endpoint) if i.get("message_group_uuid") == group]


# --- seed: every item exactly once, whatever goes wrong, and re-runs converge ----------


@pytest.mark.parametrize(
    ("fault", "counts", "concurrency"),
    [
        # One batch at a time, so that four faults in a row meet one batch: every one of
        # botocore's own attempts for a local endpoint (max_attempts 3 counts retries, so
        # four), which leaves it to ddbtool's retry.
        ("throttle", {"skip": 2, "times": 3}, "1"),
        ("error500", {"skip": 3, "times": 4}, "1"),
        ("reset", {"skip": 3, "times": 4}, "1"),
        ("lost_ack", {"every": 2}, "1"),
        ("partial", {}, "1"),
        ("error500", {"rate": 0.3}, "4"),
        ("lost_ack", {"rate": 0.3}, "4"),
    ],
)
def test_seed_writes_every_item_exactly_once_under_faults(
    ddbtool: Any,
    endpoint: str,
    table: str,
    proxy: FaultProxy,
    tmp_path: Path,
    fault: Fault,
    counts: Any,
    concurrency: str,
) -> None:
    path = seed_file(tmp_path)
    rule = proxy.add(fault, "BatchWriteItem", **counts)
    for run in range(2):
        seeded = ddbtool("seed", str(path), "--concurrency", concurrency, "--endpoint-url", proxy.url)
        assert seeded.returncode == 0, seeded.stderr
        assert stored(endpoint) == planned(path), f"run {run + 1} left a different table"
    assert rule.fired >= 2, "the faults really happened"


def test_seed_converges_with_faults_on_every_kind_of_write(
    ddbtool: Any, endpoint: str, table: str, proxy: FaultProxy
) -> None:
    rules = [
        proxy.add(fault, operation, every=every)
        for operation in ("BatchWriteItem", "UpdateItem", "Query", "TransactWriteItems", "PutItem")
        for fault, every in (("lost_ack", 3), ("error500", 4), ("reset", 5))
    ]
    for _ in range(2):
        seeded = ddbtool("seed", "--endpoint-url", proxy.url)
        assert seeded.returncode == 0, seeded.stderr
        assert len(stored(endpoint)) == 130
    assert sum(rule.fired for rule in rules) >= 10
    proxy.clear()
    clean = stored(endpoint)
    assert ddbtool("seed", "--endpoint-url", endpoint).returncode == 0
    assert stored(endpoint) == clean


def test_reseed_after_a_message_keeps_one_group_per_participant_and_the_cognito_id(
    ddbtool: Any, endpoint: str, table: str
) -> None:
    target = ["--endpoint-url", endpoint]
    assert ddbtool("seed", *target).returncode == 0
    dynamodb = client("dynamodb", endpoint)
    dynamodb.update_item(
        TableName=table,
        Key={"pk": {"S": "USER#andrewbrown"}, "sk": {"S": "USER"}},
        UpdateExpression="SET cognito_user_id = :sub",
        ExpressionAttributeValues={":sub": {"S": "sub-of-andrew"}},
    )
    sent = ddbtool("send-message", "--from", "bayko", "--group", NEW_YEAR, "x", *target)
    assert sent.returncode == 0, sent.stderr
    assert ddbtool("stream-sync", "--once", *target).returncode == 0

    again = ddbtool("seed", *target)
    assert again.returncode == 0, again.stderr
    assert "2 group items were already at a newer message than the seed's and kept it" in again.stderr
    listed = [c for c in conversation(ddbtool, target, "andrewbrown") if c["message_group_uuid"] == NEW_YEAR]
    assert [c["message"] for c in listed] == ["x"]
    assert sorted(g["pk"] for g in groups(endpoint, NEW_YEAR)) == sorted(
        ["GRP#cb3ad761-ce99-4a8e-9880-1b908c735e8c", "GRP#3efa2ae0-c1e3-40bc-82ff-aa606de97e0c"]
    )
    user = dynamodb.get_item(TableName=table, Key={"pk": {"S": "USER#andrewbrown"}, "sk": {"S": "USER"}})
    assert user["Item"]["cognito_user_id"] == {"S": "sub-of-andrew"}
    after = stored(endpoint)
    assert ddbtool("seed", *target).returncode == 0
    assert stored(endpoint) == after


# --- send-message and stream-sync: never half-written, never doubled --------------------


@pytest.fixture
def seeded(ddbtool: Any, endpoint: str, table: str) -> None:
    assert ddbtool("seed", "--endpoint-url", endpoint).returncode == 0


@pytest.mark.usefixtures("seeded")
def test_a_lost_answer_to_a_message_is_neither_a_failure_nor_a_duplicate(
    ddbtool: Any, endpoint: str, proxy: FaultProxy
) -> None:
    before = len(messages(endpoint, NEW_YEAR))
    rule = proxy.add("lost_ack", "PutItem", times=1)
    sent = ddbtool(
        "send-message", "--from", "bayko", "--group", NEW_YEAR, "once only", "--endpoint-url", proxy.url
    )
    assert sent.returncode == 0, sent.stderr
    assert rule.fired == 1
    texts = [m["message"] for m in messages(endpoint, NEW_YEAR)]
    assert len(texts) == before + 1 and texts.count("once only") == 1


@pytest.mark.usefixtures("seeded")
def test_a_lost_answer_to_a_new_conversation_is_one_conversation(
    ddbtool: Any, endpoint: str, proxy: FaultProxy
) -> None:
    newcomer = {"pk": "USER#garibaldi", "sk": "USER", "user_uuid": "9d2e1f30-4b5c-4d6e-8f70-8192a3b4c5d6"}
    newcomer |= {"user_handle": "garibaldi", "user_display_name": "Michael Garibaldi"}
    client("dynamodb", endpoint).put_item(TableName="cruddur-messages", Item=to_dynamo(newcomer))
    rule = proxy.add("lost_ack", "TransactWriteItems", times=1)
    target = ["--endpoint-url", proxy.url]
    sent = ddbtool(
        "send-message", "--from", "bayko", "--to", "garibaldi", "First contact", "-o", "json", *target
    )
    assert sent.returncode == 0, sent.stderr
    assert rule.fired == 1
    group = json.loads(sent.stdout)["message_group_uuid"]
    assert [m["message"] for m in messages(endpoint, group)] == ["First contact"]
    assert len(groups(endpoint, group)) == 2


@pytest.mark.usefixtures("seeded")
def test_no_answer_at_all_says_the_message_may_be_stored(
    ddbtool: Any, endpoint: str, proxy: FaultProxy
) -> None:
    before = len(messages(endpoint, NEW_YEAR))
    proxy.add("lost_ack", "PutItem")
    sent = ddbtool(
        "send-message", "--from", "bayko", "--group", NEW_YEAR, "lost", "--endpoint-url", proxy.url
    )
    assert sent.returncode == 1
    assert sent.stderr.splitlines()[-1] == (
        "error: no answer to the write (ConnectionClosedError), so the message may or may not be stored: "
        f"check with `ddbtool get-conversation {NEW_YEAR} --limit 5` before sending it again"
    )
    assert len(messages(endpoint, NEW_YEAR)) == before + 1  # the first attempt landed, once


@pytest.mark.usefixtures("seeded")
def test_stream_sync_under_faults_moves_each_group_once(
    ddbtool: Any, endpoint: str, proxy: FaultProxy
) -> None:
    target = ["--endpoint-url", proxy.url]
    sent = ddbtool("send-message", "--from", "bayko", "--group", NEW_YEAR, "after the faults", *target)
    assert sent.returncode == 0, sent.stderr
    moved = proxy.add("lost_ack", "TransactWriteItems", times=2)
    read = proxy.add("error500", "GetRecords", times=2)
    queried = proxy.add("reset", "Query", times=1)
    for _ in range(2):
        synced = ddbtool("stream-sync", "--once", *target)
        assert synced.returncode == 0, synced.stderr
    assert (moved.fired, read.fired, queried.fired) == (2, 2, 1)
    found = groups(endpoint, NEW_YEAR)
    assert len(found) == 2 and {g["message"] for g in found} == {"after the faults"}


# --- interruptions and partial output say so ---------------------------------------------


def test_ctrl_c_during_seed_says_how_far_it_got_and_a_rerun_completes_it(
    ddbtool: Any, endpoint: str, table: str, proxy: FaultProxy, tmp_path: Path
) -> None:
    path = seed_file(tmp_path)
    proxy.add("hold", "BatchWriteItem", skip=2)
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "ddbtool"), "seed", str(path), "--endpoint-url", proxy.url],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
    )
    assert proxy.held.wait(60), "the seed reached the held batches"
    process.send_signal(signal.SIGINT)
    proxy.release()
    _, err = process.communicate(timeout=60)
    assert process.returncode == 130, err
    written = len(stored(endpoint))
    assert 0 < written < len(planned(path))
    said = re.fullmatch(
        rf"error: interrupted: (\d+) of {len(planned(path))} items written; "
        r"run the same command again to complete it \(seeding is idempotent\)",
        err.splitlines()[-1],
    )
    assert said, err
    # It counts the batches DynamoDB answered; one whose answer was cut short may
    # still have landed, so the table can hold more, never fewer.
    assert 0 < int(said[1]) <= written
    proxy.clear()
    assert ddbtool("seed", str(path), "--endpoint-url", proxy.url).returncode == 0
    assert stored(endpoint) == planned(path)


@pytest.mark.usefixtures("seeded")
def test_a_scan_that_fails_part_way_says_its_output_is_incomplete(
    ddbtool: Any, endpoint: str, proxy: FaultProxy
) -> None:
    proxy.add("error500", "Scan", skip=1)
    scanned = ddbtool("scan", "-o", "jsonl", "--page-size", "10", "--endpoint-url", proxy.url)
    assert scanned.returncode == 1
    assert len(scanned.stdout.splitlines()) == 10
    assert scanned.stderr.splitlines()[-1] == (
        "error: the output is incomplete: the scan stopped after 10 items; "
        "run it again for all of cruddur-messages"
    )
