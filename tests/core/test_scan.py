"""Scans against moto: every page followed, caps, indexes, parallel segments, streaming output."""

from __future__ import annotations

import csv
import io
import json
import threading
from decimal import Decimal
from typing import Any

import pytest

from ddbtool import render
from ddbtool.apps.cruddur.model import (
    GROUP_INDEX,
    User,
    group_item,
    message_item,
    parse_timestamp,
    user_item,
)
from ddbtool.errors import NotFoundError, UsageError
from ddbtool.items.scan import scan
from ddbtool.tables.admin import load_table
from ddbtool.tables.definition import load_definitions
from ddbtool.values import to_dynamo

from ..messaging import TABLE
from ..support import SCHEMAS

ANN = User("11111111-1111-4111-8111-111111111111", "ann", "Ann A")
BOB = User("22222222-2222-4222-8222-222222222222", "bob", "Bob B", "sub-bob")
GROUP = "33333333-3333-4333-8333-333333333333"


@pytest.fixture
def client(dynamodb: Any) -> Any:
    [spec] = load_definitions([SCHEMAS / "cruddur-messages.yaml"])
    load_table(dynamodb, spec)
    return dynamodb


def put(client: Any, items: list[dict[str, Any]]) -> None:
    for item in items:
        client.put_item(TableName=TABLE, Item=to_dynamo(item))


def messages(count: int, text: str = "hello") -> list[dict[str, Any]]:
    return [
        message_item(GROUP, f"m{n}", ANN, text, parse_timestamp(f"2024-01-01T00:00:{n % 60:02d}Z"))
        | {"sk": f"2024-01-01T{n:06d}"}
        for n in range(count)
    ]


def count_scans(client: Any) -> list[dict[str, Any]]:
    """Every Scan response, as the paginator receives it."""
    responses: list[dict[str, Any]] = []
    client.meta.events.register(
        "after-call.dynamodb.Scan", lambda parsed, **_: responses.append(parsed), unique_id="count-scans"
    )
    return responses


def test_follows_every_page_over_one_megabyte(client: Any) -> None:
    put(client, messages(300, "x" * 4000))  # about 1.2 MB
    responses = count_scans(client)
    found = list(scan(client, TABLE).items)
    assert len(found) == 300
    assert len({item["sk"] for item in found}) == 300
    assert len(responses) >= 2, "moto ends a page at 1 MB; the scan must go on"
    assert "LastEvaluatedKey" in responses[0]
    assert "LastEvaluatedKey" not in responses[-1]


def test_follows_pages_that_end_for_any_reason(client: Any) -> None:
    put(client, messages(30))
    responses = count_scans(client)
    found = list(scan(client, TABLE, page_size=7).items)
    assert [len(r["Items"]) for r in responses] == [7, 7, 7, 7, 2]
    assert sorted(item["sk"] for item in found) == sorted(item["sk"] for item in messages(30))


def test_limit_caps_the_total_and_reads_no_more_than_needed(client: Any) -> None:
    put(client, messages(30))
    responses = count_scans(client)
    assert len(list(scan(client, TABLE, limit=10, page_size=4).items)) == 10
    assert [len(r["Items"]) for r in responses] == [4, 4, 4]
    responses.clear()
    assert len(list(scan(client, TABLE, limit=5).items)) == 5
    assert len(responses) == 1 and len(responses[0]["Items"]) == 5


def test_index_scan_sees_only_group_items(client: Any) -> None:
    at = parse_timestamp("2024-01-01T00:00:00Z")
    put(client, [*messages(3), group_item(ANN, BOB, GROUP, "hi", at), user_item(ANN)])
    found = scan(client, TABLE, index=GROUP_INDEX)
    assert found.key == ("message_group_uuid", "sk")
    assert [item["pk"] for item in found.items] == [f"GRP#{ANN.uuid}"]


def test_consistent_reads_are_asked_for(client: Any) -> None:
    put(client, messages(2))
    asked: list[Any] = []
    client.meta.events.register(
        "before-parameter-build.dynamodb.Scan", lambda params, **_: asked.append(params.get("ConsistentRead"))
    )
    list(scan(client, TABLE, consistent=True).items)
    list(scan(client, TABLE).items)
    assert asked == [True, False]


def test_impossible_requests_are_usage_errors(client: Any) -> None:
    with pytest.raises(UsageError, match="has no index 'nope' \\(its indexes: message-group-sk-index\\)"):
        scan(client, TABLE, index="nope")
    with pytest.raises(UsageError, match="--consistent does not work on a global index"):
        scan(client, TABLE, index=GROUP_INDEX, consistent=True)
    with pytest.raises(UsageError, match="--segments must be 1 or more"):
        scan(client, TABLE, segments=0)


def test_missing_table_suggests_schema_load(client: Any) -> None:
    with pytest.raises(NotFoundError, match="create it with `ddbtool schema-load`"):
        scan(client, "ghost")


def test_parallel_scan_reads_every_segment_once(client: Any) -> None:
    put(client, messages(40))
    segments: list[int] = []
    client.meta.events.register(
        "before-parameter-build.dynamodb.Scan", lambda params, **_: segments.append(params["Segment"])
    )
    found = list(scan(client, TABLE, segments=3, page_size=5).items)
    assert sorted(item["sk"] for item in found) == sorted(item["sk"] for item in messages(40))
    assert set(segments) == {0, 1, 2}


def test_parallel_scan_stopped_early_leaves_no_thread_behind(client: Any) -> None:
    put(client, messages(60))
    found = scan(client, TABLE, segments=4, page_size=2)
    first = [next(found.items) for _ in range(3)]
    found.items.close()  # type: ignore[attr-defined]
    assert len(first) == 3
    assert not [t for t in threading.enumerate() if t.name.startswith("ddbtool-scan")]
    assert len(list(scan(client, TABLE, segments=4, limit=5).items)) == 5


def test_parallel_scan_errors_reach_the_reader(client: Any) -> None:
    from botocore.exceptions import ClientError

    def refuse(params: dict[str, Any], **_: Any) -> None:
        if params["Segment"] == 1:
            params["TableName"] = "gone-meanwhile"

    client.meta.events.register("before-parameter-build.dynamodb.Scan", refuse)
    with pytest.raises(ClientError, match="ResourceNotFoundException"):
        list(scan(client, TABLE, segments=2).items)


def test_values_come_out_as_plain_json(client: Any) -> None:
    put(client, [{"pk": "T#1", "sk": "x", "n": Decimal("1.5"), "i": 3, "s": {"b", "a"}, "bin": b"\x01"}])
    out = io.StringIO()
    assert render.emit(scan(client, TABLE).items, "json", stream=out) == 1
    assert json.loads(out.getvalue()) == [
        {"pk": "T#1", "sk": "x", "n": 1.5, "i": 3, "s": ["a", "b"], "bin": "AQ=="}
    ]


@pytest.mark.parametrize("output", ["jsonl", "json"])
def test_output_streams_while_at_most_two_pages_are_read_ahead(client: Any, output: str) -> None:
    put(client, messages(60))
    out = io.StringIO()
    seen_at_each_call: list[int] = []
    client.meta.events.register(
        "before-call.dynamodb.Scan", lambda **_: seen_at_each_call.append(out.getvalue().count("MSG#"))
    )
    assert render.emit(scan(client, TABLE, page_size=10).items, output, stream=out) == 60
    # Call k is made once page k-1 is handed over, which waits for the reader to take
    # page k-3: so pages 0..k-4 are written out by then, whatever the threads' timing.
    assert len(seen_at_each_call) >= 6
    assert all(seen >= 10 * (call - 3) for call, seen in enumerate(seen_at_each_call)), seen_at_each_call


def test_empty_table_is_an_empty_json_list(client: Any) -> None:
    out = io.StringIO()
    assert render.emit(scan(client, TABLE).items, "json", stream=out) == 0
    assert json.loads(out.getvalue()) == []


def test_csv_has_every_attribute_of_every_row_even_the_last() -> None:
    rows = [{"pk": f"P#{n}", "sk": "x", "n": Decimal(n)} for n in range(1500)]
    rows.append({"pk": "P#last", "sk": "x", "late": {"deep": [Decimal("0.1")]}, "tags": {"b", "a"}})
    rows.append({"note": 'a "quoted", two\r\nline text', "sk": "y", "pk": "P#note"})
    out = io.StringIO()
    assert render.emit(iter(rows), "csv", leading=("pk", "sk"), stream=out) == 1502
    assert out.getvalue().startswith("pk,sk,late,n,note,tags\nP#0,x,,0,,\n")
    parsed = list(csv.reader(io.StringIO(out.getvalue())))
    assert len(parsed) == 1503 and all(len(row) == 6 for row in parsed)
    assert parsed[-2] == ["P#last", "x", '{"deep": [0.1]}', "", "", '["a", "b"]']
    assert parsed[-1] == ["P#note", "y", "", "", 'a "quoted", two\r\nline text', ""]
